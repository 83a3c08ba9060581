import Core
import FoundationEssentials

/// Search with no network: ranks the documents of a corpus file (`OFFLINE_SEARCH_CORPUS`, a JSON
/// array of `{url, title, text, published}`) by how many query terms they contain, title terms
/// counting double, within the freshness window; "quoted phrases" must appear. Deterministic; results say they are offline by
/// their provider name. With no corpus it finds nothing, which enrichment reports as a warning.
package struct OfflineSearch: SearchProvider {
    package let name = "offline"
    let documents: [SearchResult]
    let texts: [String]
    let now: @Sendable () -> Double

    package init(corpusPath: String?, now: @escaping @Sendable () -> Double) throws {
        self.now = now
        guard let corpusPath else {
            documents = []
            texts = []
            return
        }
        guard let bytes = FileBytes.read(corpusPath) else {
            throw BundleError.misconfigured(variable: "OFFLINE_SEARCH_CORPUS", "names \(corpusPath), which cannot be read")
        }
        guard case .array(let items)? = try? JSONValue(parsing: bytes) else {
            throw BundleError.misconfigured(variable: "OFFLINE_SEARCH_CORPUS", "must be a JSON array of {url, title, text, published}")
        }
        var documents: [SearchResult] = []
        var texts: [String] = []
        for item in items {
            guard let url = item["url"]?.stringValue, let title = item["title"]?.stringValue else { continue }
            let text = item["text"]?.stringValue ?? ""
            documents.append(SearchResult(url: url, title: title, snippet: String(text.prefix(300)), published: item["published"]?.stringValue))
            texts.append((title + " " + title + " " + text).lowercased())
        }
        self.documents = documents
        self.texts = texts
    }

    package func search(_ query: String, freshness: Freshness, count: Int, deadline: Deadline) async throws -> [SearchResult] {
        let terms = Set(Self.terms(query))
        guard !terms.isEmpty else { return [] }
        // "Quoted phrases" must appear, as web search engines treat them.
        let phrases = query.split(separator: "\"", omittingEmptySubsequences: false).enumerated()
            .filter { $0.offset % 2 == 1 }.map { Self.terms(String($0.element)).joined(separator: " ") }.filter { !$0.isEmpty }
        let oldest = now() - freshness.seconds
        var scored: [(score: Int, index: Int)] = []
        for (index, document) in documents.enumerated() {
            if let published = document.published.flatMap(Timestamp.parse), published.timeIntervalSince1970 < oldest { continue }
            let words = Self.terms(texts[index])
            if !phrases.isEmpty {
                let joined = " " + words.joined(separator: " ") + " "
                guard phrases.allSatisfy({ joined.contains(" " + $0 + " ") }) else { continue }
            }
            let score = words.reduce(0) { $0 + (terms.contains($1) ? 1 : 0) }
            // At least two terms, or the only one: a single common word is no match.
            let distinct = Set(words).intersection(terms).count
            if distinct >= min(2, terms.count) { scored.append((score, index)) }
        }
        return scored.sorted { ($0.score, -$0.index) > ($1.score, -$1.index) }.prefix(count).map { documents[$0.index] }
    }

    static let stopWords: Set<String> = ["the", "a", "an", "and", "or", "of", "for", "in", "on", "to", "with", "at", "by", "news", "is"]

    static func terms(_ text: String) -> [String] {
        text.lowercased().split(whereSeparator: { !$0.isLetter && !$0.isNumber }).map(String.init)
            .filter { $0.count > 1 && !stopWords.contains($0) }
    }
}
