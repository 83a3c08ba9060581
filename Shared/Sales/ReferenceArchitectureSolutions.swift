import Core
import Store

/// Names the catalogue solutions an architecture page uses, from its title and summary: a
/// solution counts when its whole name stands there as words ("Amazon Route 53"), or its name
/// without "Amazon"/"AWS" when that is unmistakable (a digit, a capital inside a word or all
/// capitals: "DynamoDB", "S3", "EKS", "OpenSearch Service"; never "Connect" or "Glue", which are
/// ordinary words). One pass over the text's words, so the cost is linear in the text whatever
/// the catalogue's size.
package struct ArchitectureSolutionNames: Sendable {
    /// At most this many names per page: more says nothing a reader can use.
    static let maximumPerPage = 10

    /// Per first word (lower-cased), the word sequences starting with it and the name they stand for.
    private let byFirstWord: [String: [(words: [String], name: String)]]

    package init(names: [String]) {
        var index: [String: [(words: [String], name: String)]] = [:]
        for name in names {
            for words in Self.forms(of: name) {
                guard let first = words.first else { continue }
                index[first, default: []].append((words, name))
            }
        }
        // Longest form first, so "Amazon OpenSearch Service" wins over a shorter name it contains.
        byFirstWord = index.mapValues { $0.sorted { $0.words.count > $1.words.count } }
    }

    /// The catalogue's names (`sales_solutions`).
    package init(database: any Database) throws {
        let names = try database.read { sql in
            try sql.query("SELECT name FROM sales_solutions ORDER BY id").compactMap { try? $0.string("name") }
        }
        self.init(names: names)
    }

    /// The solutions named in `text`, in the order they first appear.
    package func solutions(in text: String) -> [String] {
        let words = Words.split(text).map { $0.lowercased() }
        var found: [String] = []
        var position = 0
        while position < words.count && found.count < Self.maximumPerPage {
            var advanced = 1
            for candidate in byFirstWord[words[position]] ?? [] {
                let end = position + candidate.words.count
                guard end <= words.count, Array(words[position..<end]) == candidate.words else { continue }
                if !found.contains(candidate.name) { found.append(candidate.name) }
                advanced = candidate.words.count
                break
            }
            position += advanced
        }
        return found
    }

    /// The whole name's words, and the short form when it is unmistakable.
    static func forms(of name: String) -> [[String]] {
        let original = Words.split(name)
        guard !original.isEmpty else { return [] }
        var forms = [original.map { $0.lowercased() }]
        if original.count > 1, ["amazon", "aws"].contains(original[0].lowercased()) {
            let rest = Array(original.dropFirst())
            if rest.contains(where: distinctive) { forms.append(rest.map { $0.lowercased() }) }
        }
        return forms
    }

    /// A word no sentence uses by chance: it holds a digit, a capital after its first letter, or
    /// is two or more capitals.
    static func distinctive(_ word: String) -> Bool {
        word.contains(where: \.isNumber) || word.dropFirst().contains(where: \.isUppercase)
    }
}
