import Core
import HTTPTransport

/// You.com's search API: `GET {base}/v1/search?query=…&count=…&freshness=…` with `X-API-Key`
/// (no `freshness` for `anyTime`); `results.web` and `results.news` (either may be missing).
/// Errors carry `{"detail": …}`.
package struct YouComSearch: SearchProvider {
    package static let defaultBaseURL = "https://ydc-index.io"
    package let name = "youcom"
    let baseURL: String
    let apiKey: String
    let transport: any Transport

    package init(baseURL: String, apiKey: String, transport: any Transport) {
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.apiKey = apiKey
        self.transport = transport
    }

    package func search(_ query: String, freshness: Freshness, count: Int, deadline: Deadline) async throws -> [SearchResult] {
        var url = "\(baseURL)/v1/search?query=\(URLEncoding.component(query))&count=\(count)"
        if freshness != .anyTime { url += "&freshness=\(freshness.rawValue)" }
        let response = try await transport.send(HTTPRequest(method: "GET", url: url, headers: [("X-API-Key", apiKey), ("Accept", "application/json")]),
                                                deadline: deadline)
        guard response.isSuccess else {
            if response.status == 401 || response.status == 403 {
                throw BundleError.credentialsRefused(variable: "YOUCOM_API_KEY", by: "You.com", status: response.status)
            }
            let detail = response.json?["detail"].map { $0.stringValue ?? $0.jsonText } ?? "HTTP \(response.status)"
            let code: ErrorCode = response.status == 401 || response.status == 403 ? .misconfigured : response.status == 429 ? .rateLimited : .upstreamFailed
            throw BundleError(code, "You.com search failed: \(String(detail.prefix(200)))")
        }
        guard let body = response.json, case .object = body else {
            throw BundleError(.upstreamFailed, "You.com search answered with something other than a JSON object")
        }
        let results = body["results"]
        var found: [SearchResult] = []
        for item in (results?["news"]?.arrayValue ?? []) + (results?["web"]?.arrayValue ?? []) {
            guard let url = item["url"]?.stringValue, !url.isEmpty else { continue }
            let snippets = item["snippets"]?.arrayValue?.compactMap(\.stringValue) ?? []
            let snippet = snippets.first ?? item["description"]?.stringValue ?? ""
            found.append(SearchResult(url: url, title: item["title"]?.stringValue ?? url, snippet: snippet,
                                      published: item["page_age"]?.stringValue.map(Self.utc)))
        }
        return found
    }

    /// `page_age` carries no zone: read it as UTC.
    static func utc(_ text: String) -> String {
        if text.hasSuffix("Z") || text.contains("+") { return text }
        return Timestamp.parse(text + "Z").map { Timestamp.format($0) } ?? text
    }
}
