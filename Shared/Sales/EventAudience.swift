import Core
import Retrieval
import Store

/// Who an event is for, as filters both SQL and the offline scorer apply the same way: the
/// industry among the target industries (without case, Unicode-aware), a title holding one of the target roles
/// (every word of the role as a word of the title, "VP" also as "vice president", "CTO" also as
/// "chief technology officer"), and a status other than `inactive`. No targets means no filter.
package struct EventAudience: Sendable, Equatable {
    /// Lower-cased target industries.
    package var industries: [String]
    /// Per role, its words; per word, the spellings any of which counts (each padded with spaces).
    package var roles: [[[String]]]

    package init(event: SalesEvent) {
        industries = event.targetIndustries.map { $0.trimmingWhitespace().lowercased() }.filter { !$0.isEmpty }
        roles = event.targetRoles.map(Self.words).filter { !$0.isEmpty }.map { words in words.map { Self.spellings[$0] ?? [$0] } }
    }

    /// Words left out of a role ("Head of Data" is "head", "data").
    static let fillers: Set<String> = ["of", "and", "the", "for", "in", "at", "a", "an"]

    /// Abbreviations of titles and what they stand for.
    static let spellings: [String: [String]] = [
        "vp": ["vp", "vice president"], "svp": ["svp", "senior vice president"], "evp": ["evp", "executive vice president"],
        "cto": ["cto", "chief technology officer", "chief technical officer"], "cio": ["cio", "chief information officer"],
        "ceo": ["ceo", "chief executive officer"], "cfo": ["cfo", "chief financial officer"],
        "coo": ["coo", "chief operating officer"], "ciso": ["ciso", "chief information security officer"],
        "cdo": ["cdo", "chief data officer", "chief digital officer"], "it": ["it", "information technology"],
    ]

    /// Lower-cased words: letters and digits, everything else a separator.
    static func words(_ text: String) -> [String] {
        text.lowercased().split(whereSeparator: { !$0.isLetter && !$0.isNumber }).map(String.init).filter { !fillers.contains($0) }
    }

    /// The title as the role filter reads it: words separated by single spaces, padded.
    static func padded(_ title: String) -> String {
        " " + title.lowercased().split(whereSeparator: { !$0.isLetter && !$0.isNumber }).joined(separator: " ") + " "
    }

    package func matchesIndustry(_ industry: String?) -> Bool {
        industries.isEmpty || industries.contains((industry ?? "").trimmingWhitespace().lowercased())
    }

    /// The target roles the title holds (all of them when there are none).
    package func matchesRole(_ title: String) -> Bool {
        guard !roles.isEmpty else { return true }
        let text = Self.padded(title)
        return roles.contains { role in role.allSatisfy { spellings in spellings.contains { text.contains(" \($0) ") } } }
    }

    /// The same filters as SQL over `sales_prospects` aliased `p`. The industry is not compared
    /// in SQL (SQLite's LOWER only folds ASCII: "ÉNERGIE" would miss "Énergie"): the distinct
    /// industries stored are read and matched here, in Swift, and SQL takes the exact values
    /// that passed. The title is normalised in SQL with REPLACE (punctuation to spaces), which
    /// both backends have.
    package func sqlFilter(in sql: any SQLExecutor) throws -> SQLFilter {
        var clauses = ["p.status <> 'inactive'"]
        var arguments: [any SQLBindable] = []
        if !industries.isEmpty {
            let values = try sql.query("SELECT DISTINCT industry FROM sales_prospects WHERE industry IS NOT NULL")
                .compactMap { $0.optionalString("industry") }.filter { matchesIndustry($0) }.sorted()
            clauses.append(values.isEmpty ? "1 = 0" : "p.industry IN (\(Array(repeating: "?", count: values.count).joined(separator: ", ")))")
            arguments += values
        }
        if !roles.isEmpty {
            var title = "p.title"
            for mark in [",", "/", "&", "-", "(", ")", ".", ";", ":", "|", "'"] { title = "REPLACE(\(title), '\(mark == "'" ? "''" : mark)', ' ')" }
            let padded = "(' ' || LOWER(\(title)) || ' ')"
            var alternatives: [String] = []
            for role in roles {
                var words: [String] = []
                for spellings in role {
                    words.append("(" + spellings.map { _ in "\(padded) LIKE ?" }.joined(separator: " OR ") + ")")
                    // Words of a spelling may be separated by several spaces once punctuation is
                    // replaced; single-word patterns are the common case and exact.
                    arguments += spellings.map { "% \($0) %" }
                }
                alternatives.append("(" + words.joined(separator: " AND ") + ")")
            }
            clauses.append("(" + alternatives.joined(separator: " OR ") + ")")
        }
        return SQLFilter(clauses.joined(separator: " AND "), arguments)
    }
}
