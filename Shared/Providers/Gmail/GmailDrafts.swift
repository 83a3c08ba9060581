import Core
import FoundationEssentials
import HTTPTransport

/// Gmail drafts: `POST /gmail/v1/users/me/drafts` with the RFC 2822 message base64url-encoded in
/// `message.raw`; a draft already made is replaced with `PUT …/drafts/{id}`, so re-running never
/// leaves duplicates.
package struct GmailDrafts: EmailDrafts {
    package let name = "gmail"
    package static let defaultBaseURL = "https://gmail.googleapis.com"
    let baseURL: String
    let token: String
    let transport: any Transport

    package init(baseURL: String, token: String, transport: any Transport) {
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.token = token
        self.transport = transport
    }

    /// Saves one draft (replacing `existingID` when given); returns its id.
    package func save(to recipient: String, subject: String, body: String, existingID: String?, deadline: Deadline) async throws -> String {
        let raw = Self.base64URL(Array(Self.message(to: recipient, subject: subject, body: body).utf8))
        let headers: [(name: String, value: String)] = [("Authorization", "Bearer \(token)")]
        let url = "\(baseURL)/gmail/v1/users/me/drafts" + (existingID.map { "/" + URLEncoding.component($0) } ?? "")
        let response = try await transport.send(.json(existingID == nil ? "POST" : "PUT", url: url,
                                                      body: ["message": ["raw": .string(raw)]], headers: headers), deadline: deadline)
        guard response.isSuccess, let id = response.json?["id"]?.stringValue else {
            if response.status == 401 || response.status == 403 {
                throw BundleError.credentialsRefused(variable: "GMAIL_TOKEN", by: "Gmail", status: response.status)
            }
            let message = response.json?["error"]?["message"]?.stringValue ?? "HTTP \(response.status)"
            let code: ErrorCode = response.status == 429 ? .rateLimited : [400, 401, 403].contains(response.status) ? .misconfigured : .upstreamFailed
            throw BundleError(code, "Gmail answered \(response.status) and did not save the draft: \(message.prefix(300))")
        }
        return id
    }

    /// A plain-text RFC 2822 message; a non-ASCII subject as an RFC 2047 encoded word.
    static func message(to recipient: String, subject: String, body: String) -> String {
        let cleanSubject = subject.filter { $0 != "\r" && $0 != "\n" }
        let encodedSubject = cleanSubject.unicodeScalars.allSatisfy(\.isASCII)
            ? cleanSubject : "=?UTF-8?B?" + Data(cleanSubject.utf8).base64EncodedString() + "?="
        let to = recipient.filter { $0 != "\r" && $0 != "\n" }
        let normalized = body.replacingLineEnds()
        return "To: \(to)\r\nSubject: \(encodedSubject)\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\n"
            + "Content-Transfer-Encoding: 8bit\r\n\r\n\(normalized)"
    }

    static func base64URL(_ bytes: [UInt8]) -> String {
        String(Data(bytes).base64EncodedString().map { $0 == "+" ? "-" : $0 == "/" ? "_" : $0 }.filter { $0 != "=" })
    }
}

extension String {
    /// CRLF line ends, as RFC 2822 wants.
    fileprivate func replacingLineEnds() -> String {
        split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }).joined(separator: "\r\n")
    }
}
