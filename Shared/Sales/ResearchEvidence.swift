import Core
import Providers

/// What research may cite: the URLs that came from searches (web search and tier-2
/// documentation), or "context" for what the prospect's record and the request say. Enforced in
/// code, whatever a model answers: a claim whose evidence is not one of these is dropped, and a
/// URL in free text that is not one of them is taken out.
package struct ResearchEvidence: Sendable, Equatable {
    package static let context = "context"

    package let sources: [String]
    private let allowed: Set<String>

    package init(sources: [String]) {
        var seen = Set<String>()
        self.sources = sources.filter { seen.insert($0).inserted }
        allowed = seen
    }

    package init(results: [SearchResult]) {
        self.init(sources: results.map(\.url))
    }

    package func isSource(_ url: String) -> Bool { allowed.contains(url) }

    /// Whether a claim's evidence is acceptable: one of the sources, or "context".
    package func accepts(_ evidence: String) -> Bool {
        evidence == Self.context || allowed.contains(evidence)
    }

    /// The text without any URL that is not one of the sources (one pass, linear in the text).
    /// Schemes match in any case (`HTTPS://`, `Http://`), as browsers read them.
    package func scrub(_ text: String) -> String {
        guard text.lowercased().contains("http") else { return text }
        var output = ""
        var index = text.startIndex
        while index < text.endIndex {
            let rest = text[index...]
            guard Self.startsURL(rest) else {
                output.append(text[index])
                index = text.index(after: index)
                continue
            }
            var end = index
            while end < text.endIndex, !text[end].isWhitespace, !Self.urlEnds.contains(text[end]) { end = text.index(after: end) }
            var url = text[index..<end]
            while let last = url.last, Self.trailing.contains(last) { url = url.dropLast() }
            if allowed.contains(String(url)) { output += url }
            index = url.endIndex
        }
        return output
    }

    /// Whether the text starts with `http://` or `https://`, in any case (looks at 8 characters).
    static func startsURL(_ text: Substring) -> Bool {
        let head = text.prefix(8).lowercased()
        return head.hasPrefix("http://") || head.hasPrefix("https://")
    }

    static let urlEnds: Set<Character> = ["(", ")", "[", "]", "<", ">", "\"", "'"]
    static let trailing: Set<Character> = [".", ",", ";", ":", "!", "?"]

    /// The sources' text as the prompts show it: one line per result with its URL.
    package static func lines(_ results: [SearchResult]) -> String {
        results.isEmpty ? "- (no web results)" : results.map { "- \($0.title) — \($0.snippet) [\($0.url)]" }.joined(separator: "\n")
    }
}

/// Where the offline rules find a term: in a search result (its URL is the evidence) or in the
/// context; nil when it is in neither.
struct EvidenceFinder: Sendable {
    let results: [SearchResult]
    let contextText: String

    /// Matches whole words (or phrases) so "ai" is not found in "maintain".
    func evidence(for terms: [String]) -> String? {
        for result in results where terms.contains(where: { Self.mentions(result.title + " " + result.snippet, $0) }) {
            return result.url
        }
        return terms.contains(where: { Self.mentions(contextText, $0) }) ? ResearchEvidence.context : nil
    }

    static func mentions(_ text: String, _ term: String) -> Bool {
        let words = " " + Words.split(text.lowercased()).joined(separator: " ") + " "
        let wanted = " " + Words.split(term.lowercased()).joined(separator: " ") + " "
        return wanted.count > 2 && words.contains(wanted)
    }
}
