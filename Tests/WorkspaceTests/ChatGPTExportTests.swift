import Core
import Foundation
import Testing
import Workspace

/// ChatGPT's `conversations.json`: the transcript walked back from `current_node`, hidden and
/// context nodes skipped, branches off the transcript, content types, models, interrupted
/// messages, and broken trees (missing parent, cycle) reported with their index and title.
@Suite struct ChatGPTExportTests {
    let reading: ExportReading

    init() throws {
        reading = try ExportReading.read(fixture: "chatgpt-conversations.json")
    }

    @Test func theTranscriptIsTheActivePathWalkedBackFromTheCurrentNode() throws {
        let trip = try #require(reading.conversation("conv-trip"))
        #expect(trip.source == .chatgpt)
        #expect(trip.title == "Trip to Spain")
        #expect(trip.model == "gpt-5")
        #expect(trip.createdAt == Date(timeIntervalSince1970: 1767225600.25))
        #expect(trip.updatedAt == Date(timeIntervalSince1970: 1767229200.5))
        #expect(trip.messages.map(\.id) == ["u1", "a2", "t1", "c1", "u2", "a3"], "hidden system and user_editable_context nodes are skipped")
        #expect(trip.messages.map(\.role) == ["user", "assistant", "assistant", "assistant", "user", "assistant"])
        #expect(trip.messages[0].content == "[image]\nPlan a trip to Spain {like [this]}")
        #expect(trip.messages[0].attachments == ["map.png"])
        #expect(trip.messages[1].model == "gpt-5", "no model_slug: the conversation's default")
        #expect(trip.messages[0].model == nil)
    }

    @Test func contentTypesBecomeBlocksAndInterruptedAnswersArePartial() throws {
        let trip = try #require(reading.conversation("conv-trip"))
        let thoughts = trip.messages[2]
        #expect(thoughts.content.isEmpty)
        #expect(thoughts.blocks == [MessageBlock(type: "thinking", text: "Madrid has the Prado.")])
        let code = trip.messages[3]
        #expect(code.content == "print(\"days\")")
        #expect(code.blocks == [MessageBlock(type: "code", text: "print(\"days\")", name: "python")])
        let last = trip.messages[5]
        #expect(last.partial)
        #expect(last.model == "gpt-5-thinking")
        #expect(!trip.messages[1].partial)
    }

    @Test func leavesOffTheTranscriptBecomeBranchesNewestFirst() throws {
        let trip = try #require(reading.conversation("conv-trip"))
        #expect(trip.branches.count == 2)
        #expect(trip.branches[0] == ImportedBranch(forksFrom: "u1", messages: [
            ImportedMessage(id: "a1", role: "assistant", content: "Try Barcelona.", createdAt: Date(timeIntervalSince1970: 1767225620), model: "gpt-5"),
        ]))
        #expect(trip.branches[1].forksFrom == nil, "the edited first prompt hangs off the root")
        #expect(trip.branches[1].messages.map(\.content) == ["Plan a trip to Portugal", "Try Lisbon."])
    }

    @Test func withoutCurrentNodeTheMostRecentLeafIsTheTranscript() throws {
        let latest = try #require(reading.conversation("conv-latest"))
        #expect(latest.messages.map(\.content) == ["Question", "New answer"])
        #expect(latest.branches.map { $0.messages.map(\.content) } == [["Old answer"]])
        #expect(latest.branches.first?.forksFrom == "q")
    }

    @Test func brokenTreesEmptyConversationsAndGarbageAreProblemsWithTheirIndex() throws {
        #expect(reading.conversations.map(\.index) == [0, 3])
        let problems = Dictionary(uniqueKeysWithValues: reading.problems.map { ($0.index, $0) })
        #expect(problems.count == 4)
        #expect(problems[1]?.title == "Broken parent")
        #expect(problems[1]?.sourceID == "conv-orphan")
        #expect(problems[1]?.reason.contains("missing parent") == true)
        #expect(problems[2]?.title == "Loop")
        #expect(problems[2]?.reason.contains("cycle") == true)
        #expect(problems[4]?.reason == "no messages")
        #expect(problems[4]?.title == "Only hidden")
        #expect(problems[5]?.reason.contains("not a conversation") == true)
    }

    @Test func theSharedFunctionReadsOneConversationObject() throws {
        let json = try JSONParser.parse(#"""
            {"title": "One", "conversation_id": "c-9", "current_node": "b", "mapping": {
              "b": {"id": "b", "parent": "a", "message": {"author": {"role": "assistant"}, "content": {"content_type": "text", "parts": ["B"]}}},
              "a": {"id": "a", "parent": null, "message": {"author": {"role": "user"}, "content": {"content_type": "text", "parts": ["A"]}}}}}
            """#)
        let conversation = try ChatGPTExport.conversation(from: json)
        #expect(conversation.sourceID == "c-9")
        #expect(conversation.messages.map(\.content) == ["A", "B"])
        #expect(conversation.messages.map(\.id) == ["a", "b"], "node ids stand in for missing message ids")
        #expect(throws: ImportProblem.self) { try ChatGPTExport.conversation(from: .array([])) }
    }

    @Test func aLongCycleAndADeepChainCostLinearTime() throws {
        // 20 000 nodes in one chain, then the same with the root's parent pointing at the leaf.
        func mapping(count: Int, cyclic: Bool) -> JSONValue {
            var nodes: [String: JSONValue] = [:]
            for index in 0..<count {
                let parent: JSONValue = index == 0 ? (cyclic ? .string("n\(count - 1)") : .null) : .string("n\(index - 1)")
                nodes["n\(index)"] = .object(["id": .string("n\(index)"), "parent": parent, "message": .object([
                    "author": .object(["role": .string(index % 2 == 0 ? "user" : "assistant")]),
                    "content": .object(["content_type": .string("text"), "parts": .array([.string("m\(index)")])]),
                ])])
            }
            return .object(["title": .string("Long"), "current_node": .string("n\(count - 1)"), "mapping": .object(nodes)])
        }
        #expect(try ChatGPTExport.conversation(from: mapping(count: 20_000, cyclic: false)).messages.count == 20_000)
        let problem = #expect(throws: ImportProblem.self) { try ChatGPTExport.conversation(from: mapping(count: 20_000, cyclic: true)) }
        #expect(problem?.reason.contains("cycle") == true)
    }

    @Test func manyRegeneratedAnswersKeepABoundedNumberOfBranches() throws {
        var nodes: [String: JSONValue] = ["q": .object(["id": .string("q"), "parent": .null, "message": .object([
            "author": .object(["role": .string("user")]), "content": .object(["parts": .array([.string("Q")])]),
        ])])]
        for index in 0..<200 {
            nodes["a\(index)"] = .object(["id": .string("a\(index)"), "parent": .string("q"), "message": .object([
                "author": .object(["role": .string("assistant")]), "create_time": .number(Double(index)),
                "content": .object(["parts": .array([.string("answer \(index)")])]),
            ])])
        }
        let conversation = try ChatGPTExport.conversation(from: .object(["mapping": .object(nodes)]))
        #expect(conversation.messages.map(\.content) == ["Q", "answer 199"])
        #expect(conversation.branches.count == ChatGPTExport.maximumBranches)
        #expect(conversation.branches.first?.messages.first?.content == "answer 198")
        #expect(conversation.title == "Q")
    }
}
