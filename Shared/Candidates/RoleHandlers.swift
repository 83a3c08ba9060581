import Core
import Runtime

/// `PUT /roles/{id}`: creates or replaces a role. Changing what it asks for marks its candidates
/// for rescoring and queues the `score-candidates` job that does it (the one already waiting, if
/// any); changing only weights or tiers recombines the scores they have.
package struct PutRoleHandler: FunctionHandler {
    package struct Input: Codable, Sendable {
        var id: Int
        var title: String?
        var description: String?
        var requiredSkills: JSONValue?
        var preferredSkills: JSONValue?
        var minYears: Double?
        var industries: JSONValue?
        var weights: JSONValue?
        var tiers: JSONValue?

        enum CodingKeys: String, CodingKey {
            case id, title, description, industries, weights, tiers
            case requiredSkills = "required_skills"
            case preferredSkills = "preferred_skills"
            case minYears = "min_years"
        }
    }

    package struct Output: Codable, Sendable {
        var role: Role
        var created: Bool
        var candidatesToRescore: Int
        var jobID: Int?

        enum CodingKeys: String, CodingKey {
            case role, created
            case candidatesToRescore = "candidates_to_rescore"
            case jobID = "job_id"
        }
    }

    package static let manifest = FunctionManifest(
        name: "put-role",
        summary: "Creates or replaces a role: required and preferred skills, minimum years, industries, score weights and tier thresholds.",
        routes: [Route("PUT", "/roles/{id:int}")],
        input: Schema.object([
            "id": Schema.integer(minimum: 1),
            "title": Schema.string(minLength: 1, maxLength: 200),
            "description": Schema.string("What the role is about, for the AI assessment", maxLength: 4000),
            "required_skills": Schema.listOrText("A list, or one string split on commas, semicolons or pipes", nullable: true),
            "preferred_skills": Schema.listOrText(nullable: true),
            "min_years": Schema.number("Minimum years of experience (default 0)", minimum: 0, maximum: 50),
            "industries": Schema.listOrText(nullable: true),
            "weights": Schema.nullable(Schema.object(["algo": Schema.number(minimum: 0, maximum: 1), "ai": Schema.number(minimum: 0, maximum: 1)],
                                                     "How the combined score weighs the two (sum 1; default 0.6 and 0.4)")),
            "tiers": Schema.nullable(Schema.object(["top": Schema.number(), "strong": Schema.number(), "consider": Schema.number()],
                                                   "Lowest combined score of each tier (default 80, 65, 50)")),
        ], required: ["id", "title"]),
        output: Schema.object(["role": Role.schema, "created": Schema.boolean(),
                               "candidates_to_rescore": Schema.integer("Candidates marked for rescoring by this change", minimum: 0),
                               "job_id": Schema.nullable(Schema.integer("The score-candidates job that rescores them (GET /jobs/{id})", minimum: 1))]),
        timeoutSeconds: 30
    )

    package init() {}

    package func handle(_ input: Input, context: FunctionContext) async throws -> Output {
        guard input.id >= 1 else { throw BundleError.validation(field: "id", "must be 1 or more") }
        let definition = try RoleDefinition(title: input.title, description: input.description, requiredSkills: input.requiredSkills,
                                            preferredSkills: input.preferredSkills, minYears: input.minYears, industries: input.industries,
                                            weights: input.weights, tiers: input.tiers)
        let database = try context.database()
        let (role, created, rescoring, judgesDifferently) = try RoleStore(database: database).put(input.id, definition, now: context.clock.now())
        var jobID: Int?
        if rescoring > 0 || judgesDifferently, try CandidateStore(database: database).hasWaiting(roleID: role.id) {
            // Idempotent: a run already queued for the role is reused, and it re-reads the role.
            jobID = try ScoreCandidatesHandler.enqueue(roleID: role.id, uploadID: nil, context: context)
        }
        context.logger.info("role.saved", ["role": .number(Double(role.id)), "created": .bool(created), "rescore": .number(Double(rescoring)),
                                           "job": jobID.map { .number(Double($0)) } ?? .null])
        return Output(role: role, created: created, candidatesToRescore: rescoring, jobID: jobID)
    }
}

/// `GET /roles/{id}`.
package struct GetRoleHandler: FunctionHandler {
    package struct Input: Codable, Sendable {
        var id: Int
    }

    package static let manifest = FunctionManifest(
        name: "get-role",
        summary: "One role with its scoring criteria, weights and tier thresholds.",
        routes: [Route("GET", "/roles/{id:int}")],
        input: Schema.object(["id": Schema.integer(minimum: 1)]),
        output: Role.schema,
        timeoutSeconds: 10
    )

    package init() {}

    package func handle(_ input: Input, context: FunctionContext) async throws -> Role {
        guard let role = try RoleStore(database: try context.database()).role(input.id) else {
            throw BundleError(.notFound, "no role with id \(input.id); create it with PUT /roles/\(input.id)")
        }
        return role
    }
}
