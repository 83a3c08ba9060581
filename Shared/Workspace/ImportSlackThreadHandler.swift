import Core
import FoundationEssentials
import Providers
import Runtime

/// `POST /api/conversations/import-slack` (201): a Slack thread posted by a Slack app or a service
/// becomes a conversation with `source: slack` (re-posting the thread updates it). The route is
/// public because Slack cannot send an API key; the handler itself requires Slack's request
/// signature (`SLACK_SIGNING_SECRET`) or an API key the gateway verified. A piped call (no
/// `_http`) is a local caller, trusted like every piped function. Also answers Slack's Events API
/// `url_verification` handshake when it is signed.
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
        try Self.authenticate(context)
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

    /// Through HTTP: an API key the gateway verified, else Slack's signature over the raw body.
    static func authenticate(_ context: FunctionContext) throws {
        guard let http = context.http, case .object = http else { return }
        if context.principal != nil { return }
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
    }
}
