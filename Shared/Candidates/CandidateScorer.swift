import Core
import FoundationEssentials
import Providers

/// Scores a role's candidates: extraction and the algorithmic score for all of them first (fast,
/// deterministic, stored in batches), then one AI assessment per candidate, as many at once as
/// the LLM client allows, each result stored as it arrives. A failed assessment leaves that
/// candidate ranked by its algorithmic score with a red flag, and the others go on; a
/// misconfigured provider stops the run, since no call could succeed. Work stored is never
/// redone: a run cut short by its deadline is resumed by the next (`only_unscored`).
package struct CandidateScorer: Sendable {
    package struct Summary: Codable, Sendable, Equatable {
        package var considered: Int
        package var scored: Int
        package var aiScored: Int
        package var aiFailed: Int
        /// Edited while the run was going: left for the next run.
        package var leftForNextRun: Int
        package var aiProvider: String?

        enum CodingKeys: String, CodingKey {
            case considered, scored
            case aiScored = "ai_scored"
            case aiFailed = "ai_failed"
            case leftForNextRun = "left_for_next_run"
            case aiProvider = "ai_provider"
        }

        package static let empty = Summary(considered: 0, scored: 0, aiScored: 0, aiFailed: 0, leftForNextRun: 0, aiProvider: nil)

        /// Two passes of one run, added up; what the first left is what the next pass took, so
        /// only the last pass's leftovers remain.
        package func adding(_ other: Summary) -> Summary {
            Summary(considered: considered + other.considered, scored: scored + other.scored, aiScored: aiScored + other.aiScored,
                    aiFailed: aiFailed + other.aiFailed, leftForNextRun: other.leftForNextRun, aiProvider: aiProvider ?? other.aiProvider)
        }
    }

    let store: CandidateStore
    let role: Role
    /// nil when the role gives the AI score no weight.
    let llm: LLMClient?
    let deadline: Deadline
    let clock: BundleClock
    let logger: Logger
    let progress: @Sendable (Int, String) -> Void
    let keepGoing: @Sendable () -> Bool

    package init(store: CandidateStore, role: Role, llm: LLMClient?, deadline: Deadline, clock: BundleClock, logger: Logger,
                 keepGoing: @escaping @Sendable () -> Bool = { true }, progress: @escaping @Sendable (Int, String) -> Void) {
        self.keepGoing = keepGoing
        self.store = store
        self.role = role
        self.llm = llm
        self.deadline = deadline
        self.clock = clock
        self.logger = logger
        self.progress = progress
    }

    static let batchSize = 500
    /// Stop starting assessments this close to the deadline, so what is done gets stored.
    static let deadlineMargin = 10.0

    package static func combine(algo: Double, ai: Double?, weights: Role.Weights) -> Double {
        guard let ai else { return algo }
        return AlgorithmicScore.round(algo * weights.algo + ai * weights.ai)
    }

    package func run(_ selection: CandidateStore.Selection) async throws -> Summary {
        let inputs = try store.scoringInputs(roleID: role.id, selection: selection)
        let names = try store.idsByName(roleID: role.id)
        var summary = Summary(considered: inputs.count, scored: 0, aiScored: 0, aiFailed: 0, leftForNextRun: 0, aiProvider: llm?.provider.name)
        guard !inputs.isEmpty else { return summary }
        let algoShare = llm == nil ? 100.0 : 10.0
        var toAssess: [ScoreRecord] = []
        var batch: [ScoreRecord] = []
        for (index, input) in inputs.enumerated() {
            batch.append(algorithmic(input, names: names))
            guard batch.count == Self.batchSize || index == inputs.count - 1 else { continue }
            let stored = try store.save(batch, roleRevision: role.revision, now: clock.now())
            summary.leftForNextRun += batch.count - stored.count
            if llm == nil { summary.scored += stored.count } else { toAssess += batch.filter { stored.contains($0.input.id) } }
            batch.removeAll(keepingCapacity: true)
            progress(Int(algoShare * Double(index + 1) / Double(inputs.count)), "algorithmic scores: \(index + 1) of \(inputs.count)")
        }
        if let llm { try await assess(toAssess, llm: llm, summary: &summary) }
        return summary
    }

    private func algorithmic(_ input: ScoringInput, names: [String: [Int]]) -> ScoreRecord {
        let others = (names[input.profile.name.lowercased()] ?? []).filter { $0 != input.id }
        let extraction = CandidateExtraction(input.profile, sameNameAs: others)
        let algo = AlgorithmicScore(profile: input.profile, extraction: extraction, role: role)
        var record = ScoreRecord(input: input, extraction: extraction, algorithmic: algo, aiStatus: llm == nil ? "skipped" : "pending")
        if llm == nil { finish(&record) }
        return record
    }

    private func finish(_ record: inout ScoreRecord) {
        (record.combined, record.tier) = role.rank(algo: record.algorithmic.score, ai: record.aiScore)
    }

    /// The AI step: a sliding window of assessments, results stored in small batches. It stops
    /// starting new ones near the deadline or when `keepGoing` says so (the role's lease was
    /// lost); what did not finish stays `pending` for the next run.
    private func assess(_ records: [ScoreRecord], llm: LLMClient, summary: inout Summary) async throws {
        guard !records.isEmpty else { return }
        let window = llm.limiter.limit
        let flushEvery = max(1, min(50, window))
        // Each call ends before the run's own deadline, so its answer can still be stored.
        let callDeadline = Deadline(seconds: max(1, deadline.remainingSeconds - Self.deadlineMargin / 2))
        var pending: [ScoreRecord] = []
        var done = 0
        var next = 0
        var stopped = false
        func flush() throws {
            let stored = try store.save(pending, roleRevision: role.revision, now: clock.now())
            for record in pending where stored.contains(record.input.id) {
                if record.aiStatus == "scored" { summary.aiScored += 1 } else { summary.aiFailed += 1 }
            }
            summary.scored += stored.count
            summary.leftForNextRun += pending.count - stored.count
            pending.removeAll(keepingCapacity: true)
            progress(10 + Int(90 * Double(done) / Double(records.count)), "AI assessments: \(done) of \(records.count)")
        }
        do {
            try await withThrowingTaskGroup(of: ScoreRecord?.self) { group in
                func startNext() {
                    guard !stopped, next < records.count else { return }
                    guard deadline.remainingSeconds >= Self.deadlineMargin, keepGoing() else {
                        stopped = true
                        return
                    }
                    let record = records[next]
                    next += 1
                    group.addTask { try await self.assessOne(record, llm: llm, deadline: callDeadline) }
                }
                for _ in 0..<min(window, records.count) { startNext() }
                while let result = try await group.next() {
                    done += 1
                    if let record = result { pending.append(record) } else { stopped = true }
                    if pending.count >= flushEvery || done == next { try flush() }
                    startNext()
                }
            }
        } catch {
            try? flush()
            throw error
        }
        if stopped || next < records.count {
            logger.warning("candidates.scoring_cut_short", ["done": .number(Double(done)), "total": .number(Double(records.count))])
            throw BundleError(.timeout, "assessed \(done) of \(records.count) candidates before the deadline; the retry goes on from there "
                              + "(or run score-candidates with only_unscored)")
        }
    }

    /// One assessment; nil when it ran out of time (the candidate stays pending, not failed).
    private func assessOne(_ record: ScoreRecord, llm: LLMClient, deadline: Deadline) async throws -> ScoreRecord? {
        var result = record
        let task = CandidateAssessmentTask(role: role, profile: record.input.profile, algorithmic: record.algorithmic)
        do {
            let answer = try await llm.run(task, deadline: deadline)
            result.aiStatus = "scored"
            result.aiScore = Double(max(0, min(100, answer.output.score)))
            result.aiRationale = Self.rationale(answer.output)
            result.aiProvider = answer.provider
        } catch let error as BundleError where error.code == .misconfigured {
            throw error
        } catch {
            let bundleError = BundleError.converting(error, otherwise: BundleError(.internal, "the assessment failed"))
            if bundleError.code == .timeout, deadline.hasPassed || self.deadline.remainingSeconds < Self.deadlineMargin { return nil }
            result.aiStatus = "failed"
            result.aiError = String(bundleError.message.prefix(200))
            result.aiProvider = llm.provider.name
        }
        finish(&result)
        return result
    }

    /// The rationale with the strengths and concerns folded in, as one text people read.
    static func rationale(_ output: CandidateAssessmentTask.Output) -> String {
        var text = output.rationale.trimmingWhitespace()
        if !output.strengths.isEmpty { text += "\nStrengths: " + output.strengths.joined(separator: "; ") }
        if !output.concerns.isEmpty { text += "\nConcerns: " + output.concerns.joined(separator: "; ") }
        return text
    }
}
