import Core
import Gateway
import Runtime

/// `create-api-key` (local only, never routed): creates a key for the HTTP routes and prints it
/// once; only its hash is stored. `echo '{"name": "zapier", "scopes": ["read"]}' | create-api-key`
/// Scopes default to read and write; `admin` (key management, clean-ups) only when asked for.
package struct CreateAPIKeyHandler: FunctionHandler {
    package struct Input: Codable, Sendable {
        var name: String
        var scopes: [String]?
    }

    package struct Output: Codable, Sendable {
        var id: Int
        var name: String
        var prefix: String
        var key: String
        var scopes: [AuthScope]
        var createdAt: String
        var note: String

        enum CodingKeys: String, CodingKey {
            case id, name, prefix, key, note, scopes
            case createdAt = "created_at"
        }
    }

    package static let manifest = FunctionManifest(
        name: "create-api-key",
        summary: "Creates an API key for the HTTP routes and prints it once (local only; only its SHA-256 hash is stored).",
        input: Schema.object(["name": Schema.string("Who or what uses the key", minLength: 1, maxLength: 100),
                              "scopes": Schema.array(Schema.string(), "What the key may do: read (GET, HEAD), write (other methods), admin (key management, clean-ups); default [\"read\", \"write\"]",
                                                     minItems: 1, maxItems: 3)],
                             required: ["name"]),
        output: Schema.object([
            "id": Schema.integer(minimum: 1),
            "name": Schema.string(),
            "prefix": Schema.string("The key's first characters, to recognise it later"),
            "key": Schema.string("The key: send it as X-API-Key or Authorization: Bearer. It is not shown again."),
            "scopes": Self.scopesSchema,
            "created_at": Schema.string(format: "date-time"),
            "note": Schema.string(),
        ]),
        timeoutSeconds: 10,
        adminOnly: true  // no route today; any route it gets needs an admin key
    )

    static let scopesSchema = Schema.array(Schema.string(enum: AuthScope.allCases.map(\.rawValue)), "What the key may do")

    package init() {}

    package func handle(_ input: Input, context: FunctionContext) async throws -> Output {
        let scopes = try input.scopes.map { try AuthScope.parse(requested: $0) } ?? AuthScope.keyDefault
        let (key, secret) = try APIKeys(database: try context.database()).create(name: input.name, scopes: scopes, now: context.clock.now())
        context.logger.info("api_key.created", ["name": .string(key.name), "prefix": .string(key.prefix),
                                                "scopes": .string(AuthScope.stored(key.scopes))])
        return Output(id: key.id, name: key.name, prefix: key.prefix, key: secret, scopes: key.scopes, createdAt: key.createdAt,
                      note: "Store this key now: only its hash is kept, so it cannot be shown again.")
    }
}

/// `revoke-api-key` (local only): revokes a key by name or id; revoking twice is harmless.
package struct RevokeAPIKeyHandler: FunctionHandler {
    package struct Input: Codable, Sendable {
        var name: String?
        var id: Int?
    }

    package static let manifest = FunctionManifest(
        name: "revoke-api-key",
        summary: "Revokes an API key by name or id (local only); requests with it get 401 from then on.",
        input: Schema.object(["name": Schema.string(), "id": Schema.integer(minimum: 1)], required: []),
        output: Schema.object([
            "id": Schema.integer(minimum: 1),
            "name": Schema.string(),
            "prefix": Schema.string(),
            "created_at": Schema.string(format: "date-time"),
            "revoked_at": Schema.nullable(Schema.string(format: "date-time")),
            "scopes": CreateAPIKeyHandler.scopesSchema,
        ]),
        timeoutSeconds: 10,
        adminOnly: true  // no route today; any route it gets needs an admin key
    )

    package init() {}

    package func handle(_ input: Input, context: FunctionContext) async throws -> APIKeys.Key {
        let key = try APIKeys(database: try context.database()).revoke(name: input.name, id: input.id, now: context.clock.now())
        context.logger.info("api_key.revoked", ["name": .string(key.name), "prefix": .string(key.prefix)])
        return key
    }
}
