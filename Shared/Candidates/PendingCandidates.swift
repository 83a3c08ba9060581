import Core
import FoundationEssentials
import Store

/// The new candidates of an upload not yet stored, inserted several rows per statement. An
/// `INSERT ... RETURNING` keeps a statement journal of every page it changes (RETURNING makes
/// SQLite treat it as a multi-row write that may have to be undone alone), so one statement per
/// row copied the table's and each index's page for every row: a third of a 10,000-row upload.
/// Rows inserted together share those copies.
///
/// A pending row has a placeholder id (negative) until `flush` stores it. Whoever needs to see
/// the rows in the table (a row matching a pending one, a lookup by name) flushes first, so
/// rows are matched exactly as if each had been inserted when it was read.
package struct PendingCandidates {
    /// Rows per statement: 50 × 21 parameters, far below SQLite's 32,766 and PostgreSQL's 65,535.
    package static let rowsPerStatement = 50

    /// The values that end every row: role, source, needs_scoring, created_at, updated_at.
    private let rowEnd: [SQLValue]
    private var arguments: [SQLValue] = []
    /// Each pending row's email and LinkedIn URL (or, with neither, name and company), to give
    /// `CandidateKeys` the stored id.
    private var identities: [(email: String?, linkedinURL: String?, unidentified: UnidentifiedKey?)] = []

    init(roleID: Int, source: String, now: Date) {
        rowEnd = [.integer(Int64(roleID)), .text(source), .integer(1), now.sqlValue, now.sqlValue]
        arguments.reserveCapacity(Self.rowsPerStatement * Self.columnsPerRow)
    }

    var isEmpty: Bool { identities.isEmpty }
    var isFull: Bool { identities.count >= Self.rowsPerStatement }

    /// The placeholder id of the `index`th pending row.
    static func placeholder(_ index: Int) -> Int { -(index + 1) }

    /// Queues a new candidate; returns its placeholder id.
    mutating func add(_ profile: CandidateProfile) -> Int {
        profile.appendColumnValues(to: &arguments)
        arguments.append(contentsOf: rowEnd)
        identities.append((profile.email, profile.linkedinURL, UnidentifiedKey(profile)))
        return Self.placeholder(identities.count - 1)
    }

    /// Stores the pending rows in order and gives `keys` their ids; returns the ids, the
    /// `index`th for `placeholder(index)`.
    mutating func flush(keys: inout CandidateKeys, sql: any SQLExecutor) throws -> [Int] {
        guard !identities.isEmpty else { return [] }
        let rows = try sql.query(Self.insertSQL(rows: identities.count), values: arguments)
        // Ids are given in insertion order (INTEGER PRIMARY KEY: each new row takes the next);
        // sorting them does not rely on RETURNING listing rows in that order.
        let ids = try rows.map { try $0.int("id") }.sorted()
        guard ids.count == identities.count else { throw BundleError(.internal, "the candidates were not all stored") }
        for (index, id) in ids.enumerated() {
            let identity = identities[index]
            keys.replace(Self.placeholder(index), with: id, email: identity.email, linkedinURL: identity.linkedinURL,
                         unidentified: identity.unidentified)
        }
        arguments.removeAll(keepingCapacity: true)
        identities.removeAll(keepingCapacity: true)
        return ids
    }

    private static let columnNames = CandidateProfile.columnNames + ["role_id", "source", "needs_scoring", "created_at", "updated_at"]
    private static let columnsPerRow = columnNames.count
    private static let rowPlaceholders = "(" + Array(repeating: "?", count: columnsPerRow).joined(separator: ", ") + ")"
    private static let fullStatement = insertSQL(building: rowsPerStatement)

    static func insertSQL(rows: Int) -> String {
        rows == rowsPerStatement ? fullStatement : insertSQL(building: rows)
    }

    private static func insertSQL(building rows: Int) -> String {
        "INSERT INTO candidates (\(columnNames.joined(separator: ", "))) VALUES "
            + Array(repeating: rowPlaceholders, count: rows).joined(separator: ", ") + " RETURNING id"
    }
}
