import CSQLite
import Core

/// One row of `scanRows`, read in place: on SQLite, blobs are handed over as the bytes SQLite
/// holds (no copy per row), which is what makes an exact vector scan over 100,000 rows cheap.
/// Valid only inside the callback that receives it.
package struct ScannedRow {
    private enum Source {
        case statement(OpaquePointer)
        case row(Row)
    }

    private let source: Source

    fileprivate init(statement: OpaquePointer) { source = .statement(statement) }
    fileprivate init(row: Row) { source = .row(row) }

    /// The integer in column `index` (0-based), or 0 when it is NULL.
    package func int64(_ index: Int) -> Int64 {
        switch source {
        case .statement(let statement): return sqlite3_column_int64(statement, Int32(index))
        case .row(let row):
            guard index < row.values.count, case .integer(let value) = row.values[index] else { return 0 }
            return value
        }
    }

    /// Calls `body` with the bytes of the blob in column `index` (empty for NULL).
    package func withBlob<T>(_ index: Int, _ body: (UnsafeRawBufferPointer) throws -> T) rethrows -> T {
        switch source {
        case .statement(let statement):
            let length = Int(sqlite3_column_bytes(statement, Int32(index)))
            guard length > 0, let bytes = sqlite3_column_blob(statement, Int32(index)) else { return try body(UnsafeRawBufferPointer(start: nil, count: 0)) }
            return try body(UnsafeRawBufferPointer(start: bytes, count: length))
        case .row(let row):
            guard index < row.values.count, case .blob(let bytes) = row.values[index] else { return try body(UnsafeRawBufferPointer(start: nil, count: 0)) }
            return try bytes.withUnsafeBytes(body)
        }
    }
}

extension SQLExecutor {
    /// Runs a query and hands each row to `body` as it is stepped, without collecting rows. Other
    /// backends fall back to `query`.
    package func scanRows(_ sql: String, _ arguments: [any SQLBindable], _ body: (ScannedRow) throws -> Void) throws {
        guard let connection = self as? SQLiteConnection else {
            for row in try query(sql, arguments) { try body(ScannedRow(row: row)) }
            return
        }
        try connection.scanRows(sql, arguments, body)
    }
}

extension SQLiteConnection {
    func scanRows(_ sql: String, _ arguments: [any SQLBindable], _ body: (ScannedRow) throws -> Void) throws {
        let statement = try prepare(sql)
        defer { sqlite3_reset(statement); sqlite3_clear_bindings(statement) }
        try bind(arguments, to: statement, sql: sql)
        while true {
            let status = sqlite3_step(statement)
            if status == SQLITE_DONE { break }
            guard status == SQLITE_ROW else { throw error(status, sql: sql) }
            try body(ScannedRow(statement: statement))
        }
    }
}
