import FoundationEssentials

/// Finds configured secrets in text and bytes, in the forms they travel in: as they are,
/// percent-encoded, and inside base64 (an HTTP `Basic` header is `base64(user:secret)`, so the
/// secret can sit at any offset: each of the three alignments has a stretch of base64 characters
/// that only the secret decides). The one place these rules live: the logger, the HTTP transport
/// (an upstream that echoes the credentials it was sent, before anything stores its answer) and
/// the runtime's answer all redact through it.
package struct SecretRedactor: Sendable {
    package static let marker = "[redacted]"
    /// Shorter base64 stretches are not searched: they would match ordinary text. (The secrets
    /// themselves are as long as `Config.secretValues` lets them be.)
    static let minimumLength = 8

    /// Every form, grouped by its first two bytes, longest first within a group.
    private let forms: [UInt16: [[UInt8]]]
    /// One bit per two-byte prefix that starts a form: the scan's fast path.
    private let starts: [UInt64]

    package init(secrets: [String]) {
        var all = Set<[UInt8]>()
        for secret in secrets where secret.utf8.count >= 2 {
            let bytes = Array(secret.utf8)
            all.insert(bytes)
            all.insert(Array(Self.percentEncoded(bytes).utf8))
            for alignment in 0..<3 {
                let padded = [UInt8](repeating: 0, count: alignment) + bytes
                let standard = Data(padded).base64EncodedString()
                // Characters that carry bits of the padding or of whatever follows are dropped.
                let first = (alignment * 8 + 5) / 6
                let last = (padded.count * 8) / 6
                guard last - first >= Self.minimumLength else { continue }
                let core = Array(standard.utf8)[first..<last]
                all.insert(Array(core))
                all.insert(core.map { $0 == UInt8(ascii: "+") ? UInt8(ascii: "-") : $0 == UInt8(ascii: "/") ? UInt8(ascii: "_") : $0 })
            }
        }
        var forms: [UInt16: [[UInt8]]] = [:]
        var starts = [UInt64](repeating: 0, count: 1024)
        for form in all {
            let key = UInt16(form[0]) << 8 | UInt16(form[1])
            forms[key, default: []].append(form)
            starts[Int(key >> 6)] |= 1 << UInt64(key & 63)
        }
        self.forms = forms.mapValues { $0.sorted { $0.count > $1.count } }
        self.starts = starts
    }

    package var isEmpty: Bool { forms.isEmpty }

    package func redact(_ text: String) -> String {
        guard !isEmpty, let redacted = redacted(Array(text.utf8)) else { return text }
        return String(decoding: redacted, as: UTF8.self)
    }

    package func redact(_ bytes: [UInt8]) -> [UInt8] {
        redacted(bytes) ?? bytes
    }

    /// One pass over `bytes`; nil when no secret is in it (nothing is copied then).
    private func redacted(_ bytes: [UInt8]) -> [UInt8]? {
        guard !forms.isEmpty, bytes.count >= 2 else { return nil }
        var output: [UInt8]?
        var copiedUpTo = 0
        var index = 0
        let marker = Array(Self.marker.utf8)
        while index + 1 < bytes.count {
            let key = UInt16(bytes[index]) << 8 | UInt16(bytes[index + 1])
            if starts[Int(key >> 6)] & (1 << UInt64(key & 63)) != 0, let candidates = forms[key],
               let match = candidates.first(where: { index + $0.count <= bytes.count && bytes[index..<(index + $0.count)].elementsEqual($0) }) {
                if output == nil { output = []; output!.reserveCapacity(bytes.count) }
                output!.append(contentsOf: bytes[copiedUpTo..<index])
                output!.append(contentsOf: marker)
                index += match.count
                copiedUpTo = index
            } else {
                index += 1
            }
        }
        guard var result = output else { return nil }
        result.append(contentsOf: bytes[copiedUpTo...])
        return result
    }

    /// `application/x-www-form-urlencoded` and URL component escaping: unreserved bytes stay.
    static func percentEncoded(_ bytes: [UInt8]) -> String {
        let hex = Array("0123456789ABCDEF".utf8)
        var result: [UInt8] = []
        for byte in bytes {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                result.append(byte)
            default:
                result += [UInt8(ascii: "%"), hex[Int(byte >> 4)], hex[Int(byte & 15)]]
            }
        }
        return String(decoding: result, as: UTF8.self)
    }
}

extension Config {
    /// The redactor for this configuration's secrets (`secretValues`).
    package var redactor: SecretRedactor { SecretRedactor(secrets: secretValues) }
}
