import Core
import FoundationEssentials
import Store

/// API keys for the HTTP routes. Only a SHA-256 hash of each key is stored, with a name, a short
/// prefix people can recognise it by, and its creation and revocation times; the key itself is
/// shown once, when it is created. Verification looks the hash up and compares it in constant time.
package struct APIKeys: Sendable {
    package struct Key: Codable, Sendable, Equatable {
        package var id: Int
        package var name: String
        package var prefix: String
        package var createdAt: String
        package var revokedAt: String?
        /// What the key may do (`AuthScope`): keys made before scopes existed have all three.
        package var scopes: [AuthScope]

        enum CodingKeys: String, CodingKey {
            case id, name, prefix, scopes
            case createdAt = "created_at"
            case revokedAt = "revoked_at"
        }
    }

    /// Every key starts with this, so secret scanners and people can tell what it is.
    package static let marker = "fbk_"

    let database: any Database

    package init(database: any Database) {
        self.database = database
    }

    /// Creates a key with `scopes` (read and write unless told); returns its record and the key,
    /// which is not stored and cannot be shown again.
    package func create(name: String, scopes: [AuthScope] = AuthScope.keyDefault, now: Date) throws -> (key: Key, secret: String) {
        let name = name.trimmingWhitespace()
        guard !name.isEmpty, name.count <= 100 else {
            throw BundleError.validation(field: "name", "must be 1 to 100 characters")
        }
        guard !scopes.isEmpty else { throw BundleError.validation(field: "scopes", "give at least one of read, write, admin") }
        let scopes = Set(scopes).sorted()
        let secret = Self.marker + Self.randomToken()
        let prefix = String(secret.prefix(Self.marker.count + 6))
        do {
            let row = try database.write { sql in
                try sql.queryOne("INSERT INTO api_keys (name, prefix, key_hash, created_at, scopes) VALUES (?, ?, ?, ?, ?) RETURNING id",
                                 name, prefix, Self.hash(secret), now, AuthScope.stored(scopes))
            }
            return (Key(id: try row?.int("id") ?? 0, name: name, prefix: prefix, createdAt: Timestamp.format(now), scopes: scopes), secret)
        } catch let error as DatabaseError where error.kind == .uniqueViolation {
            throw BundleError(.conflict, "an active API key named \"\(name)\" exists; revoke it first or choose another name",
                              details: [ErrorDetail(field: "name", problem: "is taken by an active key")])
        }
    }

    /// Revokes the active key with this name (or id); revoking a revoked key changes nothing.
    package func revoke(name: String?, id: Int?, now: Date) throws -> Key {
        try database.write { sql in
            let rows: [Row]
            if let id {
                rows = try sql.query("SELECT * FROM api_keys WHERE id = ?", id)
            } else if let name = name?.trimmingWhitespace(), !name.isEmpty {
                // The active key first; else the most recently revoked one (a repeated revoke).
                rows = try sql.query("SELECT * FROM api_keys WHERE name = ? ORDER BY revoked_at IS NULL DESC, id DESC LIMIT 1", name)
            } else {
                throw BundleError.validation(field: "name", "give the key's name or id")
            }
            guard let row = rows.first else { throw BundleError(.notFound, "no API key \(id.map { "with id \($0)" } ?? "named \"\(name ?? "")\"")") }
            var key = try Self.key(row)
            if key.revokedAt == nil {
                try sql.execute("UPDATE api_keys SET revoked_at = ? WHERE id = ?", now, key.id)
                key.revokedAt = Timestamp.format(now, milliseconds: true)
            }
            return key
        }
    }

    /// The active key this secret belongs to, or nil.
    package func verify(_ secret: String) throws -> Key? {
        guard secret.hasPrefix(Self.marker), secret.utf8.count < 200 else { return nil }
        let hash = Self.hash(secret)
        let row = try database.read { sql in
            try sql.queryOne("SELECT * FROM api_keys WHERE key_hash = ? AND revoked_at IS NULL", hash)
        }
        guard let row, SHA256.constantTimeEquals(Array(try row.string("key_hash").utf8), Array(hash.utf8)) else { return nil }
        return try Self.key(row)
    }

    package func list() throws -> [Key] {
        try database.read { sql in try sql.query("SELECT * FROM api_keys ORDER BY id").map(Self.key) }
    }

    static func key(_ row: Row) throws -> Key {
        Key(id: try row.int("id"), name: try row.string("name"), prefix: try row.string("prefix"),
            createdAt: try row.string("created_at"), revokedAt: row.optionalString("revoked_at"),
            scopes: AuthScope.parse(stored: row.optionalString("scopes") ?? ""))
    }

    package static func hash(_ secret: String) -> String {
        SHA256.hex(SHA256.hash(secret))
    }

    /// 32 random bytes in base62 (about 43 characters).
    static func randomToken() -> String {
        let alphabet = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
        var generator = SystemRandomNumberGenerator()
        return String((0..<43).map { _ in alphabet[Int(generator.next(upperBound: UInt64(alphabet.count)))] })
    }
}
