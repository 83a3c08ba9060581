import Core
import FoundationEssentials
import Providers
import Retrieval
import Store

/// Search over imported conversations, in levels: **url** (the query is a URL: conversations
/// with that URL, then chunks containing it), **title** (the whole phrase, then all words),
/// **content** (BM25 over the word index and the trigram index, fused with vector similarity by
/// reciprocal rank; a hit only the vectors found must exceed `minimumSimilarity`). One hit per
/// conversation (its best chunk); a conversation found at a level is not repeated below it. A URL
/// query stops after its level: its words (`https`, `com`, `share`) would match any chat with a link.
/// Bounded: each list reads at most `candidates` rows, whatever the page, so totals and pages
/// are the same on every call (ties break by id). Without vectors (embedder missing or failing,
/// vectors not yet made) content is ranked by words alone and `vectors` says so.
package struct ChatSearch: Sendable {
    package let database: any Database
    package let embedder: (any Embedder)?
    package var minimumSimilarity: Double
    package var candidates: Int
    /// Queues `reembed-chats` when vectors are missing; returns the job id.
    package var onMissingVectors: (@Sendable () throws -> Int)?

    package static let defaultCandidates = 300

    /// The floor of `SolutionSearch.defaultMinimumSimilarity` (its calibration: unrelated texts
    /// reach about 0.33 with the offline hashing embedder, 0.17 with all-MiniLM-L6-v2).
    package static func defaultMinimumSimilarity(provider: String?) -> Double {
        provider == "offline" ? 0.35 : 0.2
    }

    package init(database: any Database, embedder: (any Embedder)?, minimumSimilarity: Double? = nil, candidates: Int = defaultCandidates,
                 onMissingVectors: (@Sendable () throws -> Int)? = nil) {
        self.database = database
        self.embedder = embedder
        self.minimumSimilarity = minimumSimilarity ?? Self.defaultMinimumSimilarity(provider: embedder?.provider)
        self.candidates = candidates
        self.onMissingVectors = onMissingVectors
    }

    package struct Query: Sendable {
        package var text: String
        package var limit = 20
        package var offset = 0
        package var sourceType: String?
        package var source: String?
        package var sortBy = "relevance"
        package var sortDirection: String?

        package init(text: String, limit: Int = 20, offset: Int = 0, sourceType: String? = nil, source: String? = nil,
                     sortBy: String = "relevance", sortDirection: String? = nil) {
            self.text = text
            self.limit = limit
            self.offset = offset
            self.sourceType = sourceType
            self.source = source
            self.sortBy = sortBy
            self.sortDirection = sortDirection
        }
    }

    /// A conversation found, before paging: where, by which chunk, with which scores.
    struct Found {
        var conversationID: Int
        var level: String
        var chunkID: Int?
        var scores = ChatSearchAnswer.Scores()
    }

    package func search(_ query: Query, deadline: Deadline) async throws -> ChatSearchAnswer {
        let text = String(query.text.prefix(1_000)).trimmingWhitespace()
        var vectors = try vectorState()
        var queryVector: [Float]?
        if let embedder, vectors.status != "none" {
            do {
                queryVector = try await embedder.embed([String(text.prefix(2_000))], deadline: deadline).first
            } catch {
                let reason = BundleError.converting(error, otherwise: BundleError(.upstreamFailed, "the embedder failed")).message
                vectors.message = "the query could not be embedded (\(reason)); content is ranked by words alone"
            }
        }
        var found: [Found] = []
        var levels = ChatSearchAnswer.Levels()
        if query.sourceType == nil || Self.chunkSourceTypes.contains(query.sourceType ?? "") {
            let vector = queryVector
            found = try database.read { sql in
                try collect(text, source: query.source, chunkType: query.sourceType, vector: vector, levels: &levels, sql)
            }
        }
        let conversations = try load(found.map(\.conversationID))
        found = sorted(found, by: query.sortBy, direction: query.sortDirection, conversations: conversations)
        let page = found.dropFirst(query.offset).prefix(query.limit)
        let chunks = try loadChunks(page.compactMap(\.chunkID))
        let terms = ChatSnippet.terms(text)
        let results: [ChatSearchAnswer.Hit] = page.compactMap { hit in
            guard let conversation = conversations[hit.conversationID] else { return nil }
            let chunk = hit.chunkID.flatMap { chunks[$0] }
            let snippet = ChatSnippet.make(chunk?.text ?? conversation.title, terms: terms)
            return ChatSearchAnswer.Hit(conversation: conversation, level: hit.level, chunk: chunk?.chunk, snippet: snippet.text,
                                        highlights: snippet.highlights, snippetHTML: snippet.html, scores: hit.scores)
        }
        return ChatSearchAnswer(query: query.text, total: found.count, limit: query.limit, offset: query.offset, results: results,
                                levels: levels, vectors: vectors)
    }

    /// The chunks' kinds: a transcript's, and an attached file's text (`ConversationFileStore`).
    static let chunkSourceTypes = ["imported_chat", "file"]

    /// Every level's hits, deduplicated by conversation, in level order. `chunkType` keeps
    /// chunks of one kind only; `file` also skips the levels that match conversations (URL, title).
    private func collect(_ text: String, source: String?, chunkType: String?, vector: [Float]?, levels: inout ChatSearchAnswer.Levels,
                         _ sql: any SQLExecutor) throws -> [Found] {
        var found: [Found] = []
        var seen: Set<Int> = []
        func add(_ hit: Found) -> Bool {
            guard seen.insert(hit.conversationID).inserted else { return false }
            found.append(hit)
            return true
        }
        let chunkFilter = Self.chunkCondition(source: source, chunkType: chunkType).map { SQLFilter("rowid IN (\($0.sql))", $0.arguments) }
        let titleFilter = source.map { SQLFilter("rowid IN (SELECT id FROM workspace_conversations WHERE source = ?)", [$0]) }
        // URL: the conversation's own URL, then chunks that contain it.
        if let key = ChatURL.key(text) {
            var statement = "SELECT id, url FROM workspace_conversations WHERE url LIKE ? ESCAPE '\\'"
            var arguments: [any SQLBindable] = [LikePattern.containing(key)]
            if let source { statement += " AND source = ?"; arguments.append(source) }
            statement += " ORDER BY id LIMIT ?"
            arguments.append(candidates)
            for row in try sql.query(statement, arguments) where chunkType != "file" && ChatURL.key(row.optionalString("url") ?? "") == key {
                if add(Found(conversationID: try row.int("id"), level: "url")) { levels.url += 1 }
            }
            let hits = try ChatFullText.substringHits(sql, text: key, filter: chunkFilter, limit: candidates)
            for (chunk, conversation) in try owners(hits.map(\.id), sql) {
                let bm25 = hits.first { $0.id == chunk }?.bm25
                if add(Found(conversationID: conversation, level: "url", chunkID: chunk, scores: .init(trigram: bm25))) { levels.url += 1 }
            }
            // A URL's words ("https", "com", "share") would match every chat that mentions any link.
            return found
        }
        // Title: the whole phrase, then all words.
        for phrase in [true, false] where chunkType != "file" {
            for hit in try ChatFullText.titleHits(sql, query: text, phrase: phrase, filter: titleFilter, limit: candidates) {
                if add(Found(conversationID: hit.id, level: "title", scores: .init(bm25: hit.bm25))) { levels.title += 1 }
            }
        }
        // Content: words, trigrams and vectors, fused.
        let words = try ChatFullText.wordHits(sql, query: text, filter: chunkFilter, limit: candidates)
        let trigrams = try ChatFullText.trigramHits(sql, query: text, filter: chunkFilter, limit: candidates)
        var nearest: [VectorIndex.Hit] = []
        if let vector, let embedder {
            let filter = Self.chunkCondition(source: source, chunkType: chunkType).map { SQLFilter("item_id IN (\($0.sql))", $0.arguments) }
            nearest = try VectorIndex(database: database, collection: ConversationStore.vectorCollection)
                .search(vector, model: embedder.model, filter: filter, limit: candidates, in: sql)
        }
        let fused = RankFusion.fuse([
            RankFusion.List(name: "bm25", hits: words.map { ($0.id, $0.bm25) }),
            RankFusion.List(name: "trigram", hits: trigrams.map { ($0.id, $0.bm25) }),
            RankFusion.List(name: "vector", hits: nearest.map { ($0.id, $0.similarity) }),
        ]).filter { hit in
            hit.foundBy.count > 1 || hit.foundBy.first?.list != "vector" || (hit.foundBy.first?.score ?? 0) > minimumSimilarity
        }
        let owner = Dictionary(try owners(fused.map(\.id), sql), uniquingKeysWith: { first, _ in first })
        for hit in fused {
            guard let conversation = owner[hit.id] else { continue }
            let scores = ChatSearchAnswer.Scores(bm25: hit.appearance(in: "bm25")?.score, trigram: hit.appearance(in: "trigram")?.score,
                                                 vector: hit.appearance(in: "vector")?.score, fused: hit.score)
            if add(Found(conversationID: conversation, level: "content", chunkID: hit.id, scores: scores)) { levels.content += 1 }
        }
        return found
    }

    /// The ids of the chunks of conversations from `source` and of kind `chunkType`, as a
    /// sub-select; nil when neither narrows anything.
    static func chunkCondition(source: String?, chunkType: String?) -> SQLFilter? {
        switch (source, chunkType) {
        case (nil, nil): return nil
        case (let source?, nil):
            return SQLFilter("SELECT c.id FROM workspace_chunks c JOIN workspace_conversations w ON w.id = c.conversation_id WHERE w.source = ?", [source])
        case (nil, let type?):
            return SQLFilter("SELECT id FROM workspace_chunks WHERE source_type = ?", [type])
        case (let source?, let type?):
            return SQLFilter("SELECT c.id FROM workspace_chunks c JOIN workspace_conversations w ON w.id = c.conversation_id WHERE w.source = ? AND c.source_type = ?",
                             [source, type])
        }
    }

    /// (chunk, conversation) for the chunks, in the order given.
    private func owners(_ chunkIDs: [Int], _ sql: any SQLExecutor) throws -> [(Int, Int)] {
        var owner: [Int: Int] = [:]
        for start in stride(from: 0, to: chunkIDs.count, by: 500) {
            let group = Array(chunkIDs[start..<min(start + 500, chunkIDs.count)])
            let statement = "SELECT id, conversation_id FROM workspace_chunks WHERE id IN (" + Array(repeating: "?", count: group.count).joined(separator: ", ") + ")"
            for row in try sql.query(statement, group.map { $0 as any SQLBindable }) { owner[try row.int("id")] = try row.int("conversation_id") }
        }
        return chunkIDs.compactMap { id in owner[id].map { (id, $0) } }
    }

    private func load(_ ids: [Int]) throws -> [Int: ChatSearchAnswer.Conversation] {
        try database.read { sql in
            var conversations: [Int: ChatSearchAnswer.Conversation] = [:]
            for start in stride(from: 0, to: ids.count, by: 500) {
                let group = Array(ids[start..<min(start + 500, ids.count)])
                let statement = "SELECT id, title, source, url, imported_at, updated_at, message_count FROM workspace_conversations WHERE id IN ("
                    + Array(repeating: "?", count: group.count).joined(separator: ", ") + ")"
                for row in try sql.query(statement, group.map { $0 as any SQLBindable }) {
                    let id = try row.int("id")
                    conversations[id] = ChatSearchAnswer.Conversation(
                        id: id, title: try row.string("title"), source: try row.string("source"), url: row.optionalString("url"),
                        importDate: try row.string("imported_at"), updatedAt: try row.string("updated_at"), messageCount: try row.int("message_count"))
                }
            }
            return conversations
        }
    }

    private func loadChunks(_ ids: [Int]) throws -> [Int: (chunk: ChatSearchAnswer.Chunk, text: String)] {
        guard !ids.isEmpty else { return [:] }
        return try database.read { sql in
            let statement = """
                SELECT c.id, c.position, c.first_message, c.last_message, c.text, c.source_type, c.file_id, f.filename
                FROM workspace_chunks c LEFT JOIN conversation_files f ON f.id = c.file_id WHERE c.id IN (
                """ + Array(repeating: "?", count: ids.count).joined(separator: ", ") + ")"
            var chunks: [Int: (chunk: ChatSearchAnswer.Chunk, text: String)] = [:]
            for row in try sql.query(statement, ids.map { $0 as any SQLBindable }) {
                let id = try row.int("id")
                var chunk = ChatSearchAnswer.Chunk(id: id, position: try row.int("position"), firstMessage: try row.int("first_message"),
                                                   lastMessage: try row.int("last_message"))
                chunk.sourceType = try row.string("source_type")
                if let fileID = row.optionalInt("file_id") {
                    chunk.file = ChatSearchAnswer.FileRef(id: fileID, filename: row.optionalString("filename") ?? "")
                }
                chunks[id] = (chunk, try row.string("text"))
            }
            return chunks
        }
    }

    /// Relevance keeps the level order; the other orders sort every hit (ties by id, ascending).
    private func sorted(_ found: [Found], by field: String, direction: String?, conversations: [Int: ChatSearchAnswer.Conversation]) -> [Found] {
        let found = found.filter { conversations[$0.conversationID] != nil }
        guard field != "relevance" else { return direction == "asc" ? found.reversed() : found }
        let ascending = (direction ?? (field == "title" ? "asc" : "desc")) == "asc"
        func key(_ hit: Found) -> String {
            guard let conversation = conversations[hit.conversationID] else { return "" }
            switch field {
            case "imported_at": return conversation.importDate
            case "updated_at": return conversation.updatedAt
            default: return ChatSnippet.fold(conversation.title)
            }
        }
        return found.map { ($0, key($0)) }.sorted { left, right in
            if left.1 != right.1 { return ascending ? left.1 < right.1 : left.1 > right.1 }
            return left.0.conversationID < right.0.conversationID
        }.map(\.0)
    }

    /// Whether the chunks have vectors of the embedder's model; queues the job when some lack one.
    private func vectorState() throws -> ChatSearchAnswer.Vectors {
        guard let embedder else {
            let chunks = try database.read { try $0.queryOne("SELECT COUNT(*) AS n FROM workspace_chunks")?.int("n") ?? 0 }
            return .init(status: "none", missing: chunks, message: "no embedder is configured; content is ranked by words alone")
        }
        let vectors = ChatVectors.missing(database: database, embedder: embedder)
        let missing = try vectors.missingEstimate()
        guard missing > 0 else { return .init(status: "complete", missing: 0) }
        let stored = try vectors.index.countsByModel()[embedder.model] ?? 0
        var state = ChatSearchAnswer.Vectors(status: stored > 0 ? "partial" : "none", missing: missing,
                                             message: stored > 0 ? "\(missing) chunks have no vector yet; they are found by words alone"
                                                 : "no chunk has a vector yet; content is ranked by words alone")
        state.jobID = try? onMissingVectors?()
        return state
    }
}
