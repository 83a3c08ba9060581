import Core
import Foundation
import Providers
import Runtime
import Store
import TestSupport
import Testing
import Workspace

/// The chat about a draft, turn by turn, with a scripted streaming LLM and drafts in memory:
/// what is streamed, saved and answered.
@Suite struct DraftChatTests {
    let harness: WorkspaceHarness
    let conversationID: Int
    let drafts: MemoryDrafts

    init() throws {
        harness = try WorkspaceHarness()
        conversationID = try harness.conversation()
        drafts = MemoryDrafts(conversationID: conversationID)
    }

    func turn(_ llm: any LLMProvider, events: RecordedEvents? = nil, _ message: String = "What do you think?") async throws -> JSONValue {
        let context = harness.chatContext(llm, events: events)
        let turn = DraftChatTurn(context: context, store: DraftChatStore(database: harness.database), drafts: drafts.drafts)
        let output = try JSONValue(encoding: try await turn.run(conversationID: conversationID, message: message))
        let problems = SchemaValidator.validate(output, against: StreamDraftChatHandler.manifest.outputSchema, at: "")
        #expect(problems.isEmpty, "\(problems)")
        return output
    }

    func history() async throws -> JSONValue {
        try await harness.call(GetDraftChatHandler(), ["id": .number(Double(conversationID))])
    }

    @Test func aContentOnlyTurnStreamsTheTextAndSavesBothMessages() async throws {
        let llm = ScriptedChatLLM([.answer(pieces: ["The scope ", "looks ", "clear."], calls: [])])
        let events = RecordedEvents()
        let output = try await turn(llm, events: events, "Is the scope clear?")
        #expect(events.statuses.prefix(2) == ["analyzing_request", "generating_response"])
        #expect(events.all.filter { $0.event == "content" }.count == 3)
        #expect(events.content == "The scope looks clear.")
        #expect(output["assistant_message"]?["content"] == "The scope looks clear.")
        #expect(output["assistant_message"]?["status"] == "complete")
        #expect(output["assistant_message"]?["prompt_version"] == .string(DraftChatPrompt.promptType.defaultVersion))
        #expect(output["user_message"]?["sent_by"] == "ana@example.com")
        #expect(output["conversation_locked"] == false)
        #expect(drafts.versionCount == 1)

        let request = try #require(llm.requests.first)
        #expect(request.system.contains("Budget travel planner"))
        #expect(request.system.contains("Planning cheap trips takes hours."))
        #expect(request.tools.map(\.name) == ["update_project_draft", "create_linear_project"])
        #expect(request.messages.last == LLMChatMessage(.user, "Is the scope clear?"))

        let chat = try await history()
        #expect(chat["total"] == 2)
        #expect(chat["messages"]?.arrayValue?.map { $0["sequence_number"] } == [1, 2])
        #expect(chat["messages"]?.arrayValue?.map { $0["role"] } == ["user", "assistant"])
        #expect(chat["conversation_locked"] == false)
    }

    @Test func theNextTurnSendsTheHistory() async throws {
        _ = try await turn(ScriptedChatLLM([.answer(pieces: ["First answer."], calls: [])]), "First question")
        let llm = ScriptedChatLLM([.answer(pieces: ["Second answer."], calls: [])])
        let output = try await turn(llm, "Second question")
        #expect(llm.requests.first?.messages.map(\.content) == ["First question", "First answer.", "Second question"])
        #expect(output["user_message"]?["sequence_number"] == 3)
        #expect(output["assistant_message"]?["sequence_number"] == 4)
    }

    @Test func aToolCallMakesANewVersionAndTheModelContinues() async throws {
        let call = LLMToolCall(id: "call-1", name: "update_project_draft", arguments: #"{"title": "Trip Atlas"}"#)
        let llm = ScriptedChatLLM([.answer(pieces: ["Renaming it."], calls: [call]), .answer(pieces: ["It is now Trip Atlas."], calls: [])])
        let events = RecordedEvents()
        let output = try await turn(llm, events: events, "Rename it to Trip Atlas")
        #expect(drafts.versionCount == 2)
        #expect(drafts.current?.active.title == "Trip Atlas")
        #expect(drafts.current?.active.description.contains("Planning cheap trips") == true)
        #expect(events.statuses.contains("calling_tool"))
        let updated = try #require(events.all.first { $0.event == "project_updated" })
        #expect(updated.data["project_draft"]?["title"] == "Trip Atlas")
        #expect(output["project_draft"]?["title"] == "Trip Atlas")
        #expect(output["tool_calls"]?.arrayValue?.count == 1)
        #expect(output["tool_calls"]?.arrayValue?.first?["ok"] == true)
        #expect(output["assistant_message"]?["content"] == "Renaming it.\n\nIt is now Trip Atlas.")
        #expect(events.content == "Renaming it.\n\nIt is now Trip Atlas.")
        #expect(output["usage"]?["prompt_tokens"] == 40)

        let second = try #require(llm.requests.last)
        let result = try #require(second.messages.last)
        #expect(result.role == .tool)
        #expect(result.toolCallID == "call-1")
        #expect(result.content.contains("Trip Atlas"))
        #expect(second.messages.dropLast().last?.toolCalls == [call])
    }

    @Test func aFailingToolIsReportedToTheModel() async throws {
        let call = LLMToolCall(id: "call-1", name: "update_project_draft", arguments: #"{"title": 7}"#)
        let llm = ScriptedChatLLM([.answer(pieces: [], calls: [call]), .answer(pieces: ["That did not work."], calls: [])])
        let output = try await turn(llm)
        #expect(drafts.versionCount == 1)
        #expect(output["tool_calls"]?.arrayValue?.first?["ok"] == false)
        #expect(llm.requests.last?.messages.last?.content.contains("title must be a string") == true)
    }

    @Test func toolRoundsStopAtThreeAndTheLastAnswerHasNoTools() async throws {
        let llm = ScriptedChatLLM.alwaysCalling(5)
        let output = try await turn(llm)
        #expect(llm.requests.count == DraftChatTurn.maximumToolRounds + 1)
        #expect(llm.requests.prefix(3).allSatisfy { $0.tools.count == 2 })
        #expect(llm.requests.last?.tools.isEmpty == true)
        #expect(drafts.versionCount == 1 + DraftChatTurn.maximumToolRounds)
        #expect(output["tool_calls"]?.arrayValue?.count == DraftChatTurn.maximumToolRounds)
    }

    @Test func creatingTheLinearProjectLocksTheConversation() async throws {
        let draft = try #require(drafts.current)
        let arguments = JSONValue.object(["title": .string(draft.active.title), "description": .string(draft.active.description)]).jsonText
        let llm = ScriptedChatLLM([.answer(pieces: [], calls: [LLMToolCall(id: "c1", name: "create_linear_project", arguments: arguments)]),
                                   .answer(pieces: ["Created; the conversation is locked."], calls: [])])
        let events = RecordedEvents()
        let output = try await turn(llm, events: events, "Create the Linear project")
        #expect(output["conversation_locked"] == true)
        #expect(output["project"]?["linear_url"] == "https://linear.app/acme/project/lin-123")
        #expect(events.names.contains("conversation_locked"))
        #expect(!events.names.contains("project_updated"))  // the draft already said the same
        #expect(llm.requests.last?.tools.isEmpty == true)
        #expect(try await history()["messages"]?.arrayValue?.count == 2)

        let error = await harness.error { _ = try await turn(ScriptedChatLLM([]), "One more change") }
        #expect(error?.code == .conflict)
        #expect(error?.message.contains("locked") == true)
    }

    @Test func aLockedConversationIsRefusedAndNothingIsSaved() async throws {
        drafts.lock()
        let llm = ScriptedChatLLM([])
        let error = await harness.error { _ = try await turn(llm) }
        #expect(error?.code == .conflict)
        #expect(llm.requests.isEmpty)
        #expect(try harness.count("workspace_chat_messages") == 0)
    }

    @Test func aFailedStreamSavesThePartialAnswer() async throws {
        let llm = ScriptedChatLLM([.failAfter(pieces: ["Half of ", "an answer"], BundleError(.upstreamFailed, "the stream was cut"))])
        let events = RecordedEvents()
        let error = await harness.error { _ = try await turn(llm, events: events) }
        #expect(error?.code == .upstreamFailed)
        #expect(events.content == "Half of an answer")
        let messages = try #require(try await history()["messages"]?.arrayValue)
        #expect(messages.count == 2)
        #expect(messages.last?["status"] == "partial")
        #expect(messages.last?["content"] == "Half of an answer")
        #expect(messages.last?["error"] == "the stream was cut")
    }

    @Test func aStreamThatFailsBeforeAnyTextSavesAFailedAnswer() async throws {
        let llm = ScriptedChatLLM([.failAfter(pieces: [], BundleError(.rateLimited, "slow down"))])
        let error = await harness.error { _ = try await turn(llm) }
        #expect(error?.code == .rateLimited)
        let messages = try #require(try await history()["messages"]?.arrayValue)
        #expect(messages.last?["status"] == "failed")
    }

    @Test func aClientThatWentAwayStillGetsTheTurnSaved() async throws {
        let events = RecordedEvents(open: false)
        let call = LLMToolCall(id: "c1", name: "update_project_draft", arguments: #"{"title": "Saved anyway"}"#)
        let output = try await turn(ScriptedChatLLM([.answer(pieces: ["Renaming."], calls: [call]), .answer(pieces: ["Done."], calls: [])]),
                                    events: events)
        #expect(events.all.isEmpty)
        #expect(drafts.current?.active.title == "Saved anyway")
        #expect(output["assistant_message"]?["content"] == "Renaming.\n\nDone.")
    }

    @Test func theOfflineRulesRenameTheDraftThroughTheTurn() async throws {
        let output = try await turn(ScriptedChatLLM([]), "Please rename it to \"Atlas\".")
        #expect(drafts.current?.active.title == "Atlas")
        let text = try #require(output["assistant_message"]?["content"]?.stringValue)
        #expect(text.contains("Renaming the draft to \"Atlas\""))
        #expect(text.contains("Done."))
        #expect(output["tool_calls"]?.arrayValue?.first?["name"] == "update_project_draft")
    }

    @Test func aMissingConversationOrDraftIsRefused() async throws {
        let missing = await harness.error {
            _ = try await harness.call(StreamDraftChatHandler(), ["id": 999, "message": "hi"], context: harness.chatContext(ScriptedChatLLM([])))
        }
        #expect(missing?.code == .notFound)
        let noDraft = try harness.conversation("chat-without-draft")
        let conflict = await harness.error {
            _ = try await harness.call(StreamDraftChatHandler(), ["id": .number(Double(noDraft)), "message": "hi"],
                                       context: harness.chatContext(ScriptedChatLLM([])))
        }
        #expect(conflict?.code == .conflict)
        #expect(conflict?.message.contains("POST /api/conversations/\(noDraft)/project-draft") == true)
        #expect(try harness.count("workspace_chat_messages") == 0)
    }

    @Test func aBlankOrLongMessageIsRefused() async throws {
        let blank = await harness.error { _ = try await harness.call(StreamDraftChatHandler(), ["id": 1, "message": "   "]) }
        #expect(blank?.code == .validationFailed)
        let long = await harness.error {
            _ = try await harness.call(StreamDraftChatHandler(), ["id": 1, "message": .string(String(repeating: "a", count: 10_001))])
        }
        #expect(long?.code == .validationFailed)
    }

    @Test func sequenceNumbersAreUniquePerConversation() throws {
        let store = DraftChatStore(database: harness.database)
        let other = try harness.conversation("chat-draft-2")
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        let first = try store.append(.init(role: .user, content: "a"), conversationID: conversationID, requireUnlocked: true, now: now)
        let second = try store.append(.init(role: .assistant, content: "b"), conversationID: conversationID, requireUnlocked: false, now: now)
        let elsewhere = try store.append(.init(role: .user, content: "c"), conversationID: other, requireUnlocked: true, now: now)
        #expect([first.sequenceNumber, second.sequenceNumber, elsewhere.sequenceNumber] == [Int]([1, 2, 1]))
        let page = try store.messages(conversationID: conversationID, limit: 1, offset: 1)
        #expect(page.total == 2)
        #expect(page.messages.map(\.content) == ["b"])
    }
}
