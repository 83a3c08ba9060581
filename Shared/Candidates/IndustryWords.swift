/// An industry name as its words (lower case, anything but letters and digits a separator),
/// with a space at each end, so that containment is whole-word: "Fintech" is in
/// "Fintech / Payments", "IT" is not in "Security". ASCII names, nearly all of them, are
/// compared as bytes, which gives the same answers as comparing `Character`s (tests compare).
package struct IndustryWords: Sendable {
    package let text: String
    private let ascii: [UInt8]?

    package init(_ name: String) {
        if name.utf8.allSatisfy({ $0 < 0x80 }) {
            var bytes: [UInt8] = [0x20]
            var pendingSpace = false
            for byte in name.utf8 {
                let lower = byte >= 0x41 && byte <= 0x5A ? byte + 0x20 : byte
                guard (lower >= 0x61 && lower <= 0x7A) || (lower >= 0x30 && lower <= 0x39) else {
                    pendingSpace = bytes.count > 1
                    continue
                }
                if pendingSpace { bytes.append(0x20) }
                pendingSpace = false
                bytes.append(lower)
            }
            bytes.append(0x20)
            ascii = bytes
            text = String(decoding: bytes, as: UTF8.self)
        } else {
            ascii = nil
            text = Self.byCharacter(name)
        }
    }

    package static func byCharacter(_ name: String) -> String {
        " " + name.lowercased().split(whereSeparator: { !$0.isLetter && !$0.isNumber }).joined(separator: " ") + " "
    }

    package func contains(_ other: IndustryWords) -> Bool {
        guard let ascii, let part = other.ascii else { return text.contains(other.text) }
        guard part.count <= ascii.count else { return false }
        return (0...(ascii.count - part.count)).contains { start in ascii[start..<start + part.count].elementsEqual(part) }
    }
}
