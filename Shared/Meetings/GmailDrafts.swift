import Core
import FoundationEssentials
import HTTPTransport
import Providers

/// Gmail drafts: `POST /gmail/v1/users/me/drafts` with the RFC 2822 message base64url-encoded in
/// `message.raw`; a draft already made is replaced with `PUT …/drafts/{id}`, so re-running never
/// leaves duplicates.
package struct GmailDrafts: Sendable {
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

/// Gmail drafts through Composio: `GMAIL_CREATE_EMAIL_DRAFT` (`recipient_email`, `subject`, `body`,
/// `is_html`). Composio has no tool that rewrites a draft, so a re-run deletes the drafts it made
/// before (`GMAIL_DELETE_DRAFT` with `draft_id`) and creates them anew: never two of each.
package struct ComposioGmailDrafts: Sendable {
    let composio: ComposioClient

    package init(composio: ComposioClient) {
        self.composio = composio
    }

    package func save(to recipient: String, subject: String, body: String, existingID: String?, deadline: Deadline) async throws -> String {
        if let existingID {
            do {
                _ = try await composio.execute("GMAIL_DELETE_DRAFT", arguments: ["draft_id": .string(existingID)], deadline: deadline)
            } catch let error as BundleError where error.code == .upstreamFailed {
                // Already sent or deleted by the rep: nothing left to replace.
            }
        }
        let data = try await composio.execute("GMAIL_CREATE_EMAIL_DRAFT", arguments: [
            "recipient_email": .string(recipient), "subject": .string(subject), "body": .string(body), "is_html": false,
        ], deadline: deadline)
        // A Gmail draft object has an id and its message, wherever the tool's result nests it.
        let draft = ComposioClient.objects(in: data, having: ["id", "message"]).first ?? ComposioClient.objects(in: data, having: ["id"]).first
        guard let id = draft?["id"]?.stringValue else {
            throw BundleError(.upstreamFailed, "Composio GMAIL_CREATE_EMAIL_DRAFT answered without the draft's id")
        }
        return id
    }
}
