import Store

/// The tables of past customer communications (entered or uploaded) and their searchable
/// chunks; part of `SalesSchema.migrations`.
package enum CommunicationsSchema {
    package static let migrations: [Migration] = []
}
