import Core

/// Finding the links in a draft, written or bare: an `https://` URL, but also `www.acme.com/x`
/// or `acme-offer.com`, which a reader follows just the same, so "every link is one of the
/// sources" has to see them too. Links compare by host and path (scheme, `www.`, the host's
/// case, a query, a fragment and a trailing slash do not count). One pass over the words.
package enum OutreachLinks {
    /// Top-level domains a bare address must end in to count as one (lower-case, as written):
    /// common enough in prose-free addresses, rare as the tail of a sentence run together.
    /// "e.g." and "U.S." never qualify (one-letter labels), nor "ASP.NET" (an upper-case end).
    static let topLevelDomains: Set<String> = [
        "com", "net", "org", "io", "ai", "co", "dev", "app", "info", "biz", "us", "uk", "de", "fr", "eu", "ca", "au", "nl", "ch",
        "es", "it", "se", "jp", "in", "me", "tv", "ly", "xyz", "cloud", "tech", "online", "site", "shop", "gov", "edu",
    ]

    /// Characters stripped from around a bare address ("(acme.com).").
    static let wrapping: Set<Character> = ResearchEvidence.urlEnds.union(ResearchEvidence.trailing)

    /// The links in a text, in order: every `http(s)://` URL, then every bare web address.
    package static func links(in text: String) -> [String] {
        OutreachChecks.urls(in: text) + bare(in: text)
    }

    /// Bare web addresses: words (no scheme, no `@`) whose host is `www.` and at least two
    /// more labels, or labels of letters, digits and hyphens ending in a known top-level domain.
    package static func bare(in text: String) -> [String] {
        var found: [String] = []
        for word in text.split(whereSeparator: \.isWhitespace) {
            guard word.contains("."), !word.contains("@"), !word.contains("://") else { continue }
            var token = word
            while let first = token.first, wrapping.contains(first) { token = token.dropFirst() }
            while let last = token.last, wrapping.contains(last) { token = token.dropLast() }
            let host = token.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
            if isHost(host) { found.append(String(token)) }
        }
        return found
    }

    static func isHost(_ host: Substring) -> Bool {
        let labels = host.split(separator: ".", omittingEmptySubsequences: false)
        guard labels.count >= 2, labels.allSatisfy({ label in
            !label.isEmpty && label.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }
        }) else { return false }
        if labels[0].lowercased() == "www" { return labels.count >= 3 }
        let top = labels[labels.count - 1]
        return top.allSatisfy(\.isLowercase) && topLevelDomains.contains(String(top))
    }

    /// What a link is compared by: the host (lower-case, without `www.`) and the path (without a
    /// trailing slash); the scheme, user, port, query and fragment left out.
    package static func key(_ link: String) -> (host: String, path: String) {
        var rest = Substring(link)
        if let scheme = rest.firstRange(of: "://") { rest = rest[scheme.upperBound...] }
        rest = rest.prefix { $0 != "?" && $0 != "#" }
        let authority = rest.prefix { $0 != "/" }
        var path = rest.dropFirst(authority.count)
        while path.last == "/" { path = path.dropLast() }
        var host = authority.split(separator: "@").last.map { $0.prefix { $0 != ":" } } ?? ""
        if host.lowercased().hasPrefix("www.") { host = host.dropFirst(4) }
        return (host.lowercased(), String(path))
    }

    /// Whether `link` is one of `sources`: the same host and path, or just the host of one of them.
    package static func isAllowed(_ link: String, sources: [String]) -> Bool {
        if sources.contains(link) { return true }
        let (host, path) = key(link)
        return sources.contains { source in
            let (sourceHost, sourcePath) = key(source)
            return sourceHost == host && (sourcePath == path || path.isEmpty)
        }
    }
}
