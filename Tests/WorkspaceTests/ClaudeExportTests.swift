import Core
import Foundation
import Testing
import Workspace

/// Claude's export: text blocks are the message, thinking and tool blocks kept as blocks,
/// `text` as the fallback, senders in any case, titles from the first message, attachments.
@Suite struct ClaudeExportTests {
    let reading: ExportReading

    init() throws {
        reading = try ExportReading.read(fixture: "claude-conversations.json")
    }

    @Test func textBlocksAreTheContentAndOtherBlocksAreKeptInOrder() throws {
        let chat = try #require(reading.conversation("claude-1"))
        #expect(chat.source == .claude)
        #expect(chat.title == "Parsing logs")
        #expect(chat.model == nil)
        #expect(chat.createdAt == ExportReading.date("2026-01-02T10:00:00.123456Z"))
        #expect(chat.messages.map(\.role) == ["user", "assistant"])
        #expect(chat.messages[0].content == "Count the errors in this log.", "content wins over the text field")
        #expect(chat.messages[0].blocks.isEmpty)
        #expect(chat.messages[0].attachments == ["app.log", "screenshot.png"])
        let answer = chat.messages[1]
        #expect(answer.content == "There are 2 errors.")
        #expect(answer.blocks == [
            MessageBlock(type: "thinking", text: "Two lines start with ERROR."),
            MessageBlock(type: "tool_use", text: #"{"pattern":"ERROR"}"#, name: "grep"),
            MessageBlock(type: "tool_result", text: "2 matches", name: "grep"),
            MessageBlock(type: "text", text: "There are 2 errors."),
        ])
        #expect(!answer.content.contains("Two lines"), "thinking is not in the content")
    }

    @Test func textIsTheFallbackAndAnEmptyNameTakesTheFirstUserMessage() throws {
        let chat = try #require(reading.conversation("claude-2"))
        #expect(chat.messages.map(\.content).last == "Moon pulls, sea answers")
        #expect(chat.title.hasPrefix("Please write a haiku"))
        #expect(chat.title.count == ExportValues.titleLength + 1, "cut to 80 characters and an ellipsis")
        #expect(!chat.title.contains("second line"))
    }

    @Test func emptyConversationsAndUnknownSendersAreProblems() throws {
        #expect(reading.conversations.map(\.index) == [0, 1])
        #expect(reading.problems.map(\.index) == [2, 3])
        #expect(reading.problems[0].reason == "no messages")
        #expect(reading.problems[0].title == "Nothing said")
        #expect(reading.problems[1].reason.contains("sender"))
    }

    @Test func aSingleConversationObjectIsAccepted() throws {
        let single = try ExportReading.read(text: #"{"uuid": "one", "name": "Solo", "chat_messages": [{"sender": "Human", "text": "hi"}]}"#)
        #expect(single.conversations.map(\.conversation.title) == ["Solo"])
        let viaJSON = try ExportReading.read(json: JSONParser.parse(#"[{"uuid": "one", "name": "Solo", "chat_messages": [{"sender": "human", "text": "hi"}]}]"#))
        #expect(viaJSON.conversations.first?.conversation.sourceID == "one")
        #expect(try ClaudeExport.conversation(from: JSONParser.parse(#"{"chat_messages": [{"sender": "assistant", "text": "x"}]}"#)).messages.count == 1)
    }
}
