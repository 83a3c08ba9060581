import Core
import Foundation
import Testing
import Workspace

/// Grok's export (`{"conversations": [...]}`, Mongo dates, snake_case) and its share API shape
/// (camelCase), senders in any case, branching through parent response ids.
@Suite struct GrokExportTests {
    @Test func theExportStreamsItsConversationsAndFollowsTheLatestBranch() throws {
        let reading = try ExportReading.read(fixture: "grok-export.json")
        #expect(reading.conversations.map(\.index) == [0, 1])
        let chat = try #require(reading.conversation("grok-1"))
        #expect(chat.source == .grok)
        #expect(chat.title == "Rust lifetimes")
        #expect(chat.createdAt == Date(timeIntervalSince1970: 1767261600))
        #expect(chat.updatedAt == ExportReading.date("2026-01-01T10:10:00Z"))
        #expect(chat.messages.map(\.id) == ["r1", "r3"])
        #expect(chat.messages.map(\.role) == ["user", "assistant"])
        #expect(chat.messages[1].partial)
        #expect(chat.messages[1].model == "grok-4")
        #expect(chat.model == "grok-4")
        #expect(chat.branches == [ImportedBranch(forksFrom: "r1", messages: [
            ImportedMessage(id: "r2", role: "assistant", content: "A scope a reference is valid for.",
                            createdAt: Date(timeIntervalSince1970: 1767261610), model: "grok-3"),
        ])])
    }

    @Test func epochSecondsAndMillisecondsAreBothDates() throws {
        let reading = try ExportReading.read(fixture: "grok-export.json")
        let chat = try #require(reading.conversation("grok-2"))
        #expect(chat.messages.map(\.createdAt) == [Date(timeIntervalSince1970: 1767603600), Date(timeIntervalSince1970: 1767603601.5)])
        #expect(chat.branches.isEmpty)
        #expect(reading.problems.map(\.index) == [2])
        #expect(reading.problems.first?.reason == "no messages")
        #expect(reading.problems.first?.sourceID == "grok-3")
    }

    @Test func theShareShapeIsReadByTheSameFunction() throws {
        let json = try JSONParser.parse(ExportReading.bytes("grok-share.json"))
        let chat = try GrokExport.conversation(from: json)
        #expect(chat.sourceID == "share-conv")
        #expect(chat.title == "Shared question")
        #expect(chat.createdAt == ExportReading.date("2026-02-01T12:00:00Z"))
        #expect(chat.messages.map(\.content) == ["Why is the sky blue?", "Rayleigh scattering."])
        #expect(chat.messages.map(\.id) == ["p1", "p2"])
        #expect(chat.model == "grok-4")
        // The reader takes the same file as an upload.
        #expect(try ExportReading.read(fixture: "grok-share.json").conversations.count == 1)
    }

    @Test func aCycleOfParentsIsAProblem() throws {
        let json = try JSONParser.parse(#"""
            {"conversation": {"conversationId": "c"}, "responses": [
              {"responseId": "a", "sender": "human", "message": "x", "parentResponseId": "b"},
              {"responseId": "b", "sender": "assistant", "message": "y", "parentResponseId": "a"}]}
            """#)
        let problem = #expect(throws: ImportProblem.self) { try GrokExport.conversation(from: json) }
        #expect(problem?.reason.contains("cycle") == true)
    }
}
