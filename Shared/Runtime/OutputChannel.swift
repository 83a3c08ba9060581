import Core
import Gateway

/// Where the one answer goes: stdout as a JSON document and a newline (cron, the job worker, the
/// dispatcher, a person), or stdout as a CGI response when nginx runs the binary directly.
enum OutputChannel: Sendable {
    case pipe
    case cgi(requestID: String, successStatus: Int)

    var requestID: String? {
        if case .cgi(let requestID, _) = self { return requestID }
        return nil
    }

    func success(_ document: [UInt8], requestID: String) -> [UInt8] {
        switch self {
        case .pipe: document + [10]
        case .cgi(_, let status): GatewayResponse.from(output: document, successStatus: status, requestID: requestID).cgiBytes
        }
    }

    func failure(_ error: BundleError, requestID: String) -> [UInt8] {
        switch self {
        case .pipe: Runtime.errorDocument(error) + [10]
        case .cgi: GatewayResponse.error(error, requestID: requestID, extraHeaders: error.code == .unauthorized ? Authenticator.challenge : []).cgiBytes
        }
    }
}
