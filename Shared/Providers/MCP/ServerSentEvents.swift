import Core

/// How MCP reads a Streamable HTTP answer sent as `text/event-stream`: the bundle's one decoder
/// (`ServerSentEventDecoder`, WHATWG rules, linear and bounded) over the whole body, keeping the
/// `data` of each `message` event (events of other types are skipped). A final event without its
/// blank line is still delivered: the server may close right after it.
package struct ServerSentEvents: Sendable {
    package var maxLineBytes: Int
    package var maxEventBytes: Int
    package var maxEvents: Int

    package init(maxLineBytes: Int = 4 << 20, maxEventBytes: Int = 8 << 20, maxEvents: Int = 1_000) {
        self.maxLineBytes = maxLineBytes
        self.maxEventBytes = maxEventBytes
        self.maxEvents = maxEvents
    }

    /// The `data` of each message event, in order.
    package func messages(in body: [UInt8]) throws(MCPError) -> [[UInt8]] {
        var decoder = ServerSentEventDecoder(maxLineBytes: maxLineBytes, maxEventBytes: maxEventBytes, maxEvents: maxEvents)
        do {
            let events = try decoder.feed(body) + decoder.finish()
            return events.filter { $0.type == "message" }.map(\.data)
        } catch {
            throw MCPError(.malformed, "the MCP server's event stream \(error.problem)")
        }
    }
}
