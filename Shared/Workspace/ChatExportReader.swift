import Core

/// Reads an export file of any known kind (ChatGPT `conversations.json` or its ZIP form, Claude's
/// export, Grok's export, a generic JSON transcript or a Markdown transcript) and hands each
/// conversation, or the problem that kept it out, to `visit` in file order, one at a time: a
/// 50 MB export is streamed, never held as one parsed tree.
///
/// SKELETON: the importers' helper replaces this placeholder with the real readers.
package enum ChatExportReader {
    /// What the reader found at one position of the export.
    package enum Entry: Sendable {
        case conversation(index: Int, ImportedConversation)
        case problem(ImportProblem)
    }

    /// The largest export accepted (bytes of the file as uploaded).
    package static let maximumFileBytes = 128 << 20

    /// Reads `bytes` (the file as uploaded; `filename` helps tell Markdown from JSON and names
    /// ZIP entries in problems). Throws `validation_failed` when the file is no export the reader
    /// knows (saying which kinds it knows), before anything is visited.
    package static func read(_ bytes: UnsafeBufferPointer<UInt8>, filename: String?, visit: (Entry) throws -> Void) throws {
        throw BundleError(.validationFailed, "export reading is not built yet")
    }

    /// Reads an export already parsed as JSON (an `export` field of a JSON request body).
    package static func read(json: JSONValue, visit: (Entry) throws -> Void) throws {
        throw BundleError(.validationFailed, "export reading is not built yet")
    }
}
