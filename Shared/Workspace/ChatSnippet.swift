import Core

/// The ~200 characters of a hit's text around its best match, cut on word boundaries, with the
/// matched words' ranges (`highlights`, offsets in Unicode code points of `text`, as Python and
/// `Array.from` in JavaScript count them) and the same text HTML-escaped with `<mark>` around the
/// matches (`html`), which the console can insert as is: chat text such as `<script>` arrives
/// escaped. A word matches a query term when they are equal ignoring case and common Latin
/// diacritics, when the word contains a term of 3+ letters (the trigram index's partial words),
/// or when they share a long prefix (the word index stems: "planning" finds "planned").
/// Linear in the text: one pass to find words, one window scan.
package struct ChatSnippet: Sendable, Equatable {
    package struct Highlight: Codable, Sendable, Equatable {
        package var start: Int
        package var end: Int
    }

    package var text: String
    package var highlights: [Highlight]
    package var html: String

    package static let width = 200

    /// The query's terms as the snippet compares them (folded, deduplicated, bounded).
    package static func terms(_ query: String) -> [String] {
        var seen: Set<String> = []
        var terms: [String] = []
        for word in Words.split(query.prefix(2_000)) {
            let folded = fold(word)
            if !folded.isEmpty, seen.insert(folded).inserted { terms.append(folded) }
            if terms.count == 32 { break }
        }
        return terms
    }

    package static func make(_ source: String, terms: [String], width: Int = width) -> ChatSnippet {
        let characters = Array(source.prefix(100_000))
        // Words: [start, end) in characters, and whether each matches a term.
        var words: [(start: Int, end: Int, hit: Bool)] = []
        var index = 0
        while index < characters.count {
            guard characters[index].isLetter || characters[index].isNumber else { index += 1; continue }
            let start = index
            while index < characters.count, characters[index].isLetter || characters[index].isNumber { index += 1 }
            let word = fold(String(characters[start..<index]))
            words.append((start, index, terms.contains { matches(word, $0) }))
        }
        let hits = words.filter(\.hit)
        // The window holding the most matches (two pointers over the matches).
        var bestFirst = 0
        var bestCount = 0
        var last = 0
        for first in hits.indices {
            last = max(last, first)
            while last + 1 < hits.count, hits[last + 1].end - hits[first].start <= width { last += 1 }
            if last - first + 1 > bestCount { bestCount = last - first + 1; bestFirst = first }
        }
        var start = 0
        if let anchor = hits.isEmpty ? nil : hits[bestFirst] {
            let span = (bestCount > 0 ? hits[bestFirst + bestCount - 1].end : anchor.end) - anchor.start
            start = max(0, anchor.start - max(0, (width - span) / 3))
        }
        var end = min(characters.count, start + width)
        if end - start < width { start = max(0, end - width) }
        // Word boundaries: never start or end inside a word.
        if start > 0, let word = words.first(where: { $0.end > start }), word.start < start { start = word.end }
        if end < characters.count, let word = words.last(where: { $0.start < end }), word.end > end {
            end = word.start > start ? word.start : min(characters.count, word.end)
        }
        while start < end, characters[start].isWhitespace { start += 1 }
        while end > start, characters[end - 1].isWhitespace { end -= 1 }
        let prefix = start > 0 ? "…" : ""
        let suffix = end < characters.count ? "…" : ""
        var text = prefix
        var html = prefix
        var highlights: [Highlight] = []
        var offset = prefix.unicodeScalars.count
        var position = start
        for word in words where word.hit && word.start >= start && word.end <= end {
            let before = String(characters[position..<word.start])
            let matched = String(characters[word.start..<word.end])
            text += before
            html += escaped(before)
            offset += before.unicodeScalars.count
            let length = matched.unicodeScalars.count
            highlights.append(Highlight(start: offset, end: offset + length))
            text += matched
            html += "<mark>" + escaped(matched) + "</mark>"
            offset += length
            position = word.end
        }
        let rest = String(characters[position..<max(position, end)])
        text += rest + suffix
        html += escaped(rest) + suffix
        return ChatSnippet(text: text, highlights: highlights, html: html)
    }

    static func matches(_ word: String, _ term: String) -> Bool {
        if word == term { return true }
        if term.count >= 3, word.contains(term) { return true }
        guard word.count >= 4, term.count >= 4 else { return false }
        let shared = zip(word, term).prefix { $0 == $1 }.count
        return shared >= 4 && shared >= min(word.count, term.count) - 3
    }

    /// HTML-escaped text (`&`, `<`, `>`, quotes).
    package static func escaped(_ text: String) -> String {
        var escaped = ""
        escaped.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&#39;"
            default: escaped.append(character)
            }
        }
        return escaped
    }

    /// Lower case without the diacritics of Latin letters (what `remove_diacritics` folds).
    package static func fold(_ text: String) -> String {
        var folded = ""
        for scalar in text.lowercased().unicodeScalars {
            if scalar.properties.generalCategory == .nonspacingMark { continue }
            if let plain = latin[scalar] { folded += plain } else { folded.unicodeScalars.append(scalar) }
        }
        return folded
    }

    private static let latin: [Unicode.Scalar: String] = {
        let groups: [(String, String)] = [
            ("àáâãäåāăą", "a"), ("çćĉċč", "c"), ("ďđ", "d"), ("èéêëēĕėęě", "e"), ("ĝğġģ", "g"), ("ĥħ", "h"),
            ("ìíîïĩīĭįı", "i"), ("ĵ", "j"), ("ķ", "k"), ("ĺļľŀł", "l"), ("ñńņňŉ", "n"), ("òóôõöøōŏő", "o"),
            ("ŕŗř", "r"), ("śŝşšș", "s"), ("ţťŧț", "t"), ("ùúûüũūŭůűų", "u"), ("ŵ", "w"), ("ýÿŷ", "y"), ("źżž", "z"),
            ("ß", "ss"), ("æ", "ae"), ("œ", "oe"), ("þ", "th"),
        ]
        var table: [Unicode.Scalar: String] = [:]
        for (letters, plain) in groups { for scalar in letters.unicodeScalars { table[scalar] = plain } }
        return table
    }()
}
