import Core
import Providers

/// `generate_body`'s one LLM call: the email body, 150–200 words, checked locally by
/// `OutreachChecks` (name, company, claims, links, the event); a failing answer is repaired once.
package struct OutreachBodyTask: StructuredTask {
    package struct Output: Codable, Sendable, Equatable {
        package var body: String
    }

    package let context: OutreachContext
    package let strategy: OutreachStrategy
    package let subject: String
    package let checks: OutreachChecks

    package init(context: OutreachContext, strategy: OutreachStrategy, subject: String, checks: OutreachChecks) {
        self.context = context
        self.strategy = strategy
        self.subject = subject
        self.checks = checks
    }

    package let step = "generate_body"
    package let schemaName = "outreach_body"
    package var schema: JSONValue { Schema.object(["body": Schema.string(minLength: 1, maxLength: 3000)]) }

    package var system: String { Self.rules(context: context, checks: checks) }

    /// The rules the body must follow, as the model is told them (the same ones the checks enforce).
    static func rules(context: OutreachContext, checks: OutreachChecks) -> String {
        var rules = [
            "You write the body of a sales email from an AWS account manager, following the strategy given.",
            "It has \(OutreachChecks.words.lowerBound) to \(OutreachChecks.words.upperBound) words (counted as runs of text between spaces).",
            "It addresses \(context.prospect.fullName) by name and names the company, \(context.companyName).",
            "Never use these claims: \(checks.disallowedClaims.joined(separator: "; ")).",
            checks.sources.isEmpty ? "It contains no link." : "Any link must be one of these, verbatim: " + checks.sources.joined(separator: " "),
            "Invent no facts, figures or customers; plain text, no placeholders.",
        ]
        if let event = context.event {
            rules.append("It invites to \(event.title) on \(OutreachChecks.readableDate(event.date) ?? event.date), naming both, and mentions no other event.")
        }
        return rules.joined(separator: "\n")
    }

    package var prompt: String {
        context.text + "\n\nStrategy:\n" + strategy.text + "\n\nSubject: \(subject)"
    }

    package func validate(_ output: Output) -> [ErrorDetail] { checks.body(output.body) }

    package func offlineAnswer() -> Output {
        Output(body: OutreachTemplate.body(context: context, strategy: strategy, checks: checks))
    }
}
