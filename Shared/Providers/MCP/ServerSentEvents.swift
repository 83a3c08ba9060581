import Core

/// A linear, bounded parser of a `text/event-stream` body (the WHATWG rules a Streamable HTTP
/// MCP server follows): lines end in LF, CRLF or CR; `data:` lines of one event are joined with
/// LF; lines starting with `:` are comments; a blank line ends an event; events whose `event:`
/// type is neither absent nor `message` are skipped. One pass over the bytes; every line,
/// event and the event count are capped, so a hostile stream costs bounded memory.
package struct ServerSentEvents: Sendable {
    package var maxLineBytes: Int
    package var maxEventBytes: Int
    package var maxEvents: Int

    package init(maxLineBytes: Int = 4 << 20, maxEventBytes: Int = 8 << 20, maxEvents: Int = 1_000) {
        self.maxLineBytes = maxLineBytes
        self.maxEventBytes = maxEventBytes
        self.maxEvents = maxEvents
    }

    /// The `data` of each message event, in order. A final event without its blank line is
    /// still delivered (the stream may end right after it).
    package func messages(in body: [UInt8]) throws(MCPError) -> [[UInt8]] {
        var messages: [[UInt8]] = []
        var data: [UInt8] = []
        var hasData = false
        var eventType: ArraySlice<UInt8> = []
        var events = 0
        // A leading byte-order mark is not part of the first field name.
        var index = body.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        let count = body.count

        func dispatch() throws(MCPError) {
            defer { data = []; hasData = false; eventType = [] }
            guard hasData else { return }
            events += 1
            guard events <= maxEvents else { throw MCPError(.malformed, "the MCP server's event stream has more than \(maxEvents) events") }
            if eventType.isEmpty || eventType.elementsEqual("message".utf8) { messages.append(data) }
        }

        while index < count {
            // Find the end of this line.
            var end = index
            while end < count && body[end] != 10 && body[end] != 13 { end += 1 }
            guard end - index <= maxLineBytes else {
                throw MCPError(.malformed, "the MCP server's event stream has a line longer than \(maxLineBytes) bytes")
            }
            let line = body[index..<end]
            // Skip the line break: CRLF counts once.
            if end < count && body[end] == 13 && end + 1 < count && body[end + 1] == 10 { index = end + 2 } else { index = end + 1 }

            if line.isEmpty {
                try dispatch()
                continue
            }
            if line.first == 58 { continue }  // ':' comment (keep-alive)
            let colon = line.firstIndex(of: 58)
            let field = colon.map { line[line.startIndex..<$0] } ?? line
            var value = colon.map { line[line.index(after: $0)...] } ?? []
            if value.first == 32 { value = value.dropFirst() }
            if field.elementsEqual("data".utf8) {
                if hasData { data.append(10) }
                data.append(contentsOf: value)
                hasData = true
                guard data.count <= maxEventBytes else {
                    throw MCPError(.malformed, "an event in the MCP server's stream is larger than \(maxEventBytes) bytes")
                }
            } else if field.elementsEqual("event".utf8) {
                eventType = value
            }
            // id:, retry: and unknown fields do not matter for one request's answer.
        }
        try dispatch()
        return messages
    }
}
