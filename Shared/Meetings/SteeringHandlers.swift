import Core
import FoundationEssentials
import Runtime

/// `GET /steering`: the steering profile in force, with its version.
package struct GetSteeringHandler: FunctionHandler {
    package static let manifest = FunctionManifest(
        name: "get-steering",
        summary: "The steering profile in force (product focus, ICP, pains, disallowed claims, competitors, weights, rules) and its version.",
        routes: [Route("GET", "/steering")],
        input: Schema.object([:], required: []),
        output: SteeringVersion.schema,
        timeoutSeconds: 10
    )

    package init() {}

    package func handle(_ input: NoInput, context: FunctionContext) async throws -> SteeringVersion {
        try SteeringStore(database: try context.database()).current(now: context.clock.now())
    }
}

/// `PUT /steering`: a partial update that becomes a new version (weights must still sum to 1).
package struct PutSteeringHandler: FunctionHandler {
    package struct Input: Codable, Sendable {
        var productFocus: String?
        var icp: String?
        var keyPains: [String]?
        var disallowedClaims: [String]?
        var competitors: [String]?
        var weights: PartialWeights?
        var specificityRules: [String]?

        enum CodingKeys: String, CodingKey {
            case icp, competitors, weights
            case productFocus = "product_focus"
            case keyPains = "key_pains"
            case disallowedClaims = "disallowed_claims"
            case specificityRules = "specificity_rules"
        }
    }

    package struct PartialWeights: Codable, Sendable {
        var news: Double?
        var rolePains: Double?
        var competitors: Double?

        enum CodingKeys: String, CodingKey {
            case news, competitors
            case rolePains = "role_pains"
        }
    }

    package struct Output: Codable, Sendable {
        var changed: Bool
        var changes: [String]
        var steering: SteeringVersion
    }

    package static let manifest = FunctionManifest(
        name: "put-steering",
        summary: "Updates the steering profile (any subset of its fields) as a new version; weights must sum to 1.",
        routes: [Route("PUT", "/steering")],
        input: Schema.object([
            "product_focus": Schema.string(maxLength: 2000), "icp": Schema.string(maxLength: 2000),
            "key_pains": Schema.array(Schema.string()), "disallowed_claims": Schema.array(Schema.string()),
            "competitors": Schema.array(Schema.string()), "specificity_rules": Schema.array(Schema.string()),
            "weights": Schema.object(["news": Schema.number(minimum: 0, maximum: 1), "role_pains": Schema.number(minimum: 0, maximum: 1),
                                      "competitors": Schema.number(minimum: 0, maximum: 1)], required: []),
            // The original's flat names (its SteeringProfileUpdate).
            "weight_news": Schema.alias(of: "weights.news", Schema.number(minimum: 0, maximum: 1)),
            "weight_role_pains": Schema.alias(of: "weights.role_pains", Schema.number(minimum: 0, maximum: 1)),
            "weight_competitors": Schema.alias(of: "weights.competitors", Schema.number(minimum: 0, maximum: 1)),
            "competitor_list": Schema.alias(of: "competitors", Schema.array(Schema.string())),
        ], required: []),
        output: Schema.object(["changed": Schema.boolean(), "changes": Schema.array(Schema.string()), "steering": SteeringVersion.schema]),
        timeoutSeconds: 10
    )

    package init() {}

    package func handle(_ input: Input, context: FunctionContext) async throws -> Output {
        let store = SteeringStore(database: try context.database())
        let now = context.clock.now()
        let current = try store.current(now: now)
        var profile = current.profile
        if let value = input.productFocus { profile.productFocus = value }
        if let value = input.icp { profile.icp = value }
        if let value = input.keyPains { profile.keyPains = value }
        if let value = input.disallowedClaims { profile.disallowedClaims = value }
        if let value = input.competitors { profile.competitors = value }
        if let value = input.specificityRules { profile.specificityRules = value }
        if let weights = input.weights {
            profile.weights.news = weights.news ?? profile.weights.news
            profile.weights.rolePains = weights.rolePains ?? profile.weights.rolePains
            profile.weights.competitors = weights.competitors ?? profile.weights.competitors
        }
        let (saved, created) = try store.save(profile, source: "put", now: now)
        return Output(changed: created, changes: try profile.changes(from: current.profile), steering: saved)
    }
}

/// `GET /steering/versions`: every version, newest first, with what changed from the one before.
package struct ListSteeringVersionsHandler: FunctionHandler {
    package struct Entry: Codable, Sendable {
        var version: Int
        var createdAt: String
        var source: String
        var changes: [String]
        var profile: SteeringProfile

        enum CodingKeys: String, CodingKey {
            case version, source, changes, profile
            case createdAt = "created_at"
        }
    }

    package struct Output: Codable, Sendable {
        var versions: [Entry]
    }

    package static let manifest = FunctionManifest(
        name: "list-steering-versions",
        summary: "Every steering version, newest first, with the fields each changed.",
        routes: [Route("GET", "/steering/versions")],
        input: Schema.object([:], required: []),
        output: Schema.object(["versions": Schema.array(Schema.object([
            "version": Schema.integer(minimum: 1), "created_at": Schema.string(format: "date-time"), "source": Schema.string(),
            "changes": Schema.array(Schema.string()), "profile": SteeringVersion.schema["properties"]?["profile"] ?? Schema.any,
        ]))]),
        timeoutSeconds: 10
    )

    package init() {}

    package func handle(_ input: NoInput, context: FunctionContext) async throws -> Output {
        let store = SteeringStore(database: try context.database())
        _ = try store.current(now: context.clock.now())
        let versions = try store.versions()
        var entries: [Entry] = []
        for (index, version) in versions.enumerated() {
            let previous = index + 1 < versions.count ? versions[index + 1] : nil
            entries.append(Entry(version: version.version, createdAt: version.createdAt, source: version.source,
                                 changes: try previous.map { try version.profile.changes(from: $0.profile) } ?? [], profile: version.profile))
        }
        return Output(versions: entries)
    }
}

/// `POST /meetings/{id}/feedback`: a thumbs-up or thumbs-down with notes. Thumbs-down notes
/// steer the agent (a new profile version); thumbs-up changes nothing. The answer says which
/// rules fired (`rules_applied`), so a note that moved nothing is visible as such.
package struct MeetingFeedbackHandler: FunctionHandler {
    package struct Input: Codable, Sendable {
        var id: Int
        var score: Int
        var notes: String?
    }

    package struct Output: Codable, Sendable {
        var meetingID: Int
        var score: Int
        var status: String
        var steeringVersion: Int
        var steeringChanged: Bool
        var changes: [String]
        var rulesApplied: [SteeringFeedback.AppliedRule]

        enum CodingKeys: String, CodingKey {
            case score, status, changes
            case rulesApplied = "rules_applied"
            case meetingID = "meeting_id"
            case steeringVersion = "steering_version"
            case steeringChanged = "steering_changed"
        }
    }

    package static let manifest = FunctionManifest(
        name: "meeting-feedback",
        summary: "Thumbs-up (1) or thumbs-down (-1) with notes on a meeting's prep; thumbs-down notes adjust the steering profile.",
        routes: [Route("POST", "/meetings/{id:int}/feedback")],
        input: Schema.object([
            "id": Schema.integer(minimum: 1), "score": Schema.integer("1 (thumbs-up) or -1 (thumbs-down)", minimum: -1, maximum: 1),
            "notes": Schema.string("What was wrong or right: \"too generic\", \"more news\", \"competitors missing\"…", maxLength: 4000),
        ], required: ["id", "score"]),
        output: Schema.object([
            "meeting_id": Schema.integer(), "score": Schema.integer(), "status": Schema.string(),
            "steering_version": Schema.integer(minimum: 1), "steering_changed": Schema.boolean(), "changes": Schema.array(Schema.string()),
            "rules_applied": Schema.array(SteeringFeedback.AppliedRule.schema),
        ]),
        timeoutSeconds: 10
    )

    package init() {}

    package func handle(_ input: Input, context: FunctionContext) async throws -> Output {
        guard input.score == 1 || input.score == -1 else { throw BundleError.validation(field: "score", "must be 1 or -1") }
        if let notes = input.notes, notes.count > 4000 { throw BundleError.validation(field: "notes", "must be at most 4000 characters") }
        let database = try context.database()
        let now = context.clock.now()
        let changed = try database.write { sql in
            try sql.execute("UPDATE meetings SET feedback_score = ?, feedback_notes = ?, status = 'feedback_given', updated_at = ? WHERE id = ?",
                            input.score, input.notes, now, input.id)
        }
        guard changed == 1 else { throw BundleError(.notFound, "no meeting with id \(input.id)") }
        let store = SteeringStore(database: database)
        let current = try store.current(now: now)
        let (adjusted, rules) = SteeringFeedback.apply(current.profile, score: input.score, notes: input.notes)
        let (version, created) = try store.save(adjusted, source: "feedback on meeting \(input.id)", now: now)
        if created { context.logger.info("steering.adjusted", ["version": .number(Double(version.version)), "meeting": .number(Double(input.id))]) }
        return Output(meetingID: input.id, score: input.score, status: "feedback_given", steeringVersion: version.version,
                      steeringChanged: created, changes: try adjusted.changes(from: current.profile), rulesApplied: rules)
    }
}
