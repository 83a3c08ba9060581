import Core
import Providers

/// The first message of a campaign's interviews, written once from the brief and reused for
/// every number (it is the same invitation for everyone, and thousands of identical LLM calls
/// would cost without helping). A line on how to opt out is always added after it.
package struct OpeningTask: StructuredTask {
    package struct Output: Codable, Sendable, Equatable {
        package var message: String
    }

    package static let optOutLine = "Reply STOP if you'd rather not take part."

    package let campaignName: String
    package let brief: String

    package init(campaignName: String, brief: String) {
        self.campaignName = campaignName
        self.brief = brief
    }

    package let step = "interviews.opening"
    package let schemaName = "interview_opening"
    package var maxTokens: Int { 300 }
    package var temperature: Double { 0.4 }

    package var schema: JSONValue {
        Schema.object(["message": Schema.string("The WhatsApp message, 1 to 3 sentences", minLength: 1, maxLength: 500)])
    }

    package var system: String {
        """
        You write the first WhatsApp message of a short research interview. It is friendly and plain, 1 to 3 short \
        sentences: say who is asking and why in general terms, say it takes a few minutes, and ask whether the person \
        is happy to answer a few quick questions. Do not ask any of the research questions yet, use no placeholders \
        such as [Name], no links, no emojis, and do not mention opting out (that line is added for you).
        """
    }

    package var prompt: String {
        "Campaign: \(campaignName)\nResearch brief:\n\(brief)"
    }

    package func validate(_ output: Output) -> [ErrorDetail] {
        InterviewTask.replyProblems(output.message, field: "$.message")
    }

    package func offlineAnswer() -> Output {
        Output(message: "Hi! I'm reaching out for a short research study (\(campaignName.prefix(80))) and would really value your view. "
               + "Would you have a few minutes to answer some quick questions here?")
    }

    /// The message as sent: the opening and the opt-out line.
    package static func withOptOutLine(_ message: String) -> String {
        message.trimmingWhitespace() + "\n\n" + optOutLine
    }
}
