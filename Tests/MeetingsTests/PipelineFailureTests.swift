import Calendars
import Core
import Foundation
import HTTPTransport
import Jobs
import Meetings
import Providers
import Runtime
import Store
import Synchronization
import TestSupport
import Testing

/// A failing Notion or Gmail step is never silent: the meeting shows `error` naming the step and
/// the cause, a job resumes from that step, and draft ids that no longer match are flagged stale.
@Suite struct PipelineFailureTests {
    let directory: TemporaryDirectory
    let database: any Database
    let now = SampleMeeting.now

    init() throws {
        directory = try TemporaryDirectory()
        database = try TestDatabase.open(directory.file("bundle.sqlite"), migrations: ProvidersSchema.migrations + JobsSchema.migrations + MeetingsSchema.migrations)
        try SampleMeeting.sync(into: database)
    }

    /// Notion and Gmail fakes whose answers the test switches between failing and working.
    final class Flag: Sendable {
        private let state: Mutex<Bool>
        init(_ value: Bool) { state = Mutex(value) }
        var value: Bool {
            get { state.withLock { $0 } }
            set { state.withLock { $0 = newValue } }
        }
    }

    final class Upstreams: Sendable {
        let notionFails = Flag(true)
        let gmailFails = Flag(false)
        let server: LoopbackServer

        init() throws {
            let notionFails = notionFails, gmailFails = gmailFails
            server = try LoopbackServer { request in
                if request.path.hasPrefix("/v1/pages") {
                    if notionFails.value {
                        return .json(400, ["object": "error", "status": 400, "code": "validation_error",
                                           "message": "Insights is not a property that exists."])
                    }
                    return .json(200, ["object": "page", "id": "page-1"])
                }
                if request.path.hasPrefix("/gmail/v1/users/me/drafts") {
                    if gmailFails.value { return .json(503, ["error": ["code": 503, "message": "Backend Error"]]) }
                    let id = request.method == "PUT" ? String(request.path.split(separator: "/").last ?? "") : "draft-\(request.body.count)"
                    return .json(200, ["id": .string(id), "message": ["id": "m"]])
                }
                return .json(404, ["error": "unexpected"])
            }
        }
    }

    func context(_ upstreams: Upstreams, extra: [String: String] = [:]) throws -> FunctionContext {
        let base = upstreams.server.baseURL
        let config = Config(["NOTION_TOKEN": "secret_notion_token", "NOTION_DATABASE_ID": "db-1", "NOTION_BASE_URL": base,
                             "GMAIL_TOKEN": "ya29.secret", "GMAIL_BASE_URL": base].merging(extra) { $1 })
        let llm = LLMClient(provider: OfflineProvider(), recorder: DatabaseLLMCallRecorder(database: database), function: "test")
        return FunctionContext(function: "run-pipeline", requestID: "req", config: config, clock: BundleClock(frozenAt: now),
                               logger: .discarding, deadline: Deadline(seconds: 30), http: nil, database: database,
                               transport: try CurlTransport(config: Config([:])), llm: llm)
    }

    func run(_ context: FunctionContext) async throws -> JSONValue {
        try JSONValue(encoding: try await RunPipelineHandler().handle((["id": 1] as JSONValue).decode(as: RunPipelineHandler.Input.self),
                                                                       context: context))
    }

    func meeting() throws -> Meeting { try #require(try MeetingStore(database: database).meeting(1)) }

    @Test func aFailingNotionStepIsRecordedAndAJobResumesFromIt() async throws {
        let upstreams = try Upstreams()
        let context = try context(upstreams)
        await #expect(throws: BundleError.self) { try await run(context) }
        var stored = try meeting()
        #expect(stored.status == "error")
        let message = try #require(stored.error)
        #expect(message.hasPrefix("sync-notion: "), "\(message)")
        #expect(message.contains("400") && message.contains("Insights is not a property"), "\(message)")
        #expect(!message.contains("secret_notion_token"))
        #expect(stored.preMeetingDraft != nil, "the steps before it kept their results")

        upstreams.notionFails.value = false
        let resumed = try await run(context)
        #expect(resumed["steps"] == ["1:notion", "1:drafts"], "enrich and synthesize are not run again")
        stored = try meeting()
        #expect(stored.status == "drafted")
        #expect(stored.error == nil)
        #expect(stored.notionPageID == "page-1")
        #expect(stored.draftIDs?["stale"] == nil)
    }

    @Test func aFailingGmailStepFlagsTheOldDraftIdsStale() async throws {
        let upstreams = try Upstreams()
        upstreams.notionFails.value = false
        let context = try context(upstreams)
        _ = try await run(context)
        let first = try meeting()
        #expect(first.status == "drafted")
        let ids = try #require(first.draftIDs)

        // New text, then Gmail fails: the ids still name the drafts holding the previous text.
        upstreams.gmailFails.value = true
        _ = try await SynthesizeHandler().handle((["id": 1] as JSONValue).decode(as: SynthesizeHandler.Input.self), context: context)
        #expect(try meeting().draftIDs?["stale"] == true, "new drafts make the saved ones stale")
        await #expect(throws: BundleError.self) {
            _ = try await DraftEmailsHandler().handle((["id": 1] as JSONValue).decode(as: DraftEmailsHandler.Input.self), context: context)
        }
        let failed = try meeting()
        #expect(failed.status == "error")
        #expect(failed.error?.hasPrefix("draft-emails: ") == true, "\(failed.error ?? "")")
        #expect(failed.draftIDs?["stale"] == true)
        #expect(failed.draftIDs?["pre_meeting"] == ids["pre_meeting"], "kept, so the next run replaces rather than duplicates")

        // The job resumes at the drafts step only, and replaces the same drafts.
        upstreams.gmailFails.value = false
        let resumed = try await run(context)
        #expect(resumed["steps"] == ["1:drafts"])
        let done = try meeting()
        #expect(done.status == "drafted")
        #expect(done.draftIDs?["stale"] == nil)
        #expect(done.draftIDs?["pre_meeting"] == ids["pre_meeting"])
        #expect(upstreams.server.requests.filter { $0.method == "POST" && $0.path.hasPrefix("/gmail") }.count == 2)
    }

    @Test func aStepFailingBeforeItsWorkStillRecordsItsFailure() async throws {
        let upstreams = try Upstreams()
        upstreams.notionFails.value = false
        // A bad setting: draft-emails refuses before it saves anything.
        let misconfigured = try context(upstreams, extra: ["EMAIL_DRAFT_PROVIDER": "carrier-pigeon"])
        await #expect(throws: BundleError.self) { try await run(misconfigured) }
        let failed = try meeting()
        #expect(failed.status == "error")
        #expect(failed.error?.hasPrefix("draft-emails: ") == true && failed.error?.contains("EMAIL_DRAFT_PROVIDER") == true,
                "\(failed.error ?? "")")

        // A missing prerequisite: synthesize without an enrichment names itself, and a job resumes at enrich.
        try database.write { sql in try sql.execute("UPDATE meetings SET enrichment = NULL, status = 'new', error = NULL WHERE id = 1") }
        await #expect(throws: BundleError.self) {
            _ = try await SynthesizeHandler().handle((["id": 1] as JSONValue).decode(as: SynthesizeHandler.Input.self), context: misconfigured)
        }
        #expect(try meeting().status == "error")
        #expect(try meeting().error?.hasPrefix("synthesize: ") == true)
        let resumed = try await run(try context(upstreams))
        #expect(resumed["steps"] == ["1:enrich", "1:synthesize", "1:notion", "1:drafts"])
        #expect(try meeting().status == "drafted")
        #expect(try meeting().error == nil)
    }
}
