import Core
import Providers

/// `generate_subject`'s one LLM call: the subject line, checked locally (not blank, at most 120
/// characters, no disallowed claim, no link that is not a source, no other event).
package struct OutreachSubjectTask: StructuredTask {
    package struct Output: Codable, Sendable, Equatable {
        package var subject: String
    }

    package let context: OutreachContext
    package let strategy: OutreachStrategy
    package let checks: OutreachChecks

    package init(context: OutreachContext, strategy: OutreachStrategy, checks: OutreachChecks) {
        self.context = context
        self.strategy = strategy
        self.checks = checks
    }

    package let step = "generate_subject"
    package let schemaName = "outreach_subject"
    package var schema: JSONValue { Schema.object(["subject": Schema.string(minLength: 1, maxLength: OutreachChecks.subjectLimit)]) }
    package var maxTokens: Int { 200 }

    package var system: String {
        """
        You write the subject line of a sales email from an AWS account manager: specific to the prospect's company, at most \
        \(OutreachChecks.subjectLimit) characters, no hype. Never use these claims: \(checks.disallowedClaims.joined(separator: "; ")).
        """
    }

    package var prompt: String {
        context.text + "\n\nStrategy:\n" + strategy.text
            + (context.event.map { "\n\nThis is an invitation to \($0.title) only; name no other event." } ?? "")
    }

    package func validate(_ output: Output) -> [ErrorDetail] { checks.subject(output.subject) }

    /// The offline subject: the event and its date for an invitation, else the company and the
    /// first solution (or its first pain).
    package func offlineAnswer() -> Output {
        let company = context.companyName
        var subject: String
        if let event = context.event {
            subject = "Invitation: \(event.title) on \(OutreachChecks.readableDate(event.date) ?? event.date)"
        } else if let solution = strategy.solutions.first {
            subject = "\(company) and \(solution): an idea for \(context.firstName)"
        } else {
            subject = "A short note for \(context.firstName) at \(company)"
        }
        if subject.count > OutreachChecks.subjectLimit { subject = String(subject.prefix(OutreachChecks.subjectLimit - 1)) + "…" }
        return Output(subject: subject)
    }
}
