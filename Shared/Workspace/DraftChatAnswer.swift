import Core
import FoundationEssentials
import Providers

/// What one chat turn answers (the `done` event's `response`, and the whole answer when piped or
/// asked for JSON): the saved messages, the draft after the turn, whether the conversation is now
/// locked (and its project), the tools that ran and what the model calls cost.
package struct DraftChatTurnAnswer: Codable, Sendable {
    package var conversationID: Int
    package var userMessage: DraftChatMessage
    package var assistantMessage: DraftChatMessage
    package var projectDraft: ProjectDraftAnswer
    package var conversationLocked: Bool
    /// The conversation's Linear project, in the project routes' shape (`get-project`).
    package var project: LinearProjectAnswer?
    package var toolCalls: [JSONValue]
    package var usage: LLMUsageSummary?

    enum CodingKeys: String, CodingKey {
        case project, usage
        case conversationID = "conversation_id"
        case userMessage = "user_message"
        case assistantMessage = "assistant_message"
        case projectDraft = "project_draft"
        case conversationLocked = "conversation_locked"
        case toolCalls = "tool_calls"
    }

    package func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(conversationID, forKey: .conversationID)
        try container.encode(userMessage, forKey: .userMessage)
        try container.encode(assistantMessage, forKey: .assistantMessage)
        try container.encode(projectDraft, forKey: .projectDraft)
        try container.encode(conversationLocked, forKey: .conversationLocked)
        try container.encode(project, forKey: .project)
        try container.encode(toolCalls, forKey: .toolCalls)
        try container.encode(usage, forKey: .usage)
    }

    package static let schema: JSONValue = Schema.object([
        "conversation_id": Schema.integer(minimum: 1),
        "user_message": DraftChatMessage.schema,
        "assistant_message": DraftChatMessage.schema,
        "project_draft": ProjectDraftAnswer.schema,
        "conversation_locked": Schema.boolean("True when the conversation has a Linear project (made now or before)"),
        "project": Schema.nullable(LinearProjectAnswer.schema),
        "tool_calls": Schema.array(Schema.any, "The tools run in this turn (as on the assistant message)"),
        "usage": Schema.nullable(LLMUsageSummary.schema),
    ])
}

/// `GET …/project-draft/chat`: the messages in order, a page of them, and the lock.
package struct DraftChatHistoryAnswer: Codable, Sendable {
    package var conversationID: Int
    package var messages: [DraftChatMessage]
    package var total: Int
    package var limit: Int
    package var offset: Int
    package var conversationLocked: Bool
    /// The conversation's Linear project, in the project routes' shape (`get-project`).
    package var project: LinearProjectAnswer?

    enum CodingKeys: String, CodingKey {
        case messages, total, limit, offset, project
        case conversationID = "conversation_id"
        case conversationLocked = "conversation_locked"
    }

    /// Every key written, `project` as null when there is none.
    package func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(conversationID, forKey: .conversationID)
        try container.encode(messages, forKey: .messages)
        try container.encode(total, forKey: .total)
        try container.encode(limit, forKey: .limit)
        try container.encode(offset, forKey: .offset)
        try container.encode(conversationLocked, forKey: .conversationLocked)
        try container.encode(project, forKey: .project)
    }

    package static let schema: JSONValue = Schema.object([
        "conversation_id": Schema.integer(minimum: 1),
        "messages": Schema.array(DraftChatMessage.schema, "Oldest first"),
        "total": Schema.integer("How many messages the chat has", minimum: 0),
        "limit": Schema.integer(minimum: 1),
        "offset": Schema.integer(minimum: 0),
        "conversation_locked": Schema.boolean(),
        "project": Schema.nullable(LinearProjectAnswer.schema),
    ])
}
