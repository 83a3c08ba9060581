/// One event of a `text/event-stream`: its type (`message` when the stream named none), its
/// `data` lines joined with LF, and the last event id seen so far (WHATWG's "last event ID").
package struct ServerSentEvent: Sendable, Hashable {
    package var type: String
    package var data: [UInt8]
    package var id: String

    package init(type: String = "message", data: [UInt8], id: String = "") {
        self.type = type
        self.data = data
        self.id = id
    }

    package var text: String { String(decoding: data, as: UTF8.self) }
}

/// Why a `text/event-stream` was refused: it broke one of the decoder's bounds. `problem` reads
/// after the stream's name ("the MCP server's event stream " + problem); callers map it to their
/// own error (MCP to `MCPError`, the LLM providers to `upstream_failed`).
package struct ServerSentEventError: Error, Sendable, Hashable {
    package enum Kind: Sendable, Hashable { case lineTooLong, eventTooLarge, tooManyEvents }

    package let kind: Kind
    package let problem: String

    package init(_ kind: Kind, _ problem: String) {
        self.kind = kind
        self.problem = problem
    }
}

/// The bundle's one `text/event-stream` decoder (MCP's Streamable HTTP answers, the LLM
/// providers' streamed chats), incremental so a body can be read as it arrives. WHATWG rules:
/// lines end in LF, CRLF or CR, even when a CR and its LF arrive in different pieces; one
/// leading byte-order mark is dropped, even when split; `data:` lines of one event are joined
/// with LF; `event:` names the type, `id:` the last event id (one holding NUL is ignored);
/// lines starting with `:` are comments (keep-alives); other fields are ignored; a blank line
/// dispatches the event, and an event without any `data:` line is not dispatched.
///
/// Linear: every byte is scanned once and copied at most twice (into the line being built when a
/// line spans pieces, then into the event's data). Bounded: a line, an event's data and the
/// number of events are capped, and the line cap is checked while scanning, so a 50 MB line
/// without a newline is refused after `maxLineBytes`, not after it was all held in memory.
package struct ServerSentEventDecoder: Sendable {
    package let maxLineBytes: Int
    package let maxEventBytes: Int
    package let maxEvents: Int

    private static let byteOrderMark: [UInt8] = [0xEF, 0xBB, 0xBF]
    private static let lineFeed: UInt8 = 10
    private static let carriageReturn: UInt8 = 13
    private static let colon: UInt8 = 58
    private static let space: UInt8 = 32
    private static let dataField = Array("data".utf8)
    private static let eventField = Array("event".utf8)
    private static let idField = Array("id".utf8)

    /// The first bytes while they could still be a split byte-order mark; nil once decided.
    private var head: [UInt8]? = []
    /// The part of the current line that arrived in earlier pieces.
    private var line: [UInt8] = []
    /// The previous piece ended in CR: an LF starting this one belongs to that line break.
    private var skipsLeadingLineFeed = false
    private var data: [UInt8] = []
    private var hasData = false
    private var eventType = ""
    private var lastEventID = ""
    private var dispatched = 0

    package init(maxLineBytes: Int = 4 << 20, maxEventBytes: Int = 8 << 20, maxEvents: Int = 100_000) {
        self.maxLineBytes = maxLineBytes
        self.maxEventBytes = maxEventBytes
        self.maxEvents = maxEvents
    }

    /// Decodes the next piece of the stream: the events it completed, in order.
    package mutating func feed(_ bytes: [UInt8]) throws(ServerSentEventError) -> [ServerSentEvent] {
        var events: [ServerSentEvent] = []
        try feed(bytes, into: &events)
        return events
    }

    /// Decodes the next piece, appending the events it completed to `events`; when the piece
    /// breaks a bound, the events completed before the break are there when this throws.
    package mutating func feed(_ bytes: [UInt8], into events: inout [ServerSentEvent]) throws(ServerSentEventError) {
        if var pending = head {
            // A stream starts with at most one BOM: wait until three bytes tell whether it is one.
            pending.append(contentsOf: bytes)
            if pending.count < 3 && Self.byteOrderMark.starts(with: pending) {
                head = pending
                return
            }
            head = nil
            let rest = pending.starts(with: Self.byteOrderMark) ? Array(pending.dropFirst(3)) : pending
            return try scan(rest, into: &events)
        }
        try scan(bytes, into: &events)
    }

    /// Ends the stream. With `dispatchingIncomplete` (the MCP reading: a server may close right
    /// after its last event) a last line and event without their line break and blank line are
    /// still decoded and the event returned; without it they are dropped, as WHATWG says (a cut
    /// LLM stream must not hand over half a chunk).
    package mutating func finish(dispatchingIncomplete: Bool = true) throws(ServerSentEventError) -> [ServerSentEvent] {
        if let pending = head {
            head = nil
            // Fewer than three bytes that began like a BOM: they were content.
            var events: [ServerSentEvent] = []
            try scan(pending, into: &events)
            return events + (try finish(dispatchingIncomplete: dispatchingIncomplete))
        }
        defer { reset() }
        guard dispatchingIncomplete else { return [] }
        var events: [ServerSentEvent] = []
        if !line.isEmpty {
            let last = line
            line = []
            try process(last[...], into: &events)
        }
        try dispatch(into: &events)
        return events
    }

    private mutating func reset() {
        line = []
        data = []
        hasData = false
        eventType = ""
        skipsLeadingLineFeed = false
    }

    private mutating func scan(_ bytes: [UInt8], into events: inout [ServerSentEvent]) throws(ServerSentEventError) {
        var index = 0
        let count = bytes.count
        if skipsLeadingLineFeed, count > 0 {
            skipsLeadingLineFeed = false
            if bytes[0] == Self.lineFeed { index = 1 }
        }
        while index < count {
            // Look for the line's end no further than the line cap allows.
            let allowance = maxLineBytes - line.count
            let limit = min(count, index + allowance + 1)
            let end = Self.lineEnd(in: bytes, from: index, before: limit)
            if end == count {
                // The line goes on in the next piece.
                guard count - index <= allowance else { throw lineTooLong() }
                line.append(contentsOf: bytes[index..<count])
                break
            }
            guard end < limit, end - index <= allowance else { throw lineTooLong() }
            if line.isEmpty {
                try process(bytes[index..<end], into: &events)
            } else {
                line.append(contentsOf: bytes[index..<end])
                let whole = line
                line = []
                try process(whole[...], into: &events)
            }
            // Skip the line break: CRLF counts once, also when the LF comes in the next piece.
            if bytes[end] == Self.carriageReturn {
                if end + 1 < count {
                    index = bytes[end + 1] == Self.lineFeed ? end + 2 : end + 1
                } else {
                    skipsLeadingLineFeed = true
                    index = end + 1
                }
            } else {
                index = end + 1
            }
        }
    }

    /// The index of the first LF or CR in `bytes[start..<limit]`, or `limit`.
    private static func lineEnd(in bytes: [UInt8], from start: Int, before limit: Int) -> Int {
        bytes.withUnsafeBufferPointer { buffer in
            var end = start
            while end < limit {
                let byte = buffer[end]
                if byte == lineFeed || byte == carriageReturn { break }
                end += 1
            }
            return end
        }
    }

    private func lineTooLong() -> ServerSentEventError {
        ServerSentEventError(.lineTooLong, "has a line longer than \(maxLineBytes) bytes")
    }

    private mutating func process(_ line: ArraySlice<UInt8>, into events: inout [ServerSentEvent]) throws(ServerSentEventError) {
        if line.isEmpty { return try dispatch(into: &events) }
        if line.first == Self.colon { return }  // a comment (keep-alive)
        let colon = line.firstIndex(of: Self.colon)
        let field = colon.map { line[line.startIndex..<$0] } ?? line
        var value = colon.map { line[line.index(after: $0)...] } ?? []
        if value.first == Self.space { value = value.dropFirst() }
        if Self.is(field, Self.dataField) {
            guard data.count + (hasData ? 1 : 0) + value.count <= maxEventBytes else {
                throw ServerSentEventError(.eventTooLarge, "has an event larger than \(maxEventBytes) bytes")
            }
            if hasData { data.append(Self.lineFeed) }
            data.append(contentsOf: value)
            hasData = true
        } else if Self.is(field, Self.eventField) {
            eventType = String(decoding: value, as: UTF8.self)
        } else if Self.is(field, Self.idField) {
            if !value.contains(0) { lastEventID = String(decoding: value, as: UTF8.self) }
        }
        // retry: and unknown fields do not matter to one request's answer.
    }

    private static func `is`(_ field: ArraySlice<UInt8>, _ name: [UInt8]) -> Bool {
        guard field.count == name.count else { return false }
        var position = field.startIndex
        for byte in name {
            if field[position] != byte { return false }
            position += 1
        }
        return true
    }

    private mutating func dispatch(into events: inout [ServerSentEvent]) throws(ServerSentEventError) {
        defer {
            data = []
            hasData = false
            eventType = ""
        }
        guard hasData else { return }
        dispatched += 1
        guard dispatched <= maxEvents else {
            throw ServerSentEventError(.tooManyEvents, "has more than \(maxEvents) events")
        }
        events.append(ServerSentEvent(type: eventType.isEmpty ? "message" : eventType, data: data, id: lastEventID))
    }
}
