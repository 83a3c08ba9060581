/// One route of a function: `POST /meetings/{id:int}/feedback`. Path parameters are written
/// `{name}` (a string) or `{name:int}` (a number in the function's input).
package struct Route: Sendable, Hashable, CustomStringConvertible {
    package var method: String
    package var path: String

    package init(_ method: String, _ path: String) {
        self.method = method.uppercased()
        self.path = path
    }

    /// Parses `"GET /health"`.
    package init?(parsing text: String) {
        let parts = text.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[1].hasPrefix("/") else { return nil }
        self.init(String(parts[0]), String(parts[1]))
    }

    package var description: String { "\(method) \(path)" }
}

/// A function's entry in the manifest: the one source of truth that `--describe` prints and from
/// which routes, OpenAPI, cron and FaaS files are generated.
package struct FunctionManifest: Sendable {
    package var name: String
    package var summary: String
    package var routes: [Route]
    package var successStatus: Int
    package var inputSchema: JSONValue
    package var outputSchema: JSONValue
    /// A cron expression (five fields, UTC) when the function runs on a schedule.
    package var schedule: String?
    package var timeoutSeconds: Double
    /// Public routes need no API key (health, webhooks that carry their own signature).
    package var isPublic: Bool

    package static let defaultTimeoutSeconds = 30.0

    package init(name: String, summary: String, routes: [Route] = [], successStatus: Int = 200,
                 input: JSONValue, output: JSONValue, schedule: String? = nil,
                 timeoutSeconds: Double = FunctionManifest.defaultTimeoutSeconds, isPublic: Bool = false) {
        self.name = name
        self.summary = summary
        self.routes = routes
        self.successStatus = successStatus
        self.inputSchema = input
        self.outputSchema = output
        self.schedule = schedule
        self.timeoutSeconds = timeoutSeconds
        self.isPublic = isPublic
    }

    /// The `--describe` document.
    package var document: JSONValue {
        var fields: [String: JSONValue] = [
            "name": .string(name),
            "summary": .string(summary),
            "routes": .array(routes.map { .string($0.description) }),
            "success_status": .number(Double(successStatus)),
            "input_schema": inputSchema,
            "output_schema": outputSchema,
            "error_schema": Schema.errorEnvelope,
            "timeout_seconds": .number(timeoutSeconds),
            "public": .bool(isPublic),
            "contract": "v1",
        ]
        fields["schedule"] = schedule.map(JSONValue.string) ?? .null
        return .object(fields)
    }
}
