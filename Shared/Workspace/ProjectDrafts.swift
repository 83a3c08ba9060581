import Core
import FoundationEssentials
import Providers
import Runtime
import Store

/// The rules of a conversation's project draft shared by its functions: what a draft is generated
/// from (the transcript cut to `transcriptBudget`, the summary when ready), the `project_draft`
/// prompt and model chosen for it, and the answers for a missing draft.
package struct ProjectDrafts: Sendable {
    /// Characters of transcript a generation reads (`PROJECT_DRAFT_INPUT_CHARS`).
    package let transcriptBudget: Int
    /// Messages of the transcript read at most (the import bounds keep conversations far below).
    static let maxMessages = 5_000
    package let context: FunctionContext
    package let store: ProjectDraftStore

    package init(context: FunctionContext) throws {
        self.context = context
        transcriptBudget = try context.config.int("PROJECT_DRAFT_INPUT_CHARS", default: 24_000, in: 2_000...400_000)
        store = ProjectDraftStore(database: try context.database())
    }

    /// The draft, or `not_found` naming the route that makes one.
    package func require(_ conversationID: Int) throws -> ProjectDraft {
        if let draft = try store.draft(conversationID: conversationID) { return draft }
        let exists = try store.database.read { sql in
            try sql.queryOne("SELECT id FROM workspace_conversations WHERE id = ?", conversationID) != nil
        }
        guard exists else { throw BundleError(.notFound, "no conversation with id \(conversationID)", retryable: false) }
        throw BundleError(.notFound, "conversation \(conversationID) has no project draft yet; POST /api/conversations/\(conversationID)/project-draft "
                          + "(generate-project-draft) makes one", retryable: false)
    }

    /// Generates a draft from the conversation with the active `project_draft` prompt and stores
    /// it as a new `generated` version. A locked conversation is refused before the LLM is asked.
    package func generate(_ conversationID: Int) async throws -> ProjectDraft {
        let source = try self.source(conversationID)
        let prompt = try context.activePrompt(ProjectDraftPrompt.promptType)
        let task = ProjectDraftTask(source: source, system: prompt.system, transcriptBudget: transcriptBudget)
        let result = try await context.llm(for: prompt).run(task, deadline: context.deadline)
        let title = StorableText.clean(result.output.title).trimmingWhitespace()
        let draft = try store.addVersion(conversationID: conversationID, title: String(title.prefix(ProjectDraftLimits.title)),
                                         description: result.output.markdown, source: .generated, createdBy: context.principal,
                                         now: context.clock.now(),
                                         generation: .init(provider: result.provider, model: result.model, promptVersion: prompt.version))
        context.logger.info("workspace.project_draft_generated", [
            "conversation": .number(Double(conversationID)), "version": .number(Double(draft.active.versionNumber)),
            "provider": .string(result.provider), "model": .string(result.model), "prompt_version": .string(prompt.version),
        ])
        return draft
    }

    /// What the draft is made from, read in one snapshot: not_found for a missing conversation,
    /// conflict for a locked one.
    func source(_ conversationID: Int) throws -> ProjectDraftSource {
        try store.database.read { sql in
            try ConversationLock.checkUnlocked(sql, conversationID: conversationID)
            let title = try sql.queryOne("SELECT title FROM workspace_conversations WHERE id = ?", conversationID)?.string("title") ?? ""
            let messages = try sql.query("""
                SELECT role, content FROM workspace_messages WHERE conversation_id = ? AND branch = 0 ORDER BY position LIMIT ?
                """, [conversationID, Self.maxMessages]).map { ProjectDraftSource.Message(role: try $0.string("role"), content: try $0.string("content")) }
            let summary = try sql.queryOne("""
                SELECT text FROM workspace_summaries WHERE conversation_id = ? AND status = 'ready'
                """, conversationID)?.optionalString("text")
            return ProjectDraftSource(title: title, messages: messages, summary: summary?.isEmpty == false ? summary : nil)
        }
    }
}
