import Core

/// Gmail drafts through Composio: `GMAIL_CREATE_EMAIL_DRAFT` (`recipient_email`, `subject`, `body`,
/// `is_html`). Composio has no tool that rewrites a draft, so a re-run deletes the drafts it made
/// before (`GMAIL_DELETE_DRAFT` with `draft_id`) and creates them anew: never two of each.
package struct ComposioGmailDrafts: EmailDrafts {
    package let name = "composio"
    let composio: ComposioClient

    package init(composio: ComposioClient) {
        self.composio = composio
    }

    package func save(to recipient: String, subject: String, body: String, existingID: String?, deadline: Deadline) async throws -> String {
        if let existingID {
            do {
                _ = try await composio.execute("GMAIL_DELETE_DRAFT", arguments: ["draft_id": .string(existingID)], deadline: deadline)
            } catch let error as BundleError where error.code == .upstreamFailed {
                // Already sent or deleted by the rep: nothing left to replace.
            }
        }
        let data = try await composio.execute("GMAIL_CREATE_EMAIL_DRAFT", arguments: [
            "recipient_email": .string(recipient), "subject": .string(subject), "body": .string(body), "is_html": false,
        ], deadline: deadline)
        // A Gmail draft object has an id and its message, wherever the tool's result nests it.
        let draft = ComposioClient.objects(in: data, having: ["id", "message"]).first ?? ComposioClient.objects(in: data, having: ["id"]).first
        guard let id = draft?["id"]?.stringValue else {
            throw BundleError(.upstreamFailed, "Composio GMAIL_CREATE_EMAIL_DRAFT answered without the draft's id")
        }
        return id
    }
}
