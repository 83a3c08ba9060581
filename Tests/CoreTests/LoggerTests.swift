import Core
import Synchronization
import Testing

final class LineCollector: Sendable {
    private let lines = Mutex<[String]>([])
    var sink: Logger.Sink { { line in self.lines.withLock { $0.append(line) } } }
    var all: [String] { lines.withLock { $0 } }
}

@Suite struct LoggerTests {
    @Test func writesOneJSONObjectPerLineWithReservedFields() throws {
        let collector = LineCollector()
        let logger = Logger(function: "enrich", requestID: "req-1", sink: collector.sink)
        logger.info("search.done", ["provider": "youcom", "ms": 312, "msg": "cannot override"])
        let line = try #require(collector.all.first)
        #expect(line.hasSuffix("\n"))
        #expect(line.hasPrefix(#"{"ts":""#))
        let json = try JSONCoding.decode(JSONValue.self, from: line)
        #expect(json["level"] == "info")
        #expect(json["fn"] == "enrich")
        #expect(json["request_id"] == "req-1")
        #expect(json["msg"] == "search.done")
        #expect(json["provider"] == "youcom")
        #expect(json["ms"] == 312)
    }

    @Test func levelFiltersLowerLevels() {
        let collector = LineCollector()
        let logger = Logger(function: "f", requestID: "r", level: .warning, sink: collector.sink)
        logger.debug("a")
        logger.info("b")
        logger.warning("c")
        logger.error("d")
        #expect(collector.all.count == 2)
        #expect(LogLevel(name: "WARN") == .warning)
        #expect(LogLevel(name: "verbose") == nil)
    }

    @Test func redactsSecretFieldsAndKnownSecretValues() {
        let collector = LineCollector()
        let logger = Logger(function: "f", requestID: "r", secrets: ["sk-live-123456"], sink: collector.sink)
        logger.info("call", ["authorization": "Bearer sk-live-123456", "api_key": "anything",
                             "url": "https://x.test/?key=sk-live-123456", "nested": ["token": "t0ps3cret"]])
        let line = collector.all.joined()
        #expect(!line.contains("sk-live-123456"))
        #expect(!line.contains("anything"))
        #expect(!line.contains("t0ps3cret"))
        #expect(line.contains("[redacted]"))
        #expect(line.contains("https://x.test/?key=[redacted]"))
    }
}
