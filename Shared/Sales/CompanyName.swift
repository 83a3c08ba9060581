import Core

/// The key companies are de-duplicated by: "Acme Corp", "ACME Corp.", "Acme Corporation" and
/// "acme,  corp" are one company. Case, punctuation, accents' case and whitespace do not count,
/// and neither does a trailing legal form (Corp, Inc, Ltd, LLC, GmbH, SA, AG, PLC, Co, ...),
/// which people add or drop as they please. A name that is nothing but a legal form, or a
/// legal form and words like "the", keeps it ("The Company" is not "The Limited"). "SpA" is
/// a legal form dotted ("S.p.A.") or written the Italian way ("Ferrari SpA"); any other
/// spelling is a word ("Day Spa", "DAY SPA").
package enum CompanyName {
    /// Legal forms as words (after punctuation is gone: "S.A." is "s a", joined below).
    static let legalForms: Set<String> = [
        "corp", "corporation", "inc", "incorporated", "ltd", "limited", "llc", "llp", "lp", "gmbh", "mbh", "sa", "sas", "sarl", "ag",
        "plc", "co", "company", "bv", "nv", "oy", "ab", "as", "aps", "srl", "kg", "pty", "pte", "kk", "se", "sl",
    ]

    /// Legal forms recognised only when written with dots (as one-letter words).
    static let dottedLegalForms: Set<String> = ["spa"]

    /// Words that do not name a company on their own.
    static let stopwords: Set<String> = ["the", "a", "an", "and", "of", "der", "die", "das", "le", "la", "les", "el", "los", "de"]

    /// The key: lower-cased words of letters and digits joined by single spaces, trailing legal
    /// forms removed ("&" becomes "and", so "Smith & Co" and "Smith and Co" meet).
    package static func key(_ name: String) -> String {
        var words = CellText.words(name)
        // Dotted initials ("S.A.", "B.V.") arrive as one-letter words: join a trailing run of them.
        var trailingLetters = 0
        var dotted: String? = Self.endsInItalianSpA(name) ? "spa" : nil
        while trailingLetters < words.count, words[words.count - 1 - trailingLetters].count == 1 { trailingLetters += 1 }
        if trailingLetters >= 2, trailingLetters < words.count {
            let joined = words.suffix(trailingLetters).joined()
            if legalForms.contains(joined) || dottedLegalForms.contains(joined) {
                words.removeLast(trailingLetters)
                words.append(joined)
                dotted = joined
            }
        }
        while words.count > 1, let last = words.last, legalForms.contains(last) || last == dotted,
              words.dropLast().contains(where: { !stopwords.contains($0) }) {
            words.removeLast()
            dotted = nil
            if words.count > 1, words.last == "and" { words.removeLast() }  // "Smith and Co"
        }
        return words.joined(separator: " ")
    }

    /// Whether the name's last word is "SpA" exactly as Italian companies write it.
    static func endsInItalianSpA(_ name: String) -> Bool {
        let last = name.split(whereSeparator: { $0.isWhitespace || $0 == "," }).last
        return last.map { $0 == "SpA" || $0 == "SpA." } ?? false
    }

    /// A display name: trimmed, inner whitespace collapsed.
    package static func display(_ name: String) -> String {
        name.split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }
}
