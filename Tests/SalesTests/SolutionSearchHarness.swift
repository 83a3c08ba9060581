import Core
import FoundationEssentials
import Jobs
import Providers
import Retrieval
import Runtime
import Sales
import Store
import TestSupport

/// What the solution search suites share: a migrated database in a temporary directory, a
/// function context over it with a chosen embedder, and calling a handler with JSON.
protocol SolutionSearchHarness {
    var directory: TemporaryDirectory { get }
    var database: any Database { get }
}

extension SolutionSearchHarness {
    static func makeDatabase() throws -> (TemporaryDirectory, any Database) {
        let directory = try TemporaryDirectory()
        let database = try TestDatabase.open(directory.file("bundle.sqlite"),
                                          migrations: ProvidersSchema.migrations + JobsSchema.migrations + SalesSchema.migrations + RetrievalSchema.migrations)
        return (directory, database)
    }

    func context(_ embedder: any Embedder = OfflineEmbedder(), _ values: [String: String] = [:], http: JSONValue? = nil) -> FunctionContext {
        let context = FunctionContext(function: "test", requestID: "req-test", config: Config(values),
                                      clock: BundleClock(frozenAt: Timestamp.parse("2026-06-01T09:00:00Z")!), logger: .discarding,
                                      deadline: Deadline(seconds: 60), http: http, database: database, transport: NoNetwork())
        context.provide(embedder, as: (any Embedder).self)
        return context
    }

    func call<H: FunctionHandler>(_ handler: H, _ input: JSONValue, context: FunctionContext? = nil) async throws -> JSONValue {
        try JSONValue(encoding: try await handler.handle(try input.decode(as: H.Input.self), context: context ?? self.context()))
    }

    func names(_ output: JSONValue) -> [String] { output["results"]?.arrayValue?.compactMap { $0["name"]?.stringValue } ?? [] }
}
