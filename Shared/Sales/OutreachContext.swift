import Core
import Store
import Workflows

/// What an outreach draft is written from (the `load_context` step's output): the prospect and
/// company, what the latest succeeded research found, the event it invites to, and the account
/// manager's notes. Research is required unless the request allowed writing without it.
package struct OutreachContext: Codable, Sendable, Equatable {
    /// The parts of a succeeded research run a draft may use.
    package struct Research: Codable, Sendable, Equatable {
        package var runID: Int
        package var summary: String
        /// Each with its evidence: a source URL or "context".
        package var keyInsights: [ResearchSummaryTask.Insight]
        package var painPoints: [String]
        package var solutions: [Solution]
        /// URLs that came from the research's searches: the only links a draft may carry besides past wins'.
        package var sources: [String]

        enum CodingKeys: String, CodingKey {
            case summary, solutions, sources
            case runID = "run_id"
            case keyInsights = "key_insights"
            case painPoints = "pain_points"
        }
    }

    package struct Solution: Codable, Sendable, Equatable {
        package var name: String
        package var description: String
    }

    /// The event an invitation is for, with the other events' titles, which it must not name.
    package struct Event: Codable, Sendable, Equatable {
        package var id: Int
        package var title: String
        package var date: String
        package var description: String
        package var location: String?
        package var featuredSolutions: [String]
        package var otherTitles: [String]

        enum CodingKeys: String, CodingKey {
            case id, title, date, description, location
            case featuredSolutions = "featured_solutions"
            case otherTitles = "other_titles"
        }
    }

    package var prospect: ResearchContext.Prospect
    package var company: ResearchContext.Company?
    package var research: Research?
    package var event: Event?
    package var customContext: String?
    package var withoutResearch: Bool

    enum CodingKeys: String, CodingKey {
        case prospect, company, research, event
        case customContext = "custom_context"
        case withoutResearch = "without_research"
    }

    package var companyName: String { company?.name ?? prospect.companyName }
    package var firstName: String { prospect.fullName.split(whereSeparator: \.isWhitespace).first.map(String.init) ?? prospect.fullName }

    /// How many other events' titles the checks compare against (the newest ones).
    static let otherEventLimit = 200

    /// Reads everything, or says what is missing: `not_found` for the prospect or the event,
    /// `conflict` naming the research route when there is no succeeded research and it is needed.
    package static func load(_ request: OutreachRequest, database: any Database) throws -> OutreachContext {
        let base = try ResearchContext.load(prospectID: request.prospectID, manualContext: nil, database: database)
        let research = try latestResearch(prospectID: request.prospectID, database: database)
        if research == nil, !request.allowWithoutResearch {
            throw BundleError(.conflict, "prospect \(request.prospectID) has no succeeded research yet: run POST /api/v1/prospects/\(request.prospectID)/research "
                              + "first, or send allow_without_research: true",
                              details: [ErrorDetail(field: "allow_without_research", problem: "research is required unless this is true")])
        }
        var event: Event?
        if let eventID = request.eventID {
            event = try database.read { sql in
                guard let found = try loadEvent(eventID, sql: sql) else { throw BundleError(.notFound, "no event with id \(eventID)") }
                return found
            }
        }
        let notes = request.customContext?.trimmingWhitespace()
        return OutreachContext(prospect: base.prospect, company: base.company, research: research, event: event,
                               customContext: notes?.isEmpty == false ? notes : nil, withoutResearch: research == nil)
    }

    /// The event with the other events' titles, or nil when there is no such event.
    static func loadEvent(_ id: Int, sql: any SQLExecutor) throws -> Event? {
        guard let found = try SalesEvent.load(id, sql: sql) else { return nil }
        let others = try sql.query("SELECT title FROM sales_events WHERE id <> ? ORDER BY id DESC LIMIT ?", id, otherEventLimit)
            .compactMap { $0.optionalString("title") }
        return Event(id: found.id, title: found.title, date: found.eventDate, description: found.description, location: found.location,
                     featuredSolutions: found.featuredSolutions, otherTitles: others)
    }

    /// The newest succeeded research run's findings, or nil when none succeeded.
    static func latestResearch(prospectID: Int, database: any Database) throws -> Research? {
        guard let run = try WorkflowStore(database: database).latest(workflow: ResearchWorkflow.name, subject: ResearchWorkflow.subject(prospectID: prospectID)),
              run.status == .succeeded, let findings = try? run.result?.decode(as: ResearchFindings.self) else { return nil }
        let insights = findings.keyInsights.enumerated().map { index, insight in
            ResearchSummaryTask.Insight(insight: insight, evidence: index < findings.insightEvidence.count ? findings.insightEvidence[index] : "context")
        }
        return Research(runID: run.id, summary: findings.researchSummary, keyInsights: insights,
                        painPoints: findings.painPoints.map(\.pain),
                        solutions: findings.recommendedSolutions.map { Solution(name: $0.name, description: $0.description) },
                        sources: findings.sources)
    }

    /// The context as prompt text.
    package var text: String {
        var lines = ["Prospect: \(prospect.fullName), \(prospect.title) at \(companyName)"]
        if let industry = prospect.industry ?? company?.industry { lines.append("Industry: \(industry)") }
        if let research {
            lines.append("Research summary: \(research.summary)")
            lines += research.keyInsights.map { "Insight: \($0.insight) [\($0.evidence)]" }
            lines += research.painPoints.map { "Pain point: \($0)" }
            lines += research.solutions.map { "Recommended solution: \($0.name) — \($0.description)" }
            lines += research.sources.map { "Source: \($0)" }
        } else {
            lines.append("No research is available: write from the record only.")
        }
        if let event {
            lines.append("Event: \(event.title) on \(OutreachChecks.readableDate(event.date) ?? event.date)"
                         + (event.location.map { " in \($0)" } ?? "") + ": \(event.description)")
        }
        if let customContext { lines.append("Notes from the account manager: \(customContext)") }
        return lines.joined(separator: "\n")
    }
}
