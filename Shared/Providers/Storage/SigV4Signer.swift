import Core
import FoundationEssentials

/// AWS Signature Version 4 (`AWS4-HMAC-SHA256`) for any AWS-style service: it knows the service
/// name and region it signs for, nothing of S3. Requests are signed in their headers
/// (`authorizationHeaders`) or in their query (`presignedQuery`, for a URL handed to someone
/// else). The steps follow AWS's description: a canonical request, a string to sign over its
/// hash, a signing key derived from the secret through date, region, service and `aws4_request`.
///
/// Paths come in already encoded as they go on the wire (`canonicalPath` of raw segments);
/// query names and values come raw and are encoded here, once, the same way for the signature
/// and for the URL.
package struct SigV4Signer: Sendable {
    package struct Credentials: Sendable {
        package var accessKeyID: String
        package var secretAccessKey: String
        /// A temporary credential's token (`AWS_SESSION_TOKEN`), sent as `X-Amz-Security-Token`.
        package var sessionToken: String?

        package init(accessKeyID: String, secretAccessKey: String, sessionToken: String? = nil) {
            self.accessKeyID = accessKeyID
            self.secretAccessKey = secretAccessKey
            self.sessionToken = sessionToken
        }
    }

    package static let algorithm = "AWS4-HMAC-SHA256"
    /// The payload hash of a presigned URL: the signer never sees the body.
    package static let unsignedPayload = "UNSIGNED-PAYLOAD"
    /// The longest a presigned URL may stay valid (seven days).
    package static let maxExpiresSeconds = 604_800

    package let credentials: Credentials
    package let region: String
    package let service: String

    package init(credentials: Credentials, region: String, service: String) {
        self.credentials = credentials
        self.region = region
        self.service = service
    }

    /// The headers to add to a request so it is signed: `x-amz-date`, `x-amz-content-sha256`,
    /// `x-amz-security-token` when there is a session token, and `Authorization`. `headers` are
    /// the others to sign (at least `host`); all of them go into the signature.
    package func authorizationHeaders(method: String, path: String, query: [(String, String)] = [],
                                      headers: [(name: String, value: String)], payloadHash: String,
                                      date: Date) -> [(name: String, value: String)] {
        let amzDate = Self.amzDate(date)
        var added: [(name: String, value: String)] = [("x-amz-date", amzDate), ("x-amz-content-sha256", payloadHash)]
        if let token = credentials.sessionToken { added.append(("x-amz-security-token", token)) }
        let canonical = Self.canonicalHeaders(headers + added)
        let request = Self.canonicalRequest(method: method, path: path, query: Self.canonicalQuery(query),
                                            headers: canonical, payloadHash: payloadHash)
        let signature = self.signature(stringToSign(canonicalRequest: request, amzDate: amzDate))
        let authorization = "\(Self.algorithm) Credential=\(credentials.accessKeyID)/\(scope(amzDate)), "
            + "SignedHeaders=\(canonical.names), Signature=\(signature)"
        return added + [("Authorization", authorization)]
    }

    /// The query string (encoded, without `?`) of a presigned request signed on `host` only,
    /// valid for `expiresInSeconds` (1…604800) from `date`. `query` holds the request's own
    /// parameters (S3's `response-content-type`…), signed with the rest.
    package func presignedQuery(method: String, host: String, path: String, query: [(String, String)] = [],
                                expiresInSeconds: Int, date: Date) throws -> String {
        guard (1...Self.maxExpiresSeconds).contains(expiresInSeconds) else {
            throw BundleError.validation(field: "expires_in_seconds", "must be between 1 and \(Self.maxExpiresSeconds)")
        }
        let amzDate = Self.amzDate(date)
        var parameters = query + [
            ("X-Amz-Algorithm", Self.algorithm),
            ("X-Amz-Credential", "\(credentials.accessKeyID)/\(scope(amzDate))"),
            ("X-Amz-Date", amzDate),
            ("X-Amz-Expires", String(expiresInSeconds)),
            ("X-Amz-SignedHeaders", "host"),
        ]
        if let token = credentials.sessionToken { parameters.append(("X-Amz-Security-Token", token)) }
        let canonicalQuery = Self.canonicalQuery(parameters)
        let request = Self.canonicalRequest(method: method, path: path, query: canonicalQuery,
                                            headers: Self.canonicalHeaders([("host", host)]), payloadHash: Self.unsignedPayload)
        let signature = self.signature(stringToSign(canonicalRequest: request, amzDate: amzDate))
        return canonicalQuery + "&X-Amz-Signature=" + signature
    }

    // MARK: The steps, internal for tests against AWS's worked examples.

    /// `20130524/us-east-1/s3/aws4_request`.
    func scope(_ amzDate: String) -> String {
        "\(amzDate.prefix(8))/\(region)/\(service)/aws4_request"
    }

    func stringToSign(canonicalRequest: String, amzDate: String) -> String {
        [Self.algorithm, amzDate, scope(amzDate), SHA256.hex(SHA256.hash(canonicalRequest))].joined(separator: "\n")
    }

    func signature(_ stringToSign: String) -> String {
        let date = String(stringToSign.split(separator: "\n")[1].prefix(8))
        var key = SHA256.hmac(key: Array("AWS4\(credentials.secretAccessKey)".utf8), message: Array(date.utf8))
        for part in [region, service, "aws4_request"] { key = SHA256.hmac(key: key, message: Array(part.utf8)) }
        return SHA256.hex(SHA256.hmac(key: key, message: Array(stringToSign.utf8)))
    }

    static func canonicalRequest(method: String, path: String, query: String,
                                 headers: (lines: String, names: String), payloadHash: String) -> String {
        [method, path, query, headers.lines, "", headers.names, payloadHash].joined(separator: "\n")
    }

    /// Names lower-cased and sorted, values trimmed with inner runs of spaces folded to one.
    static func canonicalHeaders(_ headers: [(name: String, value: String)]) -> (lines: String, names: String) {
        var merged: [String: [String]] = [:]
        for header in headers {
            let value = header.value.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
            merged[header.name.lowercased(), default: []].append(value)
        }
        let names = merged.keys.sorted()
        return (names.map { "\($0):\(merged[$0]!.joined(separator: ","))" }.joined(separator: "\n"), names.joined(separator: ";"))
    }

    /// Every name and value URI-encoded (`/` too), sorted by encoded name then value.
    static func canonicalQuery(_ parameters: [(String, String)]) -> String {
        let encoded: [(name: String, value: String)] = parameters.map { (URLEncoding.component($0.0), URLEncoding.component($0.1)) }
        let sorted = encoded.sorted { left, right in left.name == right.name ? left.value < right.value : left.name < right.name }
        return sorted.map { $0.name + "=" + $0.value }.joined(separator: "&")
    }

    /// A path of raw segments as AWS wants it in the canonical request and on the wire: each
    /// segment URI-encoded, the slashes between them kept.
    package static func canonicalPath(_ segments: [String]) -> String {
        "/" + segments.map { URLEncoding.component($0) }.joined(separator: "/")
    }

    /// `20130524T000000Z`.
    package static func amzDate(_ date: Date) -> String {
        Timestamp.format(date).filter { $0 != "-" && $0 != ":" }
    }
}
