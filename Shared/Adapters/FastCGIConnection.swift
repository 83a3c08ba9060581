import CProcessShim
import Core
#if canImport(Glibc)
import Glibc
#endif

/// One FastCGI connection, as a warm worker reads and answers it: buffered reads of whole
/// records, management records answered where they arrive, one request at a time (a second
/// request id on the connection is refused with `FCGI_CANT_MPX_CONN`, as the specification allows).
/// Bounded: parameters over `maxParamsBytes` are refused, a body is read only as far as the
/// gateway asks, and what is left of the input is drained within `maxDrainBytes`.
final class FastCGIConnection {
    /// The largest request head (names and values of every parameter) a worker reads.
    static let maxParamsBytes = 64 << 10
    /// Past the limit the parameters are read and dropped (to answer 400), up to this many bytes.
    static let maxDiscardedParamsBytes = 1 << 20

    enum Failure: Error {
        /// The peer closed the connection, a read failed or timed out, or a record was malformed.
        case broken(String)
    }

    /// A request's id, flags and parameters, read up to the end of its `FCGI_PARAMS` stream.
    struct Head {
        var requestID: UInt16
        var keepConnection: Bool
        var params: [String: String]
        /// The parameters went over `maxParamsBytes`: the request is answered 400.
        var paramsTooLarge: Bool
    }

    private(set) var descriptor: Int32 = -1
    /// How many requests at once this server takes, for `FCGI_GET_VALUES` (its workers).
    private let maxRequests: Int
    /// Kept from one connection to the next (a worker has one reader): no allocation per hand-over.
    private var buffer = [UInt8](repeating: 0, count: 1 << 17)
    private var start = 0
    private var end = 0
    /// The request being read: its id, and whether its `FCGI_STDIN` stream has ended.
    private var active: UInt16?
    private(set) var inputEnded = false
    /// `FCGI_STDIN` bytes read from a record but not yet asked for.
    private var pendingInput: [UInt8] = []
    private var pendingOffset = 0

    init(maxRequests: Int) {
        self.maxRequests = maxRequests
    }

    /// Starts reading a connection the master handed over.
    func attach(_ descriptor: Int32) {
        self.descriptor = descriptor
        start = 0
        end = 0
        active = nil
        inputEnded = false
        pendingInput = []
        pendingOffset = 0
    }

    /// Whether bytes of a next record are already read (a client that pipelines requests).
    var hasBufferedInput: Bool { end > start }

    /// Reads up to the end of the next request's parameters; nil when the peer closed the
    /// connection between requests.
    func readHead() throws -> Head? {
        active = nil
        inputEnded = false
        pendingInput = []
        pendingOffset = 0
        var head: Head?
        var params: [UInt8] = []
        var discarded = 0
        while true {
            guard let (header, content) = try nextRecord(endOK: head == nil) else { return nil }
            if header.requestID == 0 {
                try answerManagement(header, content)
                continue
            }
            switch FastCGIRecord.Kind(rawValue: header.type) {
            case .beginRequest:
                guard content.count >= 8 else { throw Failure.broken("a short FCGI_BEGIN_REQUEST") }
                let role = UInt16(content[0]) << 8 | UInt16(content[1])
                if head != nil {
                    try refuse(header.requestID, .cannotMultiplex)
                } else if role != FastCGIRecord.responder {
                    try refuse(header.requestID, .unknownRole)
                } else {
                    head = Head(requestID: header.requestID, keepConnection: content[2] & FastCGIRecord.keepConnection != 0,
                                params: [:], paramsTooLarge: false)
                    active = header.requestID
                }
            case .params where header.requestID == head?.requestID:
                guard var found = head else { continue }
                if content.isEmpty {
                    if !found.paramsTooLarge {
                        guard let pairs = FastCGIRecord.pairs(params) else { throw Failure.broken("malformed FCGI_PARAMS") }
                        for pair in pairs {
                            found.params[String(decoding: pair.name, as: UTF8.self)] = String(decoding: pair.value, as: UTF8.self)
                        }
                    }
                    return found
                }
                if found.paramsTooLarge || params.count + content.count > Self.maxParamsBytes {
                    found.paramsTooLarge = true
                    head = found
                    params = []
                    discarded += content.count
                    if discarded > Self.maxDiscardedParamsBytes { throw Failure.broken("FCGI_PARAMS without end") }
                } else {
                    params += content
                }
            case .abortRequest where header.requestID == head?.requestID:
                // Aborted before it ran: answered as complete, and the connection waits for the next.
                try send(end: header.requestID, appStatus: 0, status: .requestComplete)
                head = nil
                active = nil
                params = []
            case .stdin where header.requestID == head?.requestID:
                throw Failure.broken("FCGI_STDIN before the end of FCGI_PARAMS")
            default:
                continue  // a record of no request this connection carries: ignored, as the specification says
            }
        }
    }

    /// Exactly `length` bytes of the active request's body, from its `FCGI_STDIN` records.
    func readBody(_ length: Int) throws -> [UInt8] {
        var body: [UInt8] = []
        body.reserveCapacity(min(length, 1 << 24))
        while body.count < length {
            if pendingOffset < pendingInput.count {
                let take = min(length - body.count, pendingInput.count - pendingOffset)
                body += pendingInput[pendingOffset..<pendingOffset + take]
                pendingOffset += take
                continue
            }
            guard !inputEnded, let chunk = try nextInput() else { break }
            pendingInput = chunk
            pendingOffset = 0
        }
        guard body.count == length else {
            throw BundleError(.invalidRequest, "the request body ended after \(body.count) of \(length) bytes")
        }
        return body
    }

    /// Reads and drops the rest of the active request's input (up to `limit` bytes); false when it
    /// did not end within the limit.
    func drainInput(limit: Int) throws -> Bool {
        var dropped = 0
        pendingInput = []
        pendingOffset = 0
        while !inputEnded {
            guard let chunk = try nextInput() else { break }
            dropped += chunk.count
            if dropped > limit { return false }
        }
        return true
    }

    /// When the body's end is already read (nginx writes a request in one go), takes note of it
    /// without blocking: the master then knows the connection is clean if the worker dies.
    func noteInputEndIfBuffered() {
        guard !inputEnded, pendingOffset >= pendingInput.count, end - start >= FastCGIRecord.headerLength,
              let header = FastCGIRecord.Header(buffer[start..<end]), header.requestID == active,
              header.type == FastCGIRecord.Kind.stdin.rawValue, header.contentLength == 0,
              end - start >= header.recordLength else { return }
        start += header.recordLength
        inputEnded = true
    }

    /// The next `FCGI_STDIN` content of the active request; nil (and `inputEnded`) at its end.
    private func nextInput() throws -> [UInt8]? {
        while true {
            guard let (header, content) = try nextRecord(endOK: false) else { return nil }
            if header.requestID == 0 {
                try answerManagement(header, content)
                continue
            }
            if header.requestID != active {
                if header.type == FastCGIRecord.Kind.beginRequest.rawValue { try refuse(header.requestID, .cannotMultiplex) }
                continue
            }
            switch FastCGIRecord.Kind(rawValue: header.type) {
            case .stdin:
                if content.isEmpty {
                    inputEnded = true
                    return nil
                }
                return content
            case .abortRequest:
                // The web server gave up on the request: the body ends here.
                inputEnded = true
                return nil
            default:
                continue
            }
        }
    }

    /// Writes every byte (FastCGI records) to the connection; false when the peer is gone.
    func write(_ bytes: [UInt8]) -> Bool {
        Self.write(bytes, to: descriptor)
    }

    /// The same, from another thread (a stream's events): only the descriptor is shared.
    static func write(_ bytes: [UInt8], to descriptor: Int32) -> Bool {
        bytes.withUnsafeBytes { bundle_write_all(descriptor, $0.baseAddress, $0.count) == 0 }
    }

    /// The request refused before it ran: `FCGI_END_REQUEST` with the protocol status.
    private func refuse(_ requestID: UInt16, _ status: FastCGIRecord.ProtocolStatus) throws {
        try send(end: requestID, appStatus: 0, status: status)
    }

    private func send(end requestID: UInt16, appStatus: Int32, status: FastCGIRecord.ProtocolStatus) throws {
        var output: [UInt8] = []
        FastCGIRecord.appendEnd(requestID: requestID, appStatus: appStatus, status: status, to: &output)
        guard write(output) else { throw Failure.broken("the peer went away") }
    }

    /// `FCGI_GET_VALUES` gets the values this server knows; any other management record
    /// `FCGI_UNKNOWN_TYPE`.
    private func answerManagement(_ header: FastCGIRecord.Header, _ content: [UInt8]) throws {
        var output: [UInt8] = []
        if header.type == FastCGIRecord.Kind.getValues.rawValue {
            let known: [String: String] = ["FCGI_MAX_CONNS": "1024", "FCGI_MAX_REQS": String(maxRequests), "FCGI_MPXS_CONNS": "0"]
            var pairs: [UInt8] = []
            for pair in FastCGIRecord.pairs(content) ?? [] {
                let name = String(decoding: pair.name, as: UTF8.self)
                if let value = known[name] { FastCGIRecord.appendPair(name: pair.name, value: Array(value.utf8), to: &pairs) }
            }
            FastCGIRecord.append(.getValuesResult, requestID: 0, content: pairs.prefix(FastCGIRecord.maxContent), to: &output)
        } else {
            FastCGIRecord.append(.unknownType, requestID: 0, content: [header.type, 0, 0, 0, 0, 0, 0, 0], to: &output)
        }
        guard write(output) else { throw Failure.broken("the peer went away") }
    }

    /// The next whole record; nil at the end of the stream when `endOK` (between requests).
    private func nextRecord(endOK: Bool) throws -> (FastCGIRecord.Header, [UInt8])? {
        while end - start < FastCGIRecord.headerLength {
            guard try fill() else {
                if endOK && end == start { return nil }
                throw Failure.broken("the connection ended inside a record")
            }
        }
        guard let header = FastCGIRecord.Header(buffer[start..<end]) else { throw Failure.broken("not a FastCGI 1 record") }
        while end - start < header.recordLength {
            guard try fill() else { throw Failure.broken("the connection ended inside a record") }
        }
        let contentStart = start + FastCGIRecord.headerLength
        let content = Array(buffer[contentStart..<contentStart + header.contentLength])
        start += header.recordLength
        if start == end {
            start = 0
            end = 0
        }
        return (header, content)
    }

    /// Reads more bytes; false at the end of the stream. The buffer holds any whole record.
    private func fill() throws -> Bool {
        if start > 0 && end == buffer.count {
            buffer.withUnsafeMutableBytes { raw in
                _ = memmove(raw.baseAddress!, raw.baseAddress! + start, end - start)
            }
            end -= start
            start = 0
        }
        while true {
            let count = buffer.withUnsafeMutableBytes { raw in read(descriptor, raw.baseAddress! + end, raw.count - end) }
            if count > 0 {
                end += count
                return true
            }
            if count == 0 { return false }
            if errno == EINTR { continue }
            throw Failure.broken(errno == EAGAIN || errno == EWOULDBLOCK ? "the web server sent nothing for too long" : "a read failed")
        }
    }
}
