import Core

/// Where a streaming function's events go (DESIGN.md, "Streaming"): the CGI adapter's SSE writer
/// when the HTTP request asked for `text/event-stream`. `send` writes and flushes one event
/// (`event: <name>` and `data: <JSON>`); after the client went away it does nothing and `isOpen`
/// turns false, so a handler may stop producing but still saves what it made.
///
/// SKELETON: the streaming helper builds the writer and wires it into the adapters.
package protocol EventSink: Sendable {
    func send(event: String, data: JSONValue)
    var isOpen: Bool { get }
}
