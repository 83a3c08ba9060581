/// LinkedIn member profile URLs in one spelling, so the same person is recognised whichever way
/// a sheet or a form wrote the link. Candidates and Sales both key people by it.
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
            return union < 0x80 && !bytes.contains(UInt8(ascii: "%")) ? .some(normalizedASCII(bytes)) : .none
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

    /// `normalized` for ASCII bytes without `%`, read where the bytes lie: the only allocation
    /// is the answer.
    static func normalizedASCII(_ raw: UnsafeBufferPointer<UInt8>) -> String? {
        var start = 0
        var end = raw.count
        while start < end, CellText.isSpace(raw[start]) { start += 1 }
        while end > start, CellText.isSpace(raw[end - 1]) { end -= 1 }
        if let scheme = (start..<max(start, end - 2)).first(where: {
            raw[$0] == UInt8(ascii: ":") && raw[$0 + 1] == UInt8(ascii: "/") && raw[$0 + 2] == UInt8(ascii: "/")
        }) { start = scheme + 3 }
        if let cut = (start..<end).first(where: { raw[$0] == UInt8(ascii: "?") || raw[$0] == UInt8(ascii: "#") }) { end = cut }
        // Segments between slashes, empty ones skipped.
        var cursor = start
        func nextSegment() -> Range<Int>? {
            while cursor < end, raw[cursor] == UInt8(ascii: "/") { cursor += 1 }
            guard cursor < end else { return nil }
            let segmentStart = cursor
            while cursor < end, raw[cursor] != UInt8(ascii: "/") { cursor += 1 }
            return segmentStart..<cursor
        }
        guard let host = nextSegment(), let kind = nextSegment(), let first = nextSegment() else { return nil }
        let domain: StaticString = ".linkedin.com"
        let domainLength = domain.utf8CodeUnitCount
        let isLinkedIn = host.count == domainLength - 1 ? CellText.hasPrefix(raw, at: host.lowerBound, lowercased: "linkedin.com")
            : host.count >= domainLength && CellText.hasPrefix(raw, at: host.upperBound - domainLength, lowercased: domain)
        let isPub = kind.count == 3 && CellText.hasPrefix(raw, at: kind.lowerBound, lowercased: "pub")
        guard isLinkedIn, isPub || (kind.count == 2 && CellText.hasPrefix(raw, at: kind.lowerBound, lowercased: "in")) else { return nil }
        // Old public profiles (/pub/name/1a/2b/3c) need every segment to name one person.
        var parts = [first, nil, nil, nil] as [Range<Int>?]
        var slugLength = first.count
        if isPub {
            for index in 1..<4 {
                guard let part = nextSegment() else { break }
                parts[index] = part
                slugLength += 1 + part.count
            }
        }
        guard slugLength <= 100 else { return nil }
        for case let part? in parts where part.contains(where: { CellText.isSpace(raw[$0]) }) { return nil }
        let prefix: StaticString = isPub ? "https://www.linkedin.com/pub/" : "https://www.linkedin.com/in/"
        let prefixLength = prefix.utf8CodeUnitCount
        return String(unsafeUninitializedCapacity: prefixLength + slugLength) { output in
            var count = 0
            for offset in 0..<prefixLength {
                output[count] = prefix.utf8Start[offset]
                count += 1
            }
            for case let part? in parts {
                if count > prefixLength {
                    output[count] = UInt8(ascii: "/")
                    count += 1
                }
                for index in part {
                    output[count] = CellText.lowercased(raw[index])
                    count += 1
                }
            }
            return count
        }
    }
}
