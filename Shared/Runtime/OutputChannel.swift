import Core
import Gateway

/// Where the one answer goes: stdout as a JSON document and a newline (cron, the job worker, the
/// dispatcher, a person), or stdout as a CGI response when nginx runs the binary directly.
enum OutputChannel: Sendable {
    case pipe
    /// `headers` go on every answer (CORS).
    case cgi(requestID: String, successStatus: Int, headers: [(name: String, value: String)])

    var requestID: String? {
        if case .cgi(let requestID, _, _) = self { return requestID }
        return nil
    }

    func success(_ document: [UInt8], requestID: String) -> [UInt8] {
        switch self {
        case .pipe: document + [10]
        case .cgi(_, let status, let headers):
            GatewayResponse.from(output: document, successStatus: status, requestID: requestID).adding(headers).cgiBytes
        }
    }

    func failure(_ error: BundleError, requestID: String) -> [UInt8] {
        switch self {
        case .pipe: Runtime.errorDocument(error) + [10]
        case .cgi(_, _, let headers):
            GatewayResponse.error(error, requestID: requestID, extraHeaders: error.code == .unauthorized ? Authenticator.challenge : [])
                .adding(headers).cgiBytes
        }
    }
}
