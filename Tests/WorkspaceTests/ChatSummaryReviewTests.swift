import Core
import Foundation
import Jobs
import Providers
import Testing
import Workspace

/// Summaries under failure and at the edges: a failure is never left pending and never remade on
/// every request, a chat without text is a clear answer, and queueing makes one job.
@Suite struct ChatSummaryReviewTests {
    let harness: WorkspaceHarness
    let conversations: ConversationStore

    init() throws {
        harness = try WorkspaceHarness()
        conversations = ConversationStore(database: harness.database)
    }

    func save(_ chat: ImportedConversation) throws -> Int {
        try conversations.save(chat, importedBy: "test", now: Date(timeIntervalSince1970: 1_800_000_000)).id
    }

    @Test func aFailureBeforeTheCallsIsStoredWithItsStepNotLeftPending() async throws {
        let id = try save(SummaryChats.short())
        // MAX_CONCURRENT_LLM_CALLS=0 is refused when the LLM client is made: the setup step.
        let error = await harness.error {
            _ = try await harness.call(GetChatSummaryHandler(), ["id": .number(Double(id))], context: harness.context(["MAX_CONCURRENT_LLM_CALLS": "0"]))
        }
        #expect(error?.code == .misconfigured)
        let stored = try #require(try ChatSummaryStore(database: harness.database).summary(id))
        #expect(stored.status == .failed && stored.error?["step"] == "setup")
        // A POST (summarize-chat, here piped as the worker runs it) retries at once.
        let retried = try await harness.call(SummarizeChatHandler(), ["id": .number(Double(id))], context: harness.offlineContext())
        #expect(retried["status"] == "ready")
    }

    @Test func aChatWithoutTextHasAnEmptyReadySummaryAndNoCall() async throws {
        let files = ImportedConversation(source: .slack, sourceID: "C1:1.0", title: "Slack thread",
                                         messages: [ImportedMessage(id: "1.0", role: "user", content: "", attachments: ["budget.xlsx"])])
        let id = try save(files)
        try #require(try ChatSummaryStore(database: harness.database).chunkCount(id) == 0)
        let fake = CountingLLM()
        let answer = try await harness.call(GetChatSummaryHandler(), ["id": .number(Double(id))], context: harness.context(llm: fake))
        #expect(answer["status"] == "ready" && answer["summary"] == "" && answer["note"] == .string(ChatSummaryAnswer.noTextNote))
        #expect(fake.total == 0)
        let again = try await harness.call(GetChatSummaryHandler(), ["id": .number(Double(id))], context: harness.context(llm: fake))
        #expect(again == answer)
    }

    @Test func aSummaryJobsResultCarriesNoText() async throws {
        let id = try save(SummaryChats.short())
        let answer = try await harness.call(SummarizeChatHandler(), ["id": .number(Double(id)), "force": true],
                                            context: harness.offlineContext(["JOB_ID": "7"]))
        #expect(answer["summary"] == .null && answer["status"] == "ready" && answer["conversation_id"] == .number(Double(id)))
        #expect(!answer.jsonText.contains("Porto"))
        #expect(try ChatSummaryStore(database: harness.database).summary(id)?.text?.contains("Porto") == true)
    }

    @Test func queueingAgainAtALaterSecondUsesTheSameKey() async throws {
        let id = try save(SummaryChats.long(messages: 4))
        let config = ["SUMMARY_INLINE_CHUNKS": "1"]
        let first = try await harness.call(GetChatSummaryHandler(), ["id": .number(Double(id))], context: harness.context(llm: CountingLLM(), config))
        let jobID = try #require(first["job_id"]?.intValue)
        let key = try #require(try JobQueue(database: harness.database).job(jobID)?.idempotencyKey)
        #expect(key.hasPrefix("summarize-chat:\(id):") && key.hasSuffix(":new"))
        // A request that read the same row a second later (past the active-job look-up) computes the
        // same key, so the queue answers the same job.
        let jobs = JobQueue(database: harness.database)
        let again = try jobs.enqueue(.init(function: "summarize-chat", input: ["id": .number(Double(id))], idempotencyKey: key, timeoutSeconds: 900),
                                     now: Date(timeIntervalSince1970: 1_900_000_000))
        #expect(again.job.id == jobID && !again.created)
        #expect(try harness.count("jobs") == 1)
    }

    @Test func reembedKeysAreStableUntilTheJobIsOver() async throws {
        let context = harness.context()
        let first = try ReembedChatsHandler.enqueue(context: context)
        let key = try #require(try JobQueue(database: harness.database).job(first)?.idempotencyKey)
        #expect(key == "reembed-chats:after:0")
        try harness.database.write { _ = try $0.execute("UPDATE jobs SET status = 'succeeded' WHERE id = ?", first) }
        let later = try ReembedChatsHandler.enqueue(context: harness.context(now: "2026-12-02T09:00:05Z"))
        #expect(later != first)
        #expect(try JobQueue(database: harness.database).job(later)?.idempotencyKey == "reembed-chats:after:\(first)")
    }
}
