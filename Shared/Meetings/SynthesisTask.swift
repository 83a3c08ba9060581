import Calendars
import Core
import Providers

/// The one LLM call of meeting prep: prioritised insights, hooks, the competitor picture and two
/// email drafts, written from the meeting's enrichment under the steering profile. Checked beyond
/// the schema: the pre-meeting draft has 80 to 150 words, uses 2 or 3 of the hooks and asks exactly
/// two questions; no disallowed claim appears; every cited URL is one of the enrichment's sources.
package struct SynthesisTask: StructuredTask {
    package struct Insight: Codable, Sendable, Equatable {
        package var text: String
        package var why: String
        package var priority: Int
        package var sourceURL: String?

        enum CodingKeys: String, CodingKey {
            case text, why, priority
            case sourceURL = "source_url"
        }
    }

    package struct Hook: Codable, Sendable, Equatable {
        package var hook: String
        package var sourceURL: String?

        enum CodingKeys: String, CodingKey {
            case hook
            case sourceURL = "source_url"
        }
    }

    package struct Competitor: Codable, Sendable, Equatable {
        package var name: String
        package var positioning: String
    }

    package struct Draft: Codable, Sendable, Equatable {
        package var subject: String
        package var body: String
    }

    package struct Output: Codable, Sendable, Equatable {
        package var insights: [Insight]
        package var hooks: [Hook]
        package var competitors: [Competitor]
        package var preMeetingDraft: Draft
        /// The hooks (verbatim from `hooks`) the pre-meeting draft uses.
        package var hooksUsed: [String]
        package var followUpDraft: Draft

        enum CodingKeys: String, CodingKey {
            case insights, hooks, competitors
            case preMeetingDraft = "pre_meeting_draft"
            case hooksUsed = "hooks_used"
            case followUpDraft = "follow_up_draft"
        }
    }

    package let meeting: Meeting
    package let enrichment: Enrichment
    package let steering: SteeringProfile

    /// The enrichment is narrowed to what may be said about this meeting's company: company news
    /// and competitor sources that do not name the company are left out of the prompt, the
    /// allowed citations and the offline answer (with no company, none of them are kept), so
    /// another company's news is never presented as an insight about this one.
    package init(meeting: Meeting, enrichment: Enrichment, steering: SteeringProfile) {
        self.meeting = meeting
        self.enrichment = Self.aboutCompany(enrichment, company: meeting.company)
        self.steering = steering
    }

    /// The enrichment without company news and competitor sources that do not mention `company`.
    package static func aboutCompany(_ enrichment: Enrichment, company: String?) -> Enrichment {
        var result = enrichment
        let names = company.map(Self.names(of:)) ?? []
        func mentions(_ source: SearchResult) -> Bool {
            let words = Set(OfflineWords.words(source.title + " " + source.snippet))
            let text = " " + OfflineWords.words(source.title + " " + source.snippet).joined(separator: " ") + " "
            return names.contains { $0.count == 1 ? words.contains($0[0]) : text.contains(" " + $0.joined(separator: " ") + " ") }
        }
        result.news.sources = enrichment.news.sources.filter(mentions)
        result.competitors.sources = enrichment.competitors.sources.filter(mentions)
        return result
    }

    /// How a source may name the company: its whole name, or its first word when that word is
    /// distinctive ("Northwind" for "Northwind Logistics"; not "The" or "Blue").
    static func names(of company: String) -> [[String]] {
        let words = OfflineWords.words(company)
        guard let first = words.first else { return [] }
        var names = [words]
        if words.count > 1, first.count >= 4, !OfflineWords.common.contains(first) { names.append([first]) }
        return names
    }

    package let step = "synthesize.prep"
    package let schemaName = "meeting_prep"
    package var maxTokens: Int { 2500 }
    package var schema: JSONValue { Self.outputSchema }

    package static let outputSchema: JSONValue = {
        let draft = Schema.object(["subject": Schema.string(minLength: 1, maxLength: 150), "body": Schema.string(minLength: 1)])
        return Schema.object([
            "insights": Schema.array(Schema.object([
                "text": Schema.string(minLength: 1), "why": Schema.string(minLength: 1),
                "priority": Schema.integer("1 (most important) to 5", minimum: 1, maximum: 5),
                "source_url": Schema.nullable(Schema.string("One of the source URLs given, or null")),
            ]), minItems: 1, maxItems: 8),
            "hooks": Schema.array(Schema.object(["hook": Schema.string(minLength: 1), "source_url": Schema.nullable(Schema.string())]),
                                  minItems: 2, maxItems: 5),
            "competitors": Schema.array(Schema.object(["name": Schema.string(minLength: 1), "positioning": Schema.string(minLength: 1)]),
                                        maxItems: 6),
            "pre_meeting_draft": draft,
            "hooks_used": Schema.array(Schema.string(), "Hooks, verbatim, that the pre-meeting draft uses", minItems: 2, maxItems: 3),
            "follow_up_draft": draft,
        ])
    }()

    package var system: String {
        """
        You prepare a sales rep for a customer meeting. We sell: \(steering.productFocus)
        Ideal customer: \(steering.icp)
        Pains we solve: \(steering.keyPains.joined(separator: "; "))
        Weigh the research as follows: company news \(steering.weights.news), role pains \(steering.weights.rolePains), competitors \(steering.weights.competitors).
        Rules: \(steering.specificityRules.joined(separator: " "))
        Never claim: \(steering.disallowedClaims.joined(separator: "; ")).
        Cite only the source URLs given; use null when an insight has no source. Invent no facts.
        The pre-meeting email has 80 to 150 words, uses 2 or 3 of your hooks, and asks exactly two discovery questions.
        The follow-up email is for after the meeting: mark what is not known yet with [[placeholders]].
        """
    }

    package var prompt: String {
        var lines = ["Meeting: \(meeting.title)", "Starts: \(meeting.start)", "Company: \(meeting.company ?? "unknown")",
                     "Role: \(meeting.role ?? "unknown")"]
        if let attendee = externalAttendee { lines.append("Attendee: \(attendee.name ?? attendee.email) <\(attendee.email)>") }
        for (name, category) in [("Company news", enrichment.news), ("Role pains", enrichment.rolePains), ("Competitors", enrichment.competitors)] {
            lines.append("\n\(name) (search: \(category.query)):")
            lines += category.sources.map { "- \($0.title) — \($0.snippet) [\($0.url)]" }
            if category.sources.isEmpty { lines.append("- (nothing found)") }
        }
        return lines.joined(separator: "\n")
    }

    var externalAttendee: CalendarEvent.Attendee? { meeting.attendees.first { !$0.isOrganizer } }

    package func validate(_ output: Output) -> [ErrorDetail] {
        var problems: [ErrorDetail] = []
        let words = TextRules.wordCount(output.preMeetingDraft.body)
        if !(80...150).contains(words) {
            problems.append(ErrorDetail(field: "$.pre_meeting_draft.body", problem: "must have 80 to 150 words, has \(words)"))
        }
        let questions = output.preMeetingDraft.body.filter { $0 == "?" }.count
        if questions != 2 {
            problems.append(ErrorDetail(field: "$.pre_meeting_draft.body", problem: "must ask exactly 2 questions, asks \(questions)"))
        }
        let hookTexts = Set(output.hooks.map(\.hook))
        for (index, used) in output.hooksUsed.enumerated() where !hookTexts.contains(used) {
            problems.append(ErrorDetail(field: "$.hooks_used[\(index)]", problem: "must be one of the hooks, verbatim"))
        }
        if !output.followUpDraft.body.contains("[[") {
            problems.append(ErrorDetail(field: "$.follow_up_draft.body", problem: "must mark what is not known yet with [[placeholders]]"))
        }
        let allowed = enrichment.sourceURLs
        let cited = output.insights.enumerated().map { ("$.insights[\($0.offset)].source_url", $0.element.sourceURL) }
            + output.hooks.enumerated().map { ("$.hooks[\($0.offset)].source_url", $0.element.sourceURL) }
        for (field, url) in cited {
            if let url, !allowed.contains(url) { problems.append(ErrorDetail(field: field, problem: "\(url) is not one of the sources")) }
        }
        let everything = ([output.preMeetingDraft.subject, output.preMeetingDraft.body, output.followUpDraft.subject, output.followUpDraft.body]
            + output.insights.map(\.text) + output.hooks.map(\.hook)).joined(separator: "\n").lowercased()
        for claim in steering.disallowedClaims where everything.contains(claim.lowercased()) {
            problems.append(ErrorDetail(field: "$", problem: "makes a disallowed claim: \"\(claim)\""))
        }
        return problems
    }
}

/// Word splitting for the checks above: lower-cased letters and digits.
enum OfflineWords {
    /// First words too common to stand for a company on their own.
    static let common: Set<String> = ["the", "blue", "green", "red", "first", "global", "united", "general", "national", "american",
                                      "international", "open", "smart", "digital", "new", "north", "south", "east", "west", "data"]

    static func words(_ text: String) -> [String] {
        Words.split(text.lowercased())
    }
}
