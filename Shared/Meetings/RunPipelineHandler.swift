import Core
import FoundationEssentials
import Runtime

/// `run-pipeline` (a job kind, and `POST /meetings/{id}/run`): enrich → synthesize → Notion →
/// drafts for one meeting, or for every `new` one with `{all_new: true}`. Steps already done are
/// skipped, so a retried job resumes where it failed (the step the meeting's `error` names);
/// `reset: true` (what the route does by default) runs everything again. A failing step (any of
/// the four) leaves the meeting in `error` with a message naming the step and the cause, and fails
/// the run with that step's code, so the job worker retries what a retry can fix.
package struct RunPipelineHandler: FunctionHandler {
    package struct Input: Codable, Sendable {
        var id: Int?
        var allNew: Bool?
        var reset: Bool?

        enum CodingKeys: String, CodingKey {
            case id, reset
            case allNew = "all_new"
        }
    }

    package struct Output: Codable, Sendable {
        var meetings: [Meeting]
        var steps: [String]
    }

    package static let manifest = FunctionManifest(
        name: "run-pipeline",
        summary: "Runs enrich, synthesize, Notion and drafts for a meeting (or every new one) and returns the updated meetings.",
        routes: [Route("POST", "/meetings/{id:int}/run")],
        input: Schema.object([
            "id": Schema.integer(minimum: 1), "all_new": Schema.boolean("Every meeting with status new"),
            "reset": Schema.boolean("Run every step again (default: true on the route, false for jobs)"),
        ], required: []),
        output: Schema.object(["meetings": Schema.array(Meeting.schema), "steps": Schema.array(Schema.string())]),
        timeoutSeconds: 300
    )

    package init() {}

    package func handle(_ input: Input, context: FunctionContext) async throws -> Output {
        let database = try context.database()
        let store = MeetingStore(database: database)
        var ids: [Int] = []
        if let id = input.id {
            ids = [id]
        } else if input.allNew == true {
            ids = try store.list(status: "new", limit: 200, offset: 0).meetings.map(\.id).reversed()
        } else {
            throw BundleError.validation(field: "id", "give a meeting id, or all_new: true")
        }
        // Through HTTP the route re-runs everything; a job resumes.
        let reset = input.reset ?? (context.http != nil)
        var steps: [String] = []
        var results: [Meeting] = []
        for id in ids {
            guard let meeting = try store.meeting(id) else { throw BundleError(.notFound, "no meeting with id \(id)") }
            guard meeting.status != "cancelled" else {
                results.append(meeting)
                continue
            }
            let first = reset ? PipelineStep.enrich : Self.resumePoint(meeting)
            let all = PipelineStep.allCases
            for step in all[all.firstIndex(of: first)!...] {
                let done = Double(results.count) + Double(all.firstIndex(of: step)!) / Double(all.count)
                context.reportProgress(Int(100 * done / Double(ids.count)), "meeting \(id): \(step.rawValue)")
                switch step {
                case .enrich: _ = try await EnrichHandler().handle(.init(id: id), context: context)
                case .synthesize: _ = try await SynthesizeHandler().handle(.init(id: id), context: context)
                case .syncNotion: _ = try await SyncNotionHandler().handle(.init(id: id), context: context)
                case .draftEmails: _ = try await DraftEmailsHandler().handle(.init(id: id), context: context)
                }
                steps.append("\(id):\(Self.stepLabels[step]!)")
            }
            results.append(try store.meeting(id) ?? meeting)
        }
        context.reportProgress(100, "done")
        return Output(meetings: results, steps: steps)
    }

    /// The labels `steps` has always used.
    static let stepLabels: [PipelineStep: String] = [.enrich: "enrich", .synthesize: "synthesize", .syncNotion: "notion", .draftEmails: "drafts"]

    /// Where a job resumes: at the step whose failure the meeting shows, or earlier when a result
    /// that step needs is missing (a synthesize that failed for want of an enrichment resumes at
    /// enrich); else at the first step whose result is missing (Notion and the drafts always run
    /// again: both replace what they made).
    static func resumePoint(_ meeting: Meeting) -> PipelineStep {
        let missing: PipelineStep? = meeting.enrichment == nil ? .enrich : meeting.preMeetingDraft == nil ? .synthesize : nil
        if meeting.status == "error", let failed = PipelineStep.failed(in: meeting.error) {
            let all = PipelineStep.allCases
            guard let missing, all.firstIndex(of: missing)! < all.firstIndex(of: failed)! else { return failed }
            return missing
        }
        return missing ?? .syncNotion
    }
}
