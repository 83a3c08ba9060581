import Core
import Runtime

/// Imports a chat from its share URL (ChatGPT, Claude, Grok): fetched through the bundle's
/// transport, parsed, and returned whole, or an error before anything is stored.
///
/// SKELETON: the share-links helper builds it.
package enum SharedChatImport {
    /// The conversation behind a share URL. `validation_failed` for a URL that is no share link
    /// the importer knows; `upstream_failed` for a page it cannot read.
    package static func fetch(url: String, context: FunctionContext) async throws -> ImportedConversation {
        throw BundleError(.validationFailed, "share links are not built yet")
    }
}
