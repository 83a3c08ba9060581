import Core
import Jobs
import Providers
import Runtime
import Synchronization

/// `score-candidates`: a job kind (queued by uploads) that scores a role's candidates, and
/// `POST /candidates/score`, which queues that job and answers 202 at once, since scoring
/// thousands of candidates outlasts an HTTP request. Run from a terminal or by the worker, it
/// scores and returns the summary.
package struct ScoreCandidatesHandler: FunctionHandler {
    package struct Input: Codable, Sendable {
        var roleID: Int?
        var onlyUnscored: Bool?
        var uploadID: Int?

        enum CodingKeys: String, CodingKey {
            case roleID = "role_id"
            case onlyUnscored = "only_unscored"
            case uploadID = "upload_id"
        }
    }

    package struct Output: Codable, Sendable {
        var roleID: Int
        var queued: Bool
        var jobID: Int?
        var summary: CandidateScorer.Summary?

        enum CodingKeys: String, CodingKey {
            case queued, summary
            case roleID = "role_id"
            case jobID = "job_id"
        }
    }

    package static let manifest = FunctionManifest(
        name: "score-candidates",
        summary: "Scores a role's candidates (extraction, algorithmic and AI scores, tiers); the route queues it as a job and answers 202.",
        routes: [Route("POST", "/candidates/score")],
        successStatus: 202,
        input: Schema.object([
            "role_id": Schema.integer(minimum: 1),
            "only_unscored": Schema.boolean("Only candidates changed since their last scoring or without an AI score (default false)"),
            "upload_id": Schema.integer("The upload that queued this run (for status)", minimum: 1),
        ], required: ["role_id"]),
        output: Schema.object([
            "role_id": Schema.integer(minimum: 1), "queued": Schema.boolean("true when the call queued a job instead of scoring"),
            "job_id": Schema.nullable(Schema.integer(minimum: 1)),
            "summary": Schema.nullable(Schema.object([
                "considered": Schema.integer(minimum: 0), "scored": Schema.integer(minimum: 0), "ai_scored": Schema.integer(minimum: 0),
                "ai_failed": Schema.integer(minimum: 0), "left_for_next_run": Schema.integer(minimum: 0),
                "ai_provider": Schema.nullable(Schema.string()),
            ])),
        ]),
        timeoutSeconds: 900
    )

    package init() {}

    package func handle(_ input: Input, context: FunctionContext) async throws -> Output {
        guard let roleID = input.roleID else { throw BundleError.validation(field: "role_id", "is required") }
        let database = try context.database()
        guard let role = try RoleStore(database: database).role(roleID) else { throw BundleError(.notFound, "no role with id \(roleID)") }
        if input.onlyUnscored != true {
            // "Everything" is marked once, so a retry after a timeout goes on instead of starting over.
            try CandidateStore(database: database).markForRescoring(roleID: role.id)
        }
        if context.http != nil {
            let job = try Self.enqueue(roleID: roleID, uploadID: nil, context: context)
            return Output(roleID: roleID, queued: true, jobID: job, summary: nil)
        }
        guard let summary = try await Self.score(role.id, context: context) else {
            // Another run holds the role: it takes these candidates too. A follow-up job covers
            // the case where it dies first.
            let followUp = try Self.enqueue(roleID: role.id, uploadID: input.uploadID, context: context, after: Self.leaseSeconds,
                                            reuseActive: false)
            context.logger.info("candidates.scoring_deferred", ["role": .number(Double(role.id)), "follow_up": .number(Double(followUp))])
            return Output(roleID: role.id, queued: true, jobID: followUp, summary: nil)
        }
        context.reportProgress(100, "scored \(summary.scored) of \(summary.considered)")
        context.logger.info("candidates.scored", ["role": .number(Double(roleID)), "considered": .number(Double(summary.considered)),
                                                  "ai_failed": .number(Double(summary.aiFailed))])
        return Output(roleID: roleID, queued: false, jobID: context.jobID, summary: summary)
    }

    /// How long a scoring lease lasts without news from its holder: a run renews it as it
    /// stores results, so a killed run blocks the role for at most this long.
    static let leaseSeconds = 120.0

    /// Scores under the role's lease, re-reading the role for each pass, then takes what arrived
    /// meanwhile (another upload's rows, an edit) until nothing waits. A run that finds the lease
    /// taken returns nil; the holder looks once more after letting go, so nothing queued behind
    /// it is left unscored.
    static func score(_ roleID: Int, context: FunctionContext) async throws -> CandidateScorer.Summary? {
        let database = try context.database()
        let roles = RoleStore(database: database)
        let store = CandidateStore(database: database)
        let owner = context.jobID.map { "job-\($0)" } ?? "request-\(context.requestID)"
        let held = Mutex(true)
        @Sendable func lease() throws -> Bool {
            let now = context.clock.now()
            let renewed = try roles.leaseScoring(roleID, owner: owner, until: now.addingTimeInterval(leaseSeconds), now: now)
            held.withLock { $0 = renewed }
            return renewed
        }
        guard try lease() else { return nil }
        var summary = CandidateScorer.Summary.empty
        var pass = CandidateStore.Selection.unscored
        do {
            while true {
                guard let role = try roles.role(roleID) else { throw BundleError(.notFound, "no role with id \(roleID)") }
                let llm = role.weights.ai > 0 ? try context.llm() : nil
                let scorer = CandidateScorer(store: store, role: role, llm: llm, deadline: context.deadline, clock: context.clock,
                                             logger: context.logger, keepGoing: { held.withLock { $0 } }) { percent, message in
                    context.reportProgress(percent, message)
                    // A renewal that fails counts as a lost lease: no new assessments start.
                    if (try? lease()) != true { held.withLock { $0 = false } }
                }
                summary = summary.adding(try await scorer.run(pass))
                pass = .waiting
                try roles.releaseScoring(roleID, owner: owner)
                guard try store.hasWaiting(roleID: roleID), context.deadline.remainingSeconds > CandidateScorer.deadlineMargin, try lease() else { break }
            }
        } catch {
            try? roles.releaseScoring(roleID, owner: owner)
            throw error
        }
        return summary
    }

    /// Queues a run for the role (returning the one already waiting with the same input unless
    /// `reuseActive` is false); an upload's status follows the newest run queued for it.
    /// The job always takes `only_unscored`: a full rescoring is marked on the candidates first.
    package static func enqueue(roleID: Int, uploadID: Int?, context: FunctionContext, after delay: Double = 0,
                                reuseActive: Bool = true) throws -> Int {
        var input: [String: JSONValue] = ["role_id": .number(Double(roleID)), "only_unscored": true]
        if let uploadID { input["upload_id"] = .number(Double(uploadID)) }
        let database = try context.database()
        let queue = JobQueue(database: database)
        if reuseActive, let active = try queue.activeJob(function: manifest.name, input: .object(input)) { return active.id }
        let now = context.clock.now()
        let (job, _) = try queue.enqueue(.init(function: manifest.name, input: .object(input), runAfter: now.addingTimeInterval(delay),
                                               maxAttempts: 5, timeoutSeconds: manifest.timeoutSeconds, principal: context.principal,
                                               requestID: context.requestID), now: now)
        if let uploadID { _ = try CandidateStore(database: database).attachJob(job.id, toUpload: uploadID) }
        return job.id
    }
}
