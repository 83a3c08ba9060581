import Core
import FoundationEssentials
import Providers
import Retrieval
import Store

/// `SimilarWinsSearching` over the stored communications: full text (FTS5, BM25) and vectors
/// (exact scan of the chunks' vectors), both restricted to chunks of communications whose outcome
/// is a win, fused by reciprocal rank, then one hit per communication (its best chunk). Missing
/// vectors are not waited for: when the query cannot be embedded the answer comes from words
/// alone. A hit only the vectors found, at or under `minimumSimilarity`, is dropped, so a text
/// about nothing that was won finds nothing.
package struct SimilarWinsSearch: SimilarWinsSearching {
    package let database: any Database
    package let embedder: any Embedder
    package var minimumSimilarity: Double
    package var logger: Logger?
    /// Called when chunks lack a vector of the current model (a model change, a failed
    /// embedding whose job is gone): queues `reembed-communications`, which fills them in.
    package var onMissingVectors: (@Sendable (Int) throws -> Void)?

    package static let fullTextIndex = FullTextSearch(table: "sales_communication_chunks_fts")
    /// Chunks of won communications, written against the column each search names.
    static func wins(_ column: String) -> SQLFilter {
        SQLFilter("\(column) IN (SELECT c.id FROM sales_communication_chunks c JOIN sales_communications m ON m.id = c.communication_id WHERE m.outcome_kind = 'win')")
    }

    package init(database: any Database, embedder: any Embedder, minimumSimilarity: Double? = nil, logger: Logger? = nil,
                 onMissingVectors: (@Sendable (Int) throws -> Void)? = nil) {
        self.onMissingVectors = onMissingVectors
        self.database = database
        self.embedder = embedder
        self.minimumSimilarity = minimumSimilarity ?? SolutionSearch.defaultMinimumSimilarity(provider: embedder.provider)
        self.logger = logger
    }

    package func similarWins(to text: String, limit: Int, deadline: Deadline) async throws -> [PastWin] {
        let limit = min(max(limit, 1), 50)
        let pool = min(max(limit * 10, 50), 300)
        var queryVector: [Float]?
        do {
            queryVector = try await embedder.embed([String(text.prefix(8_000))], deadline: deadline).first
        } catch {
            logger?.warning("sales.similar_wins_vectors_unavailable", ["provider": .string(embedder.provider)])
        }
        let vectors = CommunicationVectors(database: database, embedder: embedder)
        if let onMissingVectors, queryVector != nil {
            let missing = try vectors.missingEstimate()
            if missing > 0 {
                do { try onMissingVectors(missing) } catch {
                    logger?.warning("sales.reembed_not_queued", ["missing": .number(Double(missing))])
                }
            }
        }
        let (fullText, nearest) = try database.read { sql in
            (try Self.fullTextIndex.search(sql, text: text, filter: Self.wins("rowid"), limit: pool),
             try queryVector.map { try vectors.index.search($0, model: embedder.model, filter: Self.wins("item_id"), limit: pool, in: sql) } ?? [])
        }
        var lists = [RankFusion.List(name: "full_text", hits: fullText.map { ($0.id, $0.bm25) })]
        if queryVector != nil { lists.append(RankFusion.List(name: "vector", hits: nearest.map { ($0.id, $0.similarity) })) }
        let floor = minimumSimilarity
        let fused = RankFusion.fuse(lists).filter { hit in
            hit.foundBy.contains { $0.list != "vector" } || (hit.appearance(in: "vector")?.score ?? -.infinity) > floor
        }
        let chunks = try chunkOwners(fused.map(\.id))
        var seen: Set<Int> = []
        var best: [(hit: RankFusion.Hit, communication: Int, excerpt: String)] = []
        for hit in fused {
            guard let chunk = chunks[hit.id], seen.insert(chunk.communication).inserted else { continue }
            best.append((hit, chunk.communication, chunk.text))
            if best.count == limit { break }
        }
        let communications = Dictionary(uniqueKeysWithValues: try CommunicationStore(database: database)
            .communications(best.map(\.communication)).map { ($0.id, $0) })
        return best.compactMap { entry in
            guard let communication = communications[entry.communication] else { return nil }
            return PastWin(communicationID: communication.id, prospectID: communication.prospectID, companyName: communication.companyName,
                           subject: communication.subject, excerpt: Self.excerpt(entry.excerpt, for: text), outcome: communication.outcome ?? "",
                           date: communication.communicationDate, score: entry.hit.score, foundBy: entry.hit.foundBy.map(\.list))
        }
    }

    /// The part of a chunk to quote: from the line sharing the most words with the query, at
    /// most `length` characters (the whole chunk would bury the match).
    static func excerpt(_ chunk: String, for query: String, length: Int = 600) -> String {
        let wanted = Set(Words.split(query.prefix(4_096)).map { $0.lowercased() })
        let lines = chunk.split(separator: "\n")
        var best = 0
        var bestCount = 0
        for (index, line) in lines.enumerated() {
            let count = Set(Words.split(line).map { $0.lowercased() }).intersection(wanted).count
            if count > bestCount { (best, bestCount) = (index, count) }
        }
        guard !lines.isEmpty else { return "" }
        return String(lines[best...].joined(separator: "\n").prefix(length))
    }

    /// Each chunk's communication and text.
    private func chunkOwners(_ ids: [Int]) throws -> [Int: (communication: Int, text: String)] {
        guard !ids.isEmpty else { return [:] }
        return try database.read { sql in
            var owners: [Int: (communication: Int, text: String)] = [:]
            for start in stride(from: 0, to: ids.count, by: 500) {
                let part = Array(ids[start..<min(start + 500, ids.count)])
                let marks = Array(repeating: "?", count: part.count).joined(separator: ", ")
                for row in try sql.query("SELECT id, communication_id, text FROM sales_communication_chunks WHERE id IN (\(marks))", part) {
                    owners[try row.int("id")] = (try row.int("communication_id"), try row.string("text"))
                }
            }
            return owners
        }
    }
}
