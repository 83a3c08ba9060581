/// Request ids tie one invocation's log lines, LLM calls and HTTP response together.
package enum RequestID {
    /// 16 random bytes as 32 hex characters.
    package static func generate() -> String {
        var generator = SystemRandomNumberGenerator()
        var text = ""
        for _ in 0..<2 {
            let value = generator.next() as UInt64
            let hex = String(value, radix: 16)
            text += String(repeating: "0", count: 16 - hex.count) + hex
        }
        return text
    }

    /// Accepts a caller's id only when it is short and printable, so it is safe in logs and headers.
    package static func sanitized(_ candidate: String?) -> String? {
        guard let candidate, !candidate.isEmpty, candidate.utf8.count <= 128,
              candidate.unicodeScalars.allSatisfy({ $0.isASCII && $0.value > 32 && $0.value < 127 })
        else { return nil }
        return candidate
    }
}
