import Core
import FoundationEssentials
import Store

/// Everything one agent step needs, read in one snapshot.
struct StepContext: Sendable {
    var conversationID: Int
    var status: String
    var campaignID: Int
    var campaignName: String
    var brief: String
    var schema: ExtractionSchema
    var maxTurns: Int
    var userID: Int
    var phone: String
    var profileName: String?
    var extracted: [String: JSONValue]
    var state: AgentState
    var turns: Int
    var history: [InterviewTask.Turn]

    static func load(_ conversationID: Int, before messageID: Int, sql: any SQLExecutor) throws -> StepContext {
        guard let row = try sql.queryOne("""
            SELECT c.*, u.phone, u.profile_name, k.name AS campaign_name, k.brief, k.fields, k.max_turns
            FROM conversations c JOIN users u ON u.id = c.user_id JOIN campaigns k ON k.id = c.campaign_id WHERE c.id = ?
            """, conversationID) else { throw BundleError(.notFound, "no conversation with id \(conversationID)") }
        let history = try sql.query("""
            SELECT direction, body, payload FROM messages WHERE conversation_id = ?
            AND ((direction = 'inbound' AND status = 'handled' AND id < ?) OR (direction = 'outbound' AND status <> 'failed' AND COALESCE(in_reply_to, 0) < ?))
            \(Message.threadOrder)
            """, conversationID, messageID, messageID).map { message in
            let inbound = try message.string("direction") == "inbound"
            let body = try message.string("body")
            return InterviewTask.Turn(fromParticipant: inbound,
                                      text: inbound ? InboundMessage.agentText(body: body, extras: try message.optionalJSON("payload") ?? .object([:])) : body)
        }
        return StepContext(conversationID: conversationID, status: try row.string("status"), campaignID: try row.int("campaign_id"),
                           campaignName: try row.string("campaign_name"), brief: try row.string("brief"),
                           schema: try row.decode("fields", as: ExtractionSchema.self), maxTurns: try row.int("max_turns"),
                           userID: try row.int("user_id"), phone: try row.string("phone"), profileName: row.optionalString("profile_name"),
                           extracted: try row.json("extracted").objectValue ?? [:], state: try row.decode("agent_state", as: AgentState.self),
                           turns: try row.int("turns"), history: history)
    }
}

/// The agent's answer applied to a conversation: values checked against the schema and merged
/// (invalid ones dropped with a log line), the agent's memory moved on, and whether the
/// interview is over, with the message that goes out.
struct TurnResult {
    var extracted: [String: JSONValue]
    var state: AgentState
    var status: String
    var endReason: String?
    var reply: String
    /// `reply`, or `thanks` when the interview ends with this message.
    var kind: String
    var accepted = 0
    var dropped = 0

    init(context: StepContext, answer: InterviewTask.Output, logger: Logger) {
        extracted = context.extracted
        if answer.optOut == true {
            // The person wants no more messages: nothing from this message is kept, one goodbye goes out.
            state = context.state
            status = "abandoned"
            endReason = "opted_out"
            kind = "goodbye"
            reply = InboundReception.goodbye
            return
        }
        for item in answer.extracted {
            guard let field = context.schema.field(named: item.field) else {
                dropped += 1
                logger.warning("interview.value_dropped", ["conversation": .number(Double(context.conversationID)),
                                                           "field": .string(String(item.field.prefix(64))), "reason": "not a field of the schema"])
                continue
            }
            switch field.check(item.value) {
            case .success(let value):
                extracted[field.name] = value
                accepted += 1
            case .failure(let problem):
                if item.value == .null { continue }
                dropped += 1
                logger.warning("interview.value_dropped", ["conversation": .number(Double(context.conversationID)),
                                                           "field": .string(field.name), "reason": .string(problem.reason)])
            }
        }
        var skipped = context.state.skipped
        for name in answer.declined where context.schema.field(named: name) != nil && extracted[name] == nil && !skipped.contains(name) {
            skipped.append(name)
        }
        let asking = answer.askingAbout.flatMap { context.schema.field(named: $0) }?.name
        let tries = asking != nil && asking == context.state.askedField ? context.state.tries + 1 : (asking == nil ? 0 : 1)
        state = AgentState(askedField: asking, tries: tries, skipped: skipped)
        let remaining = context.schema.missing(in: extracted, skipping: Set(skipped))
        let turns = context.turns + 1
        if answer.done, extracted.isEmpty, !remaining.isEmpty {
            // Ended before anything was learned: the person declined.
            status = "abandoned"
            endReason = "declined"
            kind = "goodbye"
            reply = answer.reply
        } else if remaining.isEmpty || answer.done || turns >= context.maxTurns {
            status = "completed"
            endReason = remaining.isEmpty ? "all_fields_collected" : answer.done ? "agent_ended" : "max_turns"
            kind = "thanks"
            // The model's own goodbye when it ended the interview; else a thank-you of ours, so the
            // last message never asks a question nobody will read.
            reply = answer.done ? answer.reply : Self.thanks(context.profileName)
        } else {
            status = "active"
            kind = "reply"
            reply = answer.reply
        }
    }

    static func thanks(_ profileName: String?) -> String {
        let name = profileName.flatMap { $0.split(separator: " ").first }.map { ", \($0)" } ?? ""
        return "That's everything I wanted to ask, thank you so much\(name)! Your answers really help our research."
    }
}
