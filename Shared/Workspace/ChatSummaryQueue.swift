import Core
import Runtime

/// What an import does about summaries: chats of more chunks than a request summarises
/// (`SUMMARY_INLINE_CHUNKS`) get a `summarize-chat` job now, so a later request finds the summary
/// ready; short ones are made on their first request. A person's edit or a current summary
/// needs nothing; a job already active is reused.
package enum ChatSummaryQueue {
    /// Called after an import stored (or changed) these conversations. Never throws: the
    /// conversations are stored, so a failure here is logged, and the first request queues again.
    package static func afterImport(conversationIDs: [Int], context: FunctionContext) async {
        guard !conversationIDs.isEmpty else { return }
        let summaries: ChatSummaries
        do { summaries = try ChatSummaries(context: context) } catch {
            context.logger.warning("workspace.summaries_not_queued", ["conversations": .number(Double(conversationIDs.count))])
            return
        }
        for id in Set(conversationIDs).sorted() {
            do {
                guard let conversation = try summaries.store.conversation(id) else { continue }
                let chunkCount = try summaries.store.chunkCount(id)
                guard chunkCount > summaries.inlineChunks else { continue }
                if let record = try summaries.store.summary(id) {
                    let prompt = try context.activePrompt(ChatSummaryPrompt.promptType)
                    if record.isCurrent(for: conversation, promptVersion: prompt.version) { continue }
                    if try summaries.activeJob(record) != nil { continue }
                }
                _ = try summaries.queue(conversation, chunkCount: chunkCount, force: false)
            } catch {
                context.logger.warning("workspace.summary_not_queued", ["conversation": .number(Double(id)),
                                                                       "code": .string(BundleError.converting(error, otherwise: BundleError(.internal, "")).code.rawValue)])
            }
        }
    }
}
