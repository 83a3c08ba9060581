import Core
import Providers

extension Meeting {
    /// The meeting's row in the team's Notion database: Name (title), Company, Role, Attendee
    /// (the first external attendee), Insights (one bullet each), Draft (the pre-meeting email),
    /// Start (date), Status (select).
    var notionRow: [NotionProperty] {
        let attendee = attendees.first { !$0.isOrganizer }
        let insights = (insights?.arrayValue ?? []).compactMap { $0["text"]?.stringValue }.map { "• " + $0 }.joined(separator: "\n")
        return [
            NotionProperty("Name", .title(title)),
            NotionProperty("Company", .text(company ?? "")),
            NotionProperty("Role", .text(role ?? "")),
            NotionProperty("Attendee", attendee.map { .contact(name: $0.name, email: $0.email) } ?? .text("")),
            NotionProperty("Insights", .text(insights)),
            NotionProperty("Draft", .text(preMeetingDraft?["body"]?.stringValue ?? "")),
            NotionProperty("Start", .date(start: start, end: end)),
            NotionProperty("Status", .select(status)),
        ]
    }
}
