import Core
import Dispatch
import Runtime
import Synchronization

/// The SSE side of a streaming function (DESIGN.md, "Streaming"): the CGI adapter hands one to the
/// function's context when the function `streams` and the caller accepts `text/event-stream`. The
/// first event writes the response head; every event is framed as `event:` + `data:` (compact JSON,
/// with `type` added when absent, since the original system's clients read `type`), cleaned of
/// configured secrets, and written and flushed at once under a lock (several tasks may emit). A
/// comment line every `pingSeconds` keeps nginx's read timeout from closing a quiet stream. After
/// a failed write (the client went away) the stream is closed and nothing more is written; the
/// handler keeps running and saves its work.
package final class ServerSentEventWriter: EventSink, Sendable {
    /// Writes bytes to the client, true when all of them went out; `first` is true for the write
    /// that carries the head (the CGI writer claims stdout then).
    package typealias Write = @Sendable (_ bytes: [UInt8], _ first: Bool) -> Bool

    /// The shortest ping interval honoured (a smaller setting would only add traffic).
    package static let minimumPingSeconds = 1.0
    package static let defaultPingSeconds = 15.0

    private let head: [UInt8]
    private let redactor: SecretRedactor
    private let pingSeconds: Double
    private let write: Write
    private let state = Mutex(State())

    private struct State {
        var started = false
        var closed = false
        var finished = false
        var timer: PingTimer?
    }

    /// `head` is written before the first event (the CGI head; empty for a transport that has sent
    /// its own). `pingSeconds` nil sends no pings.
    package init(head: [UInt8], redactor: SecretRedactor, pingSeconds: Double?, write: @escaping Write) {
        self.head = head
        self.redactor = redactor
        self.pingSeconds = pingSeconds.map { max(Self.minimumPingSeconds, $0) } ?? 0
        self.write = write
    }

    /// The CGI response head of a stream: status, the event-stream type, no caching or proxy
    /// buffering, the request id and the headers every answer carries (CORS).
    package static func cgiHead(requestID: String, extraHeaders: [(name: String, value: String)]) -> [UInt8] {
        var head = "Status: 200 OK\r\nContent-Type: text/event-stream; charset=utf-8\r\nCache-Control: no-cache\r\n"
        head += "X-Accel-Buffering: no\r\nX-Request-Id: \(requestID)\r\n"
        for header in extraHeaders { head += "\(header.name): \(header.value)\r\n" }
        head += "\r\n"
        return Array(head.utf8)
    }

    package var isOpen: Bool { state.withLock { !$0.closed } }

    /// Whether the head went out: from then on every outcome is an event, never a status code.
    package var hasStarted: Bool { state.withLock { $0.started } }

    /// Writes one event; nothing once the stream is closed or finished (no event follows `done`
    /// or `error`).
    package func send(event: String, data: JSONValue) {
        deliver(event: event, data: data, final: false)
    }

    /// Writes one event under the lock; the final one also marks the stream finished and closed
    /// in that same critical section, so no other event can slip in after it.
    private func deliver(event: String, data: JSONValue, final: Bool) {
        let frame = Self.frame(event: event, data: data)
        let startsTimer = state.withLock { state -> Bool in
            guard !state.closed, final || !state.finished else { return false }
            let first = !state.started
            let written = deliver((first ? head : []) + frame, first: first, state: &state)
            if written, first { state.started = true }
            if final {
                state.finished = true
                state.closed = true
                return false
            }
            return written && first && pingSeconds > 0
        }
        if startsTimer { startPings() }
    }

    /// Sends the `: ping` comment now, if the stream is open and started.
    package func ping() {
        state.withLock { state in
            guard state.started, !state.closed else { return }
            _ = deliver(Array(": ping\n\n".utf8), first: false, state: &state)
        }
    }

    /// The last event for the invocation's outcome: `done` with the final document, or `error`
    /// with the contract's error (and its message at the top, as the original clients read it).
    /// Stops the pings and closes the stream.
    package func finish(_ result: Result<[UInt8], BundleError>) {
        let first = state.withLock { state -> Bool in
            defer { state.finished = true }
            return !state.finished
        }
        guard first else { return }
        switch result {
        case .success(let bytes):
            var response = (try? JSONValue(parsing: bytes)) ?? .object([:])
            if case .object(var fields) = response {
                fields.removeValue(forKey: "_http")
                response = .object(fields)
            }
            deliver(event: "done", data: ["type": "done", "response": response], final: true)
        case .failure(let error):
            let body = error.document["error"] ?? .object([:])
            deliver(event: "error", data: ["type": "error", "error": body, "message": .string(error.message)], final: true)
        }
        close()
    }

    /// The watchdog cannot answer into a stream that has started (stdout is the stream's), so a
    /// handler stuck past its deadline would keep the connection open: `grace` seconds after the
    /// deadline, a started, unfinished stream ends with a `timeout` error event and `exit` is
    /// called with the timeout's exit code.
    package func endAfter(_ deadline: Deadline, grace: Double, exit: @escaping @Sendable (Int32) -> Void) {
        let seconds = deadline.remainingSeconds + grace
        DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(Int(seconds * 1000))) { [weak self] in
            guard let self, state.withLock({ $0.started && !$0.finished }) else { return }
            finish(.failure(BundleError(.timeout, "the function did not finish within its deadline")))
            exit(ErrorCode.timeout.exitCode)
        }
    }

    /// Stops the pings and writes nothing more.
    package func close() {
        let timer = state.withLock { state -> PingTimer? in
            state.closed = true
            defer { state.timer = nil }
            return state.timer
        }
        timer?.source.cancel()
    }

    /// One event's bytes: `event: <name>` and one `data:` line of compact JSON (JSON text has no
    /// raw line breaks, so one line holds it); an object without `type` gets the event's name.
    package static func frame(event: String, data: JSONValue) -> [UInt8] {
        var data = data
        if case .object(var fields) = data, fields["type"] == nil {
            fields["type"] = .string(event)
            data = .object(fields)
        }
        let name = String(event.unicodeScalars.filter { $0 != "\n" && $0 != "\r" })
        return Array("event: \(name)\ndata: \(data.jsonText)\n\n".utf8)
    }

    /// Writes under the caller's lock; a failure closes the stream for good.
    private func deliver(_ bytes: [UInt8], first: Bool, state: inout State) -> Bool {
        if write(redactor.redact(bytes), first) { return true }
        state.closed = true
        return false
    }

    private func startPings() {
        let source = DispatchSource.makeTimerSource(queue: .global())
        let interval = DispatchTimeInterval.milliseconds(Int(pingSeconds * 1000))
        source.schedule(deadline: .now() + interval, repeating: interval)
        source.setEventHandler { [weak self] in self?.ping() }
        let timer = PingTimer(source)
        let keep = state.withLock { state -> Bool in
            guard !state.closed else { return false }
            state.timer = timer
            return true
        }
        if keep { source.resume() } else { source.cancel() }
    }
}

/// The ping timer, kept in the writer's locked state: a dispatch source is safe to cancel from
/// any thread, which the type system cannot see.
private final class PingTimer: @unchecked Sendable {
    let source: any DispatchSourceTimer
    init(_ source: any DispatchSourceTimer) { self.source = source }
}

extension ServerSentEventWriter {
    /// Whether an `Accept` header value asks for an event stream.
    package static func accepts(_ accept: String?) -> Bool {
        guard let accept else { return false }
        return accept.lowercased().split(separator: ",").contains {
            String(($0.split(separator: ";").first ?? "").filter { $0 != " " && $0 != "\t" }) == "text/event-stream"
        }
    }
}
