// Benchmark support, not a function and not deployed (dist/bin holds only `bundle`): measures the
// job queue's own claim path, which `work` hides behind a process start per job.
//   bench-claims fill <rows> <queued>   add <rows> jobs shaped like a queue in use: <queued> of them
//                                       queued and due (spread evenly), the rest succeeded
//   bench-claims claim <workers>        start <workers> processes that each claim a due job (with a
//                                       lease, `JobQueue.claim`) and mark it succeeded (`finish`)
//                                       until none is left; prints one JSON line with the totals
// DATABASE_URL names the database as for every function (SQLite path, or PostgreSQL); it must
// be migrated already (`health` does that).
import Core
import FoundationEssentials
import Jobs
import Processes
import Store
#if canImport(Glibc)
import Glibc
#endif

func fail(_ message: String, code: Int32 = 1) -> Never {
    Logger.standardError("bench-claims: \(message)\n")
    exit(code)
}

func open() throws -> any Database {
    try DatabaseLocation.open(Config.load(), migrations: JobsSchema.migrations)
}

/// One INSERT … SELECT over a series of row numbers: `generate_series` on PostgreSQL, a recursive
/// CTE on SQLite. Every `step`-th row is queued and due; the others finished a day ago.
func fill(rows: Int, queued: Int) throws {
    guard rows > 0, queued > 0, queued <= rows else { fail("fill: need 0 < queued <= rows", code: 64) }
    let database = try open()
    let step = rows / queued
    let past = Date().addingTimeInterval(-86_400)
    let series = database.dialect == .postgresql
        ? "SELECT n FROM generate_series(1, CAST(? AS BIGINT)) AS series(n)"
        : "WITH RECURSIVE series(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM series WHERE n < ?) SELECT n FROM series"
    let started = ContinuousClock.now
    let inserted = try database.write { sql in
        try sql.execute("""
            INSERT INTO jobs (function, input, status, idempotency_key, attempts, max_attempts, timeout_s, run_after,
                              progress, result, exit_code, duration_ms, principal, request_id, created_at, updated_at,
                              started_at, finished_at)
            SELECT CASE n % 4 WHEN 0 THEN 'health' WHEN 1 THEN 'enrich' WHEN 2 THEN 'research-prospect' ELSE 'summarize-chat' END,
                   '{"n":' || n || '}',
                   CASE WHEN q = 1 THEN 'queued' ELSE 'succeeded' END,
                   CASE WHEN n % 3 = 0 THEN 'bench-' || n END,
                   1 - q, 3, 60, ?,
                   100 - 100 * q,
                   CASE WHEN q = 1 THEN NULL ELSE '{"status":"ok"}' END,
                   CASE WHEN q = 1 THEN NULL ELSE 0 END,
                   CASE WHEN q = 1 THEN NULL ELSE 40 + n % 200 END,
                   'key:bench', 'bench-' || n, ?, ?,
                   CASE WHEN q = 1 THEN NULL ELSE ? END,
                   CASE WHEN q = 1 THEN NULL ELSE ? END
            FROM (SELECT n, CASE WHEN n % ? = 0 AND n / ? <= ? THEN 1 ELSE 0 END AS q FROM (\(series)) AS numbered) AS shaped
            """, [past, past, past, past, past, step, step, queued, rows])
    }
    // A table in use has statistics; the claim's plan should not depend on a fresh table's lack of them.
    try database.write { sql in _ = try sql.execute("ANALYZE jobs", []) }
    let counts = try JobQueue(database: database).counts()
    let seconds = Double(started.duration(to: .now).milliseconds) / 1000
    print(#"{"inserted":\#(inserted),"queued":\#(counts["queued"] ?? 0),"total":\#(counts.values.reduce(0, +)),"seconds":\#(seconds)}"#)
}

/// One claimer: claim and finish until no job is due; prints how many it took.
func claimLoop() throws {
    let queue = JobQueue(database: try open())
    let worker = "bench-\(getpid())"
    let retry = RetryPolicy()
    let result: JSONValue = .object(["status": .string("ok")])
    var claimed = 0
    let started = ContinuousClock.now
    while let claim = try queue.claim(worker: worker, now: nil, maxTimeout: .greatestFiniteMagnitude) {
        let status = try queue.finish(claim, worker: worker, outcome: .init(exitCode: 0, document: result, duration: .zero),
                                      retry: retry, now: Date())
        guard status == .succeeded else { fail("job \(claim.job.id) finished as \(status.map(\.rawValue) ?? "not ours")") }
        claimed += 1
    }
    print(#"{"claimed":\#(claimed),"seconds":\#(Double(started.duration(to: .now).milliseconds) / 1000)}"#)
}

/// Starts the claimers at once and waits for all; the time is from the first start to the last exit
/// (process starts and database opens included: some 10 ms each, against seconds of claiming).
func claim(workers: Int) throws {
    guard (1...256).contains(workers) else { fail("claim: workers must be 1…256", code: 64) }
    let environment = ProcessEnvironment.current()
    let started = ContinuousClock.now
    let children = try (0..<workers).map { _ in
        try ChildProcess(path: OwnExecutable.spawnPath, argv0: "bench-claims", arguments: ["claim-loop"], environment: environment, input: [])
    }
    var claimed = 0
    var perWorker: [Int] = []
    for child in children {
        let result = child.wait(until: .now + .seconds(3_600))
        guard result.termination == .exited(0),
              let document = try? JSONParser.parse(String(decoding: result.stdout, as: UTF8.self)),
              let count = document["claimed"]?.intValue else {
            fail("a claimer ended with \(result.termination): \(String(decoding: result.stdout, as: UTF8.self))")
        }
        claimed += count
        perWorker.append(count)
    }
    let seconds = Double(started.duration(to: .now).milliseconds) / 1000
    // The claimers' CPU time (user + system), all reaped: steadier than the rate on a busy machine.
    var usage = rusage()
    getrusage(RUSAGE_CHILDREN.rawValue, &usage)
    let cpu = Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1_000_000
    let left = try JobQueue(database: try open()).counts()["queued"] ?? 0
    print(#"{"workers":\#(workers),"claimed":\#(claimed),"seconds":\#(seconds),"per_second":\#(Double(claimed) / seconds),"#
          + #""cpu_seconds":\#(cpu),"per_worker":[\#(perWorker.map(String.init).joined(separator: ","))],"queued_left":\#(left)}"#)
}

let arguments = Array(CommandLine.arguments.dropFirst())
do {
    switch (arguments.first, arguments.count) {
    case ("fill", 3):
        guard let rows = Int(arguments[1]), let queued = Int(arguments[2]) else { fail("fill <rows> <queued>", code: 64) }
        try fill(rows: rows, queued: queued)
    case ("claim", 2):
        guard let workers = Int(arguments[1]) else { fail("claim <workers>", code: 64) }
        try claim(workers: workers)
    case ("claim-loop", 1):
        try claimLoop()
    default:
        fail("usage: bench-claims fill <rows> <queued> | claim <workers>", code: 64)
    }
} catch {
    fail("\(error)")
}
