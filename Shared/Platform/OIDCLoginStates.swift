import Core
import FoundationEssentials
import Gateway
import Store

/// Logins in flight (`auth_login_states`): what the callback needs to finish a login that this
/// bundle started. The state is stored hashed (a database reader cannot finish someone's login),
/// and is consumed by the same statement that reads it (`DELETE … RETURNING`), so a replayed
/// callback finds nothing, even when two arrive at once.
struct OIDCLoginStates: Sendable {
    /// How long a person has to finish signing in at the provider.
    static let lifetimeSeconds = 600.0

    struct Pending: Sendable, Equatable {
        var nonce: String
        var codeVerifier: String
        var returnTo: String?
    }

    let database: any Database

    /// Stores a new login; logins that expired unfinished are removed in the same transaction,
    /// so the table stays small without a scheduled clean-up.
    func start(state: String, pending: Pending, now: Date) throws {
        try database.write { sql in
            try sql.execute("DELETE FROM auth_login_states WHERE expires_at <= ?", now)
            try sql.execute("""
                INSERT INTO auth_login_states (state_hash, nonce, code_verifier, return_to, created_at, expires_at)
                VALUES (?, ?, ?, ?, ?, ?)
                """, APIKeys.hash(state), pending.nonce, pending.codeVerifier, pending.returnTo, now,
                            now.addingTimeInterval(Self.lifetimeSeconds))
        }
    }

    /// The login this state started, removed as it is read; nil when unknown, already used or
    /// expired.
    func consume(state: String, now: Date) throws -> Pending? {
        let row = try database.write { sql in
            try sql.queryOne("DELETE FROM auth_login_states WHERE state_hash = ? RETURNING nonce, code_verifier, return_to, expires_at",
                             APIKeys.hash(state))
        }
        guard let row, let expiresAt = Timestamp.parse(try row.string("expires_at")), expiresAt > now else { return nil }
        return Pending(nonce: try row.string("nonce"), codeVerifier: try row.string("code_verifier"), returnTo: row.optionalString("return_to"))
    }
}
