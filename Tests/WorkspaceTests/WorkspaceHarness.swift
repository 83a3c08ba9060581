import Core
import Foundation
import HTTPTransport
import Jobs
import Providers
import Retrieval
import Runtime
import Store
import TestSupport
import Testing
import Workspace

/// A temporary database with the workspace's tables (and those it uses: jobs, vectors, the LLM
/// call log), contexts over it at a frozen time, and handlers called as the runtime calls them
/// (input checked against the manifest, output against its schema).
struct WorkspaceHarness {
    let directory: TemporaryDirectory
    let database: any Database

    static let now = "2026-12-02T09:00:00Z"

    init() throws {
        directory = try TemporaryDirectory()
        database = try TestDatabase.open(directory.file("bundle.sqlite"),
                                      migrations: ProvidersSchema.migrations + JobsSchema.migrations + RetrievalSchema.migrations
                                          + WorkspaceSchema.migrations)
    }

    func context(_ values: [String: String] = [:], http: JSONValue? = nil, transport: any Transport = NoNetwork(),
                 now: String = WorkspaceHarness.now) -> FunctionContext {
        FunctionContext(function: "test", requestID: "req-workspace", config: Config(values), clock: BundleClock(frozenAt: Timestamp.parse(now)!),
                        logger: .discarding, deadline: Deadline(seconds: 60), http: http, database: database, transport: transport)
    }

    func call<H: FunctionHandler>(_ handler: H, _ input: JSONValue, context: FunctionContext? = nil) async throws -> JSONValue {
        let problems = SchemaValidator.validate(input, against: H.manifest.inputSchema, at: "")
        if !problems.isEmpty { throw BundleError.validation(problems) }
        let output = try JSONValue(encoding: try await handler.handle(try input.decode(as: H.Input.self), context: context ?? self.context()))
        let outputProblems = SchemaValidator.validate(output, against: H.manifest.outputSchema, at: "")
        #expect(outputProblems.isEmpty, "\(H.manifest.name): \(outputProblems)")
        return output
    }

    func error(_ body: () async throws -> Void) async -> BundleError? {
        do { try await body() } catch let error as BundleError { return error } catch { Issue.record("unexpected \(error)") }
        return nil
    }

    func count(_ table: String) throws -> Int {
        try database.read { try $0.queryOne("SELECT COUNT(*) AS n FROM \(table)")?.int("n") ?? 0 }
    }
}
