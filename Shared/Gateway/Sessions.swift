import Core
import FoundationEssentials
import Store

/// A person who signed in with OpenID Connect: one row per issuer and subject, the email unique
/// (kept lowercased), updated from the ID token at each sign-in.
package struct SignedInUser: Codable, Sendable, Equatable {
    package var id: Int
    package var email: String
    package var name: String?
    package var pictureURL: String?
    package var issuer: String
    package var subject: String
    package var createdAt: String
    package var lastLoginAt: String?

    enum CodingKeys: String, CodingKey {
        case id, email, name, issuer, subject
        case pictureURL = "picture_url"
        case createdAt = "created_at"
        case lastLoginAt = "last_login_at"
    }

    package static let schema = Schema.object([
        "id": Schema.integer(minimum: 1), "email": Schema.string(), "name": Schema.nullable(Schema.string()),
        "picture_url": Schema.nullable(Schema.string()), "issuer": Schema.string(), "subject": Schema.string(),
        "created_at": Schema.string(), "last_login_at": Schema.nullable(Schema.string()),
    ])

    /// How the gateway names this person on what they create (`_http.principal`).
    package var principal: String { "user:\(email)" }

    static func from(_ row: Row) throws -> SignedInUser {
        SignedInUser(id: try row.int("id"), email: try row.string("email"), name: row.optionalString("name"),
                     pictureURL: row.optionalString("picture_url"), issuer: try row.string("issuer"), subject: try row.string("subject"),
                     createdAt: try row.string("created_at"), lastLoginAt: row.optionalString("last_login_at"))
    }
}

/// The `auth_users` table: created or updated at each sign-in.
package struct Users: Sendable {
    let database: any Database

    package init(database: any Database) {
        self.database = database
    }

    /// Creates the user for this issuer and subject, or updates its email, name and picture; an
    /// email that already belongs to another subject is a `conflict` (two accounts never merge
    /// silently).
    package func upsert(issuer: String, subject: String, email: String, name: String?, pictureURL: String?, now: Date) throws -> SignedInUser {
        let email = email.trimmingWhitespace().lowercased()
        do {
            return try database.write { sql in
                let row = try sql.queryOne("""
                    INSERT INTO auth_users (issuer, subject, email, name, picture_url, created_at, updated_at, last_login_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (issuer, subject) DO UPDATE SET email = excluded.email, name = excluded.name,
                        picture_url = excluded.picture_url, updated_at = excluded.updated_at, last_login_at = excluded.last_login_at
                    RETURNING *
                    """, issuer, subject, email, name, pictureURL, now, now, now)
                guard let row else { throw BundleError(.internal, "the user could not be stored") }
                return try SignedInUser.from(row)
            }
        } catch let error as DatabaseError where error.kind == .uniqueViolation {
            throw BundleError(.conflict, "the email \(email) belongs to another account of this sign-in provider", retryable: false)
        }
    }

    package func user(id: Int) throws -> SignedInUser? {
        try database.read { sql in try sql.queryOne("SELECT * FROM auth_users WHERE id = ?", id).map(SignedInUser.from) }
    }
}

/// Sessions of signed-in users: a random 256-bit token goes to the browser in a cookie, only its
/// SHA-256 is stored; a session ends at `expires_at`, at logout, or when its user is deleted.
package struct Sessions: Sendable {
    /// The cookie's name, the original system's (`HttpOnly`, `SameSite=Lax`, `Secure` unless on loopback).
    package static let cookieName = "session_token"
    package static let defaultLifetimeHours = 24.0

    package struct Found: Sendable {
        package var sessionID: Int
        package var expiresAt: String
        package var user: SignedInUser
    }

    let database: any Database

    package init(database: any Database) {
        self.database = database
    }

    /// A new session for `userID`; returns the token (shown once, to go in the cookie) and when it ends.
    package func create(userID: Int, now: Date, lifetimeHours: Double, userAgent: String?) throws -> (token: String, expiresAt: Date) {
        let token = Self.newToken()
        let expiresAt = now.addingTimeInterval(lifetimeHours * 3600)
        try database.write { sql in
            try sql.execute("INSERT INTO auth_sessions (token_hash, user_id, created_at, expires_at, user_agent) VALUES (?, ?, ?, ?, ?)",
                            APIKeys.hash(token), userID, now, expiresAt, userAgent.map { String($0.prefix(300)) })
        }
        return (token, expiresAt)
    }

    /// The live session this token belongs to, with its user; nil when unknown or expired.
    package func find(token: String, now: Date) throws -> Found? {
        guard token.utf8.count >= 32, token.utf8.count < 200 else { return nil }
        let hash = APIKeys.hash(token)
        let row = try database.read { sql in
            try sql.queryOne("""
                SELECT s.id AS session_id, s.token_hash, s.expires_at AS session_expires_at, u.*
                FROM auth_sessions s JOIN auth_users u ON u.id = s.user_id
                WHERE s.token_hash = ? AND s.expires_at > ?
                """, hash, now)
        }
        guard let row, SHA256.constantTimeEquals(Array(try row.string("token_hash").utf8), Array(hash.utf8)) else { return nil }
        return Found(sessionID: try row.int("session_id"), expiresAt: try row.string("session_expires_at"), user: try SignedInUser.from(row))
    }

    /// Ends the session this token belongs to; false when there was none.
    @discardableResult
    package func delete(token: String) throws -> Bool {
        try database.write { sql in try sql.execute("DELETE FROM auth_sessions WHERE token_hash = ?", APIKeys.hash(token)) } > 0
    }

    /// Ends this session (logout, which knows the session the gateway found, not its token);
    /// false when it was already gone.
    @discardableResult
    package func delete(sessionID: Int) throws -> Bool {
        try database.write { sql in try sql.execute("DELETE FROM auth_sessions WHERE id = ?", sessionID) } > 0
    }

    /// Removes sessions (and logins in flight) that have expired; returns how many sessions.
    package func deleteExpired(now: Date) throws -> Int {
        try database.write { sql in
            try sql.execute("DELETE FROM auth_login_states WHERE expires_at <= ?", now)
            return try sql.execute("DELETE FROM auth_sessions WHERE expires_at <= ?", now)
        }
    }

    /// 32 random bytes (256 bits) as 64 hex digits.
    static func newToken() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
        return SHA256.hex(bytes)
    }
}
