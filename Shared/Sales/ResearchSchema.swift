import Store

/// The tables of research runs and their steps; part of `SalesSchema.migrations`.
package enum ResearchSchema {
    package static let migrations: [Migration] = []
}
