import Calendars
import Core
import Foundation
import Jobs
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
        let database = try TestDatabase.open(directory.file("bundle.sqlite"), migrations: ProvidersSchema.migrations + JobsSchema.migrations + MeetingsSchema.migrations)
        try SampleMeeting.sync(into: database)
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

    @Test func anotherCompanysNewsIsNeverAnInsightAboutThisOne() {
        let fernhill = SearchResult(url: "https://news.example/fernhill", title: "Fernhill Health moves patient booking online", snippet: "14 clinics")
        let task = SynthesisTask(meeting: meeting, enrichment: enrichment(sources + [fernhill]), steering: .defaultProfile)
        #expect(!task.prompt.contains("Fernhill"), "left out of what the model sees")
        let answer = task.offlineAnswer()
        #expect(!answer.insights.contains { $0.sourceURL == fernhill.url || $0.text.contains("Fernhill") })
        #expect(!answer.hooks.contains { $0.sourceURL == fernhill.url })
        var cited = answer
        cited.insights[0].sourceURL = fernhill.url
        #expect(task.validate(cited).map(\.field).contains("$.insights[0].source_url"), "a model citing it is refused")

        // A meeting with no company keeps no company news at all; the insights come from the steering profile.
        var freelance = meeting
        freelance.company = nil
        let alone = SynthesisTask(meeting: freelance, enrichment: enrichment([fernhill]), steering: .defaultProfile).offlineAnswer()
        #expect(alone.insights.allSatisfy { $0.sourceURL == nil })
        #expect(!alone.preMeetingDraft.body.contains("Fernhill"))
    }

    @Test func theOfflineDraftReadsLikeAPersonWroteIt() {
        var signed = meeting
        signed.attendees[0].name = "Alex Kim"
        let task = SynthesisTask(meeting: signed, enrichment: enrichment(sources), steering: .defaultProfile)
        let body = task.offlineAnswer().preMeetingDraft.body
        #expect(!body.contains("I saw \""), "\(body)")
        #expect(body.contains("I saw the news that Northwind expands its fleet to 400 trucks."), "\(body)")
        #expect(body.contains("We build an AI assistant"), "\(body)")
        #expect(body.hasSuffix("Best regards,\nAlex"), "signed by the organizer")
        #expect(task.validate(task.offlineAnswer()).isEmpty)
        // Every sentence ends once: no ". ." or ".." from headlines that end in a period.
        #expect(!body.contains("..") && !body.contains(". ."))
    }
}
