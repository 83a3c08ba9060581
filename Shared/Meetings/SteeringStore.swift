import Core
import FoundationEssentials
import Store

/// One stored version of the steering profile.
package struct SteeringVersion: Codable, Sendable, Equatable {
    package var version: Int
    package var createdAt: String
    /// What made it: `default`, `put`, or `feedback on meeting 12`.
    package var source: String
    package var profile: SteeringProfile

    enum CodingKeys: String, CodingKey {
        case version, source, profile
        case createdAt = "created_at"
    }

    package static let schema: JSONValue = Schema.object([
        "version": Schema.integer(minimum: 1),
        "created_at": Schema.string(format: "date-time"),
        "source": Schema.string(),
        "profile": Schema.object([
            "product_focus": Schema.string(), "icp": Schema.string(), "key_pains": Schema.array(Schema.string()),
            "disallowed_claims": Schema.array(Schema.string()), "competitors": Schema.array(Schema.string()),
            "weights": Schema.object(["news": Schema.number(), "role_pains": Schema.number(), "competitors": Schema.number()]),
            "specificity_rules": Schema.array(Schema.string()),
        ]),
    ])
}

/// Immutable, numbered steering versions; version 1 is the default, created on first use.
package struct SteeringStore: Sendable {
    let database: any Database

    package init(database: any Database) {
        self.database = database
    }

    package func current(now: Date) throws -> SteeringVersion {
        if let latest = try database.read({ sql in try sql.queryOne("SELECT * FROM steering_profiles ORDER BY version DESC LIMIT 1") }) {
            return try Self.version(latest)
        }
        try database.write { sql in
            // Many processes may start on a new database at once: the first insert wins.
            try sql.execute("""
                INSERT INTO steering_profiles (version, profile, source, created_at) VALUES (1, ?, 'default', ?)
                ON CONFLICT (version) DO NOTHING
                """, try JSONValue(encoding: SteeringProfile.defaultProfile), now)
        }
        return try current(now: now)
    }

    /// Stores `profile` as the next version unless it equals the current one. Row-level: the
    /// number is taken under the primary key (`ON CONFLICT (version) DO NOTHING`: a racing writer
    /// that took it first yields no row and no error, and the next look at the highest sees
    /// theirs), so two writers on several hosts both succeed with consecutive numbers.
    package func save(_ profile: SteeringProfile, source: String, now: Date) throws -> (version: SteeringVersion, created: Bool) {
        let problems = profile.problems()
        if !problems.isEmpty { throw BundleError.validation(problems) }
        _ = try current(now: now)
        let profileJSON = try JSONValue(encoding: profile)
        return try database.concurrentWrite { sql in
            for _ in 0..<Self.numberAttempts {
                guard let latest = try sql.queryOne("SELECT * FROM steering_profiles ORDER BY version DESC LIMIT 1") else { break }
                let current = try Self.version(latest)
                if current.profile == profile { return (current, false) }
                if let row = try sql.queryOne("""
                    INSERT INTO steering_profiles (version, profile, source, created_at) VALUES (?, ?, ?, ?)
                    ON CONFLICT (version) DO NOTHING RETURNING *
                    """, current.version + 1, profileJSON, source, now) {
                    return (try Self.version(row), true)
                }
            }
            throw BundleError(.unavailable, "the steering profile is being changed by many requests at once; try again")
        }
    }

    /// How many numbers `save` tries: each miss means another writer took the number in between.
    static let numberAttempts = 16

    /// Every version, newest first.
    package func versions(limit: Int = 100) throws -> [SteeringVersion] {
        try database.read { sql in
            try sql.query("SELECT * FROM steering_profiles ORDER BY version DESC LIMIT ?", limit).map(Self.version)
        }
    }

    static func version(_ row: Row) throws -> SteeringVersion {
        SteeringVersion(version: try row.int("version"), createdAt: try row.string("created_at"), source: try row.string("source"),
                        profile: try row.decode("profile", as: SteeringProfile.self))
    }
}
