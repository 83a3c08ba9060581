import Store

/// The tables of the solution search index (full text and vectors); part of `SalesSchema.migrations`.
package enum SolutionSearchSchema {
    package static let migrations: [Migration] = []
}
