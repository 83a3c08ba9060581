import Core
import FoundationEssentials
import Store

/// The rows of one table that have no vector of a model in a `VectorIndex` collection, and the
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

    private var missingClause: String {
        "NOT EXISTS (SELECT 1 FROM retrieval_vectors v WHERE v.collection = ? AND v.item_id = t.id AND v.model = ?)"
    }

    /// Ids go in as placeholders, a bounded number per statement.
    private static func groups(_ ids: [Int]?) -> [[Int]?] {
        ids.map { ids in stride(from: 0, to: ids.count, by: 500).map { Array(ids[$0..<min($0 + 500, ids.count)]) } } ?? [nil]
    }

    /// Rows with no vector of the model (optionally only `ids`), oldest first, at most `limit`.
    package func missing(ids: [Int]? = nil, limit: Int = Int.max) throws -> [VectorIndex.Item] {
        let select = "SELECT t.id, " + columns.map { "t." + $0 }.joined(separator: ", ") + " FROM \(table) t WHERE " + missingClause
        return try database.read { sql in
            var items: [VectorIndex.Item] = []
            for group in Self.groups(ids) where items.count < limit {
                var statement = select
                var arguments: [any SQLBindable] = [collection, model]
                if let group {
                    statement += " AND t.id IN (" + Array(repeating: "?", count: group.count).joined(separator: ", ") + ")"
                    arguments += group.map { $0 as any SQLBindable }
                }
                statement += " ORDER BY t.id LIMIT ?"
                arguments.append(min(limit - items.count, Int(Int32.max)))
                items += try sql.query(statement, arguments).map { row in VectorIndex.Item(id: try row.int("id"), text: try text(row)) }
            }
            return items
        }
    }

    /// How many rows (optionally only of `ids`) have no vector of the model.
    package func missingCount(ids: [Int]? = nil) throws -> Int {
        let base = "SELECT COUNT(*) AS n FROM \(table) t WHERE " + missingClause
        return try database.read { sql in
            var count = 0
            for group in Self.groups(ids) {
                var statement = base
                var arguments: [any SQLBindable] = [collection, model]
                if let group {
                    statement += " AND t.id IN (" + Array(repeating: "?", count: group.count).joined(separator: ", ") + ")"
                    arguments += group.map { $0 as any SQLBindable }
                }
                count += try sql.queryOne(statement, arguments)?.int("n") ?? 0
            }
            return count
        }
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
        while true {
            let items = try missing(ids: ids, limit: batchSize * 16)
            guard !items.isEmpty else { return report }
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
                try index.store(Array(zip(batch, vectors)).map { (item: $0.0, vector: $0.1) }, model: model, now: now)
                report.embedded += batch.count
                start += batch.count
            }
        }
    }
}
