import Core
import Foundation
import Testing
import Workspace

/// A ~20 MB ChatGPT export generated in memory is read conversation by conversation (the
/// reader never builds the whole file as one tree; memory is the lead's bench's concern, the
/// count is ours).
@Suite struct LargeExportTests {
    @Test func aTwentyMegabyteExportReadsEveryConversation() throws {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(21 << 20)
        bytes.append(UInt8(ascii: "["))
        let filler = String(repeating: "All work and no play {makes} [Jack] a \\\"dull\\\" boy. ", count: 40)
        var count = 0
        while bytes.count < 20 << 20 {
            if count > 0 { bytes.append(UInt8(ascii: ",")) }
            let conversation = """
                {"title": "Chat \(count)", "id": "big-\(count)", "create_time": \(1_700_000_000 + count), "current_node": "a",
                 "mapping": {"a": {"id": "a", "parent": "q", "children": [], "message": {"author": {"role": "assistant"},
                   "content": {"content_type": "text", "parts": ["\(filler)"]}}},
                  "q": {"id": "q", "parent": null, "children": ["a"], "message": {"author": {"role": "user"},
                   "content": {"content_type": "text", "parts": ["Question \(count)"]}}}}}
                """
            bytes.append(contentsOf: conversation.utf8)
            count += 1
        }
        bytes.append(UInt8(ascii: "]"))
        var seen = 0
        var problems = 0
        var lastID: String?
        try bytes.withUnsafeBufferPointer { buffer in
            try ChatExportReader.read(buffer, filename: "conversations.json") { entry in
                switch entry {
                case .conversation(_, let conversation): seen += 1; lastID = conversation.sourceID
                case .problem: problems += 1
                }
            }
        }
        #expect(count > 1000)
        #expect(seen == count)
        #expect(problems == 0)
        #expect(lastID == "big-\(count - 1)")
    }

    @Test func aSingleDocumentLargerThanOneConversationsCapIsAProblemNotParsed() throws {
        // One generic transcript of 33 MB: as a list element it would be refused; alone it is too.
        var text = #"{"messages": [{"role": "user", "content": ""#
        text += String(repeating: "x", count: JSONStream.defaultMaximumElementBytes)
        text += #""}]}"#
        let reading = try ExportReading.read(text: text, filename: "one.json")
        #expect(reading.conversations.isEmpty)
        #expect(reading.problems.count == 1)
        #expect(reading.problems.first?.reason.contains("at most \(JSONStream.defaultMaximumElementBytes)") == true)
    }
}
