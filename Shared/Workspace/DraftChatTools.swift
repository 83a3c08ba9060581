import Core
import FoundationEssentials
import Providers
import Runtime

/// What the chat reads and changes outside its own messages: the draft and the Linear project.
/// Live, it is `ProjectDraftStore` and `ProjectCreation`; tests may hand the turn their own.
package struct DraftChatDrafts: Sendable {
    package var draft: @Sendable (_ conversationID: Int) throws -> ProjectDraft?
    /// A new active version made by the chat (`source: chat`) with the given title and/or
    /// description; the one left out is the active version's as it is when the version is
    /// written (not as the turn first read it, so a person's edit made meanwhile is kept). Text
    /// equal to the active version's makes no version (`changed` false).
    package var addVersion: @Sendable (_ conversationID: Int, _ title: String?, _ description: String?) throws
        -> (draft: ProjectDraft, changed: Bool)
    package var createProject: @Sendable (_ conversationID: Int, _ title: String, _ description: String) async throws -> LinearProjectRecord
    package var project: @Sendable (_ conversationID: Int) throws -> LinearProjectRecord?

    package init(draft: @escaping @Sendable (Int) throws -> ProjectDraft?,
                 addVersion: @escaping @Sendable (Int, String?, String?) throws -> (draft: ProjectDraft, changed: Bool),
                 createProject: @escaping @Sendable (Int, String, String) async throws -> LinearProjectRecord,
                 project: @escaping @Sendable (Int) throws -> LinearProjectRecord?) {
        self.draft = draft
        self.addVersion = addVersion
        self.createProject = createProject
        self.project = project
    }

    package static func live(_ context: FunctionContext) throws -> DraftChatDrafts {
        let store = ProjectDraftStore(database: try context.database())
        let principal = context.principal
        let clock = context.clock
        return DraftChatDrafts(
            draft: { try store.draft(conversationID: $0) },
            addVersion: { conversationID, title, description in
                guard let edited = try store.edit(conversationID: conversationID, title: title, description: description, source: .chat,
                                                  createdBy: principal, now: clock.now()) else {
                    throw BundleError(.notFound, "conversation \(conversationID) has no project draft any more", retryable: false)
                }
                return edited
            },
            createProject: { try await ProjectCreation.create(conversationID: $0, title: $1, description: $2, context: context) },
            project: { try ProjectCreation.project(conversationID: $0, context: context) })
    }
}

/// The two tools the chat's model may call, their schemas, and running them: each call becomes a
/// text result for the model (an error too, so the model can say what went wrong) and a record
/// for the stored message.
package enum DraftChatTools {
    package static let updateDraft = "update_project_draft"
    package static let createProject = "create_linear_project"
    package static let names = [updateDraft, createProject]

    static let maximumTitle = ProjectDraftLimits.title
    static let maximumDescription = ProjectDraftLimits.description
    /// The most calls of one round that run: a model asking for more gets, for each extra one,
    /// a result saying it was not run (every call needs a result), so a round's work is bounded.
    package static let maximumCallsPerRound = 4

    package static let all: [LLMTool] = [
        LLMTool(name: updateDraft,
                description: "Saves a new version of the project draft. Pass only what changes: a new title, a new full Markdown description, or both.",
                parameters: Schema.object([
                    "title": Schema.string("The new title", maxLength: maximumTitle),
                    "description": Schema.string("The whole new description in Markdown (problem, goals, scope, milestones, open questions)",
                                                 maxLength: maximumDescription),
                ], required: [])),
        LLMTool(name: createProject,
                description: "Creates the project in Linear from the draft. Only when the person asks for it: it locks the conversation, so the draft can no longer change.",
                parameters: Schema.object([
                    "title": Schema.string("The project's title", maxLength: maximumTitle),
                    "description": Schema.string("The project's description in Markdown", maxLength: maximumDescription),
                ], required: ["title", "description"])),
    ]

    /// What one tool call did.
    struct Outcome: Sendable {
        var record: JSONValue
        var resultText: String
        var draft: ProjectDraft?
        var project: LinearProjectRecord?
    }

    /// Runs one call; never throws (a failure is the call's result). Emits `project_updated` for a
    /// new draft version and `conversation_locked` for a created project.
    static func run(_ call: LLMToolCall, conversationID: Int, drafts: DraftChatDrafts, context: FunctionContext) async -> Outcome {
        var outcome = Outcome(record: .null, resultText: "")
        do {
            guard let input = call.input else { throw BundleError(.validationFailed, "the arguments are not a JSON object") }
            switch call.name {
            case updateDraft:
                let title = try text(input, "title", required: false, maximum: maximumTitle)
                let description = try text(input, "description", required: false, maximum: maximumDescription)
                guard title != nil || description != nil else { throw BundleError(.validationFailed, "pass a title, a description or both") }
                let (draft, changed) = try drafts.addVersion(conversationID, title, description)
                outcome.draft = draft
                if changed {
                    context.emit("project_updated", ["project_draft": try JSONValue(encoding: ProjectDraftAnswer(draft))])
                    outcome.resultText = "Saved version \(draft.active.versionNumber) of the draft, titled \"\(draft.active.title)\"."
                } else {
                    outcome.resultText = "Nothing changed: the draft already says that (version \(draft.active.versionNumber))."
                }
            case createProject:
                let title = try text(input, "title", required: true, maximum: maximumTitle) ?? ""
                let description = try text(input, "description", required: true, maximum: maximumDescription) ?? ""
                // The project is made from what the model sent: the draft says the same first
                // (after the project the conversation is locked and the draft cannot change);
                // text equal to the active version's makes no version.
                let (draft, changed) = try drafts.addVersion(conversationID, title, description)
                if changed {
                    outcome.draft = draft
                    context.emit("project_updated", ["project_draft": try JSONValue(encoding: ProjectDraftAnswer(draft))])
                }
                let project = try await drafts.createProject(conversationID, title, description)
                outcome.project = project
                context.emit("conversation_locked", ["project": try JSONValue(encoding: LinearProjectAnswer(project))])
                outcome.resultText = "Created the Linear project \"\(project.title)\" (\(project.url)). The conversation is now locked."
            default:
                throw BundleError(.validationFailed, "there is no tool named \(call.name)")
            }
            outcome.record = record(call, result: outcome.resultText, ok: true)
        } catch {
            let failure = BundleError.converting(error, otherwise: BundleError(.internal, "the tool failed unexpectedly"))
            outcome.resultText = "The tool failed: \(failure.message)"
            outcome.record = record(call, result: outcome.resultText, ok: false)
            context.logger.warning("workspace.chat_tool_failed", ["tool": .string(call.name), "code": .string(failure.code.rawValue)])
        }
        return outcome
    }

    /// A call past `maximumCallsPerRound`: not run; its result says so, so the model may ask
    /// again in the next round.
    static func notRun(_ call: LLMToolCall) -> Outcome {
        let text = "Not run: at most \(maximumCallsPerRound) tool calls run per answer; call it again if it is still needed."
        return Outcome(record: record(call, result: text, ok: false), resultText: text)
    }

    private static func text(_ input: JSONValue, _ field: String, required: Bool, maximum: Int) throws -> String? {
        guard let value = input[field], !value.isNull else {
            if required { throw BundleError(.validationFailed, "\(field) is required") }
            return nil
        }
        guard let text = value.stringValue else { throw BundleError(.validationFailed, "\(field) must be a string") }
        let cleaned = StorableText.clean(text).trimmingWhitespace()
        guard !cleaned.isEmpty else { throw BundleError(.validationFailed, "\(field) must not be blank") }
        guard cleaned.count <= maximum else { throw BundleError(.validationFailed, "\(field) is longer than \(maximum) characters") }
        return cleaned
    }

    private static func record(_ call: LLMToolCall, result: String, ok: Bool) -> JSONValue {
        ["id": .string(call.id), "name": .string(call.name), "arguments": call.input ?? .string(String(call.arguments.prefix(2_000))),
         "result": .string(result), "ok": .bool(ok)]
    }
}
