import Core
import Foundation
import Jobs
import Providers
import Testing
import Workspace

@Suite struct ChatSummaryTests {
    let harness: WorkspaceHarness
    let conversations: ConversationStore

    init() throws {
        harness = try WorkspaceHarness()
        conversations = ConversationStore(database: harness.database)
    }

    func save(_ chat: ImportedConversation, at seconds: Double = 0) throws -> Int {
        try conversations.save(chat, importedBy: "test", now: Date(timeIntervalSince1970: 1_800_000_000 + seconds)).id
    }

    func chunkCount(_ id: Int) throws -> Int { try ChatSummaryStore(database: harness.database).chunkCount(id) }

    // MARK: offline

    @Test func theOfflineSummaryIsDeterministicAndMadeOfTheChatsOwnSentences() async throws {
        let id = try save(SummaryChats.short())
        let first = try await harness.call(GetChatSummaryHandler(), ["id": .number(Double(id))], context: harness.offlineContext())
        #expect(first["status"] == "ready")
        #expect(first["provider"] == "offline")
        #expect(first["prompt_version"] == .string(ChatSummaryPrompt.version))
        let text = try #require(first["summary"]?.stringValue)
        #expect(text.hasPrefix(ChatSummarizer.offlineLabel))
        let body = String(text.dropFirst(ChatSummarizer.offlineLabel.count)).trimmingWhitespace()
        #expect(body.contains("Where should I travel in May with a small budget?"))
        #expect(body.contains("Porto is cheaper, and the trains between them are fast."))

        let transcript = "user: Where should I travel in May?\nassistant: Lisbon is warm in May and the crowds are small. Porto is cheaper than Lisbon. Bring a jacket.\nuser: Thanks, that settles it for my trip."
        let picked = ExtractiveSummary.sentences(transcript, limit: 2)
        #expect(picked == ExtractiveSummary.sentences(transcript, limit: 2))
        #expect(picked.count == 2)
        for sentence in picked {
            #expect(transcript.contains(sentence))
            #expect(!sentence.hasPrefix("user:") && !sentence.hasPrefix("assistant:"))
        }
        // "Bring a jacket." has three words: too short to be chosen.
        #expect(!ExtractiveSummary.sentences(transcript, limit: 10).contains("Bring a jacket."))
    }

    @Test func aLongChatSummarisedOfflineQuotesSentencesFromSeveralParts() async throws {
        let id = try save(SummaryChats.long(messages: 3))
        let made = try await harness.call(SummarizeChatHandler(), ["id": .number(Double(id))], context: harness.offlineContext())
        #expect(made["status"] == "ready" && made["summary"] == .null)
        let answer = try await harness.call(GetChatSummaryHandler(), ["id": .number(Double(id))], context: harness.offlineContext())
        let text = try #require(answer["summary"]?.stringValue)
        #expect(answer["status"] == "ready")
        let sentences = ExtractiveSummary.candidateSentences(String(text.dropFirst(ChatSummarizer.offlineLabel.count)))
        #expect(!sentences.isEmpty)
        let chat = SummaryChats.long(messages: 3).messages.map(\.content).joined(separator: " ")
        for sentence in sentences { #expect(chat.contains(sentence)) }
    }

    // MARK: map-reduce

    @Test func oneChunkIsOneCallAndNChunksAreNMapsAndOneReduce() async throws {
        let fake = CountingLLM()
        let summarizer = ChatSummarizer(llm: try harness.context(llm: fake).llm())
        let single = try await summarizer.summarize(title: "t", chunks: ["user: hello there, how are you today?"], deadline: Deadline(seconds: 30))
        #expect(fake.count("whole") == 1 && fake.total == 1 && single.calls == 1)

        let five = CountingLLM()
        let result = try await ChatSummarizer(llm: try harness.context(llm: five).llm())
            .summarize(title: "t", chunks: (1...5).map { "user: part \($0) of the chat." }, deadline: Deadline(seconds: 30))
        #expect(five.count("map") == 5)
        #expect(five.count("reduce") == 1)
        #expect(five.count("whole") == 0)
        #expect(result.calls == 6 && result.chunkCount == 5 && result.provider == "fake" && result.model == "fake-model-1")
    }

    @Test func partSummariesOverTheBudgetAreCombinedLevelByLevel() async throws {
        let fake = CountingLLM(answerLength: 400)
        let result = try await ChatSummarizer(llm: try harness.context(llm: fake).llm(), reduceBudget: 1_000)
            .summarize(title: "t", chunks: (1...8).map { "user: part \($0)." }, deadline: Deadline(seconds: 30))
        #expect(fake.count("map") == 8)
        // 8 summaries of 400 characters: groups of 2 (4 calls), again (2 calls), then the 2 left in one call.
        #expect(fake.count("reduce") == 7)
        #expect(result.calls == 15)
    }

    @Test func aVeryLongChatReadsSeveralChunksPerMapCall() async throws {
        let fake = CountingLLM()
        let result = try await ChatSummarizer(llm: try harness.context(llm: fake).llm(), maxMapCalls: 4)
            .summarize(title: "t", chunks: (1...10).map { "user: part \($0)." }, deadline: Deadline(seconds: 30))
        // 10 chunks, at most 4 calls: 3 chunks per call, so 4 calls (3 + 3 + 3 + 1).
        #expect(fake.count("map") == 4 && fake.count("reduce") == 1)
        #expect(result.chunkCount == 10 && result.calls == 5)
    }

    @Test func aFailingProviderLeavesAFailedSummaryNamingTheStepAndAskingAgainRetries() async throws {
        let id = try save(SummaryChats.long(messages: 3))
        let chunks = try chunkCount(id)
        try #require(chunks >= 2)
        let config = ["SUMMARY_INLINE_CHUNKS": "50"]
        let failing = CountingLLM(failPart: 2)
        let error = await harness.error {
            _ = try await harness.call(GetChatSummaryHandler(), ["id": .number(Double(id))], context: harness.context(llm: failing, config))
        }
        #expect(error?.code == .upstreamFailed)
        #expect(error?.message.contains("map step failed (chunk 2 of \(chunks))") == true)
        let stored = try #require(try ChatSummaryStore(database: harness.database).summary(id))
        #expect(stored.status == .failed)
        #expect(stored.error?["step"] == "map")
        #expect(stored.error?["message"]?.stringValue?.contains("HTTP 500") == true)

        // Asking again at once answers the failure (step, reason, when a GET retries) without a call.
        let working = CountingLLM()
        let failed = try await harness.call(GetChatSummaryHandler(), ["id": .number(Double(id))], context: harness.context(llm: working, config))
        #expect(failed["status"] == "failed" && failed["error"]?["step"] == "map" && failed["error"]?["content_hash"] == nil)
        #expect(failed["retry_after"] == "2026-12-02T09:10:00Z")
        #expect(working.total == 0)
        // After the backoff a GET makes it again.
        let answer = try await harness.call(GetChatSummaryHandler(), ["id": .number(Double(id))],
                                            context: harness.context(llm: working, config, now: "2026-12-02T09:10:01Z"))
        #expect(answer["status"] == "ready")
        #expect(answer["error"] == .null)
        #expect(working.count("map") == chunks && working.count("reduce") == 1)
    }

    // MARK: edits, staleness

    @Test func aPersonsEditIsKeptOverRegenerationAndFlaggedStaleAfterAChangedReimport() async throws {
        let id = try save(SummaryChats.short())
        let http: JSONValue = ["method": "PATCH", "principal": "key:alice"]
        let edited = try await harness.call(UpdateChatSummaryHandler(), ["id": .number(Double(id)), "summary": "  My own notes on the trip.  "],
                                            context: harness.offlineContext(http: http))
        #expect(edited["summary"] == "My own notes on the trip.")
        #expect(edited["is_manual_edit"] == true)
        #expect(edited["edited_by"] == "key:alice")
        #expect(edited["provider"] == .null && edited["stale"] == false)

        let fake = CountingLLM()
        let forced = await harness.error {
            _ = try await harness.call(SummarizeChatHandler(), ["id": .number(Double(id)), "force": true], context: harness.context(llm: fake))
        }
        #expect(forced?.code == .conflict)
        let plain = try await harness.call(SummarizeChatHandler(), ["id": .number(Double(id))], context: harness.context(llm: fake))
        #expect(plain["is_manual_edit"] == true && plain["summary"] == .null)
        // A generator that started before the edit cannot overwrite it either.
        let store = ChatSummaryStore(database: harness.database)
        let late = ChatSummarizer.Summary(text: "generated", provider: "fake", model: "m", chunkCount: 1, calls: 1)
        #expect(try store.saveGenerated(late, conversationID: id, contentHash: "x", jobID: nil, now: Date()) == false)
        #expect(fake.total == 0)

        _ = try save(SummaryChats.short(answer: "Madeira in May is green and quiet."), at: 60)
        let after = try await harness.call(GetChatSummaryHandler(), ["id": .number(Double(id))], context: harness.context(llm: fake))
        #expect(after["summary"] == "My own notes on the trip.")
        #expect(after["stale"] == true)
        #expect(fake.total == 0)
    }

    @Test func aChangedReimportMakesAGeneratedSummaryStaleAndItIsRemadeKeepingTheOldText() async throws {
        let id = try save(SummaryChats.short())
        let first = try await harness.call(GetChatSummaryHandler(), ["id": .number(Double(id))], context: harness.offlineContext())
        let again = try await harness.call(GetChatSummaryHandler(), ["id": .number(Double(id))], context: harness.offlineContext())
        #expect(first["summary"] == again["summary"])
        let chunks = try chunkCount(id)
        #expect(try harness.count("llm_calls") == (chunks == 1 ? 1 : chunks + 1))
        let callsBefore = try harness.count("llm_calls")

        _ = try save(SummaryChats.short(answer: "Madeira in May is green, quiet and easy to hike."), at: 60)
        let store = ChatSummaryStore(database: harness.database)
        let conversation = try #require(try store.conversation(id))
        #expect(try store.summary(id)?.contentHash != conversation.contentHash)
        let remade = try await harness.call(GetChatSummaryHandler(), ["id": .number(Double(id))], context: harness.offlineContext())
        #expect(remade["stale"] == false)
        #expect(remade["summary"]?.stringValue?.contains("Madeira") == true)
        #expect(try harness.count("llm_calls") > callsBefore)
        let firstText = try #require(first["summary"]?.stringValue)
        #expect(try store.history(id).map(\.text) == [firstText])
    }

    // MARK: long chats, jobs

    @Test func aLongChatIsQueuedOnceAndTheJobMakesIt() async throws {
        let id = try save(SummaryChats.long(messages: 4))
        let config = ["SUMMARY_INLINE_CHUNKS": "1"]
        let fake = CountingLLM()
        let pending = try await harness.call(GetChatSummaryHandler(), ["id": .number(Double(id))], context: harness.context(llm: fake, config))
        #expect(pending["status"] == "pending")
        #expect(pending["_http"]?["status"] == 202)
        let jobID = try #require(pending["job_id"]?.intValue)
        let again = try await harness.call(GetChatSummaryHandler(), ["id": .number(Double(id))], context: harness.context(llm: fake, config))
        #expect(again["job_id"]?.intValue == jobID)
        let queued = try await harness.call(SummarizeChatHandler(), ["id": .number(Double(id))],
                                            context: harness.context(llm: fake, config, http: ["method": "POST"], function: "summarize-chat"))
        #expect(queued["job_id"]?.intValue == jobID)
        #expect(try harness.count("jobs") == 1)
        #expect(fake.total == 0)
        let job = try #require(try JobQueue(database: harness.database).job(jobID))
        #expect(job.function == "summarize-chat" && job.input == ["id": .number(Double(id))])

        // The worker runs the job: piped, with its id in JOB_ID.
        let done = try await harness.call(SummarizeChatHandler(), job.input,
                                          context: harness.context(llm: fake, config.merging(["JOB_ID": "\(jobID)"]) { $1 }, function: "summarize-chat"))
        #expect(done["status"] == "ready" && done["job_id"]?.intValue == jobID && done["summary"] == .null)
        let chunks = try chunkCount(id)
        #expect(fake.count("map") == chunks && fake.count("reduce") == 1)
        let ready = try await harness.call(GetChatSummaryHandler(), ["id": .number(Double(id))], context: harness.context(llm: fake, config))
        #expect(ready["status"] == "ready" && ready["_http"] == nil)
    }

    @Test func anImportQueuesLongChatsOnlyAndOnlyOnce() async throws {
        let long = try save(SummaryChats.long(messages: 4))
        let short = try save(SummaryChats.short())
        let context = harness.context(llm: CountingLLM(), ["SUMMARY_INLINE_CHUNKS": "2"])
        try #require(try chunkCount(short) <= 2 && chunkCount(long) > 2)
        await ChatSummaryQueue.afterImport(conversationIDs: [long, short, long], context: context)
        await ChatSummaryQueue.afterImport(conversationIDs: [long], context: context)
        let queued = try harness.database.read { try $0.query("SELECT input FROM jobs").map { try $0.json("input") } }
        #expect(queued == [["id": .number(Double(long))]])
        #expect(try ChatSummaryStore(database: harness.database).summary(long)?.status == .pending)
        // A missing conversation is skipped, never thrown.
        await ChatSummaryQueue.afterImport(conversationIDs: [9_999], context: context)
    }

    // MARK: errors, call log

    @Test func anUnknownConversationIsNotFoundAndABlankEditIsRefused() async throws {
        let cases: [(Int, JSONValue)] = [(0, ["id": 999]), (1, ["id": 999, "summary": "x"]), (2, ["id": 999])]
        for (handler, input) in cases {
            let error = await harness.error {
                switch handler {
                case 0: _ = try await harness.call(GetChatSummaryHandler(), input, context: harness.offlineContext())
                case 1: _ = try await harness.call(UpdateChatSummaryHandler(), input, context: harness.offlineContext())
                default: _ = try await harness.call(SummarizeChatHandler(), input, context: harness.offlineContext())
                }
            }
            #expect(error?.code == .notFound)
        }
        let id = try save(SummaryChats.short())
        let blank = await harness.error {
            _ = try await harness.call(UpdateChatSummaryHandler(), ["id": .number(Double(id)), "summary": "   "], context: harness.offlineContext())
        }
        #expect(blank?.code == .validationFailed)
        let tooLong = await harness.error {
            _ = try await harness.call(UpdateChatSummaryHandler(), ["id": .number(Double(id)), "summary": .string(String(repeating: "a", count: 20_001))],
                                       context: harness.offlineContext())
        }
        #expect(tooLong?.code == .validationFailed)
    }

    @Test func everyLLMCallIsLoggedWithThePromptVersion() async throws {
        let id = try save(SummaryChats.long(messages: 3))
        _ = try await harness.call(GetChatSummaryHandler(), ["id": .number(Double(id))],
                                   context: harness.context(llm: CountingLLM(), ["SUMMARY_INLINE_CHUNKS": "50"]))
        let steps = try harness.database.read { try $0.query("SELECT step, provider, outcome FROM llm_calls").map { try $0.string("step") } }
        let chunks = try chunkCount(id)
        #expect(steps.count == chunks + 1)
        #expect(steps.allSatisfy { $0 == "summary.map" || $0 == "summary.reduce" })
        #expect(steps.filter { $0 == "summary.reduce" }.count == 1)
        let versions = try harness.database.read { try $0.query("SELECT prompt_version FROM llm_calls").map { $0.optionalString("prompt_version") } }
        #expect(versions.allSatisfy { $0 == ChatSummaryPrompt.version })
    }
}
