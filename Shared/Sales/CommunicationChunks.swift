/// A communication's content cut into pieces of about `target` characters on line boundaries
/// (a line longer than `maximum` is cut at a space), so each piece is embedded and found on its
/// own and a search hit can quote the part that matched. One pass over the text.
package enum CommunicationChunks {
    package static let target = 1_200
    package static let maximum = 1_600

    package static func split(_ content: String, target: Int = target, maximum: Int = maximum) -> [String] {
        var chunks: [String] = []
        var current = ""
        var currentCount = 0
        func flush() {
            let trimmed = current.trimmingWhitespace()
            if !trimmed.isEmpty { chunks.append(trimmed) }
            current = ""
            currentCount = 0
        }
        for line in content.split(separator: "\n", omittingEmptySubsequences: false) {
            var rest = Substring(line)
            var restCount = rest.count
            while restCount > maximum {
                flush()
                // Cut at the last space before the maximum, else at the maximum.
                let limit = rest.index(rest.startIndex, offsetBy: maximum)
                let cut = rest[..<limit].lastIndex(where: \.isWhitespace).flatMap { $0 > rest.startIndex ? $0 : nil } ?? limit
                chunks.append(String(rest[..<cut]).trimmingWhitespace())
                let taken = rest.distance(from: rest.startIndex, to: cut)
                rest = rest[cut...]
                restCount -= taken
            }
            if currentCount + restCount + 1 > target, currentCount > 0 { flush() }
            if currentCount > 0 { current += "\n" }
            current += rest
            currentCount += restCount + 1
        }
        flush()
        return chunks.filter { !$0.isEmpty }
    }
}
