// Test support, not a function: a handler whose misbehaviour is chosen by its input, so the
// runtime's promises (crash guard, deadline, error mapping) can be checked on a real process.
import Adapters
import Core
import Runtime
import Store
#if canImport(Glibc)
import Glibc
#endif

struct ProbeHandler: FunctionHandler {
    struct Input: Codable, Sendable {
        var action: String
        var count: Int?
        /// A file the handler writes its pid to once it is about to block (`hang`, `sleep`,
        /// `write-hang`): the FastCGI tests act on a worker known to be mid-request, not after a delay.
        var marker: String?
        /// The row `write` and `write-hang` insert into `probe_writes`.
        var value: String?
    }

    struct Output: Codable, Sendable {
        var action: String
        var count: Int?
        var requestID: String
        /// The process that ran the handler (to show it is the one that was started).
        var pid: Int32 = getpid()
        /// `write`: the rows holding its value once committed.
        var rows: Int?

        enum CodingKeys: String, CodingKey {
            case action, count, rows
            case requestID = "request_id"
            case pid
        }
    }

    struct Opaque: Error {}

    static let manifest = FunctionManifest(
        name: "runtime-probe", summary: "Test support: misbehaves on request.",
        routes: [Route("POST", "/probe")],
        input: Schema.object(["action": Schema.string(enum: ["echo", "crash", "segv", "hang", "throw", "opaque", "sleep", "write", "write-hang"]),
                              "count": Schema.integer(), "marker": Schema.string(), "value": Schema.string()], required: ["action"]),
        output: Schema.any, timeoutSeconds: 2, isPublic: true)

    func handle(_ input: Input, context: FunctionContext) async throws -> Output {
        switch input.action {
        case "crash":
            let values: [Int] = []
            _ = values[input.count ?? 1]  // traps: index out of range
        case "segv":
            UnsafeMutablePointer<Int>(bitPattern: 8)!.pointee = input.count ?? 1  // a real SIGSEGV
        case "hang":
            Self.mark(input.marker)
            sleep(60)  // blocking, so only the watchdog thread can end it
        case "sleep":
            // `count` milliseconds (a slow request in flight while a FastCGI master drains).
            Self.mark(input.marker)
            try await Task.sleep(for: .milliseconds(input.count ?? 100))
        case "write":
            let database = try context.database()
            try Self.makeTable(database)
            let value = input.value ?? ""
            let rows = try database.write { sql in
                try sql.execute("INSERT INTO probe_writes (value) VALUES (?)", value)
                return try sql.queryOne("SELECT COUNT(*) AS n FROM probe_writes WHERE value = ?", [value])?.int("n") ?? 0
            }
            return Output(action: input.action, count: input.count, requestID: context.requestID, rows: rows)
        case "write-hang":
            // One write transaction that never ends on its own: a worker killed inside it must
            // leave no row and no lock behind.
            let database = try context.database()
            try Self.makeTable(database)
            try database.write { sql in
                try sql.execute("INSERT INTO probe_writes (value) VALUES (?)", input.value ?? "")
                Self.mark(input.marker)
                sleep(60)
            }
        case "throw":
            throw BundleError(.conflict, "probe conflict")
        case "opaque":
            throw Opaque()
        default:
            break
        }
        context.logger.info("probe.done", ["api_key": "sk-should-not-appear", "note": .string(context.config["PROBE_SECRET_TOKEN"] ?? "")])
        return Output(action: input.action, count: input.count, requestID: context.requestID)
    }

    /// The probe has no migrations: its one table is made on first use, committed on its own so a
    /// rolled-back write leaves the table (and only the row) behind.
    static func makeTable(_ database: any Database) throws {
        try database.write { try $0.execute("CREATE TABLE IF NOT EXISTS probe_writes (value TEXT NOT NULL)", []) }
    }

    /// Writes this process's id to `path` (created whole: a reader never sees half of it).
    static func mark(_ path: String?) {
        guard let path else { return }
        let text = "\(getpid())\n"
        let staging = path + ".tmp"
        let descriptor = open(staging, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard descriptor >= 0 else { return }
        _ = text.utf8CString.withUnsafeBufferPointer { write(descriptor, $0.baseAddress, $0.count - 1) }
        close(descriptor)
        rename(staging, path)
    }
}

/// A streaming function for the SSE tests through nginx + fcgiwrap. It serves the route of a real
/// streaming function (`import-chats`'s), so the generated site's location for it (no buffering)
/// is what is tested. It emits `step` 1, waits for the file `wait_for` (the test creates it after
/// reading step 1: events arrive as written, proven without timings), emits the other steps, then
/// writes `marker` (the handler finishes and saves even after the client went away).
struct StreamProbeHandler: FunctionHandler {
    struct Input: Codable, Sendable {
        var steps: Int?
        var waitFor: String?
        var marker: String?
        var fail: Bool?

        enum CodingKeys: String, CodingKey {
            case steps, fail
            case waitFor = "wait_for"
            case marker
        }
    }

    struct Output: Codable, Sendable {
        var steps: Int
    }

    static let manifest = FunctionManifest(
        name: "stream-probe", summary: "Test support: streams numbered steps.",
        routes: [Route("POST", "/api/conversations/import")],
        input: Schema.object(["steps": Schema.integer(minimum: 1, maximum: 10_000), "wait_for": Schema.string(), "marker": Schema.string(),
                              "fail": Schema.boolean()], required: []),
        output: Schema.any, timeoutSeconds: 60, isPublic: true, streams: true)

    func handle(_ input: Input, context: FunctionContext) async throws -> Output {
        let steps = input.steps ?? 3
        context.emit("step", ["n": 1, "secret": .string(context.config["PROBE_SECRET_TOKEN"] ?? "")])
        if let path = input.waitFor {
            while access(path, F_OK) != 0 {
                if context.deadline.hasPassed { throw BundleError(.timeout, "the file to wait for never came") }
                try await Task.sleep(for: .milliseconds(20))
            }
        }
        for step in 2...max(2, steps) where step <= steps {
            context.emit("step", ["n": .number(Double(step))])
        }
        if let marker = input.marker {
            let text = "finished open=\(context.events?.isOpen ?? false)\n"
            let descriptor = open(marker, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
            if descriptor >= 0 {
                _ = text.utf8CString.withUnsafeBufferPointer { write(descriptor, $0.baseAddress, $0.count - 1) }
                close(descriptor)
            }
        }
        if input.fail == true { throw BundleError(.conflict, "probe stream conflict") }
        return Output(steps: steps)
    }
}

Launcher.main(FunctionCatalog([BundleFunction(ProbeHandler.self), BundleFunction(StreamProbeHandler.self)]), migrations: [])
