import Core
import Foundation
import Providers
import Runtime
import Sales
import Store
import TestSupport

/// A temporary database with the Sales tables, contexts over it at a frozen time, and the
/// prospect functions called as the runtime calls them (JSON in, JSON out).
struct ProspectHarness {
    let directory: TemporaryDirectory
    let database: any Database

    init() throws {
        directory = try TemporaryDirectory()
        database = try TestDatabase.open(directory.file("bundle.sqlite"), migrations: ProvidersSchema.migrations + SalesSchema.migrations)
    }

    func context(now: String = "2026-12-02T09:00:00Z") -> FunctionContext {
        let llm = LLMClient(provider: OfflineProvider(), recorder: DatabaseLLMCallRecorder(database: database), function: "test")
        return FunctionContext(function: "test", requestID: "req-test", config: Config([:]), clock: BundleClock(frozenAt: Timestamp.parse(now)!),
                               logger: .discarding, deadline: Deadline(seconds: 60), http: nil, database: database, transport: NoNetwork(), llm: llm)
    }

    /// Runs a handler on JSON input, checked against its manifest's input schema first as the
    /// runtime does, and returns its JSON output.
    func call<H: FunctionHandler>(_ handler: H, _ input: JSONValue, now: String = "2026-12-02T09:00:00Z") async throws -> JSONValue {
        let problems = SchemaValidator.validate(input, against: H.manifest.inputSchema, at: "")
        if !problems.isEmpty { throw BundleError.validation(problems) }
        let typed = try input.decode(as: H.Input.self)
        return try JSONValue(encoding: try await handler.handle(typed, context: context(now: now)))
    }

    @discardableResult
    func importCSV(_ csv: String, fileName: String? = nil, now: String = "2026-12-02T09:00:00Z") async throws -> JSONValue {
        var input: [String: JSONValue] = ["csv": .string(csv)]
        if let fileName { input["file_name"] = .string(fileName) }
        return try await call(ImportProspectsHandler(), .object(input), now: now)
    }

    func prospects(_ query: JSONValue = ["limit": 200]) async throws -> [JSONValue] {
        try await call(ListProspectsHandler(), query)["prospects"]?.arrayValue ?? []
    }

    func count(_ sql: String, _ arguments: any SQLBindable...) throws -> Int {
        try database.read { try $0.queryOne(sql, arguments)?.int("n") ?? 0 }
    }
}

extension BundleError {
    var prospectProblemFields: [String] { details?.map(\.field) ?? [] }
}
