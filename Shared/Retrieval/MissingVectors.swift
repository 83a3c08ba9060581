import Core
import FoundationEssentials
import Store

/// The rows of one table that have no current vector of a model in a `VectorIndex` collection
/// (none, or one made from text the row no longer holds), and the
/// sync that embeds them: in batches, each stored in its own transaction, so a failure part way
/// keeps what was done and a retry (a `reembed-*` job) picks up exactly what is missing; storing
/// is an upsert, so two runs at once only repeat work. Generic over the table (its `id` is the
/// item id, `columns` what the text is made from) and the embedder (a model name and a batch
/// function, since Retrieval knows no provider). The workspace's chunks (`ChatVectors`) and the
/// sales communication chunks (`CommunicationVectors`) use it.
package struct MissingVectors: Sendable {
    package let database: any Database
    package let collection: String
    /// The table (code-given, never user input) whose `id` column is the item id.
    package let table: String
    /// The columns `text` reads (code-given).
    package let columns: [String]
    package let text: @Sendable (Row) throws -> String
    package let model: String
    package let embed: @Sendable ([String], Deadline) async throws -> [[Float]]

    package init(database: any Database, collection: String, table: String, columns: [String], text: @escaping @Sendable (Row) throws -> String,
                 model: String, embed: @escaping @Sendable ([String], Deadline) async throws -> [[Float]]) {
        self.database = database
        self.collection = collection
        self.table = table
        self.columns = columns
        self.text = text
        self.model = model
        self.embed = embed
    }

    package var index: VectorIndex { VectorIndex(database: database, collection: collection) }

    /// Ids go in as placeholders, a bounded number per statement.
    private static func groups(_ ids: [Int]?) -> [[Int]?] {
        ids.map { ids in stride(from: 0, to: ids.count, by: 500).map { Array(ids[$0..<min($0 + 500, ids.count)]) } } ?? [nil]
    }

    /// Rows (optionally only `ids`, only after `after`) with no vector of the model, or with one
    /// made from other text than the row holds now (a row rewritten since it was embedded),
    /// oldest first, at most `limit`. The stored hash is compared here, since SQL cannot hash.
    package func missing(ids: [Int]? = nil, after: Int = 0, limit: Int = Int.max) throws -> [VectorIndex.Item] {
        let select = "SELECT t.id, " + columns.map { "t." + $0 }.joined(separator: ", ")
            + ", v.content_hash AS vector_hash FROM \(table) t LEFT JOIN retrieval_vectors v ON v.collection = ? AND v.item_id = t.id AND v.model = ?"
            + " WHERE t.id > ?"
        let page = 512
        return try database.read { sql in
            var items: [VectorIndex.Item] = []
            // Sorted, so a cursor (the last id returned) never skips an id of a later group.
            for group in Self.groups(ids?.sorted()) where items.count < limit {
                var cursor = after
                while items.count < limit {
                    var statement = select
                    var arguments: [any SQLBindable] = [collection, model, cursor]
                    if let group {
                        statement += " AND t.id IN (" + Array(repeating: "?", count: group.count).joined(separator: ", ") + ")"
                        arguments += group.map { $0 as any SQLBindable }
                    }
                    statement += " ORDER BY t.id LIMIT ?"
                    arguments.append(page)
                    let rows = try sql.query(statement, arguments)
                    for row in rows where items.count < limit {
                        let item = VectorIndex.Item(id: try row.int("id"), text: try text(row))
                        if row.optionalString("vector_hash") != VectorIndex.contentHash(item.text) { items.append(item) }
                    }
                    guard rows.count == page, let last = rows.last else { break }
                    cursor = try last.int("id")
                }
            }
            return items
        }
    }

    /// How many rows (optionally only of `ids`) have no current vector of the model (see `missing`).
    package func missingCount(ids: [Int]? = nil) throws -> Int {
        try missing(ids: ids).count
    }

    /// Rows less vectors of the model: two counts, cheap enough for every search to ask.
    package func missingEstimate() throws -> Int {
        try database.read { sql in
            let rows = try sql.queryOne("SELECT COUNT(*) AS n FROM \(table)")?.int("n") ?? 0
            let vectors = try sql.queryOne("SELECT COUNT(*) AS n FROM retrieval_vectors WHERE collection = ? AND model = ?", collection, model)?
                .int("n") ?? 0
            return max(0, rows - vectors)
        }
    }

    /// What one sync did; `failure` is the embedder's error when it stopped part way.
    package struct Report: Sendable {
        package var embedded = 0
        package var pending = 0
        package var failure: BundleError?
    }

    /// Embeds the missing rows (optionally only `ids`); embedder failures are reported, not
    /// thrown (storing errors are thrown). Reads `batchSize × 16` rows at a time, so a large
    /// backlog never sits in memory at once.
    package func sync(ids: [Int]? = nil, deadline: Deadline, now: Date, batchSize: Int = 64) async throws -> Report {
        var report = Report()
        var cursor = 0
        while true {
            let items = try missing(ids: ids, after: cursor, limit: batchSize * 16)
            guard let last = items.last else { return report }
            cursor = last.id
            var start = 0
            while start < items.count {
                let batch = Array(items[start..<min(start + batchSize, items.count)])
                let vectors: [[Float]]
                do {
                    vectors = try await embed(batch.map(\.text), deadline)
                    guard vectors.count == batch.count else {
                        throw BundleError(.upstreamFailed, "the embedder returned \(vectors.count) vectors for \(batch.count) texts")
                    }
                } catch {
                    report.pending = (try? missingCount(ids: ids)) ?? (items.count - start)
                    report.failure = BundleError.converting(error, otherwise: BundleError(.upstreamFailed, "the embedder failed"))
                    return report
                }
                report.embedded += try storeCurrent(Array(zip(batch, vectors)).map { (item: $0.0, vector: $0.1) }, now: now)
                start += batch.count
            }
        }
    }

    /// Stores the vectors of the rows that still hold the text they were made from, checked in
    /// the same write: the embedder was awaited outside any transaction, so a row may have been
    /// deleted or rewritten meanwhile (its vector would describe other text). Returns how many
    /// were stored; the others are missing again and a later sync embeds their new text.
    private func storeCurrent(_ entries: [(item: VectorIndex.Item, vector: [Float])], now: Date) throws -> Int {
        guard !entries.isEmpty else { return 0 }
        let select = "SELECT t.id, " + columns.map { "t." + $0 }.joined(separator: ", ") + " FROM \(table) t WHERE t.id IN ("
        return try database.write { sql in
            var current: [Int: String] = [:]
            for group in Self.groups(entries.map(\.item.id)) {
                guard let group else { continue }
                let statement = select + Array(repeating: "?", count: group.count).joined(separator: ", ") + ")"
                for row in try sql.query(statement, group.map { $0 as any SQLBindable }) {
                    current[try row.int("id")] = try text(row)
                }
            }
            let fresh = entries.filter { current[$0.item.id] == $0.item.text }
            try index.store(fresh, model: model, now: now, in: sql)
            return fresh.count
        }
    }
}
