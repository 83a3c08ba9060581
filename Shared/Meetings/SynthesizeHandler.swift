import Core
import FoundationEssentials
import Providers
import Runtime

/// `POST /meetings/{id}/synthesize`: one structured LLM call turns the meeting's enrichment into
/// insights, hooks, competitors and the two drafts, under the steering profile in force. A failure
/// leaves the meeting in `error` with the reason.
package struct SynthesizeHandler: FunctionHandler {
    package struct Input: Codable, Sendable {
        var id: Int

        package init(id: Int) { self.id = id }
    }

    package struct Output: Codable, Sendable {
        var meetingID: Int
        var steeringVersion: Int
        var prep: SynthesisTask.Output
        var llm: LLMUsageSummary

        enum CodingKeys: String, CodingKey {
            case prep, llm
            case meetingID = "meeting_id"
            case steeringVersion = "steering_version"
        }
    }

    package static let manifest = FunctionManifest(
        name: "synthesize",
        summary: "Writes a meeting's prioritised insights, hooks, competitor picture and two email drafts from its enrichment (one LLM call).",
        routes: [Route("POST", "/meetings/{id:int}/synthesize")],
        input: Schema.object(["id": Schema.integer(minimum: 1)]),
        output: Schema.object([
            "meeting_id": Schema.integer(), "steering_version": Schema.integer(minimum: 1),
            "prep": SynthesisTask.outputSchema, "llm": LLMUsageSummary.schema,
        ]),
        timeoutSeconds: 120
    )

    package init() {}

    package func handle(_ input: Input, context: FunctionContext) async throws -> Output {
        try await PipelineStep.synthesize.recordingFailure(meeting: input.id, context: context) { try await synthesize(input, context: context) }
    }

    private func synthesize(_ input: Input, context: FunctionContext) async throws -> Output {
        let database = try context.database()
        guard let meeting = try MeetingStore(database: database).meeting(input.id) else {
            throw BundleError(.notFound, "no meeting with id \(input.id)")
        }
        guard meeting.status != "cancelled" else { throw BundleError(.conflict, "meeting \(input.id) is cancelled") }
        guard let stored = meeting.enrichment else {
            throw BundleError(.conflict, "meeting \(input.id) has no enrichment yet: POST /meetings/\(input.id)/enrich first")
        }
        let enrichment = try stored.decode(as: Enrichment.self)
        let steering = try SteeringStore(database: database).current(now: context.clock.now())
        let result = try await context.llm().run(SynthesisTask(meeting: meeting, enrichment: enrichment, steering: steering.profile),
                                                 deadline: context.deadline)
        let prep = result.output
        var draft = try JSONValue(encoding: prep.preMeetingDraft)
        if case .object(var fields) = draft {
            fields["hooks_used"] = try JSONValue(encoding: prep.hooksUsed)
            draft = .object(fields)
        }
        try database.write { sql in
            try sql.execute("""
                UPDATE meetings SET insights = ?, hooks = ?, competitors = ?, pre_meeting_draft = ?, follow_up_draft = ?,
                       steering_version = ?, status = CASE WHEN status IN ('error', 'enriching') THEN 'enriched' ELSE status END,
                       error = NULL, updated_at = ? WHERE id = ?
                """, try JSONValue(encoding: prep.insights), try JSONValue(encoding: prep.hooks), try JSONValue(encoding: prep.competitors),
                     draft, try JSONValue(encoding: prep.followUpDraft), steering.version, context.clock.now(), input.id)
            // The drafts saved before hold the previous text until draft-emails runs again.
            try MeetingStore(database: database).markDraftsStale(input.id, sql: sql)
        }
        return Output(meetingID: input.id, steeringVersion: steering.version, prep: prep, llm: result.usage)
    }
}
