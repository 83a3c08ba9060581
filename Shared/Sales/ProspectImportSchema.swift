import Store

/// The tables of prospect CSV imports; part of `SalesSchema.migrations`.
package enum ProspectImportSchema {
    package static let migrations: [Migration] = []
}
