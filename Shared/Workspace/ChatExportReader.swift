import Core

/// Reads an export file of any known kind (ChatGPT `conversations.json` or its ZIP form, Claude's
/// export, Grok's export, a generic JSON transcript or a Markdown transcript) and hands each
/// conversation, or the problem that kept it out, to `visit` in file order, one at a time: a
/// 50 MB export is streamed (`JSONStream`) from the caller's bytes, never copied and never held
/// as one parsed tree; only one conversation is parsed at a time.
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
        guard bytes.count <= maximumFileBytes else {
            throw BundleError(.payloadTooLarge, "the export is \(bytes.count) bytes; at most \(maximumFileBytes) are read")
        }
        if ExportFormat.isZip(bytes) {
            try ChatExportZip.read(bytes, visit: visit)
            return
        }
        if ExportFormat.isJSON(bytes) {
            let layout: (ExportFormat, ExportFormat.Layout)
            do {
                layout = try ExportFormat.layout(ofJSON: bytes)
            } catch where isTextName(filename) {
                // A transcript named .md or .txt may start with '[' or '{' (a link, a note).
                try readText(bytes, filename: filename, visit: visit)
                return
            }
            var index = 0
            try readJSON(bytes, layout: layout, file: nil, index: &index, visit: visit)
            return
        }
        try readText(bytes, filename: filename, visit: visit)
    }

    /// Reads an export already parsed as JSON (an `export` field of a JSON request body).
    package static func read(json: JSONValue, visit: (Entry) throws -> Void) throws {
        switch json {
        case .array(let items):
            if let first = items.first, ExportFormat.shape(of: first) == nil, GenericTranscript.looksLikeMessage(first) {
                try visitOne(index: 0, file: nil, visit: visit) { try GenericTranscript.conversation(from: json) }
                return
            }
            guard items.isEmpty || items.contains(where: { ExportFormat.shape(of: $0) != nil }) else { throw unknown() }
            for (index, item) in items.enumerated() {
                try visitOne(index: index, file: nil, visit: visit) { try ExportFormat.conversation(from: item) }
            }
        case .object:
            if let list = json["conversations"]?.arrayValue {
                for (index, item) in list.enumerated() {
                    try visitOne(index: index, file: nil, visit: visit) { try ExportFormat.conversation(from: item) }
                }
            } else if ExportFormat.shape(of: json) != nil {
                try visitOne(index: 0, file: nil, visit: visit) { try ExportFormat.conversation(from: json) }
            } else {
                throw unknown()
            }
        case .string(let text):
            guard MarkdownTranscript.hasMarker(Substring(text)) else { throw unknown() }
            try visitOne(index: 0, file: nil, visit: visit) { try MarkdownTranscript.conversation(from: text) }
        default:
            throw unknown()
        }
    }

    // MARK: - Shared steps (also used for each JSON file of a ZIP)

    /// Streams the conversations of a JSON document whose layout is known, numbering them from
    /// `index` (advanced past them). A break in the document's structure is a problem saying the
    /// byte offset; what came before it was already visited.
    static func readJSON(_ bytes: UnsafeBufferPointer<UInt8>, layout: (ExportFormat, ExportFormat.Layout), file: String?,
                         index: inout Int, visit: (Entry) throws -> Void) throws {
        let (format, shape) = layout
        let base = index
        var seen = 0
        let element: (JSONStream.Element) throws -> Void = { element in
            seen = element.index + 1
            try visitOne(index: base + element.index, file: file, visit: visit) { try ExportFormat.conversation(from: element.parse()) }
        }
        do {
            switch shape {
            case .empty:
                return
            case .list:
                try JSONStream.elements(of: bytes, visit: element)
            case .member(let key):
                try JSONStream.elements(ofMember: key, in: bytes, visit: element)
            case .single:
                seen = 1
                try visitOne(index: base, file: file, visit: visit) {
                    // One document is one conversation: held to the same cap as a list's element.
                    guard bytes.count <= JSONStream.defaultMaximumElementBytes else {
                        throw ImportProblem(index: 0, reason: "the conversation is \(bytes.count) bytes; at most \(JSONStream.defaultMaximumElementBytes) are read for one")
                    }
                    let value = try JSONParser.parse(bytes.dropBOM)
                    return format == .generic ? try GenericTranscript.conversation(from: value) : try ExportFormat.conversation(from: value)
                }
            }
        } catch let failure as JSONParser.Failure {
            try visit(.problem(ImportProblem(index: base + seen, file: file,
                                             reason: "the export breaks off: \(failure.reason) at byte \(failure.offset); the rest was not read")))
            seen += 1
        }
        index = base + seen
    }

    /// Runs `read` and visits its conversation, or the problem it threw (with index and file set).
    static func visitOne(index: Int, file: String?, visit: (Entry) throws -> Void, _ read: () throws -> ImportedConversation) throws {
        let conversation: ImportedConversation
        do {
            conversation = try read()
        } catch var problem as ImportProblem {
            problem.index = index
            problem.file = file
            try visit(.problem(problem))
            return
        } catch let failure as JSONParser.Failure {
            try visit(.problem(ImportProblem(index: index, file: file, reason: "not valid JSON: \(failure.reason) at byte \(failure.offset)")))
            return
        }
        try visit(.conversation(index: index, conversation))
    }

    private static func readText(_ bytes: UnsafeBufferPointer<UInt8>, filename: String?, visit: (Entry) throws -> Void) throws {
        let body = bytes.dropBOM
        guard let text = String(validating: body, as: UTF8.self) else {
            throw BundleError(.validationFailed, "the file is neither JSON, a ZIP nor UTF-8 text; send \(ExportFormat.knownDescription)")
        }
        let named = filename.map { $0.lowercased() }
        if let named, named.hasSuffix(".json") {
            throw BundleError(.validationFailed, "the file is named .json but does not start like JSON ('[' or '{')")
        }
        guard MarkdownTranscript.hasMarker(Substring(text), lineLimit: .max) else {
            throw BundleError(.validationFailed, "the text has no speaker markers (lines starting \"User:\", \"Assistant:\", \"## User\", …); send \(ExportFormat.knownDescription)")
        }
        try visitOne(index: 0, file: nil, visit: visit) { try MarkdownTranscript.conversation(from: text) }
    }

    private static func isTextName(_ filename: String?) -> Bool {
        guard let name = filename?.lowercased() else { return false }
        return name.hasSuffix(".md") || name.hasSuffix(".markdown") || name.hasSuffix(".txt")
    }

    private static func unknown() -> BundleError {
        BundleError(.validationFailed, "the export is no format the importer knows; send \(ExportFormat.knownDescription)")
    }
}

extension UnsafeBufferPointer<UInt8> {
    /// The bytes without a leading UTF-8 byte-order mark.
    var dropBOM: UnsafeBufferPointer<UInt8> {
        count >= 3 && self[0] == 0xEF && self[1] == 0xBB && self[2] == 0xBF ? UnsafeBufferPointer(rebasing: self[3...]) : self
    }
}
