/// The key companies are de-duplicated by: "Acme Corp", "ACME Corp.", "Acme Corporation" and
/// "acme,  corp" are one company. Case, punctuation, accents' case and whitespace do not count,
/// and neither does a trailing legal form (Corp, Inc, Ltd, LLC, GmbH, SA, AG, PLC, Co, ...),
/// which people add or drop as they please. A name that is nothing but a legal form keeps it.
package enum CompanyName {
    /// Legal forms as words (after punctuation is gone: "S.A." is "s a", joined below).
    static let legalForms: Set<String> = [
        "corp", "corporation", "inc", "incorporated", "ltd", "limited", "llc", "llp", "lp", "gmbh", "mbh", "sa", "sas", "sarl", "ag",
        "plc", "co", "company", "bv", "nv", "oy", "ab", "as", "aps", "spa", "srl", "kg", "pty", "pte", "kk", "se", "sl",
    ]

    /// The key: lower-cased words of letters and digits joined by single spaces, trailing legal
    /// forms removed ("&" becomes "and", so "Smith & Co" and "Smith and Co" meet).
    package static func key(_ name: String) -> String {
        var words = CellText.words(name)
        // Dotted initials ("S.A.", "B.V.") arrive as one-letter words: join a trailing run of them.
        var trailingLetters = 0
        while trailingLetters < words.count, words[words.count - 1 - trailingLetters].count == 1 { trailingLetters += 1 }
        if trailingLetters >= 2, trailingLetters < words.count {
            let joined = words.suffix(trailingLetters).joined()
            if legalForms.contains(joined) { words.removeLast(trailingLetters); words.append(joined) }
        }
        while words.count > 1, let last = words.last, legalForms.contains(last) {
            words.removeLast()
            if words.count > 1, words.last == "and" { words.removeLast() }  // "Smith and Co"
        }
        return words.joined(separator: " ")
    }

    /// A display name: trimmed, inner whitespace collapsed.
    package static func display(_ name: String) -> String {
        name.split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }
}
