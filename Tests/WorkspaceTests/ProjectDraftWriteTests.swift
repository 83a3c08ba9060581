import Core
import Foundation
import Jobs
import Providers
import Retrieval
import Runtime
import Store
import Synchronization
import TestSupport
import Testing
@testable import Workspace

/// How draft writes behave when other writers act in between (a person's edit during a chat
/// turn, a version number taken between the read and the insert), where each write transaction
/// starts, the version list's pages, one set of draft limits, and the migration's order.
@Suite struct ProjectDraftWriteTests {
    static let now = Timestamp.parse(WorkspaceHarness.now)!

    /// The turn reads the draft before the model answers; a person edits the description while it
    /// streams; the tool then changes only the title, and the person's description stays.
    @Test func theChatToolKeepsAnEditMadeWhileTheTurnRan() async throws {
        let harness = try WorkspaceHarness()
        let conversationID = try harness.conversation()
        let store = ProjectDraftStore(database: harness.database)
        _ = try store.addVersion(conversationID: conversationID, title: "Budget trips", description: "## Problem\n\nAs generated.",
                                 source: .generated, createdBy: nil, now: Self.now)
        let call = LLMToolCall(id: "call-1", name: "update_project_draft", arguments: #"{"title": "Trip Atlas"}"#)
        let llm = BeforeFirstAnswer(ScriptedChatLLM([.answer(pieces: ["Renaming."], calls: [call]), .answer(pieces: ["Done."], calls: [])])) {
            _ = try store.edit(conversationID: conversationID, title: nil, description: "## Problem\n\nEdited by a person.", createdBy: "ana",
                               now: Self.now)
        }
        let context = harness.chatContext(llm)
        let turn = DraftChatTurn(context: context, store: DraftChatStore(database: harness.database), drafts: try DraftChatDrafts.live(context))
        _ = try await turn.run(conversationID: conversationID, message: "Call it Trip Atlas")
        let draft = try #require(try store.draft(conversationID: conversationID))
        #expect(draft.active.title == "Trip Atlas")
        #expect(draft.active.description == "## Problem\n\nEdited by a person.", "the person's edit is not undone")
        #expect(draft.active.source == .chat)
        #expect(draft.versionCount == 3)
    }

    /// Every draft write, the chat's message and the project's claim begin by writing the
    /// conversation's row, which on PostgreSQL serialises them with the request that locks it.
    @Test func draftWritesBeginByWritingTheConversationRow() async throws {
        let harness = try WorkspaceHarness()
        let conversationID = try harness.conversation()
        let database = InterceptingDatabase(harness.database)
        let store = ProjectDraftStore(database: database)
        let first = try store.addVersion(conversationID: conversationID, title: "One", description: "d", source: .generated, createdBy: nil,
                                         now: Self.now)
        _ = try store.edit(conversationID: conversationID, title: "Two", description: nil, createdBy: nil, now: Self.now)
        _ = try store.activate(conversationID: conversationID, versionID: first.active.id, now: Self.now)
        _ = try DraftChatStore(database: database).append(.init(role: .user, content: "hi", sentBy: "ana"), conversationID: conversationID,
                                                          requireUnlocked: true, now: Self.now)
        _ = try ProjectCreation.claim(conversationID: conversationID, title: "One", description: "d", createdBy: nil, now: Self.now,
                                      database: database)
        let firsts = database.writeTransactions.map { $0.first ?? "" }
        #expect(firsts.count == 5)
        for statement in firsts {
            #expect(statement.hasPrefix("UPDATE workspace_conversations SET is_locked = is_locked WHERE id = ?"), "\(statement)")
            #expect(statement.contains("RETURNING"))
        }
    }

    /// Another writer takes the next number after this one read the highest and before it
    /// inserted (what PostgreSQL allows): the insert finds the number taken and tries the next.
    @Test func aNumberTakenBetweenTheReadAndTheInsertIsRetried() throws {
        let harness = try WorkspaceHarness()
        let conversationID = try harness.conversation()
        let first = try ProjectDraftStore(database: harness.database).addVersion(conversationID: conversationID, title: "One", description: "d",
                                                                                 source: .generated, createdBy: nil, now: Self.now)
        let competed = Once()
        let database = InterceptingDatabase(harness.database) { statement, sql in
            guard statement.contains("INSERT INTO workspace_project_draft_versions"),
                  competed.first() else { return }
            try sql.execute("""
                INSERT INTO workspace_project_draft_versions (draft_id, version_number, title, description, source, created_at)
                VALUES (?, 2, 'Theirs', 'd', 'chat', ?)
                """, [first.id, Self.now])
        }
        let store = ProjectDraftStore(database: database)
        let mine = try store.addVersion(conversationID: conversationID, title: "Mine", description: "d", source: .chat, createdBy: nil, now: Self.now)
        #expect(competed.happened, "the competing row went in")
        #expect(mine.active.versionNumber == 3)
        #expect(mine.active.title == "Mine")
        #expect(try store.versions(draftID: first.id).map(\.title) == ["Mine", "Theirs", "One"])
        let numberReads = database.writeTransactions.last?.filter { $0.contains("MAX(version_number)") }.count
        #expect(numberReads == 2, "the highest number read again after the miss")
    }

    @Test func versionsComeAPageAtATimeWithTheTotal() async throws {
        let harness = try WorkspaceHarness()
        let conversationID = try harness.conversation()
        let store = ProjectDraftStore(database: harness.database)
        for index in 1...5 {
            _ = try store.addVersion(conversationID: conversationID, title: "V\(index)", description: "d", source: .chat, createdBy: nil, now: Self.now)
        }
        let id = JSONValue.number(Double(conversationID))
        let page = try await harness.call(ListProjectDraftVersionsHandler(), ["id": id, "limit": 2, "offset": 1])
        #expect(page["versions"]?.arrayValue?.map { $0["version_number"] } == [4, 3])
        #expect(page["total"] == 5)
        #expect(page["limit"] == 2)
        #expect(page["offset"] == 1)
        let all = try await harness.call(ListProjectDraftVersionsHandler(), ["id": id])
        #expect(all["limit"] == 50, "the default page")
        #expect(all["versions"]?.arrayValue?.count == 5)
        let tooMany = await harness.error { _ = try await harness.call(ListProjectDraftVersionsHandler(), ["id": id, "limit": 201]) }
        #expect(tooMany?.code == .validationFailed)
    }

    /// The longest answer generation's schema allows renders within the description limit, and
    /// every other writer and reader uses the same limits.
    @Test func oneSetOfLimitsFitsEveryPath() throws {
        let longest = ProjectDraftTask.Output(
            title: String(repeating: "t", count: ProjectDraftLimits.title), problem: String(repeating: "p", count: ProjectDraftLimits.problem),
            goals: Self.longestItems, scope: Self.longestItems, milestones: Self.longestItems, openQuestions: Self.longestItems)
        #expect(longest.markdown.count <= ProjectDraftLimits.description, "\(longest.markdown.count)")
        let schema = ProjectDraftTask.outputSchema
        #expect(schema["properties"]?["title"]?["maxLength"]?.intValue == ProjectDraftLimits.title)
        #expect(schema["properties"]?["problem"]?["maxLength"]?.intValue == ProjectDraftLimits.problem)
        for list in ["goals", "scope", "milestones", "open_questions"] {
            #expect(schema["properties"]?[list]?["maxItems"]?.intValue == ProjectDraftLimits.items)
            #expect(schema["properties"]?[list]?["items"]?["maxLength"]?.intValue == ProjectDraftLimits.item)
        }
        #expect(ProjectDraftLimits.title == LinearClient.nameLimit, "every draft's title can be a Linear project's name")
        for input in [UpdateProjectDraftHandler.manifest.inputSchema, CreateProjectHandler.manifest.inputSchema] {
            #expect(input["properties"]?["title"]?["maxLength"]?.intValue == ProjectDraftLimits.title)
            #expect(input["properties"]?["description"]?["maxLength"]?.intValue == ProjectDraftLimits.description)
        }
        for tool in DraftChatTools.all {
            #expect(tool.parameters["properties"]?["title"]?["maxLength"]?.intValue == ProjectDraftLimits.title)
            #expect(tool.parameters["properties"]?["description"]?["maxLength"]?.intValue == ProjectDraftLimits.description)
        }
    }

    static var longestItems: [String] { Array(repeating: String(repeating: "i", count: ProjectDraftLimits.item), count: ProjectDraftLimits.items) }

    /// The chat's system text carries a description of the longest allowed length whole: the
    /// model is told to keep what it does not change word for word.
    @Test func theChatPromptCarriesTheLongestDescriptionWhole() async throws {
        let harness = try WorkspaceHarness()
        let conversationID = try harness.conversation()
        let description = "## Problem\n\n" + String(repeating: "x", count: ProjectDraftLimits.description - 13) + "!"
        let drafts = MemoryDrafts(conversationID: conversationID, description: description)
        let llm = ScriptedChatLLM([.answer(pieces: ["Fine."], calls: [])])
        let turn = DraftChatTurn(context: harness.chatContext(llm), store: DraftChatStore(database: harness.database), drafts: drafts.drafts)
        _ = try await turn.run(conversationID: conversationID, message: "Looks good?")
        #expect(description.count == ProjectDraftLimits.description)
        #expect(llm.requests.first?.system.contains(description) == true)
    }

    /// Each table a migration references exists already: PostgreSQL refuses a reference to a table
    /// created later, even in the same migration.
    @Test func migrationsReferenceOnlyTablesThatExistAlready() {
        var tables: Set<String> = []
        for migration in ProvidersSchema.migrations + JobsSchema.migrations + RetrievalSchema.migrations + WorkspaceSchema.migrations {
            let words = migration.sql.split(whereSeparator: { $0.isWhitespace || $0 == "(" || $0 == "," }).map { $0.lowercased() }
            for (index, word) in words.enumerated() {
                if word == "table", index > 0, words[index - 1] == "create" {
                    var name = index + 1
                    if words.count > name + 2, words[name] == "if", words[name + 1] == "not", words[name + 2] == "exists" { name += 3 }
                    if name < words.count { tables.insert(words[name]) }
                } else if word == "references", index + 1 < words.count {
                    #expect(tables.contains(words[index + 1]), "\(migration.id) references \(words[index + 1]) before it exists")
                }
            }
        }
        #expect(tables.contains("workspace_project_draft_versions"))
    }

    @Test func theSourcesAreTheOnesWritten() {
        #expect(ProjectDraftAnswer.sources == ["generated", "manual_edit", "chat"], "activating writes no version: no `restored`")
        #expect(ProjectDraftVersionAnswer.schema["properties"]?["source"]?["enum"] == ["generated", "manual_edit", "chat"])
    }
}

/// A provider that runs `action` once, before its first answer (while the turn waits on the
/// model, as a person's request made in the meantime would), then answers as `base` does.
final class BeforeFirstAnswer: LLMProvider {
    let base: ScriptedChatLLM
    let action: @Sendable () throws -> Void
    private let once = Once()

    init(_ base: ScriptedChatLLM, action: @escaping @Sendable () throws -> Void) {
        self.base = base
        self.action = action
    }

    var name: String { base.name }
    var model: String { base.model }

    func complete(_ request: LLMRequest, deadline: Deadline) async throws -> LLMCompletion {
        try await base.complete(request, deadline: deadline)
    }

    func streamChat(_ request: LLMChatRequest, deadline: Deadline,
                    onEvent: @escaping @Sendable (LLMStreamEvent) -> Void) async throws -> LLMChatCompletion {
        if once.first() { try action() }
        return try await base.streamChat(request, deadline: deadline, onEvent: onEvent)
    }
}

/// True the first time `first()` is asked, false after.
final class Once: Sendable {
    private let done = Mutex(false)

    func first() -> Bool { done.withLock { done in defer { done = true }; return !done } }
    var happened: Bool { done.withLock { $0 } }
}
