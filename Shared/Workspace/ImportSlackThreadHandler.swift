import Core
import FoundationEssentials
import Providers
import Runtime

/// `POST /api/conversations/import-slack` (201): a Slack thread posted by a Slack app or a service
/// becomes a conversation with `source: slack` (re-posting the thread updates it). The route is
/// public because Slack cannot send an API key; the handler itself requires Slack's request
/// signature (`SLACK_SIGNING_SECRET`) or an API key the gateway verified. A signed request is
/// read from its signed raw body only (query parameters, which the runtime merges over body
/// fields, are not signed). A piped call (no `_http`) is refused unless `SLACK_SIGNATURE_CHECK=off`,
/// because a deployment that pipes the internet's body (OpenFaaS's classic watchdog) would
/// otherwise let anyone in. Also answers Slack's Events API `url_verification` handshake when it is signed.
package struct ImportSlackThreadHandler: FunctionHandler {
    package typealias Input = JSONValue

    package static let manifest = FunctionManifest(
        name: "import-slack-thread",
        summary: "Imports a Slack thread (Slack's conversations.replies answer or {channel, thread_ts, title, permalink, messages}) "
            + "as a conversation; authenticated by Slack's request signature or an API key.",
        routes: [Route("POST", "/api/conversations/import-slack")],
        successStatus: 201,
        input: Schema.object([
            "ok": Schema.boolean("Slack's own flag (conversations.replies)"),
            "messages": Schema.array(Schema.object([
                "type": Schema.string(), "user": Schema.string(), "username": Schema.string(), "bot_id": Schema.nullable(Schema.string()),
                "subtype": Schema.string(), "text": Schema.string(), "ts": Schema.string("Slack's message time, \"1712345678.000100\""),
                "thread_ts": Schema.string(), "files": Schema.array(Schema.object(["name": Schema.string()], required: [], additionalProperties: true)),
            ], required: ["ts"], additionalProperties: true), maxItems: SlackThread.maxMessages),
            "channel": Schema.string(maxLength: 100), "thread_ts": Schema.string(maxLength: 40),
            "title": Schema.string(maxLength: 300), "permalink": Schema.string(maxLength: 2_000),
            "users": Schema.map(Schema.string(), "Slack user id → name, for mentions"),
            "type": Schema.string("url_verification for Slack's Events API handshake"), "challenge": Schema.string(maxLength: 200),
            // The rest of what Slack sends with a conversations.replies answer or a handshake: accepted, not used.
            "token": Schema.string(), "has_more": Schema.boolean(), "response_metadata": ["type": "object"],
            "warning": Schema.string(), "error": Schema.string(), "channel_id": Schema.string(maxLength: 100),
        ], required: []),
        output: Schema.object([
            "conversation": ChatConversation.schema,
            "outcome": Schema.string(enum: ["created", "updated", "unchanged"]),
            "embedding": ChatEmbedding.schema,
            "challenge": Schema.string("Echoed for Slack's url_verification"),
        ], required: [], additionalProperties: true),
        timeoutSeconds: 60,
        isPublic: true
    )

    package init() {}

    package func handle(_ input: JSONValue, context: FunctionContext) async throws -> JSONValue {
        let input = try Self.authenticate(context) == .signature ? try Self.signedBody(context) : input
        if input["type"]?.stringValue == "url_verification" {
            guard let challenge = input["challenge"]?.stringValue else {
                throw BundleError.validation(field: "challenge", "Slack's url_verification carries a challenge")
            }
            return ["challenge": .string(challenge), "_http": ["status": 200]]
        }
        let conversation = try SlackThread.conversation(from: input)
        let store = ConversationStore(database: try context.database())
        let saved = try store.save(conversation, importedBy: context.principal ?? "slack", now: context.clock.now())
        let embedding = await ChatEmbedding.run(chunkIDs: saved.chunkIDs, context: context)
        if saved.outcome != .unchanged { await ChatSummaryQueue.afterImport(conversationIDs: [saved.id], context: context) }
        guard let stored = try store.conversation(saved.id) else { throw BundleError(.internal, "the conversation was not stored") }
        context.logger.info("workspace.slack_imported", ["conversation": .number(Double(saved.id)), "outcome": .string(saved.outcome.rawValue),
                                                         "messages": .number(Double(conversation.messages.count))])
        return ["conversation": try JSONValue(encoding: stored), "outcome": .string(saved.outcome.rawValue), "embedding": try JSONValue(encoding: embedding)]
    }

    /// How a call was let in.
    enum Caller: Equatable { case unchecked, apiKey, signature }

    /// Through HTTP: an API key the gateway verified, else Slack's signature over the raw body.
    /// `SLACK_SIGNATURE_CHECK=off` lets any call in (local piping and fixtures); otherwise a piped
    /// call is refused.
    static func authenticate(_ context: FunctionContext) throws -> Caller {
        if context.config["SLACK_SIGNATURE_CHECK"]?.lowercased() == "off" {
            context.logger.warning("workspace.slack_signature_check_off")
            return .unchecked
        }
        guard let http = context.http, case .object = http else {
            throw BundleError(.forbidden, "a piped call carries no Slack signature to check; piped calls need SLACK_SIGNATURE_CHECK=off "
                              + "(local use only), and over HTTP the request is signed by Slack or carries an API key")
        }
        if context.principal != nil { return .apiKey }
        let headers = http["headers"]
        let signature = headers?["x-slack-signature"]?.stringValue
        let timestamp = headers?["x-slack-request-timestamp"]?.stringValue
        guard signature != nil || timestamp != nil else {
            throw BundleError(.unauthorized, "sign the request as Slack does (X-Slack-Signature, X-Slack-Request-Timestamp) or send an API key")
        }
        guard let secret = context.config["SLACK_SIGNING_SECRET"], !secret.isEmpty else {
            throw BundleError.misconfigured(variable: "SLACK_SIGNING_SECRET", "is not set, so Slack's request signature cannot be checked")
        }
        let body = Array((http["raw_body"]?.stringValue ?? "").utf8)
        if let refusal = SlackSignature.check(secret: secret, signature: signature, timestamp: timestamp, body: body, now: context.clock.now()) {
            context.logger.warning("workspace.slack_signature_refused", ["reason": .string("\(refusal)")])
            throw BundleError(.unauthorized, refusal.message)
        }
        return .signature
    }

    /// The input a signed request stands for: its raw body, which the signature covers, checked
    /// against the input schema again (the runtime checked the body merged with the query).
    static func signedBody(_ context: FunctionContext) throws -> JSONValue {
        let raw = context.http?["raw_body"]?.stringValue ?? ""
        guard let body = try? JSONValue(parsing: raw), case .object = body else {
            throw BundleError(.invalidRequest, "a Slack-signed request carries the thread as one JSON object in its body")
        }
        let problems = SchemaValidator.validate(body, against: manifest.inputSchema, at: "")
        if !problems.isEmpty { throw BundleError.validation(problems) }
        return body
    }
}
