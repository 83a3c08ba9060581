import Core
import Testing
import Workspace

@Suite struct ChatChunkerTests {
    func message(_ role: String, _ words: Int, word: String = "lorem") -> ImportedMessage {
        ImportedMessage(role: role, content: Array(repeating: word, count: words).joined(separator: " ") + ".")
    }

    @Test func noMessagesMakeNoChunks() {
        #expect(ChatChunker.chunks([]).isEmpty)
        #expect(ChatChunker.chunks([ImportedMessage(role: "user", content: "  \n ")]).isEmpty)
    }

    @Test func aShortChatIsOneChunkWithRoleLabels() {
        let chunks = ChatChunker.chunks([ImportedMessage(role: "user", content: "Hi?"), ImportedMessage(role: "assistant", content: "Hello.")])
        #expect(chunks == [ChatChunker.Chunk(text: "User: Hi?\n\nAssistant: Hello.", firstMessage: 0, lastMessage: 1)])
    }

    @Test func chunksStayWithinBoundsAndEndOnMessagesWhenTheyCan() {
        // Messages of ~600 characters: a chunk closes after the message that brings it to 2,500.
        let messages = (0..<40).map { message($0.isMultiple(of: 2) ? "user" : "assistant", 100 + $0) }
        let chunks = ChatChunker.chunks(messages)
        #expect(chunks.count > 5)
        for chunk in chunks.dropLast() {
            #expect((ChatChunker.minimumLength...ChatChunker.maximumLength).contains(chunk.text.count), "\(chunk.text.count)")
        }
        #expect(chunks.last!.text.count <= ChatChunker.maximumLength)
        #expect(chunks.first?.firstMessage == 0)
        #expect(chunks.last?.lastMessage == 39)
        for (previous, next) in zip(chunks, chunks.dropFirst()) {
            #expect(next.firstMessage == previous.lastMessage || next.firstMessage == previous.lastMessage + 1)
            #expect(next.text.hasPrefix("User: ") || next.text.hasPrefix("Assistant: "))
        }
        // Every word survives, in order.
        let words = chunks.flatMap { Words.split($0.text) }.filter { $0 != "User" && $0 != "Assistant" }
        #expect(words.count == messages.reduce(0) { $0 + Words.split($1.content).count })
    }

    @Test func aFiftyKilobyteMessageIsCutOnParagraphsThenSentencesThenWords() {
        let paragraph = Array(repeating: "The quick brown fox jumps over the lazy dog.", count: 20).joined(separator: " ")
        let long = Array(repeating: paragraph, count: 57).joined(separator: "\n\n")
        #expect(long.utf8.count > 50_000)
        let chunks = ChatChunker.chunks([ImportedMessage(role: "assistant", content: long)])
        #expect(chunks.count >= 14)
        for chunk in chunks.dropLast() {
            #expect((ChatChunker.minimumLength...ChatChunker.maximumLength).contains(chunk.text.count), "\(chunk.text.count)")
            #expect(chunk.text.hasSuffix("dog."), "cut after a sentence, never mid-word")
            #expect(chunk.firstMessage == 0 && chunk.lastMessage == 0)
        }
        // One sentence-free run of words: cut on spaces.
        let words = Array(repeating: "alpha", count: 10_000).joined(separator: " ")
        for chunk in ChatChunker.chunks([ImportedMessage(role: "user", content: words)]).dropLast() {
            #expect(chunk.text.hasSuffix("alpha"))
            #expect(chunk.text.count <= ChatChunker.maximumLength)
        }
        // One word longer than a chunk: cut mid-word, still within bounds.
        let word = String(repeating: "x", count: 9_000)
        let cut = ChatChunker.chunks([ImportedMessage(role: "user", content: word)])
        #expect(cut.count == 3)
        #expect(cut.allSatisfy { $0.text.count <= ChatChunker.maximumLength })
    }

    @Test func aMessageThatWouldOverflowIsSplitAcrossChunks() {
        let first = message("user", 400)      // ~2,400 characters
        let second = message("assistant", 300) // ~1,800: overflows the first chunk
        let chunks = ChatChunker.chunks([first, second])
        #expect(chunks.count == 2)
        #expect(chunks[0].text.count <= ChatChunker.maximumLength && chunks[0].text.count >= ChatChunker.minimumLength)
        #expect(chunks[0].firstMessage == 0 && chunks[0].lastMessage == 1)
        #expect(chunks[1].firstMessage == 1 && chunks[1].text.hasPrefix("Assistant: "))
    }
}
