import Candidates
import Core
import Foundation
import HTTPTransport
import Jobs
import Providers
import Runtime
import Store
import TestSupport

/// A temporary database, contexts over it at a frozen time, and the candidate functions called
/// as the runtime calls them (JSON in, JSON out).
struct Harness {
    let directory: TemporaryDirectory
    let database: any Database

    static let role: JSONValue = [
        "id": 1, "title": "Backend Engineer", "required_skills": ["Python", "PostgreSQL", "AWS", "Kubernetes"],
        "preferred_skills": ["Go", "Kafka"], "min_years": 5, "industries": ["Fintech", "Payments"],
    ]

    init() throws {
        directory = try TemporaryDirectory()
        database = try TestDatabase.open(directory.file("bundle.sqlite"), migrations: ProvidersSchema.migrations + JobsSchema.migrations + CandidatesSchema.migrations)
    }

    func context(_ values: [String: String] = [:], now: String = "2026-05-04T10:00:00Z", http: JSONValue? = nil,
                 llm provider: (any LLMProvider)? = nil, concurrency: Int = 5, transport: (any Transport)? = NoNetwork()) -> FunctionContext {
        let llm = LLMClient(provider: provider ?? OfflineProvider(), recorder: DatabaseLLMCallRecorder(database: database),
                            limiter: ConcurrencyLimiter(limit: concurrency), function: "test")
        return FunctionContext(function: "test", requestID: "req-test", config: Config(values), clock: BundleClock(frozenAt: Timestamp.parse(now)!),
                               logger: .discarding, deadline: Deadline(seconds: 60), http: http, database: database, transport: transport, llm: llm)
    }

    /// Runs a handler on JSON input and returns its JSON output.
    func call<H: FunctionHandler>(_ handler: H, _ input: JSONValue, context: FunctionContext? = nil) async throws -> JSONValue {
        let typed = try input.decode(as: H.Input.self)
        return try JSONValue(encoding: try await handler.handle(typed, context: context ?? self.context()))
    }

    @discardableResult
    func putRole(_ role: JSONValue = Harness.role) async throws -> JSONValue {
        try await call(PutRoleHandler(), role)
    }

    @discardableResult
    func upload(_ csv: String, roleID: Int? = 1) async throws -> JSONValue {
        var input: [String: JSONValue] = ["csv": .string(csv)]
        if let roleID { input["role_id"] = .number(Double(roleID)) }
        return try await call(UploadCandidatesHandler(), .object(input))
    }

    @discardableResult
    func score(roleID: Int = 1, onlyUnscored: Bool = false, llm: (any LLMProvider)? = nil, concurrency: Int = 5) async throws -> JSONValue {
        try await call(ScoreCandidatesHandler(), ["role_id": .number(Double(roleID)), "only_unscored": .bool(onlyUnscored)],
                       context: context(llm: llm, concurrency: concurrency))
    }

    func candidate(_ id: Int) async throws -> JSONValue {
        try await call(GetCandidateHandler(), ["id": .number(Double(id))])
    }

    func ranked(roleID: Int = 1, tier: String? = nil) async throws -> [JSONValue] {
        var input: [String: JSONValue] = ["role_id": .number(Double(roleID)), "limit": 200]
        if let tier { input["tier"] = .string(tier) }
        return try await call(ListCandidatesHandler(), .object(input))["candidates"]?.arrayValue?.compactMap { $0["candidate"] } ?? []
    }

    func count(_ sql: String, _ arguments: any SQLBindable...) throws -> Int {
        try database.read { try $0.queryOne(sql, arguments)?.int("n") ?? 0 }
    }
}


extension BundleError {
    var fields: [String] { details?.map(\.field) ?? [] }
}
