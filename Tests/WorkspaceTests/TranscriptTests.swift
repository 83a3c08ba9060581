import Core
import Foundation
import Testing
import Workspace

/// Generic JSON transcripts and Markdown/text transcripts (BranchPrompt and pasted chats), and
/// how the reader tells a file it does not know from one it does.
@Suite struct TranscriptTests {
    @Test func aListOfMessagesIsOneConversationWithRolesMapped() throws {
        let reading = try ExportReading.read(fixture: "generic-list.json")
        #expect(reading.problems.isEmpty)
        let chat = try #require(reading.conversations.first?.conversation)
        #expect(reading.conversations.count == 1)
        #expect(chat.source == .generic)
        #expect(chat.messages.map(\.role) == ["user", "assistant", "user"])
        #expect(chat.messages[1].content == "It argues for smaller functions.", "text parts only")
        #expect(chat.messages.map(\.createdAt) == [ExportReading.date("2026-03-01T10:00:00Z"),
                                                   Date(timeIntervalSince1970: 1772359260), Date(timeIntervalSince1970: 1772359320)])
        #expect(chat.title == "Summarise this article.")
        #expect(chat.createdAt == ExportReading.date("2026-03-01T10:00:00Z"))
    }

    @Test func anObjectWithMessagesKeepsItsTitle() throws {
        let reading = try ExportReading.read(fixture: "generic-object.json")
        let chat = try #require(reading.conversations.first?.conversation)
        #expect(chat.title == "BranchPrompt session")
        #expect(chat.messages.map(\.role) == ["user", "assistant"])
        let listOfThem = try ExportReading.read(text: #"[{"title": "A", "messages": [{"role": "user", "content": "a"}]}, {"messages": []}]"#)
        #expect(listOfThem.conversations.map(\.conversation.title) == ["A"])
        #expect(listOfThem.problems.map(\.reason) == ["no messages"])
    }

    @Test func markdownMarkersInAnyCaseAndStyleSplitTheMessages() throws {
        let reading = try ExportReading.read(fixture: "branchprompt.md")
        let chat = try #require(reading.conversations.first?.conversation)
        #expect(chat.title == "Planning the offsite")
        #expect(chat.messages.map(\.role) == ["system", "user", "assistant", "user", "assistant", "assistant", "user"])
        #expect(chat.messages[0].content == "Exported from BranchPrompt", "text before the first marker is kept, not dropped")
        #expect(chat.messages[1].content == "Where should we go?\nSomewhere warm.")
        #expect(chat.messages[2].content == "Try Lisbon: it is warm in May.")
        #expect(chat.messages[4].content == "About 800 EUR each.")
        #expect(chat.messages[5].content == "Anything else?")
    }

    @Test func aMarkdownFileStartingWithABracketIsStillText() throws {
        let text = "[Exported](https://branchprompt.example) chat\nUser: hi\nAssistant: hello\n"
        let reading = try ExportReading.read(text: text, filename: "chat.md")
        #expect(reading.conversations.first?.conversation.messages.map(\.role) == ["system", "user", "assistant"])
        #expect(ExportReading.error { _ = try ExportReading.read(text: text, filename: "chat.json") }?.code == .validationFailed)
    }

    @Test func textWithoutMarkersIsRefusedNamingTheKnownFormats() throws {
        let error = ExportReading.error { _ = try ExportReading.read(text: "Just some notes\nwith no speakers\n", filename: "notes.md") }
        #expect(error?.code == .validationFailed)
        #expect(error?.message.contains("speaker markers") == true)
        #expect(error?.message.contains("ChatGPT") == true)
        #expect(error?.message.contains("Markdown") == true)
    }

    @Test func unknownJSONAndBrokenJSONAreRefusedBeforeAnythingIsVisited() throws {
        for text in [#"{"foo": [1, 2]}"#, "[1, 2, 3]", #"[{"a": 1}]"#, "\"text\""] {
            let error = ExportReading.error { _ = try ExportReading.read(text: text, filename: "x.json") }
            #expect(error?.code == .validationFailed, "\(text)")
            #expect(error?.message.contains("Grok") == true || error?.message.contains("JSON") == true, "\(text)")
        }
        let broken = ExportReading.error { _ = try ExportReading.read(text: #"[{"a": "#) }
        #expect(broken?.code == .validationFailed)
        #expect(broken?.message.contains("byte") == true)
        #expect(ExportReading.error { _ = try ExportReading.read(text: "") }?.code == .validationFailed)
        #expect(ExportReading.error { _ = try ExportReading.read([0xFF, 0xFE, 0x00]) }?.code == .validationFailed)
        #expect(ExportReading.error { _ = try ExportReading.read(json: .object(["foo": .null])) }?.code == .validationFailed)
    }

    @Test func anEmptyExportReadsAsNothing() throws {
        let reading = try ExportReading.read(text: " [ ] ")
        #expect(reading.conversations.isEmpty && reading.problems.isEmpty)
    }

    @Test func aBOMAndWhitespaceBeforeTheJSONAreAccepted() throws {
        let bytes: [UInt8] = [0xEF, 0xBB, 0xBF] + Array("\n  ".utf8) + (try ExportReading.bytes("generic-object.json"))
        #expect(try ExportReading.read(bytes).conversations.count == 1)
    }

    @Test func anExportCutOffMidwayKeepsWhatCameBeforeAndSaysWhere() throws {
        let whole = try ExportReading.bytes("claude-conversations.json")
        // Cut inside the third conversation's first string.
        let marker = Array("claude-3".utf8)
        let at = try #require((0...(whole.count - marker.count)).first { whole[$0..<$0 + marker.count].elementsEqual(marker) })
        let cut = Array(whole.prefix(at + 3))
        let reading = try ExportReading.read(cut)
        #expect(reading.conversations.map(\.index) == [0, 1])
        let last = try #require(reading.problems.last)
        #expect(last.reason.contains("breaks off"))
        #expect(last.reason.contains("at byte"))
    }

    @Test func datesInEverySpelling() {
        #expect(ExportValues.date(.number(1767225600)) == Date(timeIntervalSince1970: 1767225600))
        #expect(ExportValues.date(.number(1767225600500)) == Date(timeIntervalSince1970: 1767225600.5))
        #expect(ExportValues.date(.string("1767225600")) == Date(timeIntervalSince1970: 1767225600))
        #expect(ExportValues.date(.string("2026-01-01T00:00:00+01:00")) == ExportReading.date("2025-12-31T23:00:00Z"))
        #expect(ExportValues.date(.object(["$date": .object(["$numberLong": .string("1767225600000")])])) == Date(timeIntervalSince1970: 1767225600))
        #expect(ExportValues.date(.object(["$date": .string("2026-01-01T00:00:00Z")])) == Date(timeIntervalSince1970: 1767225600))
        #expect(ExportValues.date(.string("yesterday")) == nil)
        #expect(ExportValues.date(.null) == nil)
    }
}
