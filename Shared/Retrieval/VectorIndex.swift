import Core
import FoundationEssentials
import Store

/// The vectors of one collection in `retrieval_vectors`: stores them normalised with the model
/// and the hash of the text they came from, tells which items need (re-)embedding, and finds the
/// nearest by an exact scan (dot products over the stored bytes, in place) of the rows of the
/// current model that pass the caller's SQL filter.
package struct VectorIndex: Sendable {
    package let database: any Database
    package let collection: String

    package init(database: any Database, collection: String) {
        self.database = database
        self.collection = collection
    }

    /// The hash stored with a vector: an item whose text hashes the same under the same model is
    /// not embedded again.
    package static func contentHash(_ text: String) -> String {
        SHA256.hex(SHA256.hash(text))
    }

    /// One item to embed: its id and the text its vector must represent.
    package struct Item: Sendable, Equatable {
        package var id: Int
        package var text: String

        package init(id: Int, text: String) {
            self.id = id
            self.text = text
        }
    }

    /// The items whose stored vector is missing, of another model, or of other text.
    package func stale(_ items: [Item], model: String) throws -> [Item] {
        let stored = try database.read { sql in
            var stored: [Int: (model: String, hash: String)] = [:]
            for row in try sql.query("SELECT item_id, model, content_hash FROM retrieval_vectors WHERE collection = ?", collection) {
                stored[try row.int("item_id")] = (try row.string("model"), try row.string("content_hash"))
            }
            return stored
        }
        return items.filter { item in
            guard let current = stored[item.id] else { return true }
            return current.model != model || current.hash != Self.contentHash(item.text)
        }
    }

    /// Stores vectors (normalised here) in one transaction, replacing an item's previous vector.
    package func store(_ entries: [(item: Item, vector: [Float])], model: String, now: Date) throws {
        guard !entries.isEmpty else { return }
        try database.write { sql in try store(entries, model: model, now: now, in: sql) }
    }

    /// The same inside a caller's transaction (an item and its vector stored together).
    package func store(_ entries: [(item: Item, vector: [Float])], model: String, now: Date, in sql: any SQLExecutor) throws {
        for entry in entries {
            try sql.execute("""
                INSERT INTO retrieval_vectors (collection, item_id, model, dimensions, vector, content_hash, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (collection, item_id) DO UPDATE SET model = excluded.model, dimensions = excluded.dimensions,
                    vector = excluded.vector, content_hash = excluded.content_hash, updated_at = excluded.updated_at
                """, [collection, entry.item.id, model, entry.vector.count, SQLValue.blob(VectorMath.blob(entry.vector)),
                      Self.contentHash(entry.item.text), now])
        }
    }

    package func remove(_ ids: [Int]) throws {
        try database.write { sql in
            for id in ids { try sql.execute("DELETE FROM retrieval_vectors WHERE collection = ? AND item_id = ?", collection, id) }
        }
    }

    /// How many stored vectors each model made.
    package func countsByModel() throws -> [String: Int] {
        try database.read { sql in
            var counts: [String: Int] = [:]
            for row in try sql.query("SELECT model, COUNT(*) AS n FROM retrieval_vectors WHERE collection = ? GROUP BY model", collection) {
                counts[try row.string("model")] = try row.int("n")
            }
            return counts
        }
    }

    /// A hit: the item and its cosine similarity to the query (vectors are unit length).
    package struct Hit: Sendable, Equatable {
        package var id: Int
        package var similarity: Double
    }

    /// The `limit` items nearest to `query` among this model's vectors that pass `filter`
    /// (written against `item_id`), best first; ties by lower id.
    package func search(_ query: [Float], model: String, filter: SQLFilter? = nil, limit: Int) throws -> [Hit] {
        try database.read { sql in try search(query, model: model, filter: filter, limit: limit, in: sql) }
    }

    package func search(_ query: [Float], model: String, filter: SQLFilter? = nil, limit: Int, in sql: any SQLExecutor) throws -> [Hit] {
        guard limit > 0, !query.isEmpty else { return [] }
        let unit = UnitVector.normalized(query)
        var statement = "SELECT item_id, vector FROM retrieval_vectors WHERE collection = ? AND model = ? AND dimensions = ?"
        var arguments: [any SQLBindable] = [collection, model, unit.count]
        if let filter {
            statement += " AND (\(filter.sql))"
            arguments += filter.arguments
        }
        var best = TopK(limit: limit)
        try unit.withUnsafeBufferPointer { query in
            try sql.scanRows(statement, arguments) { row in
                let similarity = row.withBlob(1) { bytes in bytes.count == query.count * 4 ? VectorMath.dot(query, bytes) : -.infinity }
                best.offer(id: Int(row.int64(0)), score: similarity)
            }
        }
        return best.sorted.map { Hit(id: $0.id, similarity: Double($0.score)) }
    }
}

/// The best `limit` scores seen, kept sorted (limits are small next to the rows scanned, so most
/// offers are one comparison with the worst kept).
struct TopK {
    let limit: Int
    private(set) var sorted: [(id: Int, score: Float)] = []

    init(limit: Int) {
        self.limit = limit
        sorted.reserveCapacity(limit + 1)
    }

    mutating func offer(id: Int, score: Float) {
        guard score.isFinite else { return }
        if sorted.count == limit, let worst = sorted.last, !(score > worst.score || (score == worst.score && id < worst.id)) { return }
        var index = sorted.count
        while index > 0, score > sorted[index - 1].score || (score == sorted[index - 1].score && id < sorted[index - 1].id) { index -= 1 }
        sorted.insert((id, score), at: index)
        if sorted.count > limit { sorted.removeLast() }
    }
}
