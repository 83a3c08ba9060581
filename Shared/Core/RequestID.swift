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

    /// The one shape of a caller's id that is reused: letters, digits and `._:-`, 1 to 128 of
    /// them (safe in logs, headers and file names). The nginx sites use the same expression.
    package static let safePattern = "[A-Za-z0-9._:-]{1,128}"

    /// Accepts a caller's id only when it has the safe shape; nil means generate one.
    package static func sanitized(_ candidate: String?) -> String? {
        guard let candidate, !candidate.isEmpty, candidate.utf8.count <= 128,
              candidate.utf8.allSatisfy(isSafe)
        else { return nil }
        return candidate
    }

    private static func isSafe(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
             UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: ":"), UInt8(ascii: "-"): true
        default: false
        }
    }
}
