import Core
import Platform
import Providers
import Testing

@Suite struct BriefTaskTests {
    let notes = """
        Quarterly review with the Acme support team. Ticket backlog grew 30% and response times are a real problem.
        The team is excited about the new triage bot and agreed it could help. We will send the pilot plan by Monday.
        Please review the staffing model before the next call.
        """

    @Test func offlineBriefIsDeterministicAndPassesItsOwnChecks() throws {
        let task = BriefTask(text: notes)
        let brief = task.offlineAnswer()
        #expect(brief == task.offlineAnswer())
        #expect(task.validate(brief).isEmpty)
        #expect(SchemaValidator.validate(try JSONValue(encoding: brief), against: task.schema).isEmpty)
        #expect(brief.title == "Quarterly review with the Acme support team")
        #expect(brief.actionItems == ["We will send the pilot plan by Monday.", "Please review the staffing model before the next call."])
        #expect((1...3).contains(brief.keyPoints.count))
    }

    @Test func sentimentFollowsTheLexicon() {
        #expect(TextRules.sentiment("Great progress, the team is happy and excited.") == "positive")
        #expect(TextRules.sentiment("The delay is a risk and the customer is frustrated.") == "negative")
        #expect(TextRules.sentiment("The meeting is on Tuesday.") == "neutral")
    }

    @Test func validationCatchesOverlongAnswers() {
        let task = BriefTask(text: notes)
        let long = BriefTask.Output(title: Array(repeating: "word", count: 12).joined(separator: " "), summary: "ok sure",
                                    keyPoints: ["a"], actionItems: [], sentiment: "neutral")
        #expect(task.validate(long).map(\.field) == ["$.title"])
    }

    @Test(arguments: [
        "Q3/Q4 numbers: 12.5% up, 3.2% down, 1.1% flat today. We met.",
        "Attendees: ana@x.test, bo@y.test, cy@z.test, di@w.test, ed@v.test, fi@u.test, gus@t.test, hal@s.test, ivy@r.test. Done.",
        "See https://example.test/a/very/long/path/that/goes/on/and/on?with=query&and=more&still=more for details now please.",
        String(repeating: "Supercalifragilisticexpialidocious ", count: 40) + "end.",
        "ok",
        "",
    ])
    func offlineBriefsOfAwkwardTextPassTheirOwnChecks(text: String) throws {
        let task = BriefTask(text: text)
        let brief = task.offlineAnswer()
        #expect(task.validate(brief).isEmpty, "\(brief)")
        #expect(SchemaValidator.validate(try JSONValue(encoding: brief), against: task.schema).isEmpty, "\(brief)")
    }
}
