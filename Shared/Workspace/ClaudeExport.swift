import Core

/// One Claude conversation, parsed as JSON, to the imported shape.
///
/// SKELETON: the importers' helper replaces this placeholder (keep the signature: share-link
/// parsing calls it on the conversation a share page or API carries).
package enum ClaudeExport {
    /// Throws an `ImportProblem` (index 0) saying what is wrong with the conversation.
    package static func conversation(from json: JSONValue) throws -> ImportedConversation {
        throw ImportProblem(index: 0, reason: "Claude conversations are not read yet")
    }
}
