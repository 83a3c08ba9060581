import Core
import Foundation
import Runtime
import Synchronization
import TestSupport
import Testing
@testable import Workspace

/// `import-chats`: one source exactly, each conversation saved as it is read (a retry is
/// `unchanged`), problems reported, events for a streaming caller, nothing imported is an error.
@Suite struct ImportChatsTests {
    let harness: WorkspaceHarness

    init() throws {
        harness = try WorkspaceHarness()
    }

    /// Records what a streaming caller would receive.
    final class Events: EventSink {
        let sent = Mutex<[(event: String, data: JSONValue)]>([])
        var isOpen: Bool { true }
        func send(event: String, data: JSONValue) { sent.withLock { $0.append((event, data)) } }
        var names: [String] { sent.withLock { $0.map(\.event) } }
    }

    func context(events: Events? = nil) -> FunctionContext {
        let base = harness.context()
        return FunctionContext(function: "import-chats", requestID: "req-import", config: base.config, clock: base.clock,
                               logger: .discarding, deadline: Deadline(seconds: 60), http: ["principal": "key:ops"],
                               database: harness.database, events: events)
    }

    func chat(_ id: String, answer: String = "Try Lisbon.") -> ImportedConversation {
        ImportedConversation(source: .chatgpt, sourceID: id, title: "Chat \(id)", messages: [
            ImportedMessage(id: "\(id)-1", role: "user", content: "Where should I go in May?"),
            ImportedMessage(id: "\(id)-2", role: "assistant", content: answer),
        ], branches: [ImportedBranch(forksFrom: "\(id)-1", messages: [ImportedMessage(id: "\(id)-3", role: "assistant", content: "Porto.")])])
    }

    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/import-chats")

    func fixture(_ name: String) throws -> JSONValue {
        try JSONValue(parsing: Array(try Data(contentsOf: Self.fixtures.appendingPathComponent(name))))
    }

    @Test func noSourceNamesEverySourceField() async throws {
        let error = await harness.error { _ = try await harness.call(ImportChatsHandler(), [:], context: context()) }
        #expect(error?.code == .validationFailed)
        #expect(Set(error?.details?.map(\.field) ?? []) == ["files", "url", "export", "content", "content_base64"])
    }

    @Test func severalSourcesAreRefusedNamingThem() async throws {
        let error = await harness.error {
            _ = try await harness.call(ImportChatsHandler(), ["url": "https://chatgpt.com/share/x", "content": "# Hi"], context: context())
        }
        #expect(error?.code == .validationFailed)
        #expect(error?.details?.map(\.field).sorted() == ["content", "url"])
        #expect(try harness.count("workspace_conversations") == 0)
    }

    @Test func base64NeedsAFilename() async throws {
        let error = await harness.error { _ = try await harness.call(ImportChatsHandler(), ["content_base64": "UEsDBA=="], context: context()) }
        #expect(error?.details?.map(\.field) == ["filename"])
    }

    @Test func eachConversationIsSavedAtOnceAndReportedAsAnEvent() throws {
        let events = Events()
        let run = ChatImportRun(context: context(events: events), store: ConversationStore(database: harness.database))
        run.nextFile("conversations.json")
        try run.visit(.conversation(index: 0, chat("a")))
        #expect(try harness.count("workspace_conversations") == 1)  // stored before the next entry is read
        try run.visit(.problem(ImportProblem(index: 1, title: "Broken", reason: "it has no messages")))
        try run.visit(.conversation(index: 2, chat("b")))
        #expect(events.names == ["status", "imported", "skipped", "imported"], "status reading goes out with the first entry")
        #expect(run.counts[.created] == 2)
        #expect(run.problems == [ImportProblem(index: 1, title: "Broken", file: "conversations.json", reason: "it has no messages")])
        let first = try #require(events.sent.withLock { $0.first { $0.event == "imported" }?.data })
        #expect(first["type"] == nil)  // the writer adds it
        #expect(first["outcome"] == "imported" && first["message_count"] == 2 && first["branch_count"] == 1)

        // A retry of the same export: unchanged, and a changed one updates in place.
        let again = ChatImportRun(context: context(), store: ConversationStore(database: harness.database))
        try again.visit(.conversation(index: 0, chat("a")))
        try again.visit(.conversation(index: 1, chat("b", answer: "Try Madeira.")))
        #expect(again.conversations.map(\.outcome) == ["unchanged", "updated"])
        #expect(again.changedIDs.count == 1)
        #expect(try harness.count("workspace_conversations") == 2)
    }

    @Test func indexesContinueAcrossFiles() throws {
        let run = ChatImportRun(context: context(), store: ConversationStore(database: harness.database))
        run.nextFile("one.json")
        try run.visit(.conversation(index: 0, chat("a")))
        try run.visit(.conversation(index: 1, chat("b")))
        run.nextFile("two.json")
        try run.visit(.problem(ImportProblem(index: 0, reason: "no messages")))
        #expect(run.problems.first?.index == 2 && run.problems.first?.file == "two.json")
    }

    @Test func pastTheDeadlineTheImportStopsKeepingWhatIsStored() throws {
        let base = context()
        let late = FunctionContext(function: "import-chats", requestID: "r", config: base.config, clock: base.clock, logger: .discarding,
                                   deadline: Deadline(seconds: 1), database: harness.database)
        let run = ChatImportRun(context: late, store: ConversationStore(database: harness.database))
        run.save(chat("a"), index: 0)
        #expect(throws: BundleError.self) { try run.visit(.conversation(index: 1, chat("b"))) }
        #expect(try harness.count("workspace_conversations") == 1)
    }

    @Test func eventVolumeIsBounded() throws {
        let events = Events()
        let run = ChatImportRun(context: context(events: events), store: ConversationStore(database: harness.database))
        for index in 0..<(ChatImportRun.detailedEvents + 2 * ChatImportRun.progressEvery) {
            run.record(ImportProblem(index: index, reason: "no messages"))
        }
        #expect(events.names.filter { $0 == "skipped" }.count == ChatImportRun.detailedEvents)
        #expect(events.names.filter { $0 == "status" }.count == 3, "reading, then one per progressEvery")
    }

    // These read real exports: they pass once the export readers (ChatExportReader) are built.

    @Test func aChatGPTExportImportsWithItsBranchAndStreamsDoneLast() async throws {
        let events = Events()
        let answer = try await harness.call(ImportChatsHandler(), try fixture("chatgpt-export.json"), context: context(events: events))
        #expect(answer["imported"] == 2 && answer["skipped"] == 0)
        #expect(answer["conversations"]?.arrayValue?.first?["branch_count"] == 1)
        #expect(events.names.first == "status" && events.names.filter { $0 == "imported" }.count == 2)
        let again = try await harness.call(ImportChatsHandler(), try fixture("chatgpt-export.json"), context: context())
        #expect(again["imported"] == 0 && again["unchanged"] == 2)
    }

    @Test func aMarkdownTranscriptImports() async throws {
        let answer = try await harness.call(ImportChatsHandler(), try fixture("markdown-transcript.json"), context: context())
        #expect(answer["imported"] == 1)
        #expect(answer["conversations"]?.arrayValue?.first?["message_count"] == 4)
    }

    @Test func aFileThatIsNoExportIsValidationFailed() async throws {
        let error = await harness.error {
            _ = try await harness.call(ImportChatsHandler(), ["content": "{\"hello\": 1}", "filename": "notes.json"], context: context())
        }
        #expect(error?.code == .validationFailed)
        #expect(try harness.count("workspace_conversations") == 0)
    }
}

extension ImportChatsTests {
    @Test func anUnreadableFileOfSeveralIsThatFilesProblem() throws {
        let run = ChatImportRun(context: context(), store: ConversationStore(database: harness.database))
        run.nextFile("one.json")
        try run.visit(.conversation(index: 0, chat("a")))
        run.nextFile("notes.txt")
        run.recordFile(reason: "not an export")
        #expect(run.problems == [ImportProblem(index: 1, file: "notes.txt", reason: "not an export")])
    }
}
