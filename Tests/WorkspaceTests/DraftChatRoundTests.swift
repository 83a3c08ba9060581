import Core
import Foundation
import Providers
import Runtime
import Store
import TestSupport
import Testing
import Workspace

/// What one round of tool calls does: one `calling_tool` status per call, and no more calls run
/// than `DraftChatTools.maximumCallsPerRound`, the rest answered as not run.
@Suite struct DraftChatRoundTests {
    @Test func eachCallIsAnnouncedOnce() async throws {
        let harness = try WorkspaceHarness()
        let conversationID = try harness.conversation()
        let drafts = MemoryDrafts(conversationID: conversationID)
        let call = LLMToolCall(id: "call-1", name: "update_project_draft", arguments: #"{"title": "Trip Atlas"}"#)
        let llm = ScriptedChatLLM([.answer(pieces: ["Renaming."], calls: [call]), .answer(pieces: ["Done."], calls: [])])
        let events = RecordedEvents()
        let turn = DraftChatTurn(context: harness.chatContext(llm, events: events), store: DraftChatStore(database: harness.database),
                                 drafts: drafts.drafts)
        _ = try await turn.run(conversationID: conversationID, message: "Rename it")
        #expect(events.statuses.filter { $0 == "calling_tool" }.count == 1)
        #expect(drafts.versionCount == 2)
    }

    @Test func callsPastTheRoundsCapAreAnsweredAsNotRun() async throws {
        let harness = try WorkspaceHarness()
        let conversationID = try harness.conversation()
        let drafts = MemoryDrafts(conversationID: conversationID)
        let count = DraftChatTools.maximumCallsPerRound + 2
        let calls = (0..<count).map { LLMToolCall(id: "call-\($0)", name: "update_project_draft", arguments: #"{"title": "Title \#($0)"}"#) }
        let llm = ScriptedChatLLM([.answer(pieces: ["Many."], calls: calls), .answer(pieces: ["Done."], calls: [])])
        let turn = DraftChatTurn(context: harness.chatContext(llm), store: DraftChatStore(database: harness.database), drafts: drafts.drafts)
        let output = try JSONValue(encoding: try await turn.run(conversationID: conversationID, message: "Try every title"))
        #expect(drafts.versionCount == 1 + DraftChatTools.maximumCallsPerRound)
        #expect(drafts.current?.active.title == "Title \(DraftChatTools.maximumCallsPerRound - 1)")
        let records = try #require(output["tool_calls"]?.arrayValue)
        #expect(records.count == count, "every call is recorded")
        #expect(records.map { $0["ok"]?.boolValue ?? false } == Array(repeating: true, count: DraftChatTools.maximumCallsPerRound) + [false, false])
        let results = try #require(llm.requests.last?.messages.filter { $0.role == .tool })
        #expect(results.compactMap(\.toolCallID) == calls.map(\.id), "every call gets a result")
        #expect(results.last?.content.contains("Not run") == true)
    }
}
