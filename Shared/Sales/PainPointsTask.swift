import Core
import Providers

/// `identify_pain_points`: the business and technical problems the prospect's company faces,
/// each citing a source URL or "context" (items with other evidence are dropped by the workflow).
package struct PainPointsTask: StructuredTask {
    package struct Pain: Codable, Sendable, Equatable {
        package var pain: String
        package var severity: String
        package var evidence: String
    }

    package struct Output: Codable, Sendable, Equatable {
        package var painPoints: [Pain]
        package var summary: String

        enum CodingKeys: String, CodingKey {
            case summary
            case painPoints = "pain_points"
        }
    }

    package let context: ResearchContext
    package let results: [SearchResult]
    /// The technologies the previous step found (names only).
    package let technologies: [String]

    package init(context: ResearchContext, results: [SearchResult], technologies: [String]) {
        self.context = context
        self.results = results
        self.technologies = technologies
    }

    package let step = "identify_pain_points"
    package let schemaName = "pain_points"
    package var schema: JSONValue { Self.outputSchema }

    package static let outputSchema: JSONValue = Schema.object([
        "pain_points": Schema.array(Schema.object([
            "pain": Schema.string(minLength: 1, maxLength: 200),
            "severity": Schema.string(enum: ["low", "medium", "high"]),
            "evidence": Schema.string("A source URL given, verbatim, or \"context\"", minLength: 1),
        ]), maxItems: 8),
        "summary": Schema.string(minLength: 1, maxLength: 600),
    ])

    package var system: String {
        """
        You find the business and technical pain points of a company for an AWS account manager. Name only pains the \
        sources or the context support, citing the source URL (verbatim) or "context" for each. Invent nothing: an \
        empty list is a valid answer.
        """
    }

    package var prompt: String {
        """
        Company: \(context.companyName)
        Technology found: \(technologies.isEmpty ? "none" : technologies.joined(separator: ", "))

        Context:
        \(context.text)

        Web results:
        \(ResearchEvidence.lines(results))
        """
    }

    /// Pains the offline rules recognise and the words that show them.
    static let known: [(pain: String, severity: String, terms: [String])] = [
        ("Legacy infrastructure slows down change", "high", ["legacy", "mainframe", "on premise", "on premises", "data center", "data centre", "end of life", "technical debt"]),
        ("Infrastructure costs are too high or hard to predict", "high", ["cost", "costs", "expensive", "budget", "spend", "licensing"]),
        ("Scaling for growth and peak demand", "medium", ["scale", "scaling", "growth", "peak", "traffic", "expansion", "expanding"]),
        ("Security and compliance obligations", "high", ["security", "breach", "compliance", "gdpr", "hipaa", "pci", "regulation", "regulatory", "audit"]),
        ("Data spread across silos, slow reporting", "medium", ["data silos", "silo", "silos", "reporting", "analytics", "dashboards", "data warehouse"]),
        ("Outages and reliability problems", "high", ["outage", "outages", "downtime", "reliability", "disaster recovery", "resilience"]),
        ("Adopting AI and machine learning", "medium", ["ai", "machine learning", "generative ai", "genai", "automation", "predictive"]),
        ("Hiring and keeping skilled engineers", "low", ["hiring", "talent", "skills gap", "shortage"]),
        ("Slow software delivery", "medium", ["release", "releases", "deployment", "time to market", "devops"]),
    ]

    /// The offline answer: the known pains the sources or the context show, then the pains the
    /// company record lists.
    package func offlineAnswer() -> Output {
        let finder = EvidenceFinder(results: results, contextText: context.text)
        var pains: [Pain] = []
        for item in Self.known {
            guard let evidence = finder.evidence(for: item.terms) else { continue }
            pains.append(Pain(pain: item.pain, severity: item.severity, evidence: evidence))
        }
        for known in context.company?.painPoints ?? [] where !pains.contains(where: { $0.pain.lowercased() == known.lowercased() }) {
            pains.append(Pain(pain: String(known.prefix(200)), severity: "medium", evidence: ResearchEvidence.context))
        }
        pains = Array(pains.prefix(8))
        let summary = pains.isEmpty
            ? "Offline rules found no pain point in the sources or the context for \(context.companyName)."
            : "Offline rules found \(pains.count) pain points for \(context.companyName), led by: \(pains[0].pain.lowercased())."
        return Output(painPoints: pains, summary: String(summary.prefix(600)))
    }
}
