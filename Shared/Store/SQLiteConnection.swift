import CSQLite
import Core

/// A thin, safe wrapper over one sqlite3 connection: prepared statements with typed binding,
/// row decoding, and errors with extended result codes. Not thread-safe by itself; the
/// `SQLiteDatabase` that owns it serialises access.
final class SQLiteConnection: SQLExecutor {
    private var handle: OpaquePointer?
    private var statements: [String: OpaquePointer] = [:]
    let path: String
    var dialect: SQLDialect { .sqlite }

    init(path: String, busyTimeoutMilliseconds: Int32) throws {
        self.path = path
        var flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX
        if path.hasPrefix("file:") { flags |= SQLITE_OPEN_URI }
        let status = sqlite3_open_v2(path, &handle, flags, nil)
        guard status == SQLITE_OK, handle != nil else {
            let message = handle.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
            sqlite3_close_v2(handle)
            handle = nil
            throw DatabaseError(kind: .cannotOpen, code: status, message: "\(path): \(message)")
        }
        sqlite3_extended_result_codes(handle, 1)
        sqlite3_busy_timeout(handle, busyTimeoutMilliseconds)
        try configure()
    }

    deinit {
        for statement in statements.values { sqlite3_finalize(statement) }
        sqlite3_close_v2(handle)
    }

    /// The page cache limit, negative: in KiB (SQLite's convention), not in pages.
    static let cacheSizeKiB = -32_768

    private func configure() throws {
        // Switching a new file to WAL needs a moment of exclusive access; when many processes
        // open a new database at once, one of them does it and the others see WAL already set.
        var attempts = 0
        while true {
            do {
                let mode = try query("PRAGMA journal_mode=WAL", []).first?.optionalString("journal_mode")
                if mode?.lowercased() != "wal", !path.contains(":memory:") {
                    throw DatabaseError(kind: .other, code: 0, message: "\(path): WAL journal mode is not available")
                }
                break
            } catch let error as DatabaseError where error.kind == .busy && attempts < 50 {
                attempts += 1
                usleepMilliseconds(20)
            }
        }
        try execute("PRAGMA foreign_keys=ON", [])
        try execute("PRAGMA synchronous=NORMAL", [])
        // Statement journals (kept while each statement of a long transaction runs, so it can be
        // undone alone) and temporary sort tables stay in memory: in a temporary file, a
        // 10,000-row upload made 110,000 writes of journal pages that are thrown away at once.
        try execute("PRAGMA temp_store=MEMORY", [])
        // Up to 32 MiB of page cache (the default is 2 MiB): a 10,000-row upload's transaction
        // spilled dirty pages to the WAL 786 times with the default, 3 times with this. Pages are
        // allocated as they are read, so a small invocation pays nothing for the larger limit.
        try execute("PRAGMA cache_size=\(Self.cacheSizeKiB)", [])
        if sqlite3_db_readonly(handle, "main") == 1 {
            throw DatabaseError(kind: .readOnly, code: SQLITE_READONLY, message: "\(path) is read-only")
        }
    }

    @discardableResult
    func execute(_ sql: String, _ arguments: [any SQLBindable]) throws -> Int {
        let statement = try prepare(sql)
        defer { sqlite3_reset(statement); sqlite3_clear_bindings(statement) }
        try bind(arguments, to: statement, sql: sql)
        while true {
            let status = sqlite3_step(statement)
            if status == SQLITE_DONE { break }
            if status != SQLITE_ROW { throw error(status, sql: sql) }
        }
        return Int(sqlite3_changes(handle))
    }

    func query(_ sql: String, _ arguments: [any SQLBindable]) throws -> [Row] {
        let statement = try prepare(sql)
        defer { sqlite3_reset(statement); sqlite3_clear_bindings(statement) }
        try bind(arguments, to: statement, sql: sql)
        return try rows(of: statement, sql: sql)
    }

    /// Texts are copied into one buffer that outlives the statement's bindings and bound in
    /// place (SQLITE_STATIC): bound as transient, SQLite allocated and copied each one (an
    /// upload binds a dozen per row).
    func query(_ sql: String, values: [SQLValue]) throws -> [Row] {
        let statement = try prepare(sql)
        var textBytes = 0
        for case .text(let text) in values { textBytes += text.utf8.count }
        let texts = UnsafeMutablePointer<CChar>.allocate(capacity: max(textBytes, 1))
        // Bindings are cleared before the buffer they point into is freed.
        defer { sqlite3_reset(statement); sqlite3_clear_bindings(statement); texts.deallocate() }
        try checkCount(values.count, of: statement)
        var used = 0
        for (offset, value) in values.enumerated() {
            guard case .text(var text) = value, !text.isEmpty else {
                try bind(value, at: Int32(offset + 1), to: statement, sql: sql)
                continue
            }
            let start = texts + used
            let count = text.withUTF8 { bytes in
                bytes.withMemoryRebound(to: CChar.self) { bytes in
                    start.update(from: bytes.baseAddress!, count: bytes.count)
                    return bytes.count
                }
            }
            used += count
            // A nil destructor is SQLITE_STATIC: the bytes stay where they are until cleared.
            let status = sqlite3_bind_text(statement, Int32(offset + 1), start, Int32(count), nil)
            if status != SQLITE_OK { throw error(status, sql: sql) }
        }
        return try rows(of: statement, sql: sql)
    }

    private func rows(of statement: OpaquePointer, sql: String) throws -> [Row] {
        let count = sqlite3_column_count(statement)
        // Names are read once a row arrives: a lookup that finds nothing (most of them during an
        // upload) then costs no string per column.
        var columns: [String]?
        var rows: [Row] = []
        while true {
            let status = sqlite3_step(statement)
            if status == SQLITE_DONE { break }
            guard status == SQLITE_ROW else { throw error(status, sql: sql) }
            let names = columns ?? (0..<count).map { String(cString: sqlite3_column_name(statement, $0)) }
            columns = names
            rows.append(Row(columns: names, values: (0..<count).map { column(statement, $0) }))
        }
        return rows
    }

    /// Runs several statements separated by semicolons (migrations).
    func executeScript(_ sql: String) throws {
        var errorMessage: UnsafeMutablePointer<CChar>?
        let status = sqlite3_exec(handle, sql, nil, nil, &errorMessage)
        if status != SQLITE_OK {
            let message = errorMessage.map { String(cString: $0) } ?? "unknown error"
            sqlite3_free(errorMessage)
            throw DatabaseError(kind: Self.kind(status), code: status, message: message)
        }
    }

    func prepare(_ sql: String) throws -> OpaquePointer {
        if let cached = statements[sql] { return cached }
        var statement: OpaquePointer?
        let status = sqlite3_prepare_v3(handle, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &statement, nil)
        guard status == SQLITE_OK, let statement else { throw error(status, sql: sql) }
        statements[sql] = statement
        return statement
    }

    func bind(_ arguments: [any SQLBindable], to statement: OpaquePointer, sql: String) throws {
        try checkCount(arguments.count, of: statement)
        for (offset, argument) in arguments.enumerated() {
            try bind(argument.sqlValue, at: Int32(offset + 1), to: statement, sql: sql)
        }
    }

    private func checkCount(_ count: Int, of statement: OpaquePointer) throws {
        let expected = Int(sqlite3_bind_parameter_count(statement))
        guard expected == count else {
            throw DatabaseError(kind: .misuse, code: SQLITE_RANGE, message: "statement expects \(expected) arguments, got \(count)")
        }
    }

    private func bind(_ value: SQLValue, at index: Int32, to statement: OpaquePointer, sql: String) throws {
        let status: Int32
        switch value {
        case .null: status = sqlite3_bind_null(statement, index)
        case .integer(let value): status = sqlite3_bind_int64(statement, index, value)
        case .real(let value): status = sqlite3_bind_double(statement, index, value)
        case .text(var value):
            // The byte count, not -1: text may hold U+0000, where a C string would end. The
            // bytes in place: passing the String as a C string copied every short (inline) one.
            status = value.withUTF8 { bytes in
                // A nil address would bind NULL: the empty string is bound as a literal.
                if bytes.isEmpty { return sqlite3_bind_text(statement, index, "", 0, bundle_sqlite_transient()) }
                return bytes.withMemoryRebound(to: CChar.self) {
                    sqlite3_bind_text(statement, index, $0.baseAddress, Int32($0.count), bundle_sqlite_transient())
                }
            }
        case .blob(let bytes):
            status = bytes.withUnsafeBytes { buffer in
                sqlite3_bind_blob(statement, index, buffer.baseAddress, Int32(buffer.count), bundle_sqlite_transient())
            }
        }
        if status != SQLITE_OK { throw error(status, sql: sql) }
    }

    private func column(_ statement: OpaquePointer, _ index: Int32) -> SQLValue {
        switch sqlite3_column_type(statement, index) {
        case SQLITE_INTEGER: return .integer(sqlite3_column_int64(statement, index))
        case SQLITE_FLOAT: return .real(sqlite3_column_double(statement, index))
        case SQLITE_TEXT:
            guard let text = sqlite3_column_text(statement, index) else { return .text("") }
            let length = Int(sqlite3_column_bytes(statement, index))
            return .text(String(decoding: UnsafeBufferPointer(start: text, count: length), as: UTF8.self))
        case SQLITE_BLOB:
            let length = Int(sqlite3_column_bytes(statement, index))
            guard length > 0, let bytes = sqlite3_column_blob(statement, index) else { return .blob([]) }
            return .blob(Array(UnsafeRawBufferPointer(start: bytes, count: length)))
        default: return .null
        }
    }

    func error(_ status: Int32, sql: String) -> DatabaseError {
        let message = String(cString: sqlite3_errmsg(handle))
        return DatabaseError(kind: Self.kind(status), code: status, message: message)
    }

    // SQLITE_CONSTRAINT_UNIQUE and _PRIMARYKEY are macro expressions Swift cannot import.
    private static let constraintUnique: Int32 = SQLITE_CONSTRAINT | (8 << 8)
    private static let constraintPrimaryKey: Int32 = SQLITE_CONSTRAINT | (6 << 8)

    static func kind(_ status: Int32) -> DatabaseError.Kind {
        switch status & 0xFF {
        case SQLITE_BUSY, SQLITE_LOCKED: .busy
        case SQLITE_CONSTRAINT:
            status == constraintUnique || status == constraintPrimaryKey ? .uniqueViolation : .constraint
        case SQLITE_CANTOPEN, SQLITE_PERM, SQLITE_AUTH: .cannotOpen
        case SQLITE_READONLY: .readOnly
        case SQLITE_FULL: .full
        case SQLITE_CORRUPT, SQLITE_NOTADB: .corrupt
        case SQLITE_MISUSE, SQLITE_RANGE, SQLITE_ERROR: .misuse
        default: .other
        }
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

func usleepMilliseconds(_ milliseconds: UInt32) {
    usleep(milliseconds * 1000)
}
