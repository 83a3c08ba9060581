import Core

/// Cuts a transcript into the chunks that search indexes and summaries read: 2,500–3,500
/// characters each (all but the last, which may be shorter), each chunk's text the messages it
/// covers as `User: …\n\nAssistant: …`, each chunk knowing the first and last message it covers.
///
/// A chunk ends after the message that brings it into the range. A message that would carry it
/// past the upper bound is cut inside, on the last paragraph break that keeps the chunk in range,
/// else the last sentence end, else the last space; only a single word longer than the range is
/// cut mid-word. The part after the cut starts the next chunk, labelled with its role again.
/// Linear: each character is copied once and each cut scans at most one window of the range;
/// content is walked by String index (only a cut's window is held as characters), never turned
/// into an array of the whole message.
package enum ChatChunker {
    package struct Chunk: Sendable, Equatable {
        package var text: String
        /// Positions (in the transcript) of the first and last message the chunk covers.
        package var firstMessage: Int
        package var lastMessage: Int

        package init(text: String, firstMessage: Int, lastMessage: Int) {
            self.text = text
            self.firstMessage = firstMessage
            self.lastMessage = lastMessage
        }
    }

    package static let minimumLength = 2_500
    package static let maximumLength = 3_500
    static let separator = "\n\n"

    package static func chunks(_ messages: [ImportedMessage]) -> [Chunk] {
        chunks(messages, minimum: minimumLength, maximum: maximumLength)
    }

    /// The same with other bounds (tests use small ones); `minimum` ≥ 1, `maximum` ≥ `minimum`.
    package static func chunks(_ messages: [ImportedMessage], minimum: Int, maximum: Int) -> [Chunk] {
        var builder = Builder(minimum: max(1, minimum), maximum: max(minimum, maximum, 1))
        for (position, message) in messages.enumerated() {
            let content = message.content.trimmingWhitespace()
            guard !content.isEmpty else { continue }
            builder.add(label: label(message.role), content: content[...], count: content.count, position: position)
        }
        builder.flush()
        return builder.chunks
    }

    /// `user` → `User`, `assistant` → `Assistant`, other roles capitalised the same way.
    static func label(_ role: String) -> String {
        let trimmed = role.trimmingWhitespace()
        guard let first = trimmed.first else { return "Unknown" }
        return first.uppercased() + trimmed.dropFirst().lowercased()
    }

    struct Builder {
        let minimum: Int
        let maximum: Int
        var chunks: [Chunk] = []
        var text = ""
        var length = 0
        var first = -1
        var last = -1

        init(minimum: Int, maximum: Int) {
            self.minimum = minimum
            self.maximum = maximum
        }

        mutating func add(label: String, content: Substring, count: Int, position: Int) {
            let prefix = label + ": "
            let prefixCount = prefix.count
            var rest = content
            var restCount = count
            while restCount > 0 {
                let separatorLength = length == 0 ? 0 : ChatChunker.separator.count
                let whole = prefixCount + restCount
                if length + separatorLength + whole <= maximum {
                    append(prefix + rest, length: whole, position: position)
                    if length >= minimum { flush() }
                    return
                }
                // A fresh chunk always takes something, even when the label fills the bound.
                let room = max(length == 0 ? 1 : Int.min, maximum - length - separatorLength - prefixCount)
                let least = max(1, minimum - length - separatorLength - prefixCount)
                guard room >= least else {
                    // The label alone does not fit what is left of this chunk: close it.
                    flush()
                    continue
                }
                let cut = ChatChunker.cut(Array(rest.prefix(room + 2)), count: restCount, least: least, most: room)
                let end = rest.index(rest.startIndex, offsetBy: cut)
                append(prefix + rest[..<end], length: prefixCount + cut, position: position)
                flush()
                rest = rest[end...]
                restCount -= cut
                while let head = rest.first, head.isWhitespace { rest = rest.dropFirst(); restCount -= 1 }
            }
        }

        mutating func append(_ piece: String, length pieceLength: Int, position: Int) {
            if length > 0 {
                text += ChatChunker.separator
                length += ChatChunker.separator.count
            }
            text += piece
            length += pieceLength
            if first < 0 { first = position }
            last = position
        }

        mutating func flush() {
            guard length > 0 else { return }
            chunks.append(Chunk(text: text, firstMessage: first, lastMessage: last))
            text = ""
            length = 0
            first = -1
            last = -1
        }
    }

    /// Where to cut a text of `count` characters, whose first characters are `window` (at least
    /// `most + 2` of them, or all), so the part before is `least`…`most` characters: the last
    /// paragraph break in that window, else the last sentence end, else the last space (each
    /// after a non-space, so nothing dangles), else `most` (a word longer than the window).
    static func cut(_ window: [Character], count: Int, least: Int, most: Int) -> Int {
        let upper = min(most, count - 1)
        let lower = least
        guard upper >= lower else { return min(most, count) }
        var sentence: Int?
        var word: Int?
        var index = upper
        while index >= lower {
            let character = window[index]
            if character.isWhitespace, !window[index - 1].isWhitespace {
                if character == "\n", index + 1 < count, window[index + 1] == "\n" { return index }
                if sentence == nil, [".", "!", "?", "…", "。"].contains(window[index - 1]) { sentence = index }
                if word == nil { word = index }
            }
            index -= 1
        }
        return sentence ?? word ?? most
    }
}
