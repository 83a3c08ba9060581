import Adapters
import Core
import Dispatch
import Runtime
import Synchronization
import Testing

/// The SSE writer on its own: framing, the `type` it adds, the head before the first event only,
/// redaction of configured secrets, a failed write closing the stream, pings, the last event.
@Suite struct ServerSentEventWriterTests {
    /// What the writer wrote, each write as text; `failAfter` writes succeed, then every write fails.
    final class Sink: Sendable {
        let writes = Mutex<[String]>([])
        let firsts = Mutex<[Bool]>([])
        let failAfter: Int

        init(failAfter: Int = .max) { self.failAfter = failAfter }

        var text: String { writes.withLock { $0.joined() } }

        func write(_ bytes: [UInt8], _ first: Bool) -> Bool {
            writes.withLock { writes in
                guard writes.count < failAfter else { return false }
                writes.append(String(decoding: bytes, as: UTF8.self))
                firsts.withLock { $0.append(first) }
                return true
            }
        }
    }

    func writer(_ sink: Sink, secrets: [String] = [], ping: Double? = nil) -> ServerSentEventWriter {
        ServerSentEventWriter(head: Array("HEAD\r\n\r\n".utf8), redactor: SecretRedactor(secrets: secrets), pingSeconds: ping,
                              write: sink.write)
    }

    @Test func eventsAreFramedWithTheHeadBeforeTheFirstOnly() {
        let sink = Sink()
        let stream = writer(sink)
        #expect(!stream.hasStarted)
        stream.send(event: "status", data: ["status": "reading"])
        stream.send(event: "imported", data: ["type": "custom", "id": 3])
        #expect(stream.hasStarted && stream.isOpen)
        #expect(sink.writes.withLock { $0 } == [
            "HEAD\r\n\r\nevent: status\ndata: {\"status\":\"reading\",\"type\":\"status\"}\n\n",
            "event: imported\ndata: {\"id\":3,\"type\":\"custom\"}\n\n",
        ])
        #expect(sink.firsts.withLock { $0 } == [true, false])
    }

    @Test func dataWithLineBreaksStaysOnOneDataLine() {
        let frame = String(decoding: ServerSentEventWriter.frame(event: "x\ny", data: ["text": "a\nb\r\nc"]), as: UTF8.self)
        #expect(frame == "event: xy\ndata: {\"text\":\"a\\nb\\r\\nc\",\"type\":\"x\\ny\"}\n\n")
        #expect(frame.split(separator: "\n", omittingEmptySubsequences: false).count == 4)
    }

    @Test func configuredSecretsAreTakenOutOfEveryEvent() {
        let secret = "sk-test-9f8e7d6c5b4a3210fedcba98"
        let sink = Sink()
        let stream = writer(sink, secrets: [secret])
        stream.send(event: "status", data: ["echo": .string("key \(secret) leaked")])
        stream.finish(.success(Array("{\"upstream\":\"\(secret)\"}".utf8)))
        #expect(!sink.text.contains(secret))
        #expect(sink.text.contains("event: done"))
    }

    @Test func aFailedWriteClosesTheStreamForGood() {
        let sink = Sink(failAfter: 1)
        let stream = writer(sink)
        stream.send(event: "a", data: [:])
        #expect(stream.isOpen)
        stream.send(event: "b", data: [:])
        #expect(!stream.isOpen)
        stream.send(event: "c", data: [:])
        stream.ping()
        stream.finish(.success(Array("{}".utf8)))
        #expect(sink.writes.withLock { $0.count } == 1)
    }

    @Test func aStreamWhoseFirstWriteFailedNeverStarted() {
        let sink = Sink(failAfter: 0)
        let stream = writer(sink)
        stream.send(event: "a", data: [:])
        #expect(!stream.hasStarted && !stream.isOpen)
    }

    @Test func pingsAreCommentsAndOnlyAfterTheHead() {
        let sink = Sink()
        let stream = writer(sink)
        stream.ping()
        #expect(sink.writes.withLock { $0.isEmpty })
        stream.send(event: "a", data: [:])
        stream.ping()
        #expect(sink.writes.withLock { $0.last } == ": ping\n\n")
    }

    @Test func theTimerPingsAnOpenStream() async {
        let sink = Sink()
        let stream = writer(sink, ping: 0.01)  // raised to the 1 s minimum
        stream.send(event: "a", data: [:])
        // Waits for the ping (no bound on how soon it comes: only that it comes).
        while !sink.writes.withLock({ $0.contains(": ping\n\n") }) {
            try? await Task.sleep(for: .milliseconds(50))
        }
        stream.close()
        let count = sink.writes.withLock { $0.count }
        stream.ping()
        #expect(sink.writes.withLock { $0.count } == count)
    }

    @Test func theLastEventIsDoneWithTheDocumentOrTheError() throws {
        let sink = Sink()
        let stream = writer(sink)
        stream.send(event: "status", data: [:])
        stream.finish(.success(Array("{\"imported\":2,\"_http\":{\"status\":201}}".utf8)))
        #expect(sink.writes.withLock { $0.last } == "event: done\ndata: {\"response\":{\"imported\":2},\"type\":\"done\"}\n\n")
        #expect(!stream.isOpen)

        let failing = Sink()
        let failed = writer(failing)
        failed.send(event: "status", data: [:])
        failed.finish(.failure(BundleError(.timeout, "out of time")))
        let last = try #require(failing.writes.withLock { $0.last })
        #expect(last.hasPrefix("event: error\ndata: "))
        let data = try JSONValue(parsing: String(last.dropFirst("event: error\ndata: ".count).dropLast(2)))
        #expect(data["type"] == "error")
        #expect(data["message"] == "out of time")
        #expect(data["error"]?["code"] == "timeout")
    }

    @Test func noEventFollowsTheLastOne() {
        let sink = Sink()
        let stream = writer(sink)
        stream.send(event: "status", data: ["status": "reading"])
        stream.finish(.failure(BundleError(.timeout, "out of time")))
        stream.send(event: "imported", data: ["id": 1])
        stream.finish(.success(Array("{}".utf8)))
        #expect(sink.writes.withLock { $0.count } == 2)
        #expect(sink.text.hasSuffix("\n\n") && sink.text.contains("event: error") && !sink.text.contains("event: imported"))
        #expect(!stream.isOpen)
    }

    @Test func aStartedStreamPastItsDeadlineEndsWithATimeoutEvent() async throws {
        let sink = Sink()
        let stream = writer(sink)
        stream.send(event: "status", data: [:])
        let exited = Mutex<Int32?>(nil)
        stream.endAfter(Deadline(seconds: 0), grace: 0) { code in exited.withLock { $0 = code } }
        while exited.withLock({ $0 }) == nil { try await Task.sleep(for: .milliseconds(20)) }
        #expect(exited.withLock { $0 } == ErrorCode.timeout.exitCode)
        #expect(sink.writes.withLock { $0.last }?.hasPrefix("event: error\n") == true)
        #expect(sink.text.contains("\"timeout\""))
        // The invocation's own answer, coming later, writes nothing more.
        stream.finish(.success(Array("{}".utf8)))
        #expect(!sink.text.contains("event: done"))
    }

    @Test(arguments: [
        ("text/event-stream", true), ("application/json, text/event-stream;q=0.9", true), ("TEXT/EVENT-STREAM", true),
        ("application/json", false), ("*/*", false), (nil, false),
    ] as [(String?, Bool)])
    func acceptDecidesStreaming(accept: String?, streams: Bool) {
        #expect(ServerSentEventWriter.accepts(accept) == streams)
    }
}
