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
}
