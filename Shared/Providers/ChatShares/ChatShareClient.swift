import Core
import HTTPTransport

/// What a share link's service answered: the HTML page (ChatGPT) or the JSON document (Claude's
/// chat snapshot, Grok's share data), not yet read.
package struct ChatShareDocument: Sendable {
    package var link: ChatShareLink
    package var body: [UInt8]
    package var contentType: String?

    package init(link: ChatShareLink, body: [UInt8], contentType: String?) {
        self.link = link
        self.body = body
        self.contentType = contentType
    }
}

/// Fetches what holds a shared conversation, through the bundle's transport (retries, timeouts,
/// TLS): ChatGPT's share page `GET {base}/share/<id>`, Claude's
/// `GET {base}/api/chat_snapshots/<id>?rendering_mode=messages&render_all_tools=true` and Grok's
/// `GET {base}/rest/app-chat/share_links_data/<id>`. Each base URL is overridable
/// (`CHATGPT_SHARE_BASE_URL`, `CLAUDE_SHARE_BASE_URL`, `GROK_SHARE_BASE_URL`) so tests replay
/// pages from a loopback server. Upstream answers map to the bundle's codes: 404/410 `not_found`,
/// 401/403 `upstream_failed` (a sign-in wall or bot protection: export instead), 429
/// `rate_limited`, 5xx `upstream_failed`.
package struct ChatShareClient: Sendable {
    /// The largest answer read (a long chat's page is a few MB).
    package static let maxResponseBytes = 20 << 20

    package static let defaultBaseURLs: [ChatShareLink.Service: String] = [
        .chatgpt: "https://chatgpt.com", .claude: "https://claude.ai", .grok: "https://grok.com",
    ]

    package static func variable(_ service: ChatShareLink.Service) -> String {
        switch service {
        case .chatgpt: "CHATGPT_SHARE_BASE_URL"
        case .claude: "CLAUDE_SHARE_BASE_URL"
        case .grok: "GROK_SHARE_BASE_URL"
        }
    }

    let transport: any Transport
    let baseURLs: [ChatShareLink.Service: String]
    let timeout: Duration

    package init(config: Config, transport: any Transport, timeout: Duration = .seconds(30)) throws {
        var bases: [ChatShareLink.Service: String] = [:]
        for service in ChatShareLink.Service.allCases {
            var base = config[Self.variable(service)]?.trimmingWhitespace() ?? ""
            if base.isEmpty { base = Self.defaultBaseURLs[service] ?? "" }
            let lower = base.lowercased()
            guard lower.hasPrefix("https://") || lower.hasPrefix("http://") else {
                throw BundleError.misconfigured(variable: Self.variable(service), "must be an http(s) URL")
            }
            while base.hasSuffix("/") { base.removeLast() }
            bases[service] = base
        }
        self.transport = transport
        self.baseURLs = bases
        self.timeout = timeout
    }

    /// The URL fetched for a link.
    package func requestURL(_ link: ChatShareLink) -> String {
        let base = baseURLs[link.service] ?? ""
        return switch link.service {
        case .chatgpt: "\(base)/\(link.pathPrefix)/\(link.id)"
        case .claude: "\(base)/api/chat_snapshots/\(link.id)?rendering_mode=messages&render_all_tools=true"
        case .grok: "\(base)/rest/app-chat/share_links_data/\(link.id)"
        }
    }

    package func fetch(_ link: ChatShareLink, deadline: Deadline) async throws -> ChatShareDocument {
        let accept = link.service == .chatgpt ? "text/html,application/xhtml+xml" : "application/json"
        let request = HTTPRequest(method: "GET", url: requestURL(link),
                                  headers: [("Accept", accept), ("User-Agent", "Mozilla/5.0 (compatible; function-bundle chat import)")],
                                  timeout: timeout)
        let response: HTTPResponse
        do {
            response = try await transport.send(request, deadline: deadline)
        } catch let error as TransportError {
            throw error.bundleError
        }
        let name = link.service.displayName
        switch response.status {
        case 200..<300:
            break
        case 404, 410:
            throw BundleError(.notFound, "this share link does not exist or is no longer shared (\(name) answered HTTP \(response.status))")
        case 401, 403:
            throw BundleError(.upstreamFailed, "\(name) refused to serve this share link (HTTP \(response.status): a sign-in wall or bot "
                              + "protection); export the chat from \(name) and import the file instead")
        case 429:
            throw BundleError(.rateLimited, "\(name) is rate limiting share-link fetches (HTTP 429); try again later")
        case 300..<400:
            throw BundleError(.upstreamFailed, "\(name) answered the share link with a redirect (HTTP \(response.status)); "
                              + "check the link, or export the chat instead")
        default:
            throw BundleError(.upstreamFailed, "\(name) answered the share link with HTTP \(response.status)")
        }
        guard response.body.count <= Self.maxResponseBytes else {
            throw BundleError(.upstreamFailed, "\(name)'s answer is larger than \(Self.maxResponseBytes >> 20) MB; export the chat instead")
        }
        return ChatShareDocument(link: link, body: response.body, contentType: response.header("content-type"))
    }
}
