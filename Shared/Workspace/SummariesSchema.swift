import Store

/// Conversation summaries. SKELETON: the summaries helper adds the migrations.
package enum SummariesSchema {
    package static let migrations: [Migration] = []
}
