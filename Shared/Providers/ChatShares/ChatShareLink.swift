import Core

/// A share link of a chat service the importer knows, read from what a person pasted: which
/// service, the share's id, and the canonical public URL (the re-import key). Anything else (other
/// hosts, malformed ids, plain http, credentials or a port in the URL) is `validation_failed` on
/// `url`, naming the forms that work, so a typo never reaches the network.
package struct ChatShareLink: Sendable, Equatable {
    package enum Service: String, Sendable, CaseIterable {
        case chatgpt, claude, grok

        /// The name people know, for messages.
        package var displayName: String {
            switch self {
            case .chatgpt: "ChatGPT"
            case .claude: "Claude"
            case .grok: "Grok"
            }
        }
    }

    package var service: Service
    package var id: String
    /// ChatGPT's `/share/e/<id>` form (kept as given: it is another page).
    package var pathPrefix: String
    package var canonicalURL: String

    package static let supportedForms =
        "https://chatgpt.com/share/<id> (or chat.openai.com), https://claude.ai/share/<id>, https://grok.com/share/<id>"

    /// Reads a pasted share URL (surrounding whitespace, a trailing slash, a query or a fragment
    /// are fine).
    package init(parsing text: String) throws {
        let trimmed = text.trimmingWhitespace()
        func refuse(_ why: String) -> BundleError {
            BundleError.validation(field: "url", "\(why); a share link looks like \(Self.supportedForms)")
        }
        guard !trimmed.isEmpty else { throw refuse("is empty") }
        guard trimmed.utf8.count <= 2_000 else { throw refuse("is longer than 2,000 characters") }
        guard trimmed.lowercased().hasPrefix("https://") else { throw refuse("must be an https:// share link") }
        var rest = Substring(trimmed.dropFirst("https://".count))
        if let end = rest.firstIndex(where: { $0 == "?" || $0 == "#" }) { rest = rest[..<end] }
        let authority = rest.prefix { $0 != "/" }
        let path = rest.dropFirst(authority.count)
        guard !authority.contains("@") else { throw refuse("must not carry a user name or password") }
        guard !authority.contains(":") else { throw refuse("must not name a port") }
        var host = authority.lowercased()
        if host.hasSuffix(".") { host.removeLast() }
        let service: Service
        switch host {
        case "chatgpt.com", "www.chatgpt.com", "chat.openai.com": service = .chatgpt
        case "claude.ai", "www.claude.ai": service = .claude
        case "grok.com", "www.grok.com": service = .grok
        default: throw refuse("is not a share link of ChatGPT, Claude or Grok")
        }
        var segments = path.split(separator: "/", omittingEmptySubsequences: false).dropFirst()
        if segments.last == "" { segments = segments.dropLast() }
        var prefix = "share"
        let id: Substring
        switch (service, segments.count) {
        case (_, 2) where segments.first == "share":
            id = segments[segments.startIndex + 1]
        case (.chatgpt, 3) where segments.first == "share" && segments[segments.startIndex + 1] == "e":
            prefix = "share/e"
            id = segments[segments.startIndex + 2]
        default:
            throw refuse("is not a \(service.displayName) share link")
        }
        switch service {
        case .chatgpt, .claude:
            guard Self.isUUID(id) else { throw refuse("does not end in a share id (a UUID)") }
            self.id = id.lowercased()
        case .grok:
            guard (8...200).contains(id.utf8.count), id.utf8.allSatisfy(Self.isIDByte) else {
                throw refuse("does not end in a Grok share id (letters, digits, - and _)")
            }
            self.id = String(id)
        }
        self.service = service
        self.pathPrefix = prefix
        let canonicalHost = switch service {
        case .chatgpt: "chatgpt.com"
        case .claude: "claude.ai"
        case .grok: "grok.com"
        }
        canonicalURL = "https://\(canonicalHost)/\(prefix)/\(self.id)"
    }

    /// 8-4-4-4-12 hexadecimal digits.
    static func isUUID(_ text: Substring) -> Bool {
        let bytes = Array(text.utf8)
        guard bytes.count == 36 else { return false }
        for (index, byte) in bytes.enumerated() {
            if [8, 13, 18, 23].contains(index) {
                if byte != UInt8(ascii: "-") { return false }
            } else if !(byte >= 48 && byte <= 57) && !(byte >= 97 && byte <= 102) && !(byte >= 65 && byte <= 70) {
                return false
            }
        }
        return true
    }

    static func isIDByte(_ byte: UInt8) -> Bool {
        (byte >= 48 && byte <= 57) || (byte >= 65 && byte <= 90) || (byte >= 97 && byte <= 122) || byte == 45 || byte == 95
    }
}
