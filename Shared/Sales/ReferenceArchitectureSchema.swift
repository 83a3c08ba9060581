import Store

/// The tables of the reference-architecture search cache; part of `SalesSchema.migrations`.
package enum ReferenceArchitectureSchema {
    package static let migrations: [Migration] = []
}
