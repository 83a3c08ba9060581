import Core
import Providers

/// `refine_draft`'s one LLM call: a second pass over subject and body for grammar and tone,
/// which must keep every check the first pass met (the same `OutreachChecks`).
package struct OutreachRefineTask: StructuredTask {
    package struct Output: Codable, Sendable, Equatable {
        package var subject: String
        package var body: String
        package var changes: [String]
    }

    package let context: OutreachContext
    package let strategy: OutreachStrategy
    package let subject: String
    package let body: String
    package let checks: OutreachChecks

    package init(context: OutreachContext, strategy: OutreachStrategy, subject: String, body: String, checks: OutreachChecks) {
        self.context = context
        self.strategy = strategy
        self.subject = subject
        self.body = body
        self.checks = checks
    }

    package let step = "refine_draft"
    package let schemaName = "outreach_refine"
    package var schema: JSONValue {
        Schema.object([
            "subject": Schema.string(minLength: 1, maxLength: OutreachChecks.subjectLimit),
            "body": Schema.string(minLength: 1, maxLength: 3000),
            "changes": Schema.array(Schema.string(maxLength: 200), "What was changed and why (empty when nothing was)", maxItems: 10),
        ])
    }

    package var system: String {
        "Refine this draft: fix grammar, tighten wording, keep the tone \"\(strategy.tone)\" and every fact. The result must still follow these rules:\n"
            + OutreachBodyTask.rules(context: context, checks: checks)
    }

    package var prompt: String { "Subject: \(subject)\n\nBody:\n\(body)" }

    package func validate(_ output: Output) -> [ErrorDetail] { checks.subject(output.subject) + checks.body(output.body) }

    /// The offline pass: white space tidied (runs of spaces, trailing spaces); the words stay.
    package func offlineAnswer() -> Output {
        let tidiedBody = body.split(separator: "\n", omittingEmptySubsequences: false)
            .map { $0.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ") }.joined(separator: "\n")
        let tidiedSubject = subject.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
        let changed = tidiedBody != body || tidiedSubject != subject
        return Output(subject: tidiedSubject, body: tidiedBody, changes: changed ? ["white space tidied"] : [])
    }
}
