import Core
import Providers

/// What a project draft is made from: the conversation's title, its transcript (role and text of
/// each message, in order) and its summary when one is ready.
package struct ProjectDraftSource: Sendable, Equatable {
    package struct Message: Sendable, Equatable {
        package var role: String
        package var content: String

        package init(role: String, content: String) {
            self.role = role
            self.content = content
        }
    }

    package var title: String
    package var messages: [Message]
    package var summary: String?

    package init(title: String, messages: [Message], summary: String?) {
        self.title = title
        self.messages = messages
        self.summary = summary
    }

    /// The transcript as `role: text` paragraphs, at most `budget` characters: when it is longer,
    /// its start and its end (where a conversation's decisions usually are) with a marker between,
    /// and a note saying so for the prompt.
    package func transcript(budget: Int) -> (text: String, note: String?) {
        let whole = messages.map { "\($0.role): \($0.content)" }.joined(separator: "\n\n")
        guard whole.count > budget else { return (whole, nil) }
        let head = budget * 2 / 3
        let tail = budget - head
        let text = String(whole.prefix(head)) + "\n\n[… the middle of the conversation is left out …]\n\n" + String(whole.suffix(tail))
        return (text, "cut to its first \(head) and last \(tail) of \(whole.count) characters")
    }
}

/// The `project_draft` LLM call: the parts of a draft as JSON, which `markdown` renders under
/// fixed headings. Offline, the parts come from the conversation itself (`offlineAnswer`).
package struct ProjectDraftTask: StructuredTask {
    package struct Output: Codable, Sendable, Equatable {
        package var title: String
        package var problem: String
        package var goals: [String]
        package var scope: [String]
        package var milestones: [String]
        package var openQuestions: [String]

        enum CodingKeys: String, CodingKey {
            case title, problem, goals, scope, milestones
            case openQuestions = "open_questions"
        }

        package init(title: String, problem: String, goals: [String], scope: [String], milestones: [String], openQuestions: [String]) {
            self.title = title
            self.problem = problem
            self.goals = goals
            self.scope = scope
            self.milestones = milestones
            self.openQuestions = openQuestions
        }

        /// The description: the parts under `## Problem`, `## Goals`, `## Scope`, `## Milestones`
        /// (numbered) and `## Open questions`; an empty list says so rather than vanishing.
        package var markdown: String {
            func list(_ items: [String], numbered: Bool = false) -> String {
                let items = items.map { $0.trimmingWhitespace() }.filter { !$0.isEmpty }
                guard !items.isEmpty else { return "_None yet._" }
                return items.enumerated().map { numbered ? "\($0.offset + 1). \($0.element)" : "- \($0.element)" }.joined(separator: "\n")
            }
            let problem = self.problem.trimmingWhitespace()
            return """
                ## Problem

                \(problem.isEmpty ? "_Not stated yet._" : problem)

                ## Goals

                \(list(goals))

                ## Scope

                \(list(scope))

                ## Milestones

                \(list(milestones, numbered: true))

                ## Open questions

                \(list(openQuestions))
                """
        }
    }


    package let source: ProjectDraftSource
    /// The active `project_draft` system prompt (custom or built in).
    package let system: String
    /// Characters of transcript the prompt carries.
    package let transcriptBudget: Int

    package init(source: ProjectDraftSource, system: String, transcriptBudget: Int) {
        self.source = source
        self.system = system
        self.transcriptBudget = transcriptBudget
    }

    package let step = "project_draft.generate"
    package let schemaName = "project_draft"
    package var schema: JSONValue { Self.outputSchema }
    package var maxTokens: Int { 2_000 }

    package static let outputSchema: JSONValue = {
        let item = Schema.string(minLength: 1, maxLength: ProjectDraftLimits.item)
        let items = ProjectDraftLimits.items
        return Schema.object([
            "title": Schema.string("A short project name", minLength: 1, maxLength: ProjectDraftLimits.title),
            "problem": Schema.string("The need or problem, a few sentences", maxLength: ProjectDraftLimits.problem),
            "goals": Schema.array(item, maxItems: items),
            "scope": Schema.array(item, maxItems: items),
            "milestones": Schema.array(item, maxItems: items),
            "open_questions": Schema.array(item, maxItems: items),
        ])
    }()

    package var prompt: String {
        let transcript = source.transcript(budget: transcriptBudget)
        return ProjectDraftPrompt.user(title: source.title, summary: source.summary, transcript: transcript.text, transcriptNote: transcript.note)
    }

    package func validate(_ output: Output) -> [ErrorDetail] {
        output.title.trimmingWhitespace().isEmpty ? [ErrorDetail(field: "$.title", problem: "must not be blank")] : []
    }

    /// A draft from the conversation's own words: the title; the first request as the problem;
    /// the best sentences of the summary (or, without one, of the transcript) as goals; the
    /// person's later requests as scope; the questions the person asked as open questions; and
    /// milestones that walk from confirming the problem through the goals to a review.
    package func offlineAnswer() -> Output {
        let requests = source.messages.filter { Self.personRoles.contains($0.role.lowercased()) }
            .map { ExtractiveSummary.candidateSentences($0.content) }.filter { !$0.isEmpty }
        let firstRequest = requests.first.map { Array($0.prefix(3)) } ?? []
        var title = source.title.trimmingWhitespace()
        if title.isEmpty { title = firstRequest.first ?? "Untitled project" }
        var used = Set(firstRequest.map { $0.lowercased() })

        var questions: [String] = []
        for sentence in requests.joined() where sentence.hasSuffix("?") && used.insert(sentence.lowercased()).inserted {
            questions.append(Self.clip(sentence))
            if questions.count == 6 { break }
        }
        let goalText = source.summary.flatMap { $0.isEmpty ? nil : $0 } ?? source.messages.map { "\($0.role): \($0.content)" }.joined(separator: "\n")
        let goals = ExtractiveSummary.sentences(goalText, limit: 6).filter { !$0.hasSuffix("?") && used.insert($0.lowercased()).inserted }
            .prefix(3).map { Self.clip($0) }
        let scope = requests.dropFirst().compactMap(\.first).filter { used.insert($0.lowercased()).inserted }.prefix(4).map { Self.clip($0) }
        var milestones = ["Confirm the problem and goals with the people involved"]
        if !questions.isEmpty { milestones.append("Answer the open questions") }
        milestones += goals.prefix(3).map { "Deliver: \(Self.clip($0, to: 160))" }
        milestones.append("Review the outcome against the goals")
        return Output(title: Self.clip(title, to: ProjectDraftLimits.title),
                      problem: Self.clip(firstRequest.map { Self.clip($0) }.joined(separator: " "), to: ProjectDraftLimits.problem),
                      goals: Array(goals), scope: Array(scope), milestones: milestones, openQuestions: questions)
    }

    static let personRoles: Set<String> = ["user", "human", "me", "person"]

    static func clip(_ text: String, to limit: Int = ProjectDraftLimits.item) -> String {
        text.count <= limit ? text : String(text.prefix(limit - 1)) + "…"
    }
}
