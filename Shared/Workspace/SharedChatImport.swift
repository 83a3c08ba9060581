import Core
import Providers
import Runtime

/// Imports a chat from its share URL (ChatGPT, Claude, Grok): the link is checked
/// (`ChatShareLink`), what holds the conversation fetched through the bundle's transport
/// (`ChatShareClient`), the conversation found in it (ChatGPT's page: `ChatGPTSharePage`;
/// Claude's and Grok's JSON), and read by the same per-format readers as the exports. The
/// conversation is returned whole, or an error is thrown before anything is stored. Its `url` is
/// the canonical share URL; its `sourceID` the conversation's own id when the page carries one
/// (else the URL is the re-import key).
package enum SharedChatImport {
    /// The conversation behind a share URL. `validation_failed` for a URL that is no share link
    /// the importer knows; `upstream_failed` for a page it cannot read.
    package static func fetch(url: String, context: FunctionContext) async throws -> ImportedConversation {
        let link = try ChatShareLink(parsing: url)
        let client = try ChatShareClient(config: context.config, transport: try context.transport())
        let document = try await client.fetch(link, deadline: context.deadline)
        let conversation = try read(document)
        context.logger.info("workspace.share_fetched", ["service": .string(link.service.rawValue), "bytes": .number(Double(document.body.count)),
                                                        "messages": .number(Double(conversation.messages.count))])
        return conversation
    }

    /// The conversation in what a share link's service answered.
    package static func read(_ document: ChatShareDocument) throws -> ImportedConversation {
        let link = document.link
        let (json, sourceID) = try extract(document)
        var conversation: ImportedConversation
        do {
            conversation = switch link.service {
            case .chatgpt: try ChatGPTExport.conversation(from: json)
            case .claude: try ClaudeExport.conversation(from: json)
            case .grok: try GrokExport.conversation(from: json)
            }
        } catch let problem as ImportProblem {
            throw BundleError(.upstreamFailed, "the \(link.service.displayName) share link holds a conversation the importer could not read: "
                              + problem.reason)
        }
        conversation.source = source(link.service)
        conversation.url = link.canonicalURL
        conversation.sourceID = sourceID
        return conversation
    }

    /// The conversation's JSON (in the form the export readers take) and its own id, if any.
    package static func extract(_ document: ChatShareDocument) throws -> (conversation: JSONValue, sourceID: String?) {
        let service = document.link.service
        switch service {
        case .chatgpt:
            guard let found = ChatGPTSharePage.conversation(in: document.body) else { throw unknownFormat(service) }
            let conversation = ChatGPTSharePage.normalised(found.conversation)
            return (conversation, nonEmpty(conversation["conversation_id"]))
        case .claude:
            guard case .object(var fields)? = try? JSONParser.parse(document.body), fields["chat_messages"]?.arrayValue != nil else {
                throw unknownFormat(service)
            }
            // A snapshot names itself `snapshot_name`; the export's reader knows `name`.
            if nonEmpty(fields["name"]) == nil, let name = fields["snapshot_name"] { fields["name"] = name }
            let conversation = JSONValue.object(fields)
            return (conversation, nonEmpty(fields["conversation_uuid"]) ?? nonEmpty(fields["uuid"]))
        case .grok:
            guard case .object(let fields)? = try? JSONParser.parse(document.body), fields["responses"]?.arrayValue != nil,
                  case .object? = fields["conversation"] else {
                throw unknownFormat(service)
            }
            return (.object(fields), nonEmpty(fields["conversation"]?["conversationId"]))
        }
    }

    static func unknownFormat(_ service: ChatShareLink.Service) -> BundleError {
        BundleError(.upstreamFailed, "this \(service.displayName) share page has a format the importer does not know; export the chat instead")
    }

    static func source(_ service: ChatShareLink.Service) -> ChatSource {
        switch service {
        case .chatgpt: .chatgpt
        case .claude: .claude
        case .grok: .grok
        }
    }

    private static func nonEmpty(_ value: JSONValue?) -> String? {
        guard let text = value?.stringValue?.trimmingWhitespace(), !text.isEmpty else { return nil }
        return text
    }
}
