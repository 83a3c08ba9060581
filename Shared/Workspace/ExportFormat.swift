import Archives
import Core

/// The kinds of export the reader knows, told apart from the bytes (ZIP magic, the JSON's first
/// character, the keys of the first conversation), the filename's extension only a hint for text.
/// Each JSON conversation is also dispatched by its own shape, so a ZIP mixing files of several
/// kinds imports each as what it is.
package enum ExportFormat: String, Sendable, CaseIterable {
    /// A list (or one) of ChatGPT conversations with `mapping`.
    case chatgpt
    /// A list (or one) of Claude conversations with `chat_messages`.
    case claude
    /// Grok's `{"conversations": [...]}`, or one `{conversation, responses}`.
    case grok
    /// `[{role, content}]` (one conversation) or `{messages}` objects.
    case generic
    /// Text with `User:`/`Assistant:` markers.
    case markdown
    /// A ZIP of JSON files (ChatGPT's 2026 export, any export zipped).
    case zip

    /// The formats named in `validation_failed` messages.
    package static let knownDescription = "a ChatGPT conversations.json or its ZIP, a Claude export, a Grok export, "
        + "a generic JSON transcript ([{role, content}] or {messages}), or a Markdown transcript (User:/Assistant: lines)"

    /// The format a parsed conversation object has, by its keys; nil when it has none of them.
    package static func shape(of value: JSONValue) -> ExportFormat? {
        guard value.objectValue != nil else { return nil }
        if value["mapping"] != nil { return .chatgpt }
        if value["chat_messages"] != nil { return .claude }
        if value["responses"] != nil { return .grok }
        if value["messages"]?.arrayValue != nil { return .generic }
        return nil
    }

    /// One conversation object to the imported shape, by its own keys.
    package static func conversation(from value: JSONValue) throws -> ImportedConversation {
        switch shape(of: value) {
        case .chatgpt: return try ChatGPTExport.conversation(from: value)
        case .claude: return try ClaudeExport.conversation(from: value)
        case .grok: return try GrokExport.conversation(from: value)
        case .generic: return try GenericTranscript.conversation(from: value)
        default:
            throw ImportProblem(index: 0, title: value["title"]?.stringValue ?? value["name"]?.stringValue,
                                reason: "not a conversation: expected \"mapping\" (ChatGPT), \"chat_messages\" (Claude), \"responses\" (Grok) or \"messages\"")
        }
    }

    /// How a JSON document holds its conversations.
    package enum Layout: Equatable {
        /// A top-level array of conversation objects.
        case list
        /// An array of conversation objects under this top-level key (Grok's `conversations`).
        case member(String)
        /// The whole document is one conversation (one object, or a generic message list).
        case single
        /// An empty array: an export with no conversations.
        case empty
    }

    /// Where a JSON document keeps its conversations and what the first recognised one is;
    /// `validation_failed` when it is no export the reader knows. Parses elements only until one
    /// is recognised (bounded by the element cap each).
    package static func layout(ofJSON buffer: UnsafeBufferPointer<UInt8>) throws -> (ExportFormat, Layout) {
        guard let start = JSONStream.start(of: buffer) else { throw BundleError(.validationFailed, "the export is empty") }
        do {
            switch buffer[start] {
            case UInt8(ascii: "["):
                var found: (ExportFormat, Layout)?
                var count = 0
                try? JSONStream.elements(of: buffer) { element in
                    count += 1
                    guard let value = try? element.parse() else { return }
                    if let format = shape(of: value) { found = (format, .list) }
                    else if GenericTranscript.looksLikeMessage(value) { found = (.generic, .single) }
                    if found != nil { throw Stop() }
                }
                if let found { return found }
                // No recognised element: a broken document says where, an empty one is empty.
                var elements = 0
                try JSONStream.elements(of: buffer) { _ in elements += 1 }
                if elements == 0 { return (.chatgpt, .empty) }
            case UInt8(ascii: "{"):
                let keys = try JSONStream.topLevelKeys(of: buffer) ?? []
                if keys.contains("conversations") { return (.grok, .member("conversations")) }
                let probe = JSONValue.object(Dictionary(keys.map { ($0, JSONValue.null) }, uniquingKeysWith: { a, _ in a }))
                if probe["mapping"] != nil { return (.chatgpt, .single) }
                if probe["chat_messages"] != nil { return (.claude, .single) }
                if probe["responses"] != nil { return (.grok, .single) }
                if probe["messages"] != nil { return (.generic, .single) }
            default:
                break
            }
        } catch let failure as JSONParser.Failure {
            throw BundleError(.validationFailed, "the export is not valid JSON: \(failure.reason) at byte \(failure.offset)")
        }
        throw BundleError(.validationFailed, "the file is no export the importer knows; send \(knownDescription)")
    }

    private struct Stop: Error {}

    /// Whether the bytes are a ZIP archive.
    package static func isZip(_ buffer: UnsafeBufferPointer<UInt8>) -> Bool {
        ZipArchive.looksLikeZip(buffer)
    }

    /// Whether the bytes start like JSON (after a BOM and whitespace).
    package static func isJSON(_ buffer: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let start = JSONStream.start(of: buffer) else { return false }
        return buffer[start] == UInt8(ascii: "[") || buffer[start] == UInt8(ascii: "{")
    }
}
