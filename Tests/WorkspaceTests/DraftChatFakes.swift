import Core
import Foundation
import HTTPTransport
import Providers
import Runtime
import Store
import Synchronization
import TestSupport
import Workspace

/// A streaming LLM that answers each call with the next scripted step: text sent in pieces and
/// tool calls, or a failure after some pieces. It keeps the requests it got; past the script it
/// answers with the request's own offline reply, streamed a word at a time.
final class ScriptedChatLLM: LLMProvider {
    enum Step: Sendable {
        case answer(pieces: [String], calls: [LLMToolCall])
        case failAfter(pieces: [String], BundleError)
        case offline
    }

    let name = "fake-stream"
    let model = "fake-chat-1"
    private let script: Mutex<[Step]>
    private let seen = Mutex<[LLMChatRequest]>([])

    init(_ steps: [Step]) {
        script = Mutex(steps)
    }

    /// Every call asks for `update_project_draft` (to test the round bound).
    static func alwaysCalling(_ count: Int) -> ScriptedChatLLM {
        ScriptedChatLLM((0..<count).map { index in
            .answer(pieces: ["Round \(index). "], calls: [LLMToolCall(id: "call-\(index)", name: "update_project_draft",
                                                                       arguments: #"{"title": "Title \#(index)"}"#)])
        })
    }

    var requests: [LLMChatRequest] { seen.withLock { $0 } }

    func complete(_ request: LLMRequest, deadline: Deadline) async throws -> LLMCompletion {
        throw BundleError(.internal, "the chat fake only streams")
    }

    func streamChat(_ request: LLMChatRequest, deadline: Deadline,
                    onEvent: @escaping @Sendable (LLMStreamEvent) -> Void) async throws -> LLMChatCompletion {
        seen.withLock { $0.append(request) }
        let step = script.withLock { $0.isEmpty ? Step.offline : $0.removeFirst() }
        switch step {
        case .answer(let pieces, let calls):
            for piece in pieces { onEvent(.text(piece)) }
            for call in calls { onEvent(.toolCallStarted(name: call.name)) }
            return LLMChatCompletion(text: pieces.joined(), toolCalls: calls, model: model, finishReason: calls.isEmpty ? "stop" : "tool_calls",
                                     promptTokens: 20, completionTokens: 5)
        case .failAfter(let pieces, let error):
            for piece in pieces { onEvent(.text(piece)) }
            throw LLMStreamFailure(partial: LLMChatCompletion(text: pieces.joined(), model: model), error: error)
        case .offline:
            let reply = request.offlineReply(request.messages)
            for word in reply.text.split(separator: " ", omittingEmptySubsequences: false) { onEvent(.text(String(word) + " ")) }
            return LLMChatCompletion(text: reply.text.split(separator: " ", omittingEmptySubsequences: false).map { $0 + " " }.joined(),
                                     toolCalls: reply.toolCalls, model: reply.model, finishReason: reply.finishReason)
        }
    }
}

/// The events a turn sent, in order.
final class RecordedEvents: EventSink {
    private let events = Mutex<[(event: String, data: JSONValue)]>([])
    private let open: Mutex<Bool>

    init(open: Bool = true) {
        self.open = Mutex(open)
    }

    func send(event: String, data: JSONValue) {
        guard isOpen else { return }
        events.withLock { $0.append((event, data)) }
    }

    var isOpen: Bool { open.withLock { $0 } }
    func close() { open.withLock { $0 = false } }

    var all: [(event: String, data: JSONValue)] { events.withLock { $0 } }
    var names: [String] { all.map(\.event) }
    var content: String { all.filter { $0.event == "content" }.compactMap { $0.data["content"]?.stringValue }.joined() }
    var statuses: [String] { all.filter { $0.event == "status" }.compactMap { $0.data["status"]?.stringValue } }
}

/// Drafts and a Linear project kept in memory, standing in for `ProjectDraftStore` and
/// `ProjectCreation` so the turn is tested on its own.
final class MemoryDrafts: Sendable {
    private struct State {
        var versions: [(title: String, description: String)] = []
        var project: LinearProjectRecord?
    }

    let conversationID: Int
    private let state: Mutex<State>

    init(conversationID: Int, title: String? = "Budget travel planner",
         description: String = "## Problem\nPlanning cheap trips takes hours.\n\n## Milestones\n- Prototype") {
        self.conversationID = conversationID
        state = Mutex(State(versions: title.map { [($0, description)] } ?? []))
    }

    var versionCount: Int { state.withLock { $0.versions.count } }
    var current: ProjectDraft? { state.withLock { Self.draft($0, conversationID) } }

    func lock(title: String = "Locked project") {
        state.withLock { $0.project = Self.project(conversationID, title: title, description: "d") }
    }

    var drafts: DraftChatDrafts {
        DraftChatDrafts(
            draft: { [self] _ in current },
            addVersion: { [self] _, title, description in
                try state.withLock { state in
                    if state.project != nil { throw BundleError(.conflict, "the conversation is locked") }
                    let active = state.versions.last!
                    let next = (title: title ?? active.title, description: description ?? active.description)
                    guard next != active else { return (Self.draft(state, conversationID)!, false) }
                    state.versions.append(next)
                    return (Self.draft(state, conversationID)!, true)
                }
            },
            createProject: { [self] _, title, description in
                try state.withLock { state in
                    if state.project != nil { throw BundleError(.conflict, "the conversation already has a project") }
                    state.project = Self.project(conversationID, title: title, description: description)
                    return state.project!
                }
            },
            project: { [self] _ in state.withLock { $0.project } })
    }

    private static func draft(_ state: State, _ conversationID: Int) -> ProjectDraft? {
        guard let last = state.versions.last else { return nil }
        let date = Date(timeIntervalSince1970: 1_800_000_000)
        let version = ProjectDraftVersion(id: state.versions.count, draftID: 1, versionNumber: state.versions.count, title: last.title,
                                          description: last.description, source: state.versions.count == 1 ? .generated : .chat,
                                          createdBy: nil, createdAt: date)
        return ProjectDraft(id: 1, conversationID: conversationID, active: version, versionCount: state.versions.count, createdAt: date, updatedAt: date)
    }

    private static func project(_ conversationID: Int, title: String, description: String) -> LinearProjectRecord {
        LinearProjectRecord(id: 1, conversationID: conversationID, linearProjectID: "lin-123", title: title, description: description,
                            url: "https://linear.app/acme/project/lin-123", createdBy: nil, createdAt: Date(timeIntervalSince1970: 1_800_000_000))
    }
}

extension WorkspaceHarness {
    /// A context streaming into `events`, its LLM client `provider`, as the chat function.
    func chatContext(_ provider: any LLMProvider, events: RecordedEvents? = nil, principal: String = "ana@example.com") -> FunctionContext {
        let clock = BundleClock(frozenAt: Timestamp.parse(WorkspaceHarness.now)!)
        let context = FunctionContext(function: "stream-draft-chat", requestID: "req-chat", config: Config([:]), clock: clock, logger: .discarding,
                                      deadline: Deadline(seconds: 60), http: ["principal": .string(principal)], database: database, events: events)
        context.provide(NoNetwork() as any Transport, as: (any Transport).self)
        context.provide(LLMClient(provider: provider, recorder: DatabaseLLMCallRecorder(database: database), function: "stream-draft-chat",
                                  requestID: "req-chat", clock: clock))
        return context
    }

    /// A saved conversation's id.
    func conversation(_ id: String = "chat-draft-1") throws -> Int {
        try ConversationStore(database: database).save(SummaryChats.short(id: id), importedBy: "test",
                                                       now: Date(timeIntervalSince1970: 1_800_000_000)).id
    }
}
