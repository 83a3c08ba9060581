import Core
import Foundation
import HTTPTransport
import Providers
import Runtime
import Store
import Synchronization
import TestSupport
import Testing
import Workspace

/// The draft and project functions called as the runtime calls them: generate (offline and with
/// a model), read, edit, versions, activate, the 404s, and the lock a Linear project sets.
@Suite struct ProjectDraftHandlerTests {
    static let linear = ["LINEAR_API_KEY": "lin_api_TESTKEY0000000000", "LINEAR_TEAM_ID": "team-uuid-1", "LINEAR_API_URL": "https://linear.test/graphql"]

    static func conversation(_ harness: WorkspaceHarness) throws -> Int {
        let chat = ImportedConversation(source: .chatgpt, sourceID: "plan-1", title: "Team offsite planning", messages: [
            ImportedMessage(id: "m1", role: "user", content: "We need to plan a two-day team offsite in Lisbon for twelve people. Budget is tight."),
            ImportedMessage(id: "m2", role: "assistant", content: "Book a venue near the river early, and pick flights that arrive on Thursday morning. Group dinners keep costs predictable."),
            ImportedMessage(id: "m3", role: "user", content: "Also arrange a workshop room for the second day. Should we hire a facilitator? What about remote colleagues?"),
            ImportedMessage(id: "m4", role: "assistant", content: "A facilitator helps for strategy sessions. Remote colleagues can join through a video link in the workshop room."),
        ])
        return try ConversationStore(database: harness.database).save(chat, importedBy: "ada", now: Timestamp.parse(WorkspaceHarness.now)!).id
    }

    static func linearAnswer(id: String = "proj-1") -> HTTPResponse {
        .json(200, ["data": ["projectCreate": ["success": true, "project": ["id": .string(id), "url": .string("https://linear.app/acme/project/\(id)")]]]])
    }

    @Test func generateOfflineMakesAMarkdownDraftFromTheConversation() async throws {
        let harness = try WorkspaceHarness()
        let id = try Self.conversation(harness)
        let context = harness.offlineContext()
        let first = try await harness.call(GenerateProjectDraftHandler(), ["id": .number(Double(id))], context: context)
        #expect(first["_http"] == nil, "201, the route's own status, the first time")
        #expect(first["title"]?.stringValue == "Team offsite planning")
        #expect(first["provider"]?.stringValue == "offline", "marked offline")
        #expect(first["source"]?.stringValue == "generated")
        #expect(first["version_number"] == 1)
        let description = try #require(first["description"]?.stringValue)
        for heading in ["## Problem", "## Goals", "## Scope", "## Milestones", "## Open questions"] {
            #expect(description.contains(heading), "\(heading) in \(description)")
        }
        #expect(description.contains("plan a two-day team offsite"), "the first request is the problem")
        #expect(description.contains("- Should we hire a facilitator?"), "the person's questions are open questions")
        #expect(description.contains("Also arrange a workshop room for the second day."), "later requests are scope")
        #expect(description.contains("1. Confirm the problem"))

        let second = try await harness.call(GenerateProjectDraftHandler(), ["id": .number(Double(id))], context: context)
        #expect(second["_http"]?["status"] == 200)
        #expect(second["version_number"] == 2)
        #expect(second["description"] == first["description"], "offline answers are deterministic")
        #expect(try harness.count("llm_calls") == 2)
    }

    @Test func generateAsksTheModelWithTheTranscriptAndSummary() async throws {
        let harness = try WorkspaceHarness()
        let id = try Self.conversation(harness)
        try harness.database.write { sql in
            try sql.execute("""
                INSERT INTO workspace_summaries (conversation_id, text, status, created_at, updated_at)
                VALUES (?, 'A summary about the Lisbon offsite.', 'ready', ?, ?)
                """, [id, WorkspaceHarness.now, WorkspaceHarness.now])
        }
        let llm = ScriptedLLM { _ in
            ["title": "Lisbon offsite", "problem": "Plan an offsite.", "goals": ["Everyone attends"], "scope": [],
             "milestones": ["Book venue", "Run workshop"], "open_questions": ["Facilitator?"]]
        }
        let answer = try await harness.call(GenerateProjectDraftHandler(), ["id": .number(Double(id))], context: harness.context(llm: llm))
        #expect(answer["title"]?.stringValue == "Lisbon offsite")
        #expect(answer["provider"]?.stringValue == "scripted")
        #expect(answer["prompt_version"]?.stringValue == ProjectDraftPrompt.promptType.defaultVersion)
        let description = try #require(answer["description"]?.stringValue)
        #expect(description.contains("## Milestones\n\n1. Book venue\n2. Run workshop"))
        #expect(description.contains("## Scope\n\n_None yet._"))
        let request = try #require(llm.requests.first)
        let prompt = request.messages.map(\.content).joined(separator: "\n")
        #expect(prompt.contains("A summary about the Lisbon offsite."))
        #expect(prompt.contains("user: We need to plan a two-day team offsite"))
        #expect(request.system.contains("project draft"))
    }

    @Test func transcriptIsCutToItsBudgetKeepingStartAndEnd() {
        let messages = (0..<200).map { ProjectDraftSource.Message(role: $0 % 2 == 0 ? "user" : "assistant", content: "Message \($0) " + String(repeating: "x", count: 200)) }
        let source = ProjectDraftSource(title: "Long", messages: messages, summary: nil)
        let (text, note) = source.transcript(budget: 6_000)
        #expect(text.count < 6_100)
        #expect(text.hasPrefix("user: Message 0 "))
        #expect(text.hasSuffix(String(repeating: "x", count: 50)))
        #expect(text.contains("Message 199"))
        #expect(note != nil)
        #expect(source.transcript(budget: 400_000).note == nil)
    }

    @Test func missingDraftAndConversationAre404() async throws {
        let harness = try WorkspaceHarness()
        let id = try Self.conversation(harness)
        let none = await harness.error { _ = try await harness.call(GetProjectDraftHandler(), ["id": .number(Double(id))]) }
        #expect(none?.code == .notFound)
        #expect(none?.message.contains("POST /api/conversations/\(id)/project-draft") == true, "names the generate route")
        let missing = await harness.error { _ = try await harness.call(GenerateProjectDraftHandler(), ["id": 999], context: harness.offlineContext()) }
        #expect(missing?.code == .notFound)
        let versions = await harness.error { _ = try await harness.call(ListProjectDraftVersionsHandler(), ["id": .number(Double(id))]) }
        #expect(versions?.code == .notFound)
        let patch = await harness.error { _ = try await harness.call(UpdateProjectDraftHandler(), ["id": .number(Double(id)), "title": "x"]) }
        #expect(patch?.code == .notFound)
        let project = await harness.error { _ = try await harness.call(GetProjectHandler(), ["id": .number(Double(id))]) }
        #expect(project?.code == .notFound)
    }

    @Test func editsVersionsAndActivation() async throws {
        let harness = try WorkspaceHarness()
        let id = try Self.conversation(harness)
        let generated = try await harness.call(GenerateProjectDraftHandler(), ["id": .number(Double(id))], context: harness.offlineContext())
        let ada = harness.context(http: ["principal": "ada"])

        let renamed = try await harness.call(UpdateProjectDraftHandler(), ["id": .number(Double(id)), "title": "  Lisbon offsite  "], context: ada)
        #expect(renamed["title"]?.stringValue == "Lisbon offsite")
        #expect(renamed["description"] == generated["description"], "an edit of the title keeps the description")
        #expect(renamed["is_manual_edit"] == true)
        #expect(renamed["version_number"] == 2)

        let same = try await harness.call(UpdateProjectDraftHandler(), ["id": .number(Double(id)), "title": "Lisbon offsite"])
        #expect(same["version_number"] == 2, "unchanged text makes no version")
        let neither = await harness.error { _ = try await harness.call(UpdateProjectDraftHandler(), ["id": .number(Double(id))]) }
        #expect(neither?.code == .validationFailed)
        let blank = await harness.error { _ = try await harness.call(UpdateProjectDraftHandler(), ["id": .number(Double(id)), "description": "   "]) }
        #expect(blank?.code == .validationFailed)
        #expect(blank?.details?.first?.field == "description")
        let long = await harness.error {
            _ = try await harness.call(UpdateProjectDraftHandler(), ["id": .number(Double(id)), "title": .string(String(repeating: "t", count: 201))])
        }
        #expect(long?.code == .validationFailed)

        _ = try await harness.call(UpdateProjectDraftHandler(), ["id": .number(Double(id)), "description": "## Problem\n\nShorter."])
        let listed = try await harness.call(ListProjectDraftVersionsHandler(), ["id": .number(Double(id))])
        let versions = try #require(listed["versions"]?.arrayValue)
        #expect(versions.map { $0["version_number"] } == [3, 2, 1])
        #expect(versions.map { $0["is_active"] } == [true, false, false])
        #expect(versions.map { $0["source"]?.stringValue } == ["manual_edit", "manual_edit", "generated"])
        #expect(versions[1]["created_by"]?.stringValue == "ada")
        #expect(versions[2]["provider"]?.stringValue == "offline")

        let firstID = try #require(versions[2]["id"])
        let restored = try await harness.call(ActivateProjectDraftVersionHandler(), ["id": .number(Double(id)), "version_id": firstID])
        #expect(restored["title"] == generated["title"])
        #expect(restored["version_number"] == 1)
        #expect(restored["version_count"] == 3)
        let read = try await harness.call(GetProjectDraftHandler(), ["id": .number(Double(id))])
        #expect(read["active_version_id"] == firstID)
        let bogus = await harness.error {
            _ = try await harness.call(ActivateProjectDraftVersionHandler(), ["id": .number(Double(id)), "version_id": 9_999])
        }
        #expect(bogus?.code == .notFound)
    }

    @Test func creatingTheProjectLocksTheConversation() async throws {
        let harness = try WorkspaceHarness()
        let id = try Self.conversation(harness)
        let generated = try await harness.call(GenerateProjectDraftHandler(), ["id": .number(Double(id))], context: harness.offlineContext())
        let linear = FakeTransport()
        linear.expect("POST", "https://linear.test/graphql") { _ in Self.linearAnswer() }
        let context = harness.context(Self.linear, http: ["principal": "ada"], transport: linear)

        let project = try await harness.call(CreateProjectHandler(), ["id": .number(Double(id))], context: context)
        #expect(project["linear_project_id"]?.stringValue == "proj-1")
        #expect(project["linear_url"]?.stringValue == "https://linear.app/acme/project/proj-1")
        #expect(project["title"] == generated["title"], "defaults to the active draft")
        #expect(project["description"] == generated["description"])
        #expect(project["created_by"]?.stringValue == "ada")
        let sent = try #require(linear.received.first)
        #expect(sent.header("Authorization") == "lin_api_TESTKEY0000000000")
        #expect(try await harness.call(GetProjectHandler(), ["id": .number(Double(id))])["linear_project_id"]?.stringValue == "proj-1")

        let draft = try await harness.call(GetProjectDraftHandler(), ["id": .number(Double(id))])
        #expect(draft["is_locked"] == true)
        let again = await harness.error { _ = try await harness.call(CreateProjectHandler(), ["id": .number(Double(id))], context: context) }
        #expect(again?.code == .conflict)
        #expect(again?.message.contains("https://linear.app/acme/project/proj-1") == true)
        let patch = await harness.error { _ = try await harness.call(UpdateProjectDraftHandler(), ["id": .number(Double(id)), "title": "New"]) }
        #expect(patch?.code == .conflict)
        let generate = await harness.error {
            _ = try await harness.call(GenerateProjectDraftHandler(), ["id": .number(Double(id))], context: harness.offlineContext())
        }
        #expect(generate?.code == .conflict)
        let activate = await harness.error {
            _ = try await harness.call(ActivateProjectDraftVersionHandler(), ["id": .number(Double(id)), "version_id": draft["active_version_id"]!])
        }
        #expect(activate?.code == .conflict)
        #expect(linear.received.count == 1, "a refused request never reaches Linear")
    }

    @Test func missingLinearSettingsAreMisconfigured() async throws {
        let harness = try WorkspaceHarness()
        let id = try Self.conversation(harness)
        let error = await harness.error {
            _ = try await harness.call(CreateProjectHandler(), ["id": .number(Double(id)), "title": "T", "description": "D"],
                                       context: harness.context(["LINEAR_TEAM_ID": "team-1"]))
        }
        #expect(error?.code == .misconfigured)
        #expect(error?.message.contains("LINEAR_API_KEY") == true)
        let both = await harness.error {
            _ = try await harness.call(CreateProjectHandler(), ["id": .number(Double(id)), "title": "T", "description": "D"])
        }
        #expect(both?.details?.map(\.field) == ["LINEAR_API_KEY", "LINEAR_TEAM_ID"])
        let missing = await harness.error {
            _ = try await harness.call(CreateProjectHandler(), ["id": .number(Double(id + 100)), "title": "T", "description": "D"])
        }
        #expect(missing?.code == .notFound, "what the request names is checked before the deployment's settings")
        let noDraft = await harness.error {
            _ = try await harness.call(CreateProjectHandler(), ["id": .number(Double(id))], context: harness.context(Self.linear))
        }
        #expect(noDraft?.code == .validationFailed, "without a draft the title must be given")
        #expect(try harness.count("workspace_projects") == 0)
    }

    @Test func aLinearFailureReleasesTheClaimKeepingItsID() async throws {
        let harness = try WorkspaceHarness()
        let id = try Self.conversation(harness)
        let linear = FakeTransport()
        linear.expect("POST", "https://linear.test/graphql",
                      respond: .json(400, ["errors": [["message": "Rate limit exceeded", "extensions": ["code": "RATELIMITED"]]]]))
        linear.expect("POST", "https://linear.test/graphql") { _ in Self.linearAnswer(id: "proj-2") }
        let context = harness.context(Self.linear, transport: linear)
        let input: JSONValue = ["id": .number(Double(id)), "title": "Offsite", "description": "## Problem\n\nPlan it."]
        let limited = await harness.error { _ = try await harness.call(CreateProjectHandler(), input, context: context) }
        #expect(limited?.code == .rateLimited)
        let status = try harness.database.read { try $0.queryOne("SELECT status FROM workspace_projects WHERE conversation_id = ?", id)?.string("status") }
        #expect(status == "failed", "released for the next request, which takes it over")
        #expect(try harness.database.read { try ConversationLock.isLocked($0, conversationID: id) } == false)
        let made = try await harness.call(CreateProjectHandler(), input, context: context)
        #expect(made["linear_project_id"]?.stringValue == "proj-2")
        let sent = linear.received.map { requestJSON($0)?["variables"]?["input"]?["id"]?.stringValue }
        #expect(sent.count == 2 && sent[0] != nil && sent[0] == sent[1], "both calls carry the claim's id")
    }

    /// Two requests at once: the second finds the first one's claim while Linear is still
    /// answering, so only one project is made.
    @Test func racingCreatesCallLinearOnce() async throws {
        let harness = try WorkspaceHarness()
        let id = try Self.conversation(harness)
        let gate = GatedTransport(answer: Self.linearAnswer())
        let context = harness.context(Self.linear, transport: gate)
        let input: JSONValue = ["id": .number(Double(id)), "title": "Offsite", "description": "Plan it."]
        let first = Task { try await harness.call(CreateProjectHandler(), input, context: context) }
        while gate.waiting == 0 { await Task.yield() }
        let second = await harness.error { _ = try await harness.call(CreateProjectHandler(), input, context: context) }
        #expect(second?.code == .conflict)
        #expect(second?.message.contains("being created") == true)
        gate.release()
        #expect(try await first.value["linear_project_id"]?.stringValue == "proj-1")
        #expect(gate.calls == 1)
    }

    @Test func aStaleClaimIsTakenOver() async throws {
        let harness = try WorkspaceHarness()
        let id = try Self.conversation(harness)
        try harness.database.write { sql in
            try sql.execute("""
                INSERT INTO workspace_projects (conversation_id, status, title, description, claimed_at, created_at)
                VALUES (?, 'creating', 'Old', 'old', '2026-12-02T08:00:00Z', '2026-12-02T08:00:00Z')
                """, [id])
        }
        let linear = FakeTransport()
        linear.expect("POST", "https://linear.test/graphql") { _ in Self.linearAnswer() }
        let made = try await harness.call(CreateProjectHandler(), ["id": .number(Double(id)), "title": "New", "description": "D"],
                                          context: harness.context(Self.linear, transport: linear))
        #expect(made["title"]?.stringValue == "New")
    }
}

/// A transport whose answers wait until the test releases them, counting the calls.
final class GatedTransport: Transport, Sendable {
    let answer: HTTPResponse
    private let state = Mutex((calls: 0, waiting: 0, released: false))

    init(answer: HTTPResponse) {
        self.answer = answer
    }

    var calls: Int { state.withLock { $0.calls } }
    var waiting: Int { state.withLock { $0.waiting } }
    func release() { state.withLock { $0.released = true } }

    func send(_ request: HTTPRequest, deadline: Deadline) async throws -> HTTPResponse {
        state.withLock { $0.calls += 1; $0.waiting += 1 }
        while !state.withLock({ $0.released }) { try await Task.sleep(for: .milliseconds(2)) }
        return answer
    }
}
