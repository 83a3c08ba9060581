/// The one word splitter of the rule-based readers of free text (opt-out intent, feedback
/// direction, offline search, offline answers and text rules): a word is a run of letters and
/// digits. Each reader says which other characters stay inside a word (`keeping`: "'" and "-" for
/// "don't" and "e-mail") and which vanish without splitting it (`dropping`: apostrophes, so
/// "don't" reads "dont"); everything else ends a word and is handed to the reader, which may end
/// a clause there. One pass, linear in the text.
package enum Words {
    /// The words of `text`, in order, as they stand (no case change).
    package static func split<S: StringProtocol>(_ text: S, keeping: Set<Character> = [], dropping: Set<Character> = []) -> [String] {
        var words: [String] = []
        scan(text, keeping: keeping, dropping: dropping, word: { words.append($0) }, separator: { _ in })
        return words
    }

    /// Calls `word` with each word and `separator` with each character that ends one (after the
    /// word it ended, if any), in the order they stand.
    package static func scan<S: StringProtocol>(_ text: S, keeping: Set<Character> = [], dropping: Set<Character> = [],
                                                word: (String) -> Void, separator: (Character) -> Void) {
        var current = ""
        for character in text {
            if character.isLetter || character.isNumber || keeping.contains(character) {
                current.append(character)
            } else if dropping.contains(character) {
                continue
            } else {
                if !current.isEmpty { word(current) }
                current = ""
                separator(character)
            }
        }
        if !current.isEmpty { word(current) }
    }
}
