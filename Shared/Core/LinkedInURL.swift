/// LinkedIn member profile URLs in one spelling, so the same person is recognised whichever way
/// a sheet or a form wrote the link. Candidates and Sales both key people by it; Candidates
/// keeps its own byte-level path for upload cells, which must agree with this one.
package enum LinkedInURL {
    /// `https://www.linkedin.com/in/<slug>` for any spelling of a member profile URL (no
    /// scheme, a country subdomain, a trailing slash, tracking parameters, upper case); nil when
    /// the value is not one. ASCII without percent escapes (nearly every value) is read byte by
    /// byte; anything else `Character` by `Character`, with the same answers.
    package static func normalized(_ raw: String) -> String? {
        var copy = raw
        let fast: String?? = copy.withUTF8 { bytes in
            var union: UInt8 = 0
            for byte in bytes { union |= byte }
            return union < 0x80 && !bytes.contains(UInt8(ascii: "%")) ? .some(normalizedASCII(Array(bytes))) : .none
        }
        return fast ?? normalizedByCharacter(raw)
    }

    /// `normalized` read `Character` by `Character`.
    package static func normalizedByCharacter(_ raw: String) -> String? {
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

    /// `normalized` for ASCII bytes without `%`: the same steps on bytes.
    static func normalizedASCII(_ raw: [UInt8]) -> String? {
        func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || (byte >= 0x09 && byte <= 0x0D) }
        func lower(_ byte: UInt8) -> UInt8 { byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte }
        var start = 0
        var end = raw.count
        while start < end, isSpace(raw[start]) { start += 1 }
        while end > start, isSpace(raw[end - 1]) { end -= 1 }
        var index = start
        while index + 2 < end {
            if raw[index] == UInt8(ascii: ":"), raw[index + 1] == UInt8(ascii: "/"), raw[index + 2] == UInt8(ascii: "/") { start = index + 3; break }
            index += 1
        }
        if let cut = raw[start..<end].firstIndex(where: { $0 == UInt8(ascii: "?") || $0 == UInt8(ascii: "#") }) { end = cut }
        let segments = raw[start..<end].split(separator: UInt8(ascii: "/")).map { $0.map(lower) }
        guard segments.count >= 3 else { return nil }
        let host = segments[0]
        let domain = Array("linkedin.com".utf8)
        guard host == domain || (host.count > domain.count && host.suffix(domain.count + 1).elementsEqual([UInt8(ascii: ".")] + domain))
        else { return nil }
        let kind = segments[1]
        let isPub = kind == Array("pub".utf8)
        guard isPub || kind == Array("in".utf8) else { return nil }
        let parts = isPub ? Array(segments[2...].prefix(4)) : [segments[2]]
        var slug: [UInt8] = []
        for part in parts {
            if !slug.isEmpty { slug.append(UInt8(ascii: "/")) }
            slug += part
        }
        guard !slug.isEmpty, slug.count <= 100, !slug.contains(where: isSpace) else { return nil }
        return (isPub ? "https://www.linkedin.com/pub/" : "https://www.linkedin.com/in/") + String(decoding: slug, as: UTF8.self)
    }
}
