import Synchronization
/// One route of a function: `POST /meetings/{id:int}/feedback`. Path parameters are written
/// `{name}` (a string) or `{name:int}` (a number in the function's input, a canonical decimal).
///
/// An **alias** is another path for the same function, the one the users of an original system
/// know (`GET /api/pluto/results` for `GET /candidates`): the route table sends it to the same
/// handler, the OpenAPI document marks it with `x-alias-of`, and the deployment files route it.
/// Its path parameters are the canonical route's.
package struct Route: Sendable, Hashable, CustomStringConvertible {
    package var method: String
    package var path: String
    /// The canonical route (`"GET /candidates"`) when this route is an alias of it.
    package var aliasOf: String?

    package init(_ method: String, _ path: String, aliasOf canonical: String? = nil) {
        self.method = method.uppercased()
        self.path = path
        self.aliasOf = canonical
    }

    /// Another path for `canonical`, with the same method.
    package static func alias(_ path: String, of canonical: Route) -> Route {
        Route(canonical.method, path, aliasOf: canonical.description)
    }

    package var isAlias: Bool { aliasOf != nil }

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
    /// The input and output schemas, built on first use: routing a request or finding a function
    /// needs names and routes only, and one executable holds every function's manifest.
    package var inputSchema: JSONValue { schemas.inputSchema }
    package var outputSchema: JSONValue { schemas.outputSchema }
    private let schemas: LazySchemas
    /// A cron expression (five fields, UTC) when the function runs on a schedule.
    package var schedule: String?
    package var timeoutSeconds: Double
    /// Public routes need no API key (health, webhooks that carry their own signature).
    package var isPublic: Bool
    /// Media types the function may answer with besides JSON (through `_http`), such as
    /// `text/csv` for exports: the OpenAPI document lists them as a second content type.
    package var otherContentTypes: [String]
    /// The largest request body this function's routes accept, when larger than `MAX_BODY_BYTES`:
    /// an upload's file cap as multipart or base64 (`bodyLimit(forFileBytes:)`). The gateway and the generated nginx
    /// location (`client_max_body_size`) both use it.
    package var maxBodyBytes: Int?
    /// True when the function can answer over time: asked for `text/event-stream` through HTTP, it
    /// streams Server-Sent Events (see `EventSink`); otherwise it answers one document. The
    /// generated nginx location turns response buffering off for its routes.
    package var streams: Bool
    /// True when only an API key with the `admin` scope may call it (key management, clean-ups);
    /// other routes need `read` (GET, HEAD) or `write` (any other method).
    package var adminOnly: Bool
    /// True when the function may answer a 302 (sign-in, download links) with its document as the
    /// body: the OpenAPI document lists that status beside the success status.
    package var redirects: Bool

    package static let defaultTimeoutSeconds = 30.0

    /// The body limit of a route that takes a file of at most `fileBytes` as a multipart part or
    /// as base64 in JSON (`content_base64`): base64's 4/3, a tenth more for line breaks, and 64 KB
    /// of framing and other fields. The handler still enforces `fileBytes` on the decoded file.
    package static func bodyLimit(forFileBytes fileBytes: Int) -> Int {
        fileBytes / 3 * 4 * 11 / 10 + (64 << 10)
    }

    package init(name: String, summary: String, routes: [Route] = [], successStatus: Int = 200,
                 input: @autoclosure @escaping @Sendable () -> JSONValue, output: @autoclosure @escaping @Sendable () -> JSONValue,
                 schedule: String? = nil,
                 timeoutSeconds: Double = FunctionManifest.defaultTimeoutSeconds, isPublic: Bool = false,
                 otherContentTypes: [String] = [], maxBodyBytes: Int? = nil, streams: Bool = false, adminOnly: Bool = false, redirects: Bool = false) {
        self.adminOnly = adminOnly
        self.redirects = redirects
        self.maxBodyBytes = maxBodyBytes
        self.streams = streams
        self.name = name
        self.summary = summary
        self.routes = routes
        self.successStatus = successStatus
        self.schemas = LazySchemas(input: input, output: output)
        self.schedule = schedule
        self.timeoutSeconds = timeoutSeconds
        self.isPublic = isPublic
        self.otherContentTypes = otherContentTypes
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
        let aliases = routes.compactMap { route in route.aliasOf.map { (route.description, JSONValue.string($0)) } }
        if !aliases.isEmpty { fields["route_aliases"] = .object(Dictionary(aliases, uniquingKeysWith: { first, _ in first })) }
        return .object(fields)
    }
}

/// A manifest's two schemas, each built once, on first use, by whichever thread asks first.
private final class LazySchemas: Sendable {
    private let input: LazyValue
    private let output: LazyValue

    init(input: @escaping @Sendable () -> JSONValue, output: @escaping @Sendable () -> JSONValue) {
        self.input = LazyValue(input)
        self.output = LazyValue(output)
    }

    var inputSchema: JSONValue { input.value }
    var outputSchema: JSONValue { output.value }
}

/// One JSON value built on first use and kept; two racing threads both get the first stored.
private final class LazyValue: Sendable {
    private let build: @Sendable () -> JSONValue
    private let built = Mutex<JSONValue?>(nil)

    init(_ build: @escaping @Sendable () -> JSONValue) {
        self.build = build
    }

    var value: JSONValue {
        if let value = built.withLock({ $0 }) { return value }
        let made = build()
        return built.withLock { stored in
            if let stored { return stored }
            stored = made
            return made
        }
    }
}
