import Core
import HTTPTransport

/// What an S3 error answer means for the caller. S3 sends `<Error><Code>…</Code><Message>…
/// </Message></Error>`; only those two elements are read, from the first `scanLimit` bytes,
/// each cut to `textLimit` characters: the body is the upstream's, and may be anything.
enum S3Failure {
    static let scanLimit = 16 * 1024
    static let textLimit = 200

    /// The error's `Code` (`NoSuchKey`, `SignatureDoesNotMatch`…), if the body has one.
    static func code(_ response: HTTPResponse) -> String? {
        element("Code", in: response.body)
    }

    /// Refused credentials name the variable to fix (never its value); a missing bucket names
    /// `S3_BUCKET`; everything else is `upstream_failed` with S3's own code and message.
    static func error(_ response: HTTPResponse, operation: String) -> BundleError {
        let code = self.code(response)
        switch code {
        case "InvalidAccessKeyId":
            return BundleError.misconfigured(variable: "AWS_ACCESS_KEY_ID", "was refused by S3 (InvalidAccessKeyId, HTTP \(response.status)); set a valid access key id")
        case "SignatureDoesNotMatch":
            return BundleError.misconfigured(variable: "AWS_SECRET_ACCESS_KEY", "was refused by S3 (SignatureDoesNotMatch, HTTP \(response.status)): the credentials were refused; set the secret key that belongs to AWS_ACCESS_KEY_ID")
        case "InvalidToken", "ExpiredToken", "TokenRefreshRequired":
            return BundleError.misconfigured(variable: "AWS_SESSION_TOKEN", "was refused by S3 (\(code!), HTTP \(response.status)); renew the temporary credentials")
        case "AccessDenied" where response.status == 403:
            return BundleError.credentialsRefused(variable: "AWS_ACCESS_KEY_ID", by: "S3", status: 403,
                                                  access: "grant it s3:PutObject, s3:GetObject and s3:DeleteObject on the bucket")
        case "NoSuchBucket":
            return BundleError.misconfigured(variable: "S3_BUCKET", "names a bucket that does not exist at this endpoint")
        default:
            break
        }
        if code == nil, response.status == 401 || response.status == 403 {
            return BundleError(.upstreamFailed, "S3 refused the credentials for \(operation) (HTTP \(response.status))")
        }
        var message = "S3 answered \(operation) with HTTP \(response.status)"
        if let code { message += " (\(code))" }
        if let said = element("Message", in: response.body) { message += ": \(said)" }
        if code == "RequestTimeTooSkewed" { message += "; check this machine's clock" }
        let status = response.status
        return BundleError(status == 429 || code == "SlowDown" ? .rateLimited : .upstreamFailed, message)
    }

    /// The text of the first `<name>…</name>` within the scanned prefix, entities decoded,
    /// control characters dropped, cut short; nil when absent or empty.
    static func element(_ name: String, in body: [UInt8]) -> String? {
        let bytes = Array(body.prefix(scanLimit))
        let open = Array("<\(name)>".utf8), close = Array("</\(name)>".utf8)
        guard let start = find(open, in: bytes, from: 0).map({ $0 + open.count }),
              let end = find(close, in: bytes, from: start) else { return nil }
        var text: [UInt8] = []
        var index = start
        while index < end {
            if bytes[index] == UInt8(ascii: "&") {
                let (decoded, next) = XMLEntities.decode(bytes, at: index)
                text += decoded
                index = min(next, end)
            } else {
                if bytes[index] >= 0x20 && bytes[index] != 0x7F { text.append(bytes[index]) }
                index += 1
            }
        }
        let string = String(decoding: text, as: UTF8.self).trimmingWhitespace()
        return string.isEmpty ? nil : string.prefixed(textLimit)
    }

    private static func find(_ needle: [UInt8], in bytes: [UInt8], from: Int) -> Int? {
        guard needle.count <= bytes.count else { return nil }
        var index = from
        while index + needle.count <= bytes.count {
            if bytes[index] == needle[0], Array(bytes[index..<(index + needle.count)]) == needle { return index }
            index += 1
        }
        return nil
    }
}
