import Core
import Providers

/// `plan_email_strategy`'s one LLM call: the approach and tone of the email, the one to three
/// solutions to highlight (the workflow keeps only the research's recommendations) and the proof
/// points, each citing a research source URL or a past win (`past_win:<communication id>`); a
/// proof point citing anything else is dropped in code.
package struct EmailStrategyTask: StructuredTask {
    package struct ProofPoint: Codable, Sendable, Equatable {
        package var point: String
        package var source: String
    }

    package struct Output: Codable, Sendable, Equatable {
        package var approach: String
        package var tone: String
        package var solutions: [String]
        package var proofPoints: [ProofPoint]

        enum CodingKeys: String, CodingKey {
            case approach, tone, solutions
            case proofPoints = "proof_points"
        }
    }

    package let context: OutreachContext
    package let pastWins: [PastWin]

    package init(context: OutreachContext, pastWins: [PastWin]) {
        self.context = context
        self.pastWins = pastWins
    }

    package let step = "plan_email_strategy"
    package let schemaName = "email_strategy"
    package var schema: JSONValue { Self.outputSchema }

    package static let outputSchema: JSONValue = Schema.object([
        "approach": Schema.string("How the email opens and what it asks for", minLength: 1, maxLength: 400),
        "tone": Schema.string(minLength: 1, maxLength: 100),
        "solutions": Schema.array(Schema.string(minLength: 1, maxLength: 120), "1 to 3 names from the recommended solutions, verbatim", maxItems: 3),
        "proof_points": Schema.array(Schema.object([
            "point": Schema.string(minLength: 1, maxLength: 300),
            "source": Schema.string("A source URL given, verbatim, or past_win:<communication id>", minLength: 1),
        ]), maxItems: 4),
    ])

    /// The names a strategy may highlight: the research's recommendations.
    var recommended: [String] { context.research?.solutions.map(\.name) ?? [] }

    /// What a proof point may cite: the research's sources and the past wins.
    var citations: Set<String> {
        Set((context.research?.sources ?? []) + pastWins.map { Self.citation($0) })
    }

    static func citation(_ win: PastWin) -> String { "past_win:\(win.communicationID)" }

    package var system: String {
        """
        You plan a short sales email from an AWS account manager. Choose the approach (how it opens, what it asks for), the tone, \
        one to three solutions to highlight taken verbatim from the recommended solutions, and up to four proof points. Each \
        proof point cites a source URL given (verbatim) or a past win as past_win:<id>. Use only what is given; invent nothing.
        """
    }

    package var prompt: String {
        var lines = [context.text, "", "Recommended solutions (choose from these only):"]
        lines += recommended.isEmpty ? ["- none (research is missing): leave solutions empty"] : recommended.map { "- \($0)" }
        lines += ["", "Past wins with similar customers:"]
        lines += pastWins.isEmpty ? ["- none found"] : pastWins.map { "- past_win:\($0.communicationID): \($0.subject) — \($0.outcome): \($0.excerpt)" }
        return lines.joined(separator: "\n")
    }

    package func validate(_ output: Output) -> [ErrorDetail] {
        let names = Set(recommended.map { $0.lowercased() })
        if !names.isEmpty, !output.solutions.contains(where: { names.contains($0.lowercased()) }) {
            return [ErrorDetail(field: "$.solutions", problem: "must name 1 to 3 of the recommended solutions: " + recommended.prefix(10).joined(separator: ", "))]
        }
        return []
    }

    /// The offline strategy: an invitation for an event, else the research's first pain; the
    /// event's featured solutions first among the recommendations; proof from past wins and the
    /// insights that cite a source URL.
    package func offlineAnswer() -> Output {
        let senior = ["chief", "cto", "cio", "ceo", "cfo", "vp", "vice president", "head", "director"]
            .contains { context.prospect.title.lowercased().contains($0) }
        let approach: String
        if let event = context.event {
            approach = "Invite \(context.firstName) to \(event.title) and tie it to \(context.companyName)'s priorities."
        } else if let pain = context.research?.painPoints.first {
            approach = "Open with \(context.companyName)'s pain (\(pain.lowercased())), offer a fitting solution and ask for a short call."
        } else {
            approach = "Introduce the team to \(context.companyName) and ask for a short call."
        }
        let featured = Set((context.event?.featuredSolutions ?? []).map { $0.lowercased() })
        let ordered = recommended.filter { featured.contains($0.lowercased()) } + recommended.filter { !featured.contains($0.lowercased()) }
        var proof = pastWins.prefix(2).map {
            ProofPoint(point: "A similar customer\($0.companyName.map { " (\($0))" } ?? "") responded to \"\($0.subject)\": \($0.outcome).",
                       source: Self.citation($0))
        }
        let sources = Set(context.research?.sources ?? [])
        proof += (context.research?.keyInsights ?? []).filter { sources.contains($0.evidence) }.prefix(4 - proof.count)
            .map { ProofPoint(point: $0.insight, source: $0.evidence) }
        return Output(approach: String(approach.prefix(400)), tone: senior ? "concise and executive" : "practical and friendly",
                      solutions: Array(ordered.prefix(3)),
                      proofPoints: proof.map { ProofPoint(point: String($0.point.prefix(300)), source: $0.source) })
    }
}
