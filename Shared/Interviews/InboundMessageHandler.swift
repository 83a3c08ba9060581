import Core
import Providers
import Runtime

/// `POST /twilio/inbound` (public, signed by Twilio): a participant's WhatsApp message. The
/// message is stored first (a repeated `MessageSid` is answered as before and handled once);
/// opt-out words end the person's conversations with one goodbye and no LLM call; anything else
/// is an agent step, whose reply goes out through the REST API. If the step fails, the message
/// stays stored and a job answers it later. Twilio gets an empty TwiML `<Response/>`.
package struct InboundMessageHandler: FunctionHandler {
    package typealias Input = JSONValue

    package static let manifest = FunctionManifest(
        name: "inbound-message",
        summary: "Twilio's inbound WhatsApp webhook: verifies the signature, stores the message, and answers it through the interview agent.",
        routes: [Route("POST", "/twilio/inbound")],
        input: Schema.object([
            "MessageSid": Schema.string(), "SmsSid": Schema.string(), "SmsMessageSid": Schema.string(), "AccountSid": Schema.string(),
            "From": Schema.string("whatsapp:+E164"), "To": Schema.string(), "Body": Schema.string(), "ProfileName": Schema.string(),
            "WaId": TwilioWebhook.parameter, "NumMedia": TwilioWebhook.parameter, "MessageType": Schema.string(), "ButtonPayload": Schema.string(),
        ], required: [], additionalProperties: true),
        output: Schema.object([
            "outcome": Schema.string(enum: ["handled", "queued", "duplicate", "opted_out", "opted_in", "ignored", "retry_scheduled"]),
            "message_id": Schema.integer(), "conversation_id": Schema.nullable(Schema.integer()),
            "replies": Schema.array(Schema.integer()), "retry_job_id": Schema.nullable(Schema.integer()),
            "reason": Schema.nullable(Schema.string()),
            "agent": Schema.nullable(Schema.string("The LLM provider that wrote the reply: offline means the deterministic rules, no model")),
        ], required: ["outcome", "message_id"], additionalProperties: true),
        timeoutSeconds: 60,
        isPublic: true,
        // Twilio reads the answer as TwiML: an empty <Response/>, the JSON above being the piped form.
        otherContentTypes: ["text/xml"]
    )

    package init() {}

    package func handle(_ input: JSONValue, context: FunctionContext) async throws -> JSONValue {
        try TwilioWebhook.verify(context)
        let message = try Self.message(from: input)
        let database = try context.database()
        let reception = try InboundReception(database: database).receive(message, now: context.clock.now())
        var answer: [String: JSONValue] = ["_http": TwilioWebhook.emptyResponse, "replies": [], "retry_job_id": .null, "reason": .null]
        func finish(_ outcome: String, _ messageID: Int, _ conversationID: Int?) -> JSONValue {
            answer["outcome"] = .string(outcome)
            answer["message_id"] = .number(Double(messageID))
            answer["conversation_id"] = conversationID.map { .number(Double($0)) } ?? .null
            return .object(answer)
        }
        switch reception {
        case .queued(let messageID, let conversationID), .duplicate(let messageID, let conversationID?):
            let duplicate = if case .duplicate = reception { true } else { false }
            do {
                let outcome = try await ProcessConversationHandler.processor(context).drain(conversationID)
                answer["replies"] = .array(outcome.replies.map { .number(Double($0)) })
                answer["agent"] = outcome.agent.map(JSONValue.string) ?? .null
                if outcome.deferred { answer["retry_job_id"] = .number(Double(try ProcessConversationHandler.enqueue(conversationID, reason: "deferred", context: context))) }
                let state = duplicate ? "duplicate" : outcome.handled.contains(messageID) ? "handled" : "queued"
                return finish(state, messageID, conversationID)
            } catch {
                let failure = BundleError.converting(error, otherwise: BundleError(.internal, "the agent step failed"))
                // A configuration error would fail every retry too: it must reach the operator. The message stays stored.
                guard failure.code.isRetryable else { throw failure }
                // The message is stored; a job answers it once the failure has passed.
                let reason = failure.message
                context.logger.warning("interview.step_failed", ["conversation": .number(Double(conversationID)), "message": .number(Double(messageID))])
                answer["retry_job_id"] = .number(Double(try ProcessConversationHandler.enqueue(conversationID, reason: "step_failed", context: context)))
                answer["reason"] = .string(reason)
                return finish(duplicate ? "duplicate" : "retry_scheduled", messageID, conversationID)
            }
        case .duplicate(let messageID, nil):
            return finish("duplicate", messageID, nil)
        case .optedOut(let messageID, let conversationID, _):
            context.logger.info("participant.opted_out", ["message": .number(Double(messageID))])
            if let conversationID {
                do {
                    let outcome = try await ProcessConversationHandler.processor(context).drain(conversationID)
                    answer["replies"] = .array(outcome.replies.map { .number(Double($0)) })
                } catch {
                    answer["retry_job_id"] = .number(Double(try ProcessConversationHandler.enqueue(conversationID, reason: "goodbye_failed", context: context)))
                }
            }
            return finish("opted_out", messageID, conversationID)
        case .optedIn(let messageID):
            return finish("opted_in", messageID, nil)
        case .ignored(let messageID, let conversationID, let reason):
            context.logger.info("inbound.ignored", ["message": .number(Double(messageID)), "reason": .string(reason)])
            answer["reason"] = .string(reason)
            return finish("ignored", messageID, conversationID)
        }
    }

    /// The message from the webhook's fields; unknown fields are kept with it.
    static func message(from input: JSONValue) throws -> InboundMessage {
        guard let sid = TwilioWebhook.field(input, "MessageSid", "SmsMessageSid", "SmsSid"), !sid.isEmpty else {
            throw BundleError.validation(field: "MessageSid", "is required (Twilio sends it with every message)")
        }
        guard let rawFrom = TwilioWebhook.field(input, "From") else { throw BundleError.validation(field: "From", "is required") }
        guard case .success(let from) = PhoneNumber.normalize(rawFrom) else {
            throw BundleError.validation(field: "From", "is not a phone number: \(rawFrom.prefix(40))")
        }
        var extras = input.objectValue ?? [:]
        for name in ["_http", "Body", "From", "To", "MessageSid", "SmsMessageSid", "SmsSid", "ProfileName", "AccountSid"] { extras[name] = nil }
        return InboundMessage(sid: String(sid.prefix(64)), from: from, to: TwilioWebhook.field(input, "To"),
                              body: TwilioWebhook.field(input, "Body") ?? "", profileName: TwilioWebhook.field(input, "ProfileName"),
                              extras: .object(extras))
    }
}
