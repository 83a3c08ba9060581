import Core
import Runtime

/// What an import does about summaries: nothing for chats summarised on first request, a queued
/// job for long ones (see the summaries code).
///
/// SKELETON: the summaries helper builds it.
package enum ChatSummaryQueue {
    /// Called after an import stored (or changed) these conversations. Never throws.
    package static func afterImport(conversationIDs: [Int], context: FunctionContext) async {}
}
