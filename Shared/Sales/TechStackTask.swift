import Core
import Providers

/// `analyze_tech_stack`: what technology the prospect's company runs, each item citing where it
/// was seen (a source URL or "context"). The workflow drops items whose evidence is neither,
/// whatever the model says, so an item can only come from the research.
package struct TechStackTask: StructuredTask {
    package struct Technology: Codable, Sendable, Equatable {
        package var name: String
        package var category: String
        package var evidence: String
    }

    package struct Output: Codable, Sendable, Equatable {
        package var technologies: [Technology]
        package var summary: String
    }

    package let context: ResearchContext
    package let results: [SearchResult]

    package init(context: ResearchContext, results: [SearchResult]) {
        self.context = context
        self.results = results
    }

    package let step = "analyze_tech_stack"
    package let schemaName = "tech_stack"
    package var schema: JSONValue { Self.outputSchema }

    static let categories = ["cloud", "infrastructure", "data", "analytics", "application", "security", "devops", "ai", "business_software", "other"]

    package static let outputSchema: JSONValue = Schema.object([
        "technologies": Schema.array(Schema.object([
            "name": Schema.string(minLength: 1, maxLength: 80),
            "category": Schema.string(enum: categories),
            "evidence": Schema.string("A source URL given, verbatim, or \"context\" for the prospect's record and notes", minLength: 1),
        ]), maxItems: 15),
        "summary": Schema.string(minLength: 1, maxLength: 600),
    ])

    package var system: String {
        """
        You analyse a company's technology for an AWS account manager. List only technology the sources or the context \
        show the company uses; cite the source URL (verbatim) or "context" as evidence for each. Invent nothing: \
        an empty list is a valid answer. The summary says in one or two sentences what the stack suggests.
        """
    }

    package var prompt: String {
        "Company: \(context.companyName)\n\nContext:\n\(context.text)\n\nWeb results:\n\(ResearchEvidence.lines(results))"
    }

    package func validate(_ output: Output) -> [ErrorDetail] {
        var seen = Set<String>()
        return output.technologies.enumerated().compactMap { index, item in
            seen.insert(item.name.lowercased()).inserted ? nil
                : ErrorDetail(field: "$.technologies[\(index)].name", problem: "\(item.name) is listed twice")
        }
    }

    /// Known technologies and the words that show them, for the offline rules.
    static let known: [(name: String, category: String, terms: [String])] = [
        ("AWS", "cloud", ["aws", "amazon web services"]), ("Microsoft Azure", "cloud", ["azure"]),
        ("Google Cloud", "cloud", ["google cloud", "gcp"]), ("On-premises data centre", "infrastructure", ["on premise", "on premises", "on prem", "data center", "data centre", "datacenter"]),
        ("Mainframe", "infrastructure", ["mainframe", "cobol"]), ("VMware", "infrastructure", ["vmware", "vsphere"]),
        ("Kubernetes", "devops", ["kubernetes", "k8s"]), ("Docker", "devops", ["docker", "containers"]),
        ("Terraform", "devops", ["terraform"]), ("Jenkins", "devops", ["jenkins"]),
        ("Oracle Database", "data", ["oracle"]), ("Microsoft SQL Server", "data", ["sql server"]),
        ("PostgreSQL", "data", ["postgresql", "postgres"]), ("MySQL", "data", ["mysql"]), ("MongoDB", "data", ["mongodb"]),
        ("Redis", "data", ["redis"]), ("Apache Kafka", "data", ["kafka"]), ("Hadoop", "data", ["hadoop"]), ("Apache Spark", "analytics", ["spark"]),
        ("Snowflake", "analytics", ["snowflake"]), ("Tableau", "analytics", ["tableau"]), ("Power BI", "analytics", ["power bi"]),
        ("SAP", "business_software", ["sap"]), ("Salesforce", "business_software", ["salesforce"]),
        ("ServiceNow", "business_software", ["servicenow"]), ("Workday", "business_software", ["workday"]),
        ("Java", "application", ["java"]), (".NET", "application", ["net framework", "dotnet", "c#"]), ("Python", "application", ["python"]),
        ("Node.js", "application", ["node js", "nodejs"]), ("React", "application", ["react"]),
        ("Machine learning", "ai", ["machine learning", "ml models", "generative ai", "genai", "llm"]),
        ("Splunk", "security", ["splunk"]), ("Okta", "security", ["okta"]),
    ]
}

extension TechStackTask {
    /// The offline answer: the known technologies the sources or the context name, each with
    /// where it was found, plus what the company record already lists.
    package func offlineAnswer() -> Output {
        let finder = EvidenceFinder(results: results, contextText: context.text)
        var technologies: [Technology] = []
        var names = Set<String>()
        for item in Self.known {
            guard let evidence = finder.evidence(for: item.terms), names.insert(item.name.lowercased()).inserted else { continue }
            technologies.append(Technology(name: item.name, category: item.category, evidence: evidence))
        }
        for name in context.company?.techStack ?? [] where names.insert(name.lowercased()).inserted {
            technologies.append(Technology(name: String(name.prefix(80)), category: "other", evidence: ResearchEvidence.context))
        }
        technologies = Array(technologies.prefix(15))
        let summary = technologies.isEmpty
            ? "Offline rules found no technology named in the sources or the context for \(context.companyName)."
            : "Offline rules found \(technologies.count) technologies named for \(context.companyName): "
                + technologies.prefix(6).map(\.name).joined(separator: ", ") + "."
        return Output(technologies: technologies, summary: String(summary.prefix(600)))
    }
}
