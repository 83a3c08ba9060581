import CPQShim
import Core
import FoundationEssentials
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One libpq connection: statements with `?` numbered and run with `PQexecParams` as unnamed
/// statements (no named prepared statement, no session state: PgBouncer's transaction mode hands
/// each transaction to whichever server connection is free), values bound with their types, rows
/// decoded by column type. Not thread-safe by itself; `PostgresDatabase` serialises access.
final class PostgresConnection: SQLExecutor {
    private var handle: OpaquePointer?
    private var numbered: [String: (text: String, count: Int)] = [:]
    let target: PostgresTarget
    var dialect: SQLDialect { .postgresql }

    init(_ target: PostgresTarget) throws {
        self.target = target
        try connect()
    }

    deinit { bundle_pq_finish(handle) }

    /// The server's clock minus this machine's, and when it was measured.
    private var clockSkew: (seconds: Double, measuredAt: ContinuousClock.Instant)?

    func databaseTime() throws -> Date {
        if let skew = clockSkew, skew.measuredAt.duration(to: .now) < .seconds(60) {
            return Date().addingTimeInterval(skew.seconds)
        }
        let sent = Date()
        let server = try serverTime()
        let received = Date()
        // The server read its clock about halfway through the round trip.
        let local = sent.addingTimeInterval(received.timeIntervalSince(sent) / 2)
        clockSkew = (server.timeIntervalSince(local), .now)
        return server
    }

    /// Whether the connection broke (the server restarted, PgBouncer closed it): the database
    /// reconnects before the next transaction.
    var isBroken: Bool { handle == nil || bundle_pq_status(handle) != BUNDLE_PQ_CONNECTION_OK }

    func reconnect() throws {
        bundle_pq_finish(handle)
        handle = nil
        try connect()
    }

    private func connect() throws {
        if let failure = bundle_pq_load() {
            throw DatabaseError(kind: .cannotOpen, code: 0, message: String(cString: failure))
        }
        // Defaults first; the URL (expanded from `dbname`) overrides them.
        let keywords = ["connect_timeout", "fallback_application_name", "dbname"]
        let values = ["5", "bundle", target.connectionString]
        handle = withCStrings(keywords) { keywordPointers in
            withCStrings(values) { valuePointers in bundle_pq_connect(keywordPointers, valuePointers) }
        }
        guard let handle, bundle_pq_status(handle) == BUNDLE_PQ_CONNECTION_OK else {
            let message = String(cString: bundle_pq_error_message(handle))
            bundle_pq_finish(handle)
            self.handle = nil
            throw PostgresErrors.connectionFailure(message, target: target)
        }
    }

    var serverVersion: Int { handle.map { Int(bundle_pq_server_version($0)) } ?? 0 }

    @discardableResult
    func execute(_ sql: String, _ arguments: [any SQLBindable]) throws -> Int {
        try run(sql, arguments.map(\.sqlValue)) { result in
            Int(String(cString: bundle_pq_cmd_tuples(result))) ?? 0
        }
    }

    func query(_ sql: String, _ arguments: [any SQLBindable]) throws -> [Row] {
        try run(sql, arguments.map(\.sqlValue), rows)
    }

    func query(_ sql: String, values: [SQLValue]) throws -> [Row] {
        try run(sql, values, rows)
    }

    /// Runs a script of several statements with the simple query protocol (migrations,
    /// transaction control): no parameters.
    func executeScript(_ sql: String) throws {
        let handle = try liveHandle()
        let result = bundle_pq_exec(handle, sql)
        defer { bundle_pq_clear(result) }
        try check(result, sql: sql)
    }

    private func liveHandle() throws -> OpaquePointer {
        guard let handle else { throw DatabaseError(kind: .unreachable, code: 0, message: "the connection to \(target.display) is closed") }
        return handle
    }

    private func run<T>(_ sql: String, _ values: [SQLValue], _ read: (OpaquePointer) throws -> T) throws -> T {
        let handle = try liveHandle()
        let statement = numberedStatement(sql)
        guard statement.count == values.count else {
            throw DatabaseError(kind: .misuse, code: 0, message: "statement expects \(statement.count) arguments, got \(values.count)")
        }
        var types: [Oid] = []
        var lengths: [Int32] = []
        var formats: [Int32] = []
        var buffers: [UnsafeMutablePointer<CChar>?] = []
        types.reserveCapacity(values.count)
        defer { for buffer in buffers { buffer?.deallocate() } }
        for value in values {
            let (type, format, bytes) = try Self.encode(value)
            types.append(type)
            formats.append(format)
            lengths.append(Int32(bytes?.count ?? 0))
            guard let bytes else { buffers.append(nil); continue }
            let buffer = UnsafeMutablePointer<CChar>.allocate(capacity: bytes.count + 1)
            bytes.withUnsafeBufferPointer { source in
                source.withMemoryRebound(to: CChar.self) { buffer.update(from: $0.baseAddress!, count: bytes.count) }
            }
            buffer[bytes.count] = 0
            buffers.append(buffer)
        }
        let result = buffers.withUnsafeBufferPointer { pointers in
            pointers.withMemoryRebound(to: UnsafePointer<CChar>?.self) { constPointers in
                bundle_pq_exec_params(handle, statement.text, Int32(values.count), types, constPointers.baseAddress, lengths, formats)
            }
        }
        defer { bundle_pq_clear(result) }
        try check(result, sql: sql)
        return try read(result!)
    }

    private func numberedStatement(_ sql: String) -> (text: String, count: Int) {
        if let cached = numbered[sql] { return cached }
        let made = PostgresSQL.numbered(sql)
        if numbered.count < 2048 { numbered[sql] = made }
        return made
    }

    // Type OIDs (pg_type.h): stable across releases.
    static let boolOID: Oid = 16, byteaOID: Oid = 17, int8OID: Oid = 20, int2OID: Oid = 21, int4OID: Oid = 23
    static let textOID: Oid = 25, oidOID: Oid = 26, float4OID: Oid = 700, float8OID: Oid = 701, numericOID: Oid = 1700

    /// A value as libpq takes it: its type (0 lets the server infer one, for NULL), its format
    /// (0 text, 1 binary) and its bytes (nil for NULL).
    static func encode(_ value: SQLValue) throws -> (Oid, Int32, [UInt8]?) {
        switch value {
        case .null: return (0, 0, nil)
        case .integer(let number): return (int8OID, 0, Array(String(number).utf8))
        case .real(let number):
            let text = number.isNaN ? "NaN" : number.isInfinite ? (number < 0 ? "-Infinity" : "Infinity") : String(number)
            return (float8OID, 0, Array(text.utf8))
        case .text(let text):
            let bytes = Array(text.utf8)
            if bytes.contains(0) {
                throw DatabaseError(kind: .invalidText, code: 0, message: "PostgreSQL cannot store the character U+0000 in text")
            }
            return (textOID, 0, bytes)
        case .blob(let bytes): return (byteaOID, 1, bytes)
        }
    }

    private func rows(_ result: OpaquePointer) throws -> [Row] {
        let rowCount = Int(bundle_pq_ntuples(result))
        let columnCount = Int(bundle_pq_nfields(result))
        guard rowCount > 0 else { return [] }
        let names = (0..<columnCount).map { String(cString: bundle_pq_fname(result, Int32($0))) }
        let types = (0..<columnCount).map { bundle_pq_ftype(result, Int32($0)) }
        var rows: [Row] = []
        rows.reserveCapacity(rowCount)
        for row in 0..<Int32(rowCount) {
            var values: [SQLValue] = []
            values.reserveCapacity(columnCount)
            for column in 0..<Int32(columnCount) {
                if bundle_pq_getisnull(result, row, column) != 0 { values.append(.null); continue }
                let length = Int(bundle_pq_getlength(result, row, column))
                let pointer = UnsafeRawPointer(bundle_pq_getvalue(result, row, column)!).assumingMemoryBound(to: UInt8.self)
                values.append(Self.decode(UnsafeBufferPointer(start: pointer, count: length), type: types[Int(column)]))
            }
            rows.append(Row(columns: names, values: values))
        }
        return rows
    }

    /// A value in libpq's text format, as the `SQLValue` the rest of the store expects: integers
    /// and booleans as integers (so `Row.bool` and `Row.int` read them as on SQLite), floats and
    /// non-integral `numeric` as reals, `bytea` (hex) as bytes, everything else as text.
    static func decode(_ bytes: UnsafeBufferPointer<UInt8>, type: Oid) -> SQLValue {
        switch type {
        case boolOID: return .integer(bytes.first == UInt8(ascii: "t") ? 1 : 0)
        case int8OID, int2OID, int4OID, oidOID:
            return Int64(String(decoding: bytes, as: UTF8.self)).map(SQLValue.integer) ?? .text(String(decoding: bytes, as: UTF8.self))
        case float4OID, float8OID:
            return Double(String(decoding: bytes, as: UTF8.self)).map(SQLValue.real) ?? .text(String(decoding: bytes, as: UTF8.self))
        case numericOID:
            // SUM over integers is numeric: integral values stay integers.
            let text = String(decoding: bytes, as: UTF8.self)
            if let integer = Int64(text) { return .integer(integer) }
            return Double(text).map(SQLValue.real) ?? .text(text)
        case byteaOID: return .blob(hexBytes(bytes))
        default: return .text(String(decoding: bytes, as: UTF8.self))
        }
    }

    /// `\x0a1b…` (bytea's hex output) as bytes.
    static func hexBytes(_ bytes: UnsafeBufferPointer<UInt8>) -> [UInt8] {
        guard bytes.count >= 2, bytes[0] == UInt8(ascii: "\\"), bytes[1] == UInt8(ascii: "x") else { return Array(bytes) }
        func nibble(_ byte: UInt8) -> UInt8 {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
            default: 0
            }
        }
        var output = [UInt8](repeating: 0, count: (bytes.count - 2) / 2)
        var index = 2
        for offset in output.indices {
            output[offset] = nibble(bytes[index]) << 4 | nibble(bytes[index + 1])
            index += 2
        }
        return output
    }

    private func check(_ result: OpaquePointer?, sql: String) throws {
        guard let result else {
            throw PostgresErrors.lostConnection(handle.map { String(cString: bundle_pq_error_message($0)) } ?? "", target: target)
        }
        let status = bundle_pq_result_status(result)
        guard status != BUNDLE_PQ_COMMAND_OK, status != BUNDLE_PQ_TUPLES_OK else { return }
        let state = bundle_pq_result_error_field(result, BUNDLE_PQ_DIAG_SQLSTATE).map { String(cString: $0) }
        let primary = bundle_pq_result_error_field(result, BUNDLE_PQ_DIAG_MESSAGE_PRIMARY).map { String(cString: $0) }
        let detail = bundle_pq_result_error_field(result, BUNDLE_PQ_DIAG_MESSAGE_DETAIL).map { String(cString: $0) }
        guard let state else {
            // No SQLSTATE: the connection failed under the statement.
            throw PostgresErrors.lostConnection(String(cString: bundle_pq_result_error_message(result)), target: target)
        }
        var message = primary ?? String(cString: bundle_pq_result_error_message(result)).trimmingWhitespace()
        if let detail, !detail.isEmpty { message += " (\(detail))" }
        throw DatabaseError(kind: PostgresErrors.kind(sqlState: state), code: 0, message: message, sqlState: state)
    }

    private func withCStrings<T>(_ strings: [String], _ body: (UnsafePointer<UnsafePointer<CChar>?>) -> T) -> T {
        let copies = strings.map { strdup($0) } + [nil]
        defer { for copy in copies { free(copy) } }
        return copies.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: UnsafePointer<CChar>?.self) { body($0.baseAddress!) }
        }
    }
}
