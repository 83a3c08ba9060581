/// LinkedIn member profile URLs in one spelling, so the same person is recognised whichever way
/// a sheet or a form wrote the link. Candidates and Sales both key people by it; Candidates
/// keeps a byte-level fast path for ASCII cells that must agree with this one.
package enum LinkedInURL {
    /// `https://www.linkedin.com/in/<slug>` for any spelling of a member profile URL (no
    /// scheme, a country subdomain, a trailing slash, tracking parameters, upper case); nil when
    /// the value is not one.
    package static func normalized(_ raw: String) -> String? {
        var value = raw.trimmingWhitespace()
        if let scheme = value.firstRange(of: "://") { value = String(value[scheme.upperBound...]) }
        if let cut = value.firstIndex(where: { $0 == "?" || $0 == "#" }) { value = String(value[..<cut]) }
        let segments = value.split(separator: "/").map(String.init)
        guard let host = segments.first?.lowercased(), host == "linkedin.com" || host.hasSuffix(".linkedin.com"),
              segments.count >= 3, ["in", "pub"].contains(segments[1].lowercased())
        else { return nil }
        // Old public profiles (/pub/name/1a/2b/3c) need every segment to name one person.
        let kind = segments[1].lowercased()
        let parts = kind == "pub" ? Array(segments[2...].prefix(4)) : [segments[2]]
        let slug = parts.map { PercentEncoding.decode($0)?.lowercased() ?? $0.lowercased() }.joined(separator: "/")
        guard !slug.isEmpty, slug.count <= 100, slug.allSatisfy({ !$0.isWhitespace }) else { return nil }
        return "https://www.linkedin.com/\(kind)/" + slug
    }
}
