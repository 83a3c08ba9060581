import CCurlShim
import Core

extension CurlTransport {
    /// A real streamed transfer on its own thread: a 2xx body goes to `onBytes` piece by piece as
    /// libcurl reads it (on the transfer's thread); any other status's body is buffered and
    /// returned, `onBytes` never called. `onBytes` returning false ends the transfer at once and
    /// the call returns normally. The request's timeout, cut short by the deadline, bounds the
    /// whole stream (a stalled one ends with `.timeout`); a stream that breaks mid-body is a
    /// `.connection` error; more than `maxResponseBytes` in all is `.tooLarge`.
    package func stream(_ request: HTTPRequest, deadline: Deadline,
                        onBytes: @escaping @Sendable ([UInt8]) -> Bool) async throws -> HTTPResponse {
        let budget = try Self.budget(for: request, deadline: deadline)
        let settings = self
        return try await OwnThread.run {
            try settings.performStreaming(request, budget: budget, onBytes: onBytes)
        }
    }

    private func performStreaming(_ request: HTTPRequest, budget: Duration,
                                  onBytes: @escaping @Sendable ([UInt8]) -> Bool) throws -> HTTPResponse {
        let transfer = try CurlTransfer(request, budget: budget, settings: self)
        let sink = StreamSink(handle: transfer.handle, limit: maxResponseBytes, onBytes: onBytes)
        // The sink is reached unretained: it outlives `perform`, the only time libcurl calls it.
        transfer.streamBody(to: StreamSink.receive, context: Unmanaged.passUnretained(sink).toOpaque())

        let result = try withExtendedLifetime(sink) { try transfer.perform() }
        switch result {
        case CURLE_OK:
            break
        case CURLE_WRITE_ERROR where sink.stoppedByCaller:
            break  // the caller had what it wanted: a normal end, not a failure
        default:
            throw Self.error(result, overflowed: sink.overflowed, host: transfer.host, limit: maxResponseBytes)
        }
        return HTTPResponse(status: transfer.status, headers: transfer.responseHeaders, body: sink.errorBody)
    }
}

/// What libcurl's write callback reaches during a streamed transfer (through the C shim's
/// context pointer): it decides on the first piece whether the body streams (2xx) or is kept as
/// an error document, counts bytes against the cap, and remembers why a transfer was stopped.
/// Touched only by the transfer's thread.
private final class StreamSink {
    private let handle: UnsafeMutableRawPointer
    private let limit: Int
    private let onBytes: @Sendable ([UInt8]) -> Bool
    /// Decided on the first piece, when the final response's status is known.
    private var streams: Bool?
    private var received = 0
    private(set) var errorBody: [UInt8] = []
    private(set) var stoppedByCaller = false
    private(set) var overflowed = false

    init(handle: UnsafeMutableRawPointer, limit: Int, onBytes: @escaping @Sendable ([UInt8]) -> Bool) {
        self.handle = handle
        self.limit = limit
        self.onBytes = onBytes
    }

    /// The C function the shim calls with each piece; captures nothing, finds the sink through `context`.
    static let receive: bundle_curl_sink = { bytes, length, context in
        guard let context else { return 0 }
        let sink = Unmanaged<StreamSink>.fromOpaque(context).takeUnretainedValue()
        return sink.take(UnsafeBufferPointer(start: bytes, count: length)) ? 1 : 0
    }

    /// False stops the transfer.
    private func take(_ piece: UnsafeBufferPointer<UInt8>) -> Bool {
        guard !piece.isEmpty else { return true }
        guard piece.count <= limit - received else {
            overflowed = true
            return false
        }
        received += piece.count
        if streams == nil {
            var status = 0
            _ = bundle_curl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status)
            streams = (200..<300).contains(status)
        }
        guard streams == true else {
            errorBody.append(contentsOf: piece)
            return true
        }
        guard onBytes(Array(piece)) else {
            stoppedByCaller = true
            return false
        }
        return true
    }
}
