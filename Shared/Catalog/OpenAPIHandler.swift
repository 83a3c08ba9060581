import Core
import Gateway
import Runtime

/// `GET /openapi.json`: the OpenAPI 3.1 description of every route, built from the manifests.
package struct OpenAPIHandler: FunctionHandler {
    package static let manifest = FunctionManifest(
        name: "openapi",
        summary: "The OpenAPI 3.1 description of every route (paths, parameters, schemas, errors, security).",
        routes: [Route("GET", "/openapi.json")],
        input: Schema.object([:], required: []),
        output: Schema.object([
            "openapi": Schema.string(),
            "info": Schema.map(Schema.any),
            "paths": Schema.map(Schema.any),
            "components": Schema.map(Schema.any),
        ], required: ["openapi", "info", "paths"], additionalProperties: true),
        timeoutSeconds: 10,
        isPublic: true
    )

    package init() {}

    package func handle(_ input: NoInput, context: FunctionContext) async throws -> JSONValue {
        OpenAPIDocument.build(Catalog.manifests, serverURL: context.config["PUBLIC_BASE_URL"])
    }
}

/// Builds the OpenAPI 3.1 document: one operation per route, path parameters from the route,
/// the rest of the input as query parameters (GET, DELETE) or a JSON body, the success response
/// with the output schema (and any other media type the function answers with), and the
/// contract's error document for every failure. An alias route is an operation of its own,
/// marked with `x-alias-of` (the canonical route) and saying so in its description.
package enum OpenAPIDocument {
    package static func build(_ manifests: [FunctionManifest], serverURL: String? = nil) -> JSONValue {
        var paths: [String: JSONValue] = [:]
        for manifest in manifests {
            for route in manifest.routes {
                let pattern = RoutePattern(route.path)
                var item = paths[pattern.openAPIPath]?.objectValue ?? [:]
                item[route.method.lowercased()] = operation(manifest, route: route, pattern: pattern)
                paths[pattern.openAPIPath] = .object(item)
            }
        }
        var document: [String: JSONValue] = [
            "openapi": "3.1.0",
            "info": [
                "title": "Function bundle",
                "version": .string(BundleVersion.current),
                "description": "Every endpoint is a function of one executable (bundle): JSON in, one JSON document out. Errors are {\"error\": {\"code\", \"message\", \"details\"}}; the code decides the status.",
            ],
            "paths": .object(paths),
            "components": [
                "schemas": ["Error": Schema.errorEnvelope],
                "securitySchemes": [
                    "apiKey": ["type": "apiKey", "in": "header", "name": "X-API-Key"],
                    "bearer": ["type": "http", "scheme": "bearer"],
                ],
            ],
            "security": [["apiKey": []], ["bearer": []]],
        ]
        if let serverURL, !serverURL.isEmpty { document["servers"] = [["url": .string(serverURL)]] }
        return .object(document)
    }

    static func operation(_ manifest: FunctionManifest, route: Route, pattern: RoutePattern) -> JSONValue {
        let pathNames = Set(pattern.parameters.map(\.name))
        let properties = manifest.inputSchema["properties"]?.objectValue ?? [:]
        let required = Set(manifest.inputSchema["required"]?.arrayValue?.compactMap(\.stringValue) ?? [])
        var parameters: [JSONValue] = pattern.parameters.map { parameter in
            ["name": .string(parameter.name), "in": "path", "required": true,
             "schema": properties[parameter.name] ?? (parameter.isInteger ? Schema.integer() : Schema.string())]
        }
        // Operation ids are unique: the function's name for its first route, and a name that says
        // the path for any other (`poll-calendar-via-trigger-poll`).
        let operationID = route == manifest.routes.first ? manifest.name
            : manifest.name + "-via-" + pattern.openAPIPath.split(whereSeparator: { !$0.isLetter && !$0.isNumber }).joined(separator: "-")
        var operation: [String: JSONValue] = [
            "operationId": .string(operationID),
            "summary": .string(manifest.summary),
        ]
        if let canonical = route.aliasOf {
            operation["x-alias-of"] = .string(canonical)
            operation["description"] = .string("An alias of \(canonical), under the path the original system's users know: the same function, input and answer.")
        }
        let bodyless = route.method == "GET" || route.method == "DELETE" || route.method == "HEAD"
        if bodyless {
            for (name, schema) in properties.sorted(by: { $0.key < $1.key }) where !pathNames.contains(name) {
                var parameter: [String: JSONValue] = ["name": .string(name), "in": "query", "required": .bool(required.contains(name)),
                                                      "schema": required.contains(name) ? schema : optionalNullable(schema)]
                if let description = schema["description"] { parameter["description"] = description }
                parameters.append(.object(parameter))
            }
        } else {
            var body = manifest.inputSchema.objectValue ?? [:]
            if case .object(var bodyProperties)? = body["properties"] {
                for name in pathNames { bodyProperties[name] = nil }
                body["properties"] = .object(bodyProperties)
            }
            if case .array(let names)? = body["required"] {
                body["required"] = .array(names.filter { !pathNames.contains($0.stringValue ?? "") })
            }
            operation["requestBody"] = ["required": .bool(!(body["required"]?.arrayValue?.isEmpty ?? true)),
                                        "content": ["application/json": ["schema": documentingAliases(documentingOptionalNulls(.object(body)))]]]
        }
        if !parameters.isEmpty { operation["parameters"] = .array(parameters) }
        let error: JSONValue = ["description": "The contract's error document; error.code decides the status",
                                "content": ["application/json": ["schema": ["$ref": "#/components/schemas/Error"]]]]
        var content: [String: JSONValue] = ["application/json": ["schema": manifest.outputSchema]]
        for type in manifest.otherContentTypes { content[type] = ["schema": ["type": "string"]] }
        var responses: [String: JSONValue] = [
            String(manifest.successStatus): ["description": .string(manifest.summary), "content": .object(content)],
            "default": error,
        ]
        if manifest.redirects {
            responses["302"] = ["description": "A redirect: the Location header names where to go; the body is the same document",
                                "content": .object(content)]
        }
        if manifest.isPublic {
            operation["security"] = []
        } else {
            responses["401"] = ["description": "Missing or invalid API key",
                                "content": ["application/json": ["schema": ["$ref": "#/components/schemas/Error"]]]]
        }
        operation["responses"] = .object(responses)
        if let schedule = manifest.schedule { operation["x-schedule"] = .string(schedule) }
        operation["x-timeout-seconds"] = .number(manifest.timeoutSeconds)
        return .object(operation)
    }

    /// The input check takes `null` for an optional field as the field left out
    /// (`InputContract.dropOptionalNulls`); the published schema says so, so that clients and
    /// schema-driven tools see the same rule the handlers apply.
    static func documentingOptionalNulls(_ schema: JSONValue, depth: Int = 0) -> JSONValue {
        guard depth < 16, case .object(var rules) = schema, case .object(var properties)? = rules["properties"] else { return schema }
        let required = Set(rules["required"]?.arrayValue?.compactMap(\.stringValue) ?? [])
        for (name, property) in properties {
            let nested = documentingOptionalNulls(property, depth: depth + 1)
            properties[name] = required.contains(name) ? nested : optionalNullable(nested)
        }
        rules["properties"] = .object(properties)
        return .object(rules)
    }

    /// A required field that has an alias (`brief` and the original's `research_brief`) is
    /// required in either spelling: `anyOf` the two `required` lists, so a client that validates
    /// against the document accepts a request written with the original's names.
    static func documentingAliases(_ schema: JSONValue) -> JSONValue {
        guard case .object(var rules) = schema, let properties = rules["properties"]?.objectValue,
              var required = rules["required"]?.arrayValue?.compactMap(\.stringValue) else { return schema }
        var alternatives: [JSONValue] = []
        for name in required {
            let aliases = properties.filter { $0.value["x-alias-of"]?.stringValue == name }.map(\.key).sorted()
            guard !aliases.isEmpty else { continue }
            required.removeAll { $0 == name }
            alternatives.append(["anyOf": .array(([name] + aliases).map { ["required": [.string($0)]] })])
        }
        guard !alternatives.isEmpty else { return schema }
        rules["required"] = .array(required.map(JSONValue.string))
        rules["allOf"] = .array((rules["allOf"]?.arrayValue ?? []) + alternatives)
        return .object(rules)
    }

    /// The schema, also allowing null.
    static func optionalNullable(_ schema: JSONValue) -> JSONValue {
        guard !SchemaValidator.validate(.null, against: schema).isEmpty else { return schema }
        if schema["type"] != nil { return Schema.nullable(schema) }
        return ["anyOf": [schema, ["type": "null"]]]
    }
}
