import Core

/// How one spreadsheet cell becomes a candidate field: placeholders ("N/A", "-", "none") are
/// empty, emails and LinkedIn URLs get one spelling so the same person is recognised across
/// uploads, lists split on commas, semicolons, pipes, bullets and line breaks, and years of
/// experience are read from the ways people write them ("5+", "3,5", "5-7 yrs", "18 months").
package enum FieldNormalizer {
    /// Trimmed text with inner runs of whitespace collapsed; nil for an empty cell or a placeholder.
    package static func text(_ raw: String?, keepLines: Bool = false) -> String? {
        guard let raw else { return nil }
        return withASCII(raw, { asciiText($0, keepLines: keepLines) }) ?? textByCharacter(raw, keepLines: keepLines)
    }

    /// `text` read `Character` by `Character`: what the ASCII path must equal.
    package static func textByCharacter(_ raw: String, keepLines: Bool) -> String? {
        let trimmed = raw.trimmingWhitespace()
        if CellText.placeholders.contains(trimmed.lowercased()) { return nil }
        if keepLines {
            let lines = trimmed.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).map { collapse($0) }
            return lines.joined(separator: "\n")
        }
        return collapse(Substring(trimmed))
    }

    private static func collapse(_ text: Substring) -> String {
        text.split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }

    /// A lower-cased address; `Name <a@b.com>` and `mailto:` forms are unwrapped. nil when it is
    /// not an address. (The rule lives in Core, which Sales shares.)
    package static func email(_ raw: String) -> String? { EmailAddress.normalized(raw) }

    /// `https://www.linkedin.com/in/<slug>` for any spelling of a member profile URL; nil when
    /// the value is not one. (The rule lives in Core, which Sales shares.)
    package static func linkedin(_ raw: String) -> String? { LinkedInURL.normalized(raw) }

    /// Items of a list cell, trimmed, without placeholders, each once (first spelling kept).
    package static func list(_ raw: String?) -> [String] {
        guard let raw else { return [] }
        return withASCII(raw, asciiList) ?? listByCharacter(raw)
    }

    /// `list` read `Character` by `Character`.
    package static func listByCharacter(_ raw: String) -> [String] {
        var seen: Set<String> = []
        var items: [String] = []
        for part in raw.split(whereSeparator: { ",;|•\n\r\t".contains($0) || $0 == "\r\n" }) {
            guard let item = textByCharacter(String(part), keepLines: false), item.count <= 100 else { continue }
            if seen.insert(item.lowercased()).inserted { items.append(item) }
        }
        return items
    }

    /// Years of experience as written: "5", "5+", "3.5", "3,5", "5-7" (the lower bound), "2 years
    /// 6 months", "18 months", "about 10 yrs". nil when the cell is anything else (free text such
    /// as "led a team of 5" is not a number of years).
    package static func years(_ raw: String) -> Double? {
        duration(raw, defaultUnit: .year).map { $0 / 12 }
    }

    /// A number of months: "8", "8 months", "1.5 years", "2 years 3 months".
    package static func months(_ raw: String) -> Double? {
        duration(raw, defaultUnit: .month)
    }

    package enum Unit { case year, month }

    private static let yearWords: Set<String> = ["y", "yr", "yrs", "year", "years", "jahre", "ans", "anos", "años"]
    private static let monthWords: Set<String> = ["m", "mo", "mos", "month", "months", "monate", "mois", "meses"]
    private static let fillerWords: Set<String> = ["about", "approx", "approximately", "around", "over", "more", "than", "plus", "and",
                                                   "of", "experience", "exp", "total", "ca", "circa", "almost", "nearly", "roughly", "some"]

    /// Months in a cell made only of numbers, units, ranges and a few filler words.
    private static func duration(_ raw: String, defaultUnit: Unit) -> Double? {
        // Most cells are a bare number ("5", "12", "5+"): read without tokens or `Double(String)`.
        if let value = plainWholeNumber(raw) { return defaultUnit == .year ? value * 12 : value }
        return durationByTokens(raw, defaultUnit: defaultUnit)
    }

    /// The value of a cell of 1 to 15 ASCII digits, optionally followed by one `+` (what the
    /// tokens would read: one number, a sign); nil for any other cell. 15 digits are exact in a Double.
    package static func plainWholeNumber(_ raw: String) -> Double? {
        var value = 0
        var digits = 0
        var plus = false
        for byte in raw.utf8 {
            if plus { return nil }  // `+` only as the last byte
            if byte >= 0x30 && byte <= 0x39 {
                guard digits < 15 else { return nil }
                value = value * 10 + Int(byte &- 0x30)
                digits += 1
            } else if byte == UInt8(ascii: "+"), digits > 0 {
                plus = true
            } else {
                return nil
            }
        }
        return digits > 0 ? Double(value) : nil
    }

    /// `duration` by the general path (every cell the fast path does not take).
    package static func durationByTokens(_ raw: String, defaultUnit: Unit) -> Double? {
        let tokens = durationTokens(raw)
        var total = 0.0
        var found = false
        var index = 0
        while index < tokens.count {
            let token = tokens[index]
            if startsWithNumber(token) {
                var number = token.utf8.contains(UInt8(ascii: ","))
                    ? String(decoding: token.utf8.map { $0 == UInt8(ascii: ",") ? UInt8(ascii: ".") : $0 }, as: UTF8.self) : token
                while number.hasSuffix(".") { number.removeLast() }
                guard let value = Double(number) else { return nil }
                var next = index + 1
                // A range ("5-7", "5 to 7"): the lower bound.
                if next + 1 < tokens.count, tokens[next] == "-" || tokens[next] == "–" || tokens[next] == "to", startsWithNumber(tokens[next + 1]) {
                    next += 2
                }
                var unit = defaultUnit
                if next < tokens.count, yearWords.contains(tokens[next]) { unit = .year; next += 1 }
                else if next < tokens.count, monthWords.contains(tokens[next]) { unit = .month; next += 1 }
                total += unit == .year ? value * 12 : value
                found = true
                index = next
                continue
            }
            guard durationSigns.contains(token) || yearWords.contains(token) || monthWords.contains(token) || fillerWords.contains(token)
            else { return nil }
            index += 1
        }
        return found ? total : nil
    }

    private static let durationSigns: Set<String> = ["+", "~", ">", "<", "-", "–", "(", ")", "/", "."]

    /// Whether a token's first `Character` is a number (for ASCII: a digit), read from its first
    /// byte when that is ASCII.
    private static func startsWithNumber(_ token: String) -> Bool {
        guard let byte = token.utf8.first else { return false }
        if byte < 0x80 { return byte >= 0x30 && byte <= 0x39 }
        return token.first?.isNumber == true
    }

    package static func durationTokens(_ raw: String) -> [String] {
        withASCII(raw, asciiDurationTokens) ?? durationTokensByCharacter(raw)
    }

    /// A duration cell's tokens: numbers (ASCII digits with `.` or `,` inside), words, and each
    /// other non-space character on its own; lower-cased.
    package static func durationTokensByCharacter(_ raw: String) -> [String] {
        var tokens: [String] = []
        var current = ""
        var currentIsNumber = false
        for character in raw.lowercased() {
            let isNumber = character.isASCII && character.isNumber || ((character == "." || character == ",") && currentIsNumber)
            let isWord = character.isLetter
            if (isNumber && currentIsNumber) || (isWord && !currentIsNumber && !current.isEmpty) {
                current.append(character)
                continue
            }
            if !current.isEmpty { tokens.append(current) }
            current = isNumber || isWord ? String(character) : ""
            currentIsNumber = isNumber
            if !isNumber && !isWord && !character.isWhitespace { tokens.append(String(character)) }
        }
        if !current.isEmpty { tokens.append(current) }
        return tokens
    }
}
