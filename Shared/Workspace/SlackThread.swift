import Core
import FoundationEssentials

/// A Slack thread as a conversation: read from Slack's own `conversations.replies` answer
/// (`{ok, messages: […]}`) or a service's `{channel?, thread_ts?, title?, permalink?, messages: […]}`,
/// with user ids resolved by an optional `users: {U123: "Ada"}` map. Bots' messages become the
/// assistant's, people's the user's; Slack's mrkdwn is cleaned to plain text (`SlackText`). The
/// source id `channel:thread_ts` makes a re-import of the thread update it.
package enum SlackThread {
    package static let maxMessages = 10_000

    package static func conversation(from input: JSONValue) throws -> ImportedConversation {
        if input["ok"]?.boolValue == false {
            let error = input["error"]?.stringValue.map { " (\($0.prefix(100)))" } ?? ""
            throw BundleError.validation(field: "ok", "Slack answered ok: false\(error); send a successful conversations.replies answer")
        }
        guard let messages = input["messages"]?.arrayValue else {
            throw BundleError.validation(field: "messages", "give the thread's messages (Slack's conversations.replies answer, or {messages: […]})")
        }
        guard messages.count <= maxMessages else {
            throw BundleError.validation(field: "messages", "at most \(maxMessages) messages per thread")
        }
        var names: [String: String] = [:]
        for (id, name) in input["users"]?.objectValue ?? [:] {
            if let name = name.stringValue?.trimmingWhitespace(), !name.isEmpty { names[id] = name }
        }
        var read: [(ts: Double, message: ImportedMessage, threadTS: String?)] = []
        var problems: [ErrorDetail] = []
        for (index, message) in messages.enumerated() {
            guard case .object = message else {
                problems.append(ErrorDetail(field: "messages[\(index)]", problem: "must be an object"))
                continue
            }
            guard let tsText = message["ts"]?.stringValue, let ts = Double(tsText), ts.isFinite, ts >= 0 else {
                problems.append(ErrorDetail(field: "messages[\(index)].ts", problem: "must be Slack's message time (\"1712345678.000100\")"))
                continue
            }
            let text = SlackText.plain(message["text"]?.stringValue ?? "", users: names)
            let files = (message["files"]?.arrayValue ?? []).compactMap { $0["name"]?.stringValue ?? $0["title"]?.stringValue }
            // Joins, leaves and empty messages carry nothing to keep.
            if text.trimmingWhitespace().isEmpty && files.isEmpty { continue }
            let isBot = message["bot_id"]?.stringValue != nil || message["subtype"]?.stringValue == "bot_message"
            read.append((ts, ImportedMessage(id: tsText, role: isBot ? "assistant" : "user", content: text,
                                              createdAt: Date(timeIntervalSince1970: ts), attachments: files),
                         message["thread_ts"]?.stringValue))
        }
        guard problems.isEmpty else { throw BundleError.validation(problems) }
        guard !read.isEmpty else { throw BundleError.validation(field: "messages", "the thread has no message with text or files") }
        read.sort { $0.ts < $1.ts }
        let threadTS = nonEmpty(input["thread_ts"]) ?? read.first?.threadTS ?? read.first?.message.id ?? ""
        let channel = nonEmpty(input["channel"]) ?? nonEmpty(input["channel_id"])
        let title = nonEmpty(input["title"]).map { String(StorableText.clean($0).prefix(300)) } ?? Self.title(from: read[0].message.content)
        var url: String?
        if let permalink = nonEmpty(input["permalink"]) {
            guard permalink.lowercased().hasPrefix("https://"), permalink.utf8.count <= 2_000 else {
                throw BundleError.validation(field: "permalink", "must be the thread's https:// link")
            }
            url = permalink
        }
        return ImportedConversation(source: .slack, sourceID: channel.map { "\($0):\(threadTS)" } ?? threadTS, url: url, title: title,
                                    createdAt: read.first?.message.createdAt, updatedAt: read.last?.message.createdAt,
                                    messages: read.map(\.message))
    }

    /// The first line of the first message, at most 80 characters.
    static func title(from content: String) -> String {
        let line = content.split(whereSeparator: \.isNewline).first.map(String.init)?.trimmingWhitespace() ?? ""
        if line.isEmpty { return "Slack thread" }
        return line.count <= 80 ? line : String(line.prefix(79)) + "…"
    }

    private static func nonEmpty(_ value: JSONValue?) -> String? {
        guard let text = value?.stringValue?.trimmingWhitespace(), !text.isEmpty else { return nil }
        return text
    }
}

/// Slack's mrkdwn as plain text, in one linear pass: `<@U123>` → the person's name (from the
/// users map) or `@U123`, `<#C123|general>` → `#general`, `<!here>` → `@here`,
/// `<https://x|label>` → `label (https://x)`, `<https://x>` → `https://x`; then the three HTML
/// entities Slack escapes (`&amp;`, `&lt;`, `&gt;`).
package enum SlackText {
    package static func plain(_ text: String, users: [String: String] = [:]) -> String {
        let bytes = Array(text.utf8)
        var output = ""
        output.reserveCapacity(bytes.count)
        var index = 0
        var nextClose = -1
        var runStart = 0
        while index < bytes.count {
            guard bytes[index] == UInt8(ascii: "<") else { index += 1; continue }
            if nextClose < index {
                nextClose = bytes[(index + 1)...].firstIndex(of: UInt8(ascii: ">")) ?? bytes.count
            }
            guard nextClose < bytes.count else { break }
            output += unescape(String(decoding: bytes[runStart..<index], as: UTF8.self))
            output += token(String(decoding: bytes[(index + 1)..<nextClose], as: UTF8.self), users: users)
            index = nextClose + 1
            runStart = index
        }
        output += unescape(String(decoding: bytes[runStart...], as: UTF8.self))
        return output
    }

    static func token(_ inner: String, users: [String: String]) -> String {
        let parts = inner.split(separator: "|", maxSplits: 1, omittingEmptySubsequences: false)
        let target = String(parts[0])
        let label = parts.count > 1 ? unescape(String(parts[1])) : nil
        if target.hasPrefix("@") {
            let id = String(target.dropFirst())
            if let name = users[id] { return "@" + name }
            if let label, !label.isEmpty { return "@" + label }
            return target
        }
        if target.hasPrefix("#") { return "#" + (label ?? String(target.dropFirst())) }
        if target.hasPrefix("!") {
            if let label, !label.isEmpty { return label.hasPrefix("@") ? label : "@" + label }
            return "@" + (target.dropFirst().split(separator: "^").first.map(String.init) ?? "")
        }
        let url = unescape(target)
        guard let label, !label.isEmpty, label != url else { return url }
        return "\(label) (\(url))"
    }

    static func unescape(_ text: String) -> String {
        guard text.contains("&") else { return text }
        return text.replacing("&lt;", with: "<").replacing("&gt;", with: ">").replacing("&amp;", with: "&")
    }
}
