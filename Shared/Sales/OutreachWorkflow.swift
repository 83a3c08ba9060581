import Core
import FoundationEssentials
import Providers
import Store
import Workflows

/// The outreach workflow's six steps (issue 15): load the context (research required unless
/// allowed without), look for similar past wins, plan the strategy, then write the subject, the
/// body and a refined pass, each an LLM call whose answer must pass `OutreachChecks` (repaired
/// once, else the run fails at that step with the reason; a refined pass that still fails is
/// not applied, and the written subject and body, which passed, stand). The last step's output is the whole
/// draft, which the success hook stores in the transaction that marks the run succeeded.
package struct OutreachWorkflow: Sendable {
    package static let name = "outreach"
    package static let stepNames = ["load_context", "analyze_similar_wins", "plan_email_strategy", "generate_subject", "generate_body", "refine_draft"]

    /// One active run per prospect and event: `prospect:7`, or `prospect:7:event:3` for an invitation.
    package static func subject(prospectID: Int, eventID: Int?) -> String {
        "prospect:\(prospectID)" + (eventID.map { ":event:\($0)" } ?? "")
    }

    /// A run's input: the request's fields, only those given (so a repeated request resumes a failed run).
    package static func input(_ request: OutreachRequest) -> JSONValue {
        var input: [String: JSONValue] = ["prospect_id": .number(Double(request.prospectID)), "allow_without_research": .bool(request.allowWithoutResearch)]
        if let eventID = request.eventID { input["event_id"] = .number(Double(eventID)) }
        if let notes = request.customContext?.trimmingWhitespace(), !notes.isEmpty { input["custom_context"] = .string(notes) }
        return .object(input)
    }

    package static func request(_ input: JSONValue) throws -> OutreachRequest {
        guard let prospectID = input["prospect_id"]?.intValue else { throw BundleError(.internal, "the outreach run has no prospect_id") }
        return OutreachRequest(prospectID: prospectID, eventID: input["event_id"]?.intValue, customContext: input["custom_context"]?.stringValue,
                               allowWithoutResearch: input["allow_without_research"]?.boolValue ?? false)
    }

    /// How many past wins the strategy sees.
    static let pastWinLimit = 5

    /// `analyze_similar_wins`' output: what was searched, what was found, and a note when nothing was.
    package struct SimilarWins: Codable, Sendable, Equatable {
        package var query: String
        package var wins: [PastWin]
        package var note: String?
        package var unavailable: Bool
    }

    /// `generate_subject`'s and `generate_body`'s outputs.
    package struct Text: Codable, Sendable, Equatable {
        package var text: String
        package var llm: LLMUsageSummary
    }

    let services: OutreachServices
    let llm: LLMClient
    let database: any Database
    let deadline: Deadline

    /// `llm` is the client the steps call (the services' one, counting this run's calls).
    init(services: OutreachServices, llm: LLMClient, database: any Database, deadline: Deadline) {
        self.services = services
        self.llm = llm
        self.database = database
        self.deadline = deadline
    }

    package func steps() -> [WorkflowStep] {
        [
            .typed("load_context", summarize: { outputs in
                let request = try? Self.request(outputs.input)
                return "prospect \(request?.prospectID ?? 0)" + (request?.eventID.map { ", event \($0)" } ?? "")
                    + (request?.customContext.map { ", custom context of \($0.count) characters" } ?? "")
            }) { outputs, _ in try OutreachContext.load(try Self.request(outputs.input), database: database) },
            .typed("analyze_similar_wins", summarize: { _ in "search over past communications with outcomes" }) { outputs, _ in
                try await similarWins(try outputs.decode("load_context", as: OutreachContext.self))
            },
            .typed("plan_email_strategy", summarize: { outputs in
                "context and \((try? outputs.decode("analyze_similar_wins", as: SimilarWins.self))?.wins.count ?? 0) past wins"
            }) { outputs, _ in
                let context = try outputs.decode("load_context", as: OutreachContext.self)
                return try await plan(context, wins: try outputs.decode("analyze_similar_wins", as: SimilarWins.self).wins)
            },
            .typed("generate_subject", summarize: { _ in "context and strategy" }) { outputs, _ in
                let inputs = try Inputs(outputs, claims: services.disallowedClaims)
                let result = try await llm.run(OutreachSubjectTask(context: inputs.context, strategy: inputs.strategy, checks: inputs.checks),
                                               deadline: deadline)
                return Text(text: result.output.subject.trimmingWhitespace(), llm: result.usage)
            },
            .typed("generate_body", summarize: { _ in "context, strategy and subject" }) { outputs, _ in
                let inputs = try Inputs(outputs, claims: services.disallowedClaims)
                let subject = try outputs.decode("generate_subject", as: Text.self).text
                let task = OutreachBodyTask(context: inputs.context, strategy: inputs.strategy, subject: subject, checks: inputs.checks)
                let result = try await llm.run(task, deadline: deadline)
                return Text(text: result.output.body.trimmingWhitespace(), llm: result.usage)
            },
            .typed("refine_draft", summarize: { _ in "the subject and body written" }) { outputs, attempt in
                try await refine(outputs, runID: attempt.runID)
            },
        ]
    }

    /// The text past wins are searched with: the company, industry, pains, solutions and event.
    static func winsQuery(_ context: OutreachContext) -> String {
        var parts: [String] = [context.companyName, context.prospect.industry ?? context.company?.industry ?? "", context.prospect.title]
        parts += Array(context.research?.painPoints.prefix(3) ?? [])
        parts += (context.research?.solutions ?? []).prefix(3).map(\.name)
        parts.append(context.event?.title ?? "")
        return String(parts.filter { !$0.isEmpty }.joined(separator: "; ").prefix(1000))
    }

    /// Nothing found is normal and said; a search that cannot run is said too, and the draft goes on without.
    func similarWins(_ context: OutreachContext) async throws -> SimilarWins {
        let query = Self.winsQuery(context)
        do {
            let wins = try await services.similarWins().similarWins(to: query, limit: Self.pastWinLimit, deadline: deadline)
            return SimilarWins(query: query, wins: Array(wins.prefix(Self.pastWinLimit)),
                               note: wins.isEmpty ? "none found: no similar past communication with an outcome; the draft uses the research only" : nil,
                               unavailable: false)
        } catch {
            let reason = BundleError.converting(error, otherwise: BundleError(.unavailable, "the past-win search failed")).message
            return SimilarWins(query: query, wins: [], note: "past-win search unavailable (\(reason)); the draft uses the research only", unavailable: true)
        }
    }

    /// The model's strategy with what it may not use dropped: solutions not recommended by the
    /// research, proof points citing neither a research source nor a past win found.
    func plan(_ context: OutreachContext, wins: [PastWin]) async throws -> OutreachStrategy {
        let task = EmailStrategyTask(context: context, pastWins: wins)
        let result = try await llm.run(task, deadline: deadline)
        let recommended = Dictionary(task.recommended.map { ($0.lowercased(), $0) }, uniquingKeysWith: { first, _ in first })
        var seen = Set<String>()
        let solutions = result.output.solutions.compactMap { recommended[$0.lowercased()] }.filter { seen.insert($0).inserted }
        let citations = task.citations
        let proof = result.output.proofPoints.filter { citations.contains($0.source) }
        return OutreachStrategy(approach: result.output.approach, tone: result.output.tone, solutions: Array(solutions.prefix(3)), proofPoints: proof,
                                droppedSolutions: result.output.solutions.count - solutions.prefix(3).count,
                                droppedProofPoints: result.output.proofPoints.count - proof.count, llm: result.usage)
    }

    func refine(_ outputs: WorkflowOutputs, runID: Int) async throws -> OutreachResult {
        let inputs = try Inputs(outputs, claims: services.disallowedClaims)
        let subject = try outputs.decode("generate_subject", as: Text.self)
        let body = try outputs.decode("generate_body", as: Text.self)
        let task = OutreachRefineTask(context: inputs.context, strategy: inputs.strategy, subject: subject.text, body: body.text, checks: inputs.checks)
        let result: LLMResult<OutreachRefineTask.Output>?
        var note: String?
        do {
            result = try await llm.run(task, deadline: deadline)
        } catch let error as BundleError where !error.isRetryable && (error.code == .upstreamFailed || error.code == .internal) {
            // The answer failed the checks even after its repair. The generated subject and body
            // passed those same checks, so they stand; the step says why they were not refined.
            result = nil
            note = "refinement not applied, the generated subject and body are kept: " + String(error.message.prefix(400))
        }
        let calls = [inputs.strategy.llm, subject.llm, body.llm] + (result.map { [$0.usage] } ?? [])
        let providers = Array(Set(calls.map(\.provider))).sorted()
        let used = OutreachResult.ContextUsed(researchRunID: inputs.context.research?.runID, withoutResearch: inputs.context.withoutResearch,
                                              pastWins: inputs.wins.map(\.communicationID), eventID: inputs.context.event?.id,
                                              customContext: inputs.context.customContext, sources: inputs.checks.sources,
                                              proofPoints: inputs.strategy.proofPoints, approach: inputs.strategy.approach, tone: inputs.strategy.tone,
                                              llmProviders: providers, similarWinsNote: inputs.similar.note,
                                              offline: providers == ["offline"])
        return OutreachResult(runID: runID, prospectID: inputs.context.prospect.id, eventID: inputs.context.event?.id,
                              subject: (result?.output.subject ?? subject.text).trimmingWhitespace(),
                              body: (result?.output.body ?? body.text).trimmingWhitespace(),
                              changes: result?.output.changes ?? [], suggestedSolutions: inputs.strategy.solutions, contextUsed: used,
                              withoutResearch: inputs.context.withoutResearch, llm: result?.usage, refinementNote: note)
    }

    /// What the writing steps read from the steps before them, strictly (a missing output fails the step by name).
    struct Inputs {
        var context: OutreachContext
        var similar: SimilarWins
        var strategy: OutreachStrategy
        var checks: OutreachChecks
        var wins: [PastWin] { similar.wins }

        init(_ outputs: WorkflowOutputs, claims: [String]) throws {
            context = try outputs.decode("load_context", as: OutreachContext.self)
            similar = try outputs.decode("analyze_similar_wins", as: SimilarWins.self)
            strategy = try outputs.decode("plan_email_strategy", as: OutreachStrategy.self)
            checks = OutreachChecks(context: context, pastWins: similar.wins, disallowedClaims: claims)
        }
    }
}
