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

    private let roleID: Int
    private let source: String
    private let stamp: SQLValue
    private var arguments: [any SQLBindable] = []
    /// Each pending row's email and LinkedIn URL, to give `CandidateKeys` the stored id.
    private var identities: [(email: String?, linkedinURL: String?)] = []

    init(roleID: Int, source: String, now: Date) {
        self.roleID = roleID
        self.source = source
        stamp = now.sqlValue
        arguments.reserveCapacity(Self.rowsPerStatement * Self.columnsPerRow)
    }

    var isEmpty: Bool { identities.isEmpty }
    var isFull: Bool { identities.count >= Self.rowsPerStatement }

    /// The placeholder id of the `index`th pending row.
    static func placeholder(_ index: Int) -> Int { -(index + 1) }

    /// Queues a new candidate; returns its placeholder id.
    mutating func add(_ profile: CandidateProfile) -> Int {
        for (_, value) in profile.columnValues { arguments.append(value) }
        arguments.append(contentsOf: [roleID, source, 1, stamp, stamp] as [any SQLBindable])
        identities.append((profile.email, profile.linkedinURL))
        return Self.placeholder(identities.count - 1)
    }

    /// Stores the pending rows in order and gives `keys` their ids; returns the ids, the
    /// `index`th for `placeholder(index)`.
    mutating func flush(keys: inout CandidateKeys, sql: any SQLExecutor) throws -> [Int] {
        guard !identities.isEmpty else { return [] }
        let rows = try sql.query(Self.insertSQL(rows: identities.count), arguments)
        // Ids are given in insertion order (INTEGER PRIMARY KEY: each new row takes the next);
        // sorting them does not rely on RETURNING listing rows in that order.
        let ids = try rows.map { try $0.int("id") }.sorted()
        guard ids.count == identities.count else { throw BundleError(.internal, "the candidates were not all stored") }
        for (index, id) in ids.enumerated() {
            keys.replace(Self.placeholder(index), with: id, email: identities[index].email, linkedinURL: identities[index].linkedinURL)
        }
        arguments.removeAll(keepingCapacity: true)
        identities.removeAll(keepingCapacity: true)
        return ids
    }

    private static let columnNames = CandidateProfile(name: "").columnValues.map(\.0) + ["role_id", "source", "needs_scoring", "created_at", "updated_at"]
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
