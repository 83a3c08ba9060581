import Core

/// The form URLs are compared in by search: `https://www.ChatGPT.com/share/abc/?x=1#top` and
/// `chatgpt.com/share/abc` are one conversation. The scheme, a leading `www.`, the query, the
/// fragment and trailing slashes go; the host is lower-cased (the path keeps its case: share ids
/// are case-sensitive). Query strings go because share links carry only tracking parameters.
package enum ChatURL {
    /// The key of `text` when it is one URL (`http(s)://…` or `www.…`, no spaces), else nil.
    package static func key(_ text: String) -> String? {
        var rest = Substring(text.trimmingWhitespace())
        guard !rest.isEmpty, rest.count <= 2_048, !rest.contains(where: \.isWhitespace) else { return nil }
        let lower = rest.lowercased()
        if lower.hasPrefix("https://") { rest = rest.dropFirst(8) } else if lower.hasPrefix("http://") { rest = rest.dropFirst(7) } else if !lower.hasPrefix("www.") { return nil }
        if let end = rest.firstIndex(where: { $0 == "?" || $0 == "#" }) { rest = rest[..<end] }
        let hostEnd = rest.firstIndex(of: "/") ?? rest.endIndex
        var host = rest[..<hostEnd].lowercased()
        if host.hasPrefix("www.") { host.removeFirst(4) }
        guard !host.isEmpty else { return nil }
        var path = String(rest[hostEnd...])
        while path.hasSuffix("/") { path.removeLast() }
        return host + path
    }
}
