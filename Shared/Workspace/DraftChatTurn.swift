import Core
import FoundationEssentials
import Providers
import Runtime
import Synchronization

/// One message of the chat about a draft and its answer: the person's message saved first; the
/// model streamed with the active `chat` prompt, the draft and the summary, the recent history and
/// the two tools; each tool call run (at most `DraftChatTools.maximumCallsPerRound` of a round)
/// and its result sent back, at most `maximumToolRounds` rounds (then one more answer without
/// tools); the answer saved whatever happens (complete, or partial with the error when the stream
/// failed, and when the client went away the emits are no-ops and the turn runs on to save).
package struct DraftChatTurn: Sendable {
    package static let maximumToolRounds = 3
    /// The history sent to the model: at most this many earlier messages and characters.
    static let historyMessages = 20
    static let historyCharacters = 24_000
    static let step = "chat"

    let context: FunctionContext
    let store: DraftChatStore
    let drafts: DraftChatDrafts

    package init(context: FunctionContext, store: DraftChatStore, drafts: DraftChatDrafts) {
        self.context = context
        self.store = store
        self.drafts = drafts
    }

    package func run(conversationID: Int, message: String) async throws -> DraftChatTurnAnswer {
        guard try store.conversationExists(conversationID) else { throw BundleError(.notFound, "conversation \(conversationID) does not exist") }
        if let project = try drafts.project(conversationID) {
            throw Self.locked(conversationID, project)
        }
        guard var draft = try drafts.draft(conversationID) else {
            throw BundleError(.conflict, "conversation \(conversationID) has no project draft yet: POST /api/conversations/\(conversationID)/project-draft generates one",
                              retryable: false)
        }
        let prompt = try context.activePrompt(DraftChatPrompt.promptType)
        let llm = try context.llm(for: prompt)
        let history = try store.recent(conversationID: conversationID, count: Self.historyMessages)
        let user = try store.append(.init(role: .user, content: message, sentBy: context.principal), conversationID: conversationID,
                                    requireUnlocked: true, now: context.clock.now())
        context.emit("status", ["status": "analyzing_request"])
        let summary = try ChatSummaryStore(database: store.database).summary(conversationID).flatMap { $0.status == .ready ? $0.text : nil }
        let files = try ConversationFileStore(database: store.database).texts(conversationID: conversationID, perFile: DraftChatPrompt.maximumFileText,
                                                                              total: DraftChatPrompt.maximumFilesText)

        var messages = Self.bounded(history) + [LLMChatMessage(.user, message)]
        let transcript = Transcript(context: context)
        var toolRecords: [JSONValue] = []
        var project: LinearProjectRecord?
        var usage = Usage()
        var model = llm.provider.model
        var round = 0
        do {
            while true {
                let tools = round < Self.maximumToolRounds && project == nil ? DraftChatTools.all : []
                let current = draft
                let request = LLMChatRequest(system: DraftChatPrompt.system(prompt: prompt, draft: current, summary: summary, files: files), messages: messages,
                                             tools: tools, offlineReply: { messages in
                                                 OfflineDraftChat.reply(to: messages, title: current.active.title, description: current.active.description)
                                             })
                context.emit("status", ["status": "generating_response"])
                transcript.startRound()
                let result = try await llm.streamChat(request, step: Self.step, deadline: context.deadline) { event in
                    switch event {
                    case .text(let piece): transcript.append(piece)
                    case .toolCallStarted(let name): context.emit("status", ["status": "calling_tool", "tool": .string(name)])
                    }
                }
                usage.add(result.usage)
                model = result.completion.model
                transcript.finishRound(with: result.completion.text)
                let calls = tools.isEmpty ? [] : result.completion.toolCalls
                guard !calls.isEmpty else { break }
                round += 1
                messages.append(LLMChatMessage(.assistant, result.completion.text, toolCalls: calls))
                // `calling_tool` was sent as each call started streaming (`toolCallStarted`).
                for (index, call) in calls.enumerated() {
                    let outcome = index < DraftChatTools.maximumCallsPerRound
                        ? await DraftChatTools.run(call, conversationID: conversationID, drafts: drafts, context: context)
                        : DraftChatTools.notRun(call)
                    if let changed = outcome.draft { draft = changed }
                    if let created = outcome.project { project = created }
                    toolRecords.append(outcome.record)
                    messages.append(.toolResult(for: call, outcome.resultText))
                }
            }
        } catch {
            let failure = error as? LLMStreamFailure
            if let failure { transcript.finishRound(with: failure.partial.text) }
            let bundleError = failure?.error ?? BundleError.converting(error, otherwise: BundleError(.internal, "the chat failed"))
            let text = transcript.text
            _ = try? store.append(.init(role: .assistant, content: text, status: text.isEmpty ? .failed : .partial, error: bundleError.message,
                                        toolCalls: toolRecords, provider: llm.provider.name, model: failure?.partial.model ?? model,
                                        promptVersion: prompt.version), conversationID: conversationID, requireUnlocked: false, now: context.clock.now())
            context.logger.warning("workspace.chat_turn_failed", ["conversation": .number(Double(conversationID)), "code": .string(bundleError.code.rawValue),
                                                                  "rounds": .number(Double(round))])
            throw bundleError
        }
        let assistant = try store.append(.init(role: .assistant, content: transcript.text, toolCalls: toolRecords, provider: llm.provider.name,
                                               model: model, promptVersion: prompt.version),
                                         conversationID: conversationID, requireUnlocked: false, now: context.clock.now())
        context.logger.info("workspace.chat_turn", ["conversation": .number(Double(conversationID)), "rounds": .number(Double(round)),
                                                    "tools": .number(Double(toolRecords.count)), "client_open": .bool(context.events?.isOpen ?? false)])
        let existing = try project ?? drafts.project(conversationID)
        let after = try drafts.draft(conversationID) ?? draft
        return DraftChatTurnAnswer(conversationID: conversationID, userMessage: user, assistantMessage: assistant,
                                   projectDraft: ProjectDraftAnswer(after), conversationLocked: existing != nil || after.isLocked,
                                   project: existing.map(LinearProjectAnswer.init), toolCalls: toolRecords,
                                   usage: usage.summary(model: model))
    }

    static func locked(_ conversationID: Int, _ project: LinearProjectRecord) -> BundleError {
        BundleError(.conflict, "conversation \(conversationID) is locked: it has the Linear project \"\(project.title)\" (\(project.url))",
                    retryable: false)
    }

    /// The newest messages that fit `historyCharacters`, oldest first; empty ones (a failed answer) left out.
    static func bounded(_ history: [DraftChatMessage]) -> [LLMChatMessage] {
        var kept: [LLMChatMessage] = []
        var characters = 0
        for message in history.reversed() where !message.content.isEmpty {
            characters += message.content.count
            if characters > historyCharacters { break }
            kept.append(LLMChatMessage(message.role == .user ? .user : .assistant, message.content))
        }
        return kept.reversed()
    }
}

/// The answer's text across rounds, streamed as `content` events as it arrives: rounds are
/// separated by a blank line (sent once the next round's text starts), so the client's text and
/// the stored text are the same.
private final class Transcript: Sendable {
    private struct State {
        var finished: [String] = []
        var current = ""
    }

    private let context: FunctionContext
    private let state = Mutex(State())

    init(context: FunctionContext) {
        self.context = context
    }

    var text: String { state.withLock { $0.finished.joined(separator: "\n\n") } }

    func startRound() {
        state.withLock { $0.current = "" }
    }

    func append(_ piece: String) {
        guard !piece.isEmpty else { return }
        let separated = state.withLock { state -> String in
            defer { state.current += piece }
            return state.current.isEmpty && !state.finished.isEmpty ? "\n\n" + piece : piece
        }
        context.emit("content", ["content": .string(separated)])
    }

    /// Ends the round with the provider's whole text (which is what was streamed, or more when a
    /// provider sent no pieces).
    func finishRound(with text: String) {
        state.withLock { state in
            let whole = text.count >= state.current.count ? text : state.current
            if !whole.trimmingWhitespace().isEmpty { state.finished.append(whole) }
            state.current = ""
        }
    }
}

/// What the turn's calls cost together: the first call's summary with the later ones added.
private struct Usage {
    var total: LLMUsageSummary?

    mutating func add(_ usage: LLMUsageSummary) {
        guard var sum = total else {
            total = usage
            return
        }
        sum.provider = usage.provider
        sum.attempts += usage.attempts
        sum.promptTokens += usage.promptTokens
        sum.completionTokens += usage.completionTokens
        if let cost = usage.costUSD { sum.costUSD = (sum.costUSD ?? 0) + cost }
        sum.latencyMs += usage.latencyMs
        total = sum
    }

    /// Nil only when no call finished, which a saved answer never has.
    func summary(model: String) -> LLMUsageSummary? {
        guard var sum = total else { return nil }
        sum.model = model
        return sum
    }
}
