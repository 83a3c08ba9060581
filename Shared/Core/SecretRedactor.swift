import FoundationEssentials

/// Finds configured secrets in text and bytes, in the forms they travel in: as they are,
/// percent-encoded, and inside base64 (an HTTP `Basic` header is `base64(user:secret)`, so the
/// secret can sit at any offset: each of the three alignments has a stretch of base64 characters
/// that only the secret decides), and through JSON string escapes (`\/`, `\u002B`: an
/// upstream's JSON reader would turn them back into the secret). The one place these rules
/// live: the logger, the HTTP transport (an upstream that echoes the credentials it was sent,
/// before anything stores its answer) and the runtime's answer all redact through it.
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
            all.insert(Array(URLEncoding.component(bytes: bytes).utf8))
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

    /// One pass over `bytes`, then, when it has a backslash, one over its JSON-unescaped reading
    /// (an upstream's JSON may echo `sk-ab/cd` as `sk-ab\/cd` or `\u002B` for `+`, which its
    /// reader decodes back into the secret); nil when no secret is in it (nothing is copied then).
    private func redacted(_ bytes: [UInt8]) -> [UInt8]? {
        guard !forms.isEmpty, bytes.count >= 2 else { return nil }
        var output: [UInt8]?
        var copiedUpTo = 0
        var index = 0
        while index + 1 < bytes.count {
            if let length = match(in: bytes, at: index) {
                if output == nil { output = []; output!.reserveCapacity(bytes.count) }
                output!.append(contentsOf: bytes[copiedUpTo..<index])
                output!.append(contentsOf: Self.markerBytes)
                index += length
                copiedUpTo = index
            } else {
                index += 1
            }
        }
        if output != nil { output!.append(contentsOf: bytes[copiedUpTo...]) }
        let plain = output ?? bytes
        guard plain.contains(UInt8(ascii: "\\")) else { return output }
        return redactedThroughEscapes(plain) ?? output
    }

    private static let markerBytes = Array(marker.utf8)

    /// The length of the longest form that starts at `index`, if one does.
    private func match(in bytes: [UInt8], at index: Int) -> Int? {
        let key = UInt16(bytes[index]) << 8 | UInt16(bytes[index + 1])
        guard starts[Int(key >> 6)] & (1 << UInt64(key & 63)) != 0, let candidates = forms[key] else { return nil }
        return candidates.first { index + $0.count <= bytes.count && bytes[index..<(index + $0.count)].elementsEqual($0) }?.count
    }

    /// Decodes JSON escapes with a map from each decoded byte back to the raw bytes it came from,
    /// finds the forms in the decoded bytes, and redacts the raw spans they came from. Linear.
    private func redactedThroughEscapes(_ raw: [UInt8]) -> [UInt8]? {
        let unescaped = JSONUnescaped(raw)
        let decoded = unescaped.bytes
        guard decoded.count >= 2 else { return nil }
        var output: [UInt8]?
        var copiedUpTo = 0
        var index = 0
        while index + 1 < decoded.count {
            guard let length = match(in: decoded, at: index) else { index += 1; continue }
            let span = unescaped.rawRange(first: index, last: index + length - 1)
            let from = max(span.lowerBound, copiedUpTo)
            let to = span.upperBound
            if output == nil { output = []; output!.reserveCapacity(raw.count) }
            output!.append(contentsOf: raw[copiedUpTo..<from])
            if to > from { output!.append(contentsOf: Self.markerBytes) }
            copiedUpTo = max(to, copiedUpTo)
            index += length
        }
        guard var result = output else { return nil }
        result.append(contentsOf: raw[copiedUpTo...])
        return result
    }
}

extension SecretRedactor {
    /// Whether a secret is distinctive enough to take out of answers and stored text. A short or
    /// word-like value (`postgres` in `postgres://app:postgres@db/app`) also appears in ordinary
    /// data, where redacting it would change what the caller gets back; logs still redact it.
    package static func isDistinctive(_ secret: String) -> Bool {
        let count = secret.utf8.count
        return count >= 8 && (count >= 12 || !secret.utf8.allSatisfy { ($0 | 0x20) >= 0x61 && ($0 | 0x20) <= 0x7A })
    }
}

extension Config {
    /// The redactor for answers and for upstream text that may be stored: this configuration's
    /// distinctive secrets (`secretValues` that pass `SecretRedactor.isDistinctive`). Logs use
    /// every secret value.
    package var redactor: SecretRedactor { SecretRedactor(secrets: secretValues.filter(SecretRedactor.isDistinctive)) }
}
