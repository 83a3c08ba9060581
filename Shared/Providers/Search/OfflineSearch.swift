import Core
import FoundationEssentials
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Search with no network over a corpus file (`OFFLINE_SEARCH_CORPUS`, a JSON array of
/// `{url, title, text, published}`), ranked by BM25 (title words count double; a query with the
/// word "news" also prefers recent documents), within the freshness window (none for `anyTime`). "Quoted phrases" are requirements, as web search engines treat them, so a
/// query for `"Northwind Logistics" news` never answers with another company's news; and a
/// document must match at least half of the query's distinct terms (a minimum-should-match), so
/// two shared common words are no match. Nothing found is an empty answer, never a filler.
/// Deterministic; results say they are offline by their provider name. With no corpus it finds
/// nothing, which enrichment reports as a warning.
package struct OfflineSearch: SearchProvider {
    package let name = "offline"
    let documents: [SearchResult]
    /// Per document: its terms (title twice, then text) in order, for phrases and term counts.
    let terms: [[String]]
    let now: @Sendable () -> Double
    /// BM25's usual parameters.
    static let k1 = 1.2
    static let b = 0.75
    /// The corpus is a local file the operator chose; a bound keeps one search linear and quick.
    static let maxDocuments = 20_000

    package init(corpusPath: String?, now: @escaping @Sendable () -> Double) throws {
        self.now = now
        guard let corpusPath else {
            documents = []
            terms = []
            return
        }
        guard let bytes = FileBytes.read(corpusPath) else {
            throw BundleError.misconfigured(variable: "OFFLINE_SEARCH_CORPUS", "names \(corpusPath), which cannot be read")
        }
        guard case .array(let items)? = try? JSONValue(parsing: bytes) else {
            throw BundleError.misconfigured(variable: "OFFLINE_SEARCH_CORPUS", "must be a JSON array of {url, title, text, published}")
        }
        guard items.count <= Self.maxDocuments else {
            throw BundleError.misconfigured(variable: "OFFLINE_SEARCH_CORPUS", "has \(items.count) documents, at most \(Self.maxDocuments) are searched")
        }
        var documents: [SearchResult] = []
        var terms: [[String]] = []
        for item in items {
            guard let url = item["url"]?.stringValue, let title = item["title"]?.stringValue else { continue }
            let text = item["text"]?.stringValue ?? ""
            documents.append(SearchResult(url: url, title: title, snippet: String(text.prefix(300)), published: item["published"]?.stringValue))
            terms.append(Self.terms(title + " . " + title + " . " + text))
        }
        self.documents = documents
        self.terms = terms
    }

    package func search(_ query: String, freshness: Freshness, count: Int, deadline: Deadline) async throws -> [SearchResult] {
        let queryTerms = Array(Set(Self.terms(query))).sorted()
        guard !queryTerms.isEmpty, !documents.isEmpty else { return [] }
        let phrases = query.split(separator: "\"", omittingEmptySubsequences: false).enumerated()
            .filter { $0.offset % 2 == 1 }.map { Self.terms(String($0.element)) }.filter { !$0.isEmpty }
        let oldest = freshness.seconds.map { now() - $0 }
        let wantsNews = query.lowercased().split(whereSeparator: { !$0.isLetter }).contains("news")
        // Statistics over the whole corpus, as an index would keep them.
        let averageLength = Double(terms.reduce(0) { $0 + $1.count }) / Double(terms.count)
        var frequencies: [[String: Int]] = []
        var documentFrequency: [String: Int] = [:]
        for words in terms {
            var counts: [String: Int] = [:]
            for word in words { counts[word, default: 0] += 1 }
            for term in queryTerms where counts[term] != nil { documentFrequency[term, default: 0] += 1 }
            frequencies.append(counts)
        }
        let total = Double(terms.count)
        let needed = (queryTerms.count + 1) / 2
        var scored: [(score: Double, index: Int)] = []
        for index in documents.indices {
            if let oldest, let published = documents[index].published.flatMap(Timestamp.parse), published.timeIntervalSince1970 < oldest { continue }
            guard phrases.allSatisfy({ Self.contains(terms[index], $0) }) else { continue }
            let counts = frequencies[index]
            guard queryTerms.filter({ counts[$0] != nil }).count >= needed else { continue }
            let length = Double(terms[index].count)
            var score = 0.0
            for term in queryTerms {
                guard let frequency = counts[term].map(Double.init) else { continue }
                let df = Double(documentFrequency[term] ?? 0)
                let idf = log(1 + (total - df + 0.5) / (df + 0.5))
                score += idf * frequency * (Self.k1 + 1) / (frequency + Self.k1 * (1 - Self.b + Self.b * length / averageLength))
            }
            // A query that asks for news prefers what is recent, as a news search does: the score
            // counts from half (the window's oldest, a year ago with no window) to whole (today).
            if wantsNews, let published = documents[index].published.flatMap(Timestamp.parse) {
                let window = freshness.seconds ?? Freshness.yearSeconds
                let age = max(0, min(1, (now() - published.timeIntervalSince1970) / window))
                score *= 1 - age / 2
            }
            if score > 0 { scored.append((score, index)) }
        }
        return scored.sorted { $0.score != $1.score ? $0.score > $1.score : $0.index < $1.index }.prefix(count).map { documents[$0.index] }
    }

    /// Whether `phrase` occurs as consecutive terms.
    static func contains(_ words: [String], _ phrase: [String]) -> Bool {
        guard phrase.count <= words.count else { return false }
        return (0...(words.count - phrase.count)).contains { start in
            phrase.indices.allSatisfy { words[start + $0] == phrase[$0] }
        }
    }

    static let stopWords: Set<String> = ["the", "a", "an", "and", "or", "of", "for", "in", "on", "to", "with", "at", "by", "news", "is",
                                         "its", "it", "as", "from", "that", "this", "are", "was", "be", "up"]

    /// Lower-cased words without stop words, with a light plural folding ("challenges" and
    /// "challenge", "leaders" and "leader" are one term) applied to documents and queries alike.
    static func terms(_ text: String) -> [String] {
        Words.split(text.lowercased()).compactMap { word in
            guard word.count > 1, !stopWords.contains(word) else { return nil }
            if word.count > 3, word.hasSuffix("s"), !word.hasSuffix("ss") { return String(word.dropLast()) }
            return word
        }
    }
}
