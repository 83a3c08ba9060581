import Core
import Providers

/// One agent step of a research interview: from the brief, the schema, the transcript and what
/// is already known, the reply to the person's latest message, the values that message gave,
/// and whether the interview is done. The reply is checked (1 to 3 sentences, no lists, no field
/// names); extracted values are not checked here but by `ExtractionField.check`, which drops
/// invalid ones instead of failing the step.
package struct InterviewTask: StructuredTask {
    package struct Value: Codable, Sendable, Equatable {
        package var field: String
        package var value: JSONValue

        package init(field: String, value: JSONValue) {
            self.field = field
            self.value = value
        }
    }

    package struct Output: Codable, Sendable, Equatable {
        package var reply: String
        package var extracted: [Value]
        /// The field the reply asks about, if any.
        package var askingAbout: String?
        /// Fields the person declined or could not answer: the interview can end without them.
        package var declined: [String]
        package var done: Bool
        /// The person asked to stop being contacted: the conversation ends with the goodbye and
        /// the person is opted out of every campaign. Absent means false.
        package var optOut: Bool?

        enum CodingKeys: String, CodingKey {
            case reply, extracted, declined, done
            case askingAbout = "asking_about"
            case optOut = "opt_out"
        }

        package init(reply: String, extracted: [Value], askingAbout: String?, declined: [String], done: Bool, optOut: Bool = false) {
            self.reply = reply
            self.extracted = extracted
            self.askingAbout = askingAbout
            self.declined = declined
            self.done = done
            self.optOut = optOut
        }
    }

    /// One line of the transcript.
    package struct Turn: Sendable, Equatable {
        package var fromParticipant: Bool
        package var text: String

        package init(fromParticipant: Bool, text: String) {
            self.fromParticipant = fromParticipant
            self.text = text
        }
    }

    package let campaignName: String
    package let brief: String
    package let extractionSchema: ExtractionSchema
    package let history: [Turn]
    package let extracted: [String: JSONValue]
    package let state: AgentState
    package let message: String
    package let profileName: String?

    package init(campaignName: String, brief: String, schema: ExtractionSchema, history: [Turn], extracted: [String: JSONValue],
                 state: AgentState, message: String, profileName: String?) {
        self.campaignName = campaignName
        self.brief = brief
        self.extractionSchema = schema
        self.history = history
        self.extracted = extracted
        self.state = state
        self.message = message
        self.profileName = profileName
    }

    package let step = "interviews.turn"
    package let schemaName = "interview_turn"
    package var maxTokens: Int { 600 }
    package var temperature: Double { 0.3 }

    package var missing: [ExtractionField] { extractionSchema.missing(in: extracted, skipping: Set(state.skipped)) }

    package var schema: JSONValue {
        Schema.object([
            "reply": Schema.string("Your next WhatsApp message: 1 to 3 short sentences", minLength: 1, maxLength: 600),
            "extracted": Schema.array(Schema.object([
                "field": Schema.string("One of the field names listed in the prompt"),
                "value": ["type": ["string", "number", "boolean", "null"]],
            ]), "Values the latest message gives, typed as the schema says"),
            "asking_about": Schema.nullable(Schema.string("The field your reply asks about, or null")),
            "declined": Schema.array(Schema.string(), "Fields the person declined or could not answer"),
            "done": Schema.boolean("True when nothing is left to ask (or the person wants to stop); the reply then thanks them"),
            "opt_out": Schema.boolean("True when the person asks not to be contacted any more (stop, unsubscribe, leave me alone)"),
        ])
    }

    package var system: String {
        """
        You are a friendly researcher holding a short WhatsApp interview. Research brief: \(brief)
        Find out the fields below through natural conversation, one question at a time. Each reply is 1 to 3 short \
        sentences: briefly acknowledge what the person just said, then ask about one missing field in everyday words. \
        Never list the remaining questions, never mention field names, schemas or that you are collecting data, and \
        never invent answers. Extract only what the person actually said, typed as the field says (numbers as numbers, \
        enum fields as one of the listed values). When nothing is missing, set done to true and reply with a warm thank-you. \
        When the person asks to stop being messaged, set opt_out and done to true, extract nothing, and say a short goodbye.
        """
    }

    package var prompt: String {
        var lines = ["Campaign: \(campaignName)", "", "Fields:"]
        for field in extractionSchema.fields {
            var line = "- \(field.name) (\(field.type.rawValue)): \(field.description)"
            if let values = field.values { line += " One of: \(values.joined(separator: ", "))." }
            if let min = field.min { line += " Minimum \(JSONValue.number(min).jsonText)." }
            if let max = field.max { line += " Maximum \(JSONValue.number(max).jsonText)." }
            if let value = extracted[field.name] { line += " ALREADY KNOWN: \(value.jsonText)" }
            if state.skipped.contains(field.name) { line += " (declined; do not ask again)" }
            lines.append(line)
        }
        lines.append("")
        lines.append("Still missing: " + (missing.isEmpty ? "nothing" : missing.map(\.name).joined(separator: ", ")))
        if let asked = state.askedField { lines.append("Your last question asked about: \(asked)") }
        lines.append("")
        lines.append("Conversation so far:")
        for turn in history.suffix(30) { lines.append((turn.fromParticipant ? "Participant: " : "You: ") + turn.text) }
        lines.append("")
        lines.append("Participant's latest message: \(message)")
        return lines.joined(separator: "\n")
    }

    package func validate(_ output: Output) -> [ErrorDetail] {
        var problems = Self.replyProblems(output.reply, field: "$.reply")
        let names = extractionSchema.fields.map(\.name).filter { $0.contains("_") }
        if let leaked = names.first(where: { output.reply.contains($0) }) {
            problems.append(ErrorDetail(field: "$.reply", problem: "must not mention the field name \(leaked); ask in everyday words"))
        }
        return problems
    }

    /// The rules every message to a participant follows: 1 to 3 sentences, no list.
    static func replyProblems(_ text: String, field: String) -> [ErrorDetail] {
        var problems: [ErrorDetail] = []
        let trimmed = text.trimmingWhitespace()
        if trimmed.isEmpty { problems.append(ErrorDetail(field: field, problem: "must not be empty")) }
        let sentences = sentenceCount(trimmed)
        if sentences > 3 { problems.append(ErrorDetail(field: field, problem: "must be 1 to 3 sentences, has \(sentences)")) }
        let lines = trimmed.split(separator: "\n").map { $0.trimmingWhitespace() }
        if lines.contains(where: { $0.hasPrefix("- ") || $0.hasPrefix("* ") || $0.hasPrefix("• ") || ($0.first?.isNumber == true && $0.dropFirst().hasPrefix(". ")) }) {
            problems.append(ErrorDetail(field: field, problem: "must not be a list; ask one thing in plain sentences"))
        }
        return problems
    }

    /// Sentences by their closing punctuation: a run such as "?!" or "..." followed by a space or
    /// the end closes one; "3.5" does not.
    static func sentenceCount(_ text: String) -> Int {
        let characters = Array(text)
        var count = 0
        var sawText = false
        for (index, character) in characters.enumerated() {
            if ".!?".contains(character) {
                let next = index + 1 < characters.count ? characters[index + 1] : " "
                if sawText, next.isWhitespace { count += 1; sawText = false }
            } else if character.isLetter || character.isNumber {
                sawText = true
            }
        }
        return count + (sawText ? 1 : 0)
    }
}
