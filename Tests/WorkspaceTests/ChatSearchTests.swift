import Core
import Foundation
import Providers
import Retrieval
import Runtime
import Testing
import Workspace

/// An embedder whose vectors the test decides: texts tagged `[near]` point where the query
/// `harbour` points, `[mid]` close to it, `[far]` away; everything else is orthogonal.
struct TaggedEmbedder: Embedder {
    var provider: String { "test" }
    var model: String { "tagged-1" }

    func embed(_ texts: [String], deadline: Deadline) async throws -> [[Float]] {
        texts.map { text in
            if text.contains("[near]") || text == "harbour" { return [1, 0, 0] }
            if text.contains("[mid]") { return [0.9, 0.436, 0] }
            if text.contains("[far]") { return [0.1, 0.995, 0] }
            return [0, 0, 1]
        }
    }
}

@Suite struct ChatSearchTests {
    let harness: WorkspaceHarness
    let store: ConversationStore

    init() throws {
        harness = try WorkspaceHarness()
        store = ConversationStore(database: harness.database)
    }

    @discardableResult
    func save(_ id: String, title: String, _ contents: [String], url: String? = nil, source: ChatSource = .chatgpt,
              at seconds: Double = 0) throws -> ConversationStore.Saved {
        let messages = contents.enumerated().map { ImportedMessage(role: $0.offset.isMultiple(of: 2) ? "user" : "assistant", content: $0.element) }
        return try store.save(ImportedConversation(source: source, sourceID: id, url: url, title: title, messages: messages),
                              importedBy: nil, now: Date(timeIntervalSince1970: 1_800_000_000 + seconds))
    }

    func search(_ input: JSONValue, context: FunctionContext? = nil) async throws -> JSONValue {
        try await harness.call(SearchChatsHandler(), input, context: context)
    }

    func titles(_ answer: JSONValue) -> [String] {
        answer["results"]?.arrayValue?.compactMap { $0["conversation"]?["title"]?.stringValue } ?? []
    }

    @Test func aURLFindsTheConversationWithItThenChunksMentioningIt() async throws {
        try save("a", title: "Shared chat", ["Hello there"], url: "https://chatgpt.com/share/abc-123")
        try save("b", title: "Notes", ["See https://chatgpt.com/share/abc-123 for the plan"])
        try save("c", title: "Other", ["Nothing here about share links"])
        let answer = try await search(["q": "http://www.ChatGPT.com/share/abc-123/?utm_source=x#top"])
        #expect(titles(answer) == ["Shared chat", "Notes"])
        #expect(answer["levels"]?["url"] == 2)
        #expect(answer["results"]?.arrayValue?.dropFirst(0).first?["level"] == "url")
        #expect(answer["results"]?.arrayValue?.dropFirst(1).first?["chunk"]?["position"] == 0)
    }

    @Test func titlesMatchTheWholePhraseFirstThenAllWordsIgnoringCaseAndDiacritics() async throws {
        try save("1", title: "Planning a trip to Porto", ["Porto in May"])
        try save("2", title: "Trip planning for Lisbon", ["Lisbon in May"])
        try save("3", title: "Groceries", ["Weekend trip planning notes"])
        try save("4", title: "Café culture", ["Espresso"])
        let answer = try await search(["q": "trip planning"])
        #expect(titles(answer) == ["Trip planning for Lisbon", "Planning a trip to Porto", "Groceries"])
        #expect(answer["results"]?.arrayValue?.map { $0["level"] } == ["title", "title", "content"])
        #expect(answer["levels"] == ["url": 0, "title": 2, "content": 1])
        let cafe = try await search(["q": "CAFE"])
        #expect(titles(cafe) == ["Café culture"])
        #expect(cafe["results"]?.arrayValue?.dropFirst(0).first?["snippet_html"] == "<mark>Café</mark> culture")
    }

    @Test func aChunkFoundByWordsAndVectorsBeatsOneFoundByOne() async throws {
        let wordsOnly = try save("b", title: "One", ["the harbour at dawn"])
        let both = try save("a", title: "Two", ["the harbour [near] at dusk"])
        let vectorsOnly = try save("c", title: "Three", ["a lighthouse [mid] on the cliff"])
        let tooFar = try save("d", title: "Four", ["a desert [far] at noon"])
        let embedder = TaggedEmbedder()
        var entries: [(item: VectorIndex.Item, vector: [Float])] = []
        for (saved, text) in [(both, "[near]"), (vectorsOnly, "[mid]"), (tooFar, "[far]")] {
            let vector = try await embedder.embed([text], deadline: Deadline(seconds: 5))[0]
            entries.append((VectorIndex.Item(id: saved.chunkIDs[0], text: text), vector))
        }
        try VectorIndex(database: harness.database, collection: ConversationStore.vectorCollection)
            .store(entries, model: embedder.model, now: Date(timeIntervalSince1970: 0))
        let search = ChatSearch(database: harness.database, embedder: embedder, minimumSimilarity: 0.5)
        let answer = try await search.search(.init(text: "harbour"), deadline: Deadline(seconds: 5))
        #expect(answer.results.map(\.conversation.title) == ["Two", "One", "Three"], "words + vectors, words, vectors above the floor")
        #expect(answer.results[0].scores.bm25 != nil && answer.results[0].scores.vector != nil)
        #expect(answer.results[1].scores.vector == nil)
        #expect(answer.results[2].scores.bm25 == nil && (answer.results[2].scores.vector ?? 0) > 0.5)
        #expect(answer.vectors.status == "partial" && answer.vectors.missing == 1)
        #expect(answer.results.allSatisfy { $0.conversation.id != wordsOnly.id || $0.level == "content" })
    }

    @Test func partOfAWordIsFoundThroughTrigrams() async throws {
        try save("x", title: "Words", ["A supercalifragilistic answer"])
        let answer = try await search(["q": "califrag"])
        #expect(titles(answer) == ["Words"])
        #expect(answer["results"]?.arrayValue?.dropFirst(0).first?["scores"]?["trigram"]?.doubleValue != nil)
        #expect(answer["results"]?.arrayValue?.dropFirst(0).first?["scores"]?["bm25"] == nil || answer["results"]?.arrayValue?.dropFirst(0).first?["scores"]?["bm25"] == .null)
        #expect(answer["results"]?.arrayValue?.dropFirst(0).first?["snippet_html"]?.stringValue?.contains("<mark>supercalifragilistic</mark>") == true)
    }

    @Test func pagesAreStableAndTotalsCountEveryHit() async throws {
        for index in 0..<25 { try save("z\(index)", title: "Chat \(index)", ["zebra crossing number \(index)"], at: Double(index)) }
        var seen: [String] = []
        for offset in [0, 10, 20] {
            let page = try await search(["q": "zebra", "limit": 10, "offset": .number(Double(offset))])
            #expect(page["total"] == 25)
            seen += titles(page)
        }
        #expect(seen.count == 25 && Set(seen).count == 25)
        let again = try await search(["q": "zebra", "limit": 10, "offset": 10])
        #expect(titles(again) == Array(seen[10..<20]))
        let newest = try await search(["q": "zebra", "sort_by": "imported_at", "limit": 3])
        #expect(titles(newest) == ["Chat 24", "Chat 23", "Chat 22"])
        let byTitle = try await search(["q": "zebra", "sort_by": "title", "sort_dir": "desc", "limit": 2])
        #expect(titles(byTitle) == ["Chat 9", "Chat 8"])
        let claude = try await search(["q": "zebra", "source": "claude"])
        #expect(claude["total"] == 0)
        let drafts = try await search(["q": "zebra", "source_type": "draft_chat"])
        #expect(drafts["total"] == 0 && drafts["results"] == [])
    }

    @Test func snippetsEscapeHTMLAndHighlightNonASCIIWords() async throws {
        let filler = Array(repeating: "filler words here", count: 40).joined(separator: " ")
        try save("h", title: "Markup", [filler + " Le naïve résumé says <script>alert('x')</script> about Zürich. " + filler])
        let answer = try await search(["q": "zurich resume"])
        let hit = try #require(answer["results"]?.arrayValue?.first)
        let snippet = try #require(hit["snippet"]?.stringValue)
        let html = try #require(hit["snippet_html"]?.stringValue)
        #expect(snippet.count <= 205 && snippet.hasPrefix("…") && snippet.hasSuffix("…"))
        #expect(html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"))
        #expect(!html.contains("<script>"))
        #expect(html.contains("<mark>résumé</mark>") && html.contains("<mark>Zürich</mark>"))
        let scalars = Array(snippet.unicodeScalars)
        let marked = hit["highlights"]?.arrayValue?.compactMap { range -> String? in
            guard let start = range["start"]?.intValue, let end = range["end"]?.intValue else { return nil }
            return String(String.UnicodeScalarView(scalars[start..<end]))
        }
        #expect(marked == ["résumé", "Zürich"])
    }

    @Test func deletingAConversationRemovesItsHitsAndVectors() async throws {
        let saved = try save("d", title: "Doomed", ["penguins everywhere"])
        let embedding = await ChatEmbedding.run(chunkIDs: saved.chunkIDs, context: harness.context())
        #expect(embedding.status == "complete" && embedding.embedded == 1)
        #expect(try harness.count("retrieval_vectors") == 1)
        #expect(try await search(["q": "penguins"])["total"] == 1)
        _ = try harness.database.write { try $0.execute("DELETE FROM workspace_conversations WHERE id = ?", saved.id) }
        #expect(try await search(["q": "penguins"])["total"] == 0)
        #expect(try await search(["q": "Doomed"])["total"] == 0)
        #expect(try await search(["q": "nguin"])["total"] == 0)
        #expect(try harness.count("retrieval_vectors") == 0, "the chunks' delete trigger removes their vectors")
        // The word index itself (FTS5 table or PostgreSQL view), not only the answer, has no hit.
        let words = try harness.database.read { try ChatFullText.wordHits($0, query: "penguins", filter: nil, limit: 10) }
        #expect(words.isEmpty)
    }

    @Test func reimportingReplacesTheHits() async throws {
        try save("r", title: "Zoo", ["We saw a zebra"])
        try save("r", title: "Zoo", ["We saw a giraffe"])
        #expect(try await search(["q": "zebra"])["total"] == 0)
        #expect(try await search(["q": "giraffe"])["total"] == 1)
    }

    @Test func hostileQueriesAnswerWithoutAnFTSError() async throws {
        try save("q", title: "Quotes \"and\" stars", ["near the NEAR( operator * and \"quotes\" and col:umn"])
        let hostile = ["\"", "\"\"\"", "NEAR(", "NEAR(a b", "*", "a*", "title:x", "(", ")", "AND", "OR NOT", "^", "-", "''",
                       String(repeating: "\"a\" NEAR( ", count: 1_000), String(repeating: "x", count: 10_000), "💥🔥", "\u{0}"]
        let search = ChatSearch(database: harness.database, embedder: nil)
        for query in hostile {
            let answer = try await search.search(.init(text: query), deadline: Deadline(seconds: 5))
            #expect(answer.total <= 1)
        }
        let near = try await search.search(.init(text: "NEAR("), deadline: Deadline(seconds: 5))
        #expect(near.total == 1)
        let tooLong = await harness.error { _ = try await self.search(["q": .string(String(repeating: "x", count: 10_000))]) }
        #expect(tooLong?.code == .validationFailed)
        let blank = await harness.error { _ = try await self.search(["q": "   "]) }
        #expect(blank?.code == .validationFailed)
    }

    @Test func missingVectorsAreReportedAndQueueTheJob() async throws {
        try save("v", title: "Unembedded", ["otters holding hands"])
        let answer = try await search(["q": "otters"])
        #expect(answer["vectors"]?["status"] == "none")
        #expect(answer["vectors"]?["missing"] == 1)
        #expect(answer["vectors"]?["job_id"]?.intValue != nil)
        #expect(answer["total"] == 1, "found by words")
        let reembed = try await harness.call(ReembedChatsHandler(), [:])
        #expect(reembed["embedded"] == 1 && reembed["queued"] == false)
        let again = try await harness.call(ReembedChatsHandler(), [:])
        #expect(again["embedded"] == 0, "safe to repeat")
        let complete = try await search(["q": "otters"])
        #expect(complete["vectors"]?["status"] == "complete")
        let queued = try await harness.call(ReembedChatsHandler(), [:], context: harness.context(http: ["method": "POST"]))
        #expect(queued["queued"] == true && queued["job_id"]?.intValue != nil)
    }

    @Test func urlsAreComparedInOneForm() {
        #expect(ChatURL.key("https://www.ChatGPT.com/share/AbC/?x=1#y") == "chatgpt.com/share/AbC")
        #expect(ChatURL.key("chatgpt.com/share/x") == nil)
        #expect(ChatURL.key("https://claude.ai/share/1 2") == nil)
        #expect(ChatURL.key("www.grok.com/share/z/") == "grok.com/share/z")
    }
}
