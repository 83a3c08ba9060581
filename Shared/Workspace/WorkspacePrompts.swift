import Core
import Providers

/// The workspace's prompt types, each declared next to the task that uses it. The routes under
/// `/api/llm-prompts` and `/api/llm-defaults` accept these names (and only these: the other
/// agents' tasks keep their built-in prompts and the bundle's provider).
package enum WorkspacePrompts {
    package static let all: [LLMPromptType] = [ChatSummaryPrompt.promptType, ProjectDraftPrompt.promptType, DraftChatPrompt.promptType]

    package static var names: [String] { all.map(\.name) }

    package static func type(named name: String) -> LLMPromptType? {
        all.first { $0.name == name }
    }

    /// The type a route names, or `validation_failed` naming it and the known ones.
    package static func required(_ name: String) throws -> LLMPromptType {
        guard let type = type(named: name) else {
            throw BundleError.validation(field: "type",
                "unknown prompt type \"\(String(name.prefix(100)))\"; known: \(names.joined(separator: ", "))")
        }
        return type
    }

    /// The route parameter's schema.
    static let typeSchema = Schema.string("The prompt type: \(names.joined(separator: ", "))", minLength: 1, maxLength: 100)
}
