import Core
import Foundation
import Runtime
import TestSupport
import Testing
@testable import Workspace

/// `import-chats` answers stay bounded whatever the export holds, one bad file of several does
/// not end the upload, and a refusal before any entry keeps its status (no event went out).
extension ImportChatsTests {
    @Test func theProblemListIsBoundedAndSkippedStaysTheTrueCount() async throws {
        guard case .array(var entries) = try fixture("chatgpt-export.json")["export"] else { Issue.record("no export"); return }
        entries = [entries[0]] + Array(repeating: JSONValue.number(0), count: 1_200)
        let answer = try await harness.call(ImportChatsHandler(), ["export": .array(entries)], context: context())
        #expect(answer["imported"] == 1 && answer["skipped"] == 1_200)
        #expect(answer["problems"]?.arrayValue?.count == 1_000)
        #expect(answer["problems_truncated"] == true && answer["conversations_truncated"] == false)
    }

    @Test func theConversationListIsBoundedAndTheCountsStayTrue() throws {
        let run = ChatImportRun(context: context(), store: ConversationStore(database: harness.database), listedConversations: 2)
        for (index, id) in ["a", "b", "c"].enumerated() { try run.visit(.conversation(index: index, chat(id))) }
        #expect(run.stored == 3 && run.counts[.created] == 3)
        #expect(run.conversations.map(\.index) == [0, 1] && run.conversationsTruncated)
        #expect(try harness.count("workspace_conversations") == 3)
    }

    @Test func aTooLargeFileOfSeveralIsThatFilesProblemAndTheOthersImport() async throws {
        // More entries than a ZIP may hold: payload_too_large, not validation_failed.
        let crowded = try ChatExportZipTests.python("""
            buffer = io.BytesIO()
            with zipfile.ZipFile(buffer, 'w') as z:
                for i in range(20001): z.writestr(f'e{i}.txt', '')
            out.write(buffer.getvalue())
            """)
        let markdown = "## User\nWhere should I go in May?\n\n## Assistant\nTry Lisbon.\n"
        let answer = try await harness.call(ImportChatsHandler(), ["files": [
            ["filename": "crowded.zip", "content_base64": .string(Data(crowded).base64EncodedString())],
            ["filename": "lisbon.md", "text": .string(markdown)],
        ]], context: context())
        #expect(answer["imported"] == 1 && answer["skipped"] == 1)
        #expect(answer["problems"]?.arrayValue?.first?["file"] == "crowded.zip")
    }

    @Test func aRefusalBeforeAnyEntrySendsNoEvent() async throws {
        let events = Events()
        let error = await harness.error {
            _ = try await harness.call(ImportChatsHandler(), ["content": "{\"hello\": 1}", "filename": "notes.json"], context: context(events: events))
        }
        #expect(error?.code == .validationFailed)
        #expect(events.names.isEmpty, "nothing started the stream, so the refusal keeps its HTTP status")
    }
}
