import Store

/// The full-text index over `workspace_chunks` (and conversation titles), kept by triggers in
/// the same transaction as the rows. SKELETON: the search helper adds the migrations.
package enum ChatSearchSchema {
    package static let migrations: [Migration] = []
}
