import Core
import Providers

/// `synthesize_research`'s one LLM call: the summary and key insights an account manager reads
/// first, written from the steps that succeeded. Each insight cites a source URL or "context";
/// the confidence score is not asked of the model (the workflow computes it from the evidence).
package struct ResearchSummaryTask: StructuredTask {
    package struct Insight: Codable, Sendable, Equatable {
        package var insight: String
        package var evidence: String
    }

    package struct Output: Codable, Sendable, Equatable {
        package var summary: String
        package var keyInsights: [Insight]

        enum CodingKeys: String, CodingKey {
            case summary
            case keyInsights = "key_insights"
        }
    }

    package let context: ResearchContext
    package let technologies: [TechStackTask.Technology]
    package let pains: [PainPointsTask.Pain]
    package let solutions: [RecommendedSolution]
    package let results: [SearchResult]

    package init(context: ResearchContext, technologies: [TechStackTask.Technology], pains: [PainPointsTask.Pain],
                 solutions: [RecommendedSolution], results: [SearchResult]) {
        self.context = context
        self.technologies = technologies
        self.pains = pains
        self.solutions = solutions
        self.results = results
    }

    package let step = "synthesize_research"
    package let schemaName = "research_summary"
    package var schema: JSONValue { Self.outputSchema }

    package static let outputSchema: JSONValue = Schema.object([
        "summary": Schema.string(minLength: 1, maxLength: 1500),
        "key_insights": Schema.array(Schema.object([
            "insight": Schema.string(minLength: 1, maxLength: 300),
            "evidence": Schema.string("A source URL given, verbatim, or \"context\"", minLength: 1),
        ]), maxItems: 6),
    ])

    package var system: String {
        """
        You brief an AWS account manager on a prospect. Write a short summary (at most five sentences) of the company, \
        its technology, its pains and which recommended AWS solutions fit and why, then up to six key insights, each \
        citing a source URL (verbatim) or "context". Use only what is given; invent no facts, numbers or URLs.
        """
    }

    package var prompt: String {
        var lines = ["Prospect: \(context.prospect.fullName), \(context.prospect.title) at \(context.companyName)",
                     "Industry: \(context.industry ?? "unknown")", "", "Technology:"]
        lines += technologies.isEmpty ? ["- none found"] : technologies.map { "- \($0.name) (\($0.category)) [\($0.evidence)]" }
        lines += ["", "Pain points:"]
        lines += pains.isEmpty ? ["- none found"] : pains.map { "- \($0.pain) (\($0.severity)) [\($0.evidence)]" }
        lines += ["", "Recommended solutions:"]
        lines += solutions.isEmpty ? ["- none"] : solutions.map { "- \($0.name) (\($0.category)): \($0.description)" }
        lines += ["", "Web results:", ResearchEvidence.lines(results)]
        return lines.joined(separator: "\n")
    }

    /// The offline answer: the same facts in template sentences, each insight keeping the
    /// evidence of the claim it restates.
    package func offlineAnswer() -> Output {
        let company = context.companyName
        var sentences = ["\(company)\(context.industry.map { " (\($0))" } ?? "") was researched with offline rules."]
        sentences.append(technologies.isEmpty ? "No technology was named in the evidence."
                         : "Its technology includes " + technologies.prefix(4).map(\.name).joined(separator: ", ") + ".")
        sentences.append(pains.isEmpty ? "No pain point was named in the evidence."
                         : "Its main pains: " + pains.prefix(3).map { $0.pain.lowercased() }.joined(separator: "; ") + ".")
        if !solutions.isEmpty {
            sentences.append("Solutions that fit: " + solutions.prefix(3).map(\.name).joined(separator: ", ") + ".")
        }
        var insights = pains.prefix(3).map { Insight(insight: "\(company): \($0.pain.lowercased()).", evidence: $0.evidence) }
        insights += technologies.prefix(6 - insights.count).prefix(2).map {
            Insight(insight: "\(company) runs \($0.name) (\($0.category.replacingUnderscores())).", evidence: $0.evidence)
        }
        return Output(summary: String(sentences.joined(separator: " ").prefix(1500)),
                      keyInsights: insights.map { Insight(insight: String($0.insight.prefix(300)), evidence: $0.evidence) })
    }
}

extension String {
    fileprivate func replacingUnderscores() -> String { String(map { $0 == "_" ? " " : $0 }) }
}
