import FoundationEssentials
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Log levels in increasing severity; `LOG_LEVEL` picks the lowest one written.
package enum LogLevel: Int, Comparable, Sendable, CaseIterable {
    case debug, info, warning, error

    package var name: String {
        switch self {
        case .debug: "debug"
        case .info: "info"
        case .warning: "warning"
        case .error: "error"
        }
    }

    package init?(name: String) {
        switch name.lowercased() {
        case "debug", "trace": self = .debug
        case "info", "notice": self = .info
        case "warn", "warning": self = .warning
        case "error", "critical": self = .error
        default: return nil
        }
    }

    package static func < (lhs: LogLevel, rhs: LogLevel) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// JSON-lines logger for stderr, in the style of swift-log: constant messages, data in metadata.
/// Every line carries the function name and request id. Secrets are redacted twice over: fields
/// whose names look secret, and any known secret value wherever it appears.
package struct Logger: Sendable {
    package typealias Sink = @Sendable (String) -> Void

    package let function: String
    package let requestID: String
    package let level: LogLevel
    private let redactor: SecretRedactor
    private let clock: BundleClock
    private let sink: Sink

    package init(function: String, requestID: String, level: LogLevel = .info, secrets: [String] = [],
                 clock: BundleClock = .system, sink: @escaping Sink = Logger.standardError) {
        self.init(function: function, requestID: requestID, level: level, redactor: SecretRedactor(secrets: secrets), clock: clock, sink: sink)
    }

    /// A logger with a redactor built once for the process (building one per logger shows in a
    /// cold start).
    package init(function: String, requestID: String, level: LogLevel, redactor: SecretRedactor,
                 clock: BundleClock = .system, sink: @escaping Sink = Logger.standardError) {
        self.function = function
        self.requestID = requestID
        self.level = level
        self.redactor = redactor
        self.clock = clock
        self.sink = sink
    }

    package static let standardError: Sink = { line in
        let bytes = Array(line.utf8)
        bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = write(2, buffer.baseAddress! + offset, buffer.count - offset)
                if written <= 0 { break }
                offset += written
            }
        }
    }

    /// A logger that drops everything (for code paths exercised in tests without a context).
    package static let discarding = Logger(function: "-", requestID: "-", level: .error, sink: { _ in })

    package func debug(_ message: String, _ metadata: [String: JSONValue] = [:]) { log(.debug, message, metadata) }
    package func info(_ message: String, _ metadata: [String: JSONValue] = [:]) { log(.info, message, metadata) }
    package func warning(_ message: String, _ metadata: [String: JSONValue] = [:]) { log(.warning, message, metadata) }
    package func error(_ message: String, _ metadata: [String: JSONValue] = [:]) { log(.error, message, metadata) }

    package func log(_ level: LogLevel, _ message: String, _ metadata: [String: JSONValue]) {
        guard level >= self.level else { return }
        var fields: [String: JSONValue] = [:]
        for (key, value) in metadata {
            fields[key] = Config.isSecretName(key) ? "[redacted]" : redact(value)
        }
        // Reserved fields come last so metadata can never overwrite them.
        fields["ts"] = .string(Timestamp.format(Date(), milliseconds: true))
        fields["level"] = .string(level.name)
        fields["fn"] = .string(function)
        fields["request_id"] = .string(redact(requestID))  // the caller chose it
        fields["msg"] = .string(message)
        sink(Self.render(fields) + "\n")
    }

    private func redact(_ value: JSONValue) -> JSONValue {
        switch value {
        case .string(let text): .string(redact(text))
        case .array(let items): .array(items.map(redact))
        case .object(let fields):
            .object(Dictionary(uniqueKeysWithValues: fields.map { key, value in
                (key, Config.isSecretName(key) ? "[redacted]" : redact(value))
            }))
        default: value
        }
    }

    package func redact(_ text: String) -> String {
        redactor.redact(text)
    }

    /// Fixed field order (ts, level, fn, request_id, msg, then the rest sorted) keeps lines
    /// readable with `tail -f` and diffable.
    private static func render(_ fields: [String: JSONValue]) -> String {
        let leading = ["ts", "level", "fn", "request_id", "msg"]
        var parts: [String] = []
        for key in leading { if let value = fields[key] { parts.append(pair(key, value)) } }
        for key in fields.keys.sorted() where !leading.contains(key) { parts.append(pair(key, fields[key]!)) }
        return "{" + parts.joined(separator: ",") + "}"
    }

    private static func pair(_ key: String, _ value: JSONValue) -> String {
        JSONValue.string(key).jsonText + ":" + value.jsonText
    }
}
