import Core
import HTTPTransport

/// Where email drafts are saved for a person to review and send: Gmail's API, or Gmail through
/// Composio. The `outbox` choice has no client: the drafts stay where the caller keeps them.
package protocol EmailDrafts: Sendable {
    /// `gmail` or `composio`.
    var name: String { get }
    /// Saves one draft, replacing the one with `existingID` when given; returns the draft's id.
    func save(to recipient: String, subject: String, body: String, existingID: String?, deadline: Deadline) async throws -> String
}

/// Chooses where drafts go: `EMAIL_DRAFT_PROVIDER` = `outbox`, `gmail` or `composio`; unset,
/// `gmail` when `GMAIL_TOKEN` is set, else `outbox`.
package enum EmailDraftSelection {
    package static func name(_ config: Config) throws -> String {
        let provider = config["EMAIL_DRAFT_PROVIDER"]?.lowercased() ?? (config["GMAIL_TOKEN"] == nil ? "outbox" : "gmail")
        guard ["outbox", "gmail", "composio"].contains(provider) else {
            throw BundleError.misconfigured(variable: "EMAIL_DRAFT_PROVIDER", "must be outbox, gmail or composio, got \"\(provider.prefix(40))\"")
        }
        return provider
    }

    /// The client for the chosen provider; nil for `outbox`.
    package static func make(_ config: Config, transport: () throws -> any Transport) throws -> (any EmailDrafts)? {
        switch try name(config) {
        case "gmail":
            return GmailDrafts(baseURL: config["GMAIL_BASE_URL"] ?? GmailDrafts.defaultBaseURL,
                               token: try config.require("GMAIL_TOKEN", for: "Gmail drafts"), transport: try transport())
        case "composio":
            return ComposioGmailDrafts(composio: try ComposioClient(config: config, transport: try transport(),
                                                                    purpose: "Gmail drafts through Composio"))
        default:
            return nil
        }
    }
}
