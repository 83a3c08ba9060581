import Archives
import Core
import Foundation
import Testing
import Workspace

/// What the importers' bounds and walks promise on hostile or odd input: attachment names kept
/// once and capped, branches holding only their new nodes (shared paths never copied), forks
/// naming a kept message, broken side nodes dropped while the transcript stays, the node count
/// refused up front, Markdown markers that do not split a message on "Model:" or "Tool:" lines,
/// and a ZIP read in place.
@Suite struct ImporterBoundsTests {
    static func node(_ id: String, parent: String?, role: String = "user", text: String, time: Double = 1) -> JSONValue {
        .object(["id": .string(id), "parent": parent.map(JSONValue.string) ?? .null, "message": .object([
            "id": .string(id), "author": .object(["role": .string(role)]), "create_time": .number(time),
            "content": .object(["content_type": .string("text"), "parts": .array([.string(text)])]),
        ])])
    }

    @Test func attachmentNamesAreKeptOnceAndCapped() throws {
        var files: [JSONValue] = []
        for index in 0..<3_000 { files.append(.object(["file_name": .string("f\(index % 2_000).txt")])) }
        let claude = try ClaudeExport.conversation(from: .object(["uuid": .string("c"), "chat_messages": .array([
            .object(["sender": .string("human"), "text": .string("hi"), "attachments": .array(files)]),
        ])]))
        let names = claude.messages[0].attachments
        #expect(names.count == ExportValues.maximumAttachments)
        #expect(Set(names).count == names.count)
        #expect(names.prefix(2) == ["f0.txt", "f1.txt"], "export order is kept")

        var parts: [JSONValue] = []
        for index in 0..<1_500 { parts.append(.object(["name": .string("p\(index % 1_200)")])) }
        let chatgpt = try ChatGPTExport.conversation(from: .object(["mapping": .object([
            "a": .object(["id": .string("a"), "parent": .null, "message": .object([
                "author": .object(["role": .string("user")]),
                "content": .object(["content_type": .string("multimodal_text"), "parts": .array([.string("hi")] + parts)]),
                "metadata": .object(["attachments": .array([.object(["name": .string("p0")]), .object(["name": .string("extra")])])]),
            ])]),
        ])]))
        #expect(chatgpt.messages[0].attachments.count == ExportValues.maximumAttachments)
        #expect(Set(chatgpt.messages[0].attachments).count == ExportValues.maximumAttachments)
    }

    @Test func chatGPTBranchesHoldOnlyTheirNewNodesAndForkFromTheLastSharedOne() throws {
        // The active answer hangs off the root; a side chain of 100 nodes ends in three leaves.
        var nodes: [String: JSONValue] = [
            "r": .object(["id": .string("r"), "parent": .null]),
            "a": Self.node("a", parent: "r", text: "active"),
        ]
        var previous = "r"
        for index in 0..<100 {
            nodes["c\(index)"] = Self.node("c\(index)", parent: previous, text: "shared \(index)")
            previous = "c\(index)"
        }
        for index in 0..<3 { nodes["l\(index)"] = Self.node("l\(index)", parent: previous, text: "leaf \(index)", time: Double(2 + index)) }
        let conversation = try ChatGPTExport.conversation(from: .object(["current_node": .string("a"), "mapping": .object(nodes)]))
        #expect(conversation.messages.map(\.content) == ["active"])
        #expect(conversation.branches.count == 3)
        #expect(conversation.branches[0].forksFrom == nil)
        #expect(conversation.branches[0].messages.count == 101, "the newest leaf carries the shared chain once")
        #expect(conversation.branches[1] == ImportedBranch(forksFrom: "c99", messages: [conversation.branches[1].messages[0]]))
        #expect(conversation.branches[1].messages.map(\.content) == ["leaf 1"])
        #expect(conversation.branches[2].messages.map(\.content) == ["leaf 0"])
        #expect(conversation.branches[2].forksFrom == "c99")
    }

    @Test func aMappingOverTheMessageCapIsRefusedBeforeAnythingIsBuilt() throws {
        var nodes: [String: JSONValue] = [:]
        nodes.reserveCapacity(ExportValues.maximumMessages + 1)
        for index in 0...ExportValues.maximumMessages { nodes["n\(index)"] = .object(["parent": .null]) }
        let problem = #expect(throws: ImportProblem.self) { try ChatGPTExport.conversation(from: .object(["mapping": .object(nodes)])) }
        #expect(problem?.reason.contains("\(ExportValues.maximumMessages + 1) nodes") == true)
    }

    @Test func brokenSideNodesAreDroppedAndTheTranscriptKept() throws {
        let nodes: [String: JSONValue] = [
            "q": Self.node("q", parent: nil, text: "Q"),
            "a": Self.node("a", parent: "q", role: "assistant", text: "A"),
            "old": Self.node("old", parent: "q", role: "assistant", text: "old answer", time: 0),
            "orphan": Self.node("orphan", parent: "gone", text: "orphan"),
            "x": Self.node("x", parent: "y", text: "x"),
            "y": Self.node("y", parent: "x", text: "y"),
            "hanging": Self.node("hanging", parent: "x", text: "off the loop"),
        ]
        let conversation = try ChatGPTExport.conversation(from: .object(["current_node": .string("a"), "mapping": .object(nodes)]))
        #expect(conversation.messages.map(\.content) == ["Q", "A"])
        #expect(conversation.branches.map { $0.messages.map(\.content) } == [["old answer"]])
        // The same breaks on the active path still refuse the conversation.
        #expect(throws: ImportProblem.self) { try ChatGPTExport.conversation(from: .object(["current_node": .string("orphan"), "mapping": .object(nodes)])) }
        #expect(throws: ImportProblem.self) { try ChatGPTExport.conversation(from: .object(["current_node": .string("hanging"), "mapping": .object(nodes)])) }
    }

    @Test func grokBranchesForkFromTheNearestKeptResponse() throws {
        func response(_ id: String, _ sender: String, _ text: String, parent: String?, time: Int) -> JSONValue {
            var fields: [String: JSONValue] = ["_id": .string(id), "sender": .string(sender), "message": .string(text),
                                               "create_time": .number(Double(1_767_225_600 + time))]
            if let parent { fields["parent_response_id"] = .string(parent) }
            return .object(["response": .object(fields)])
        }
        let json: JSONValue = .object(["conversation": .object(["id": .string("g")]), "responses": .array([
            response("q", "human", "Q", parent: nil, time: 0),
            response("empty", "assistant", "", parent: "q", time: 1),
            response("s1", "human", "shared", parent: "empty", time: 2),
            response("new", "human", "new", parent: "s1", time: 5),
            response("b1", "human", "branch one", parent: "empty", time: 4),
            response("b2", "human", "branch two", parent: "b1", time: 4),
            response("b3", "human", "branch three", parent: "b1", time: 3),
        ])])
        let conversation = try GrokExport.conversation(from: json)
        #expect(conversation.messages.map(\.content) == ["Q", "shared", "new"])
        #expect(conversation.branches.map(\.forksFrom) == ["q", "b1"], "the empty response is no fork point; b1 is shared, not copied")
        #expect(conversation.branches.map { $0.messages.map(\.content) } == [["branch one", "branch two"], ["branch three"]])
    }

    @Test func markdownMarkersSplitOnSpeakersButNotOnPlainRoleWordsInsideAMessage() throws {
        let text = """
            ## User: hi there
            Me: still me? no, an alias
            You: a user alias too
            ChatGPT: Here is the log:
            Model: gpt-5
            Tool: grep
            System: ok
            **System:** Be brief.
            ## Tool
            42
            Claude: done
            """
        let chat = try MarkdownTranscript.conversation(from: text)
        #expect(chat.messages.map(\.role) == ["user", "user", "user", "assistant", "system", "tool", "assistant"])
        #expect(chat.messages[0].content == "hi there")
        #expect(chat.messages[3].content == "Here is the log:\nModel: gpt-5\nTool: grep\nSystem: ok")
        #expect(chat.messages[4].content == "Be brief.")
        #expect(chat.messages[5].content == "42")
        #expect(MarkdownTranscript.hasMarker("notes\r\n\r\nHuman: hi\r\n"))
        #expect(!MarkdownTranscript.hasMarker("System: a log line\nModel: x\n"))
        let late = String(repeating: "line\n", count: 300) + "User: hi\n"
        #expect(!MarkdownTranscript.hasMarker(Substring(late)), "detection looks at the first 200 lines")
        #expect(MarkdownTranscript.hasMarker(Substring(late), lineLimit: .max))
    }

    @Test func aZipIsReadInPlaceFromTheCallersBuffer() throws {
        let bytes = try ChatExportZipTests.python("""
            buffer = io.BytesIO()
            with zipfile.ZipFile(buffer, 'w', zipfile.ZIP_DEFLATED) as z:
                z.writestr('a.txt', 'hello ' * 1000)
                z.writestr('b.txt', 'world')
            out.write(buffer.getvalue())
            """)
        var owned = try ZipArchive(bytes: bytes)
        try bytes.withUnsafeBufferPointer { buffer in
            var borrowed = try BorrowedZipArchive(bytes: buffer)
            #expect(borrowed.entries == owned.entries)
            for entry in borrowed.entries { #expect(try borrowed.read(entry) == owned.read(entry)) }
            #expect(borrowed.producedBytes == owned.producedBytes)
        }
    }
}
