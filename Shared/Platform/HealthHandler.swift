import Core
import Providers
import Runtime
import Store

/// `GET /health`: whether the bundle can serve — the database opens and is migrated, and the
/// selected providers are configured. Names providers, never keys. Any failed check makes the
/// answer `unavailable` (503, exit 75) with one detail per failed check.
package struct HealthHandler: FunctionHandler {
    package struct Output: Codable, Sendable {
        var status: String
        var version: String
        var time: String
        var database: DatabaseStatus
        var providers: [String: String]
    }

    package struct DatabaseStatus: Codable, Sendable {
        var reachable: Bool
        var backend: String
        var schemaVersion: Int
        var latestSchemaVersion: Int

        enum CodingKeys: String, CodingKey {
            case reachable, backend
            case schemaVersion = "schema_version"
            case latestSchemaVersion = "latest_schema_version"
        }
    }

    package static let manifest = FunctionManifest(
        name: "health",
        summary: "Reports whether the bundle can serve: database reachable and migrated, providers selected.",
        routes: [Route("GET", "/health"), .alias("/api/v1/health", of: Route("GET", "/health"))],
        input: Schema.object([:], required: []),
        output: Schema.object([
            "status": Schema.string(enum: ["ok"]),
            "version": Schema.string(),
            "time": Schema.string(format: "date-time"),
            "database": Schema.object([
                "reachable": Schema.boolean(),
                "backend": Schema.string(),
                "schema_version": Schema.integer(minimum: 0),
                "latest_schema_version": Schema.integer(minimum: 0),
            ]),
            "providers": Schema.map(Schema.string(), "Selected provider per capability (names only)"),
        ]),
        timeoutSeconds: 10,
        isPublic: true
    )

    package init() {}

    package func handle(_ input: NoInput, context: FunctionContext) async throws -> Output {
        var problems: [ErrorDetail] = []
        var database = DatabaseStatus(reachable: false, backend: "sqlite", schemaVersion: 0, latestSchemaVersion: 0)
        do {
            let store = try context.database()
            database.backend = store.backend
            // Counts of migrations: applied in the database, and registered in this build.
            database.schemaVersion = try store.schemaVersion()
            database.latestSchemaVersion = store.latestSchemaVersion
            database.reachable = true
        } catch {
            problems.append(ErrorDetail(field: "database", problem: Self.message(error)))
        }

        var providers: [String: String] = [:]
        do {
            let llm = try context.llmProvider()
            providers["llm"] = llm.name
            providers["llm_model"] = llm.model
        } catch {
            problems.append(ErrorDetail(field: "llm", problem: Self.message(error)))
        }

        if !problems.isEmpty {
            throw BundleError(.unavailable, "not ready: " + problems.map { "\($0.field): \($0.problem)" }.joined(separator: "; "),
                              details: problems)
        }
        return Output(status: "ok", version: BundleVersion.current, time: Timestamp.format(context.clock.now()),
                      database: database, providers: providers)
    }

    private static func message(_ error: any Error) -> String {
        if let error = error as? BundleError { return error.message }
        if let error = error as? any BundleErrorConvertible { return error.bundleError.message }
        return "failed"
    }
}
