import Calendars
import Core
import Foundation
import Meetings
import Providers
import Store
import TestSupport
import Testing

@Suite struct SynthesisTaskTests {
    let directory: TemporaryDirectory
    let meeting: Meeting

    init() throws {
        directory = try TemporaryDirectory()
        let database = try SQLiteDatabase(path: directory.file("bundle.sqlite"))
        let now = Timestamp.parse("2026-01-05T00:00:00Z")!
        let start = now.addingTimeInterval(86_400)
        let event = CalendarEvent(id: "m1", title: "Discovery call: Northwind", start: start, end: start.addingTimeInterval(1800),
                                  attendees: [.init(email: "alex@ourco.example", isOrganizer: true),
                                              .init(email: "dana@northwind-logistics.com", name: "Dana Reyes")])
        _ = try MeetingSync(database: database, ownDomains: ["ourco.example"])
            .apply(CalendarFetch(events: [event], skipped: [], warnings: [], isComplete: true, notModified: false, etag: nil),
                   windowStart: now, windowEnd: now.addingTimeInterval(7 * 86_400), now: now)
        meeting = try #require(try MeetingStore(database: database).meeting(1))
    }

    func enrichment(_ sources: [SearchResult]) -> Enrichment {
        let category = Enrichment.Category(query: "q", freshness: "month", sources: sources, error: nil)
        let empty = Enrichment.Category(query: "q", freshness: "year", sources: [], error: nil)
        return Enrichment(provider: "test", news: category, rolePains: empty, competitors: empty, warnings: [], enrichedAt: "2026-01-05T00:00:00Z")
    }

    let sources = [SearchResult(url: "https://news.example/fleet", title: "Northwind expands its fleet to 400 trucks", snippet: "120 new trucks"),
                   SearchResult(url: "https://news.example/cfo", title: "Northwind hires a new CFO", snippet: "cost control")]

    @Test func theOfflineAnswerPassesItsOwnRules() {
        for sources in [sources, []] {
            let task = SynthesisTask(meeting: meeting, enrichment: enrichment(sources), steering: .defaultProfile)
            let answer = task.offlineAnswer()
            #expect(task.validate(answer).isEmpty, "\(task.validate(answer))")
            #expect((80...150).contains(TextRules.wordCount(answer.preMeetingDraft.body)))
            #expect(answer.preMeetingDraft.body.hasPrefix("Hi Dana,"))
        }
        let answer = SynthesisTask(meeting: meeting, enrichment: enrichment(sources), steering: .defaultProfile).offlineAnswer()
        #expect(answer.insights.first?.sourceURL == "https://news.example/fleet")
        #expect(answer.hooks.first?.sourceURL == "https://news.example/fleet")
    }

    @Test func inventedLinksWrongLengthsAndDisallowedClaimsAreRejected() {
        let task = SynthesisTask(meeting: meeting, enrichment: enrichment(sources), steering: .defaultProfile)
        var answer = task.offlineAnswer()
        answer.insights[0].sourceURL = "https://invented.example/story"
        answer.preMeetingDraft.body = "Short? Very short."
        answer.followUpDraft.body = "Thanks. We offer guaranteed results."
        answer.hooksUsed = ["a hook that is not in the list", answer.hooks[0].hook]
        let fields = task.validate(answer).map(\.field)
        #expect(fields.contains("$.insights[0].source_url"))
        #expect(fields.filter { $0 == "$.pre_meeting_draft.body" }.count == 2, "word count and question count")
        #expect(fields.contains("$.follow_up_draft.body"))
        #expect(fields.contains("$.hooks_used[0]"))
        #expect(task.validate(answer).contains { $0.problem.contains("guaranteed results") })
    }

    @Test func thePromptCarriesTheSourcesAndTheSteering() {
        let task = SynthesisTask(meeting: meeting, enrichment: enrichment(sources), steering: .defaultProfile)
        #expect(task.prompt.contains("[https://news.example/fleet]"))
        #expect(task.prompt.contains("Company: Northwind Logistics"))
        #expect(task.system.contains("Never claim: guaranteed results"))
        #expect(task.system.contains("company news 0.4"))
    }
}
