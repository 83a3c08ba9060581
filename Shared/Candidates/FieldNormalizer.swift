import Core
import Gateway

/// How one spreadsheet cell becomes a candidate field: placeholders ("N/A", "-", "none") are
/// empty, emails and LinkedIn URLs get one spelling so the same person is recognised across
/// uploads, lists split on commas, semicolons, pipes, bullets and line breaks, and years of
/// experience are read from the ways people write them ("5+", "3,5", "5-7 yrs", "18 months").
package enum FieldNormalizer {
    private static let placeholders: Set<String> = ["", "-", "--", "—", "–", "n/a", "na", "n.a.", "none", "null", "nil", "tbd", "unknown", "?", "#n/a"]

    /// Trimmed text with inner runs of whitespace collapsed; nil for an empty cell or a placeholder.
    package static func text(_ raw: String?, keepLines: Bool = false) -> String? {
        guard let raw else { return nil }
        let trimmed = raw.trimmingWhitespace()
        if placeholders.contains(trimmed.lowercased()) { return nil }
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
    /// not an address.
    package static func email(_ raw: String) -> String? {
        var value = raw.trimmingWhitespace()
        if let open = value.lastIndex(of: "<"), let close = value.lastIndex(of: ">"), open < close {
            value = String(value[value.index(after: open)..<close])
        }
        if value.lowercased().hasPrefix("mailto:") { value = String(value.dropFirst(7)) }
        value = value.trimmingWhitespace().lowercased()
        let parts = value.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, value.count <= 254 else { return nil }
        let domain = parts[1]
        let labels = domain.split(separator: ".", omittingEmptySubsequences: false)
        guard labels.count >= 2, labels.allSatisfy({ !$0.isEmpty && !$0.hasPrefix("-") && !$0.hasSuffix("-") }),
              let top = labels.last, top.count >= 2, top.allSatisfy(\.isLetter),
              domain.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "." || $0 == "-" }),
              !parts[0].contains(where: { $0.isWhitespace || $0 == "," || $0 == ";" || $0 == "<" || $0 == ">" }),
              !parts[0].hasPrefix("."), !parts[0].hasSuffix("."), !parts[0].contains("..")
        else { return nil }
        return value
    }

    /// `https://www.linkedin.com/in/<slug>` for any spelling of a member profile URL (no
    /// scheme, a country subdomain, a trailing slash, tracking parameters); nil when the value
    /// is not one.
    package static func linkedin(_ raw: String) -> String? {
        var value = raw.trimmingWhitespace()
        if let scheme = value.firstRange(of: "://") { value = String(value[scheme.upperBound...]) }
        if let cut = value.firstIndex(where: { $0 == "?" || $0 == "#" }) { value = String(value[..<cut]) }
        let segments = value.split(separator: "/").map(String.init)
        guard let host = segments.first?.lowercased(), host == "linkedin.com" || host.hasSuffix(".linkedin.com"),
              segments.count >= 3, ["in", "pub"].contains(segments[1].lowercased())
        else { return nil }
        let slug = PercentEncoding.decode(segments[2])?.lowercased() ?? segments[2].lowercased()
        guard !slug.isEmpty, slug.count <= 100, slug.allSatisfy({ !$0.isWhitespace }) else { return nil }
        return "https://www.linkedin.com/\(segments[1].lowercased())/" + slug
    }

    /// Items of a list cell, trimmed, without placeholders, each once (first spelling kept).
    package static func list(_ raw: String?) -> [String] {
        guard let raw else { return [] }
        var seen: Set<String> = []
        var items: [String] = []
        for part in raw.split(whereSeparator: { ",;|•\n\r\t".contains($0) }) {
            guard let item = text(String(part)), item.count <= 100 else { continue }
            if seen.insert(item.lowercased()).inserted { items.append(item) }
        }
        return items
    }

    /// Years of experience as written: "5", "5+", "3.5", "3,5", "5-7" (the lower bound), "2 years
    /// 6 months", "18 months", "about 10 yrs". nil when no number can be read.
    package static func years(_ raw: String) -> Double? {
        let lower = raw.lowercased().replacing(",", with: ".")
        let numbers = numbers(in: lower)
        guard let first = numbers.first else { return nil }
        let mentionsMonths = lower.contains("month") || lower.hasSuffix("mo") || lower.hasSuffix("mos")
        let mentionsYears = lower.contains("y")
        if mentionsMonths && !mentionsYears { return first / 12 }
        if mentionsMonths && numbers.count >= 2 { return first + numbers[1] / 12 }
        return first
    }

    /// A number of months: "8", "8 months", "1.5 years".
    package static func months(_ raw: String) -> Double? {
        let lower = raw.lowercased().replacing(",", with: ".")
        guard let first = numbers(in: lower).first else { return nil }
        return lower.contains("y") && !lower.contains("month") ? first * 12 : first
    }

    private static func numbers(in text: String) -> [Double] {
        var found: [Double] = []
        var current = ""
        for character in text + " " {
            if character.isASCII && (character.isNumber || (character == "." && !current.isEmpty && !current.contains("."))) {
                current.append(character)
            } else if !current.isEmpty {
                if let value = Double(current.hasSuffix(".") ? String(current.dropLast()) : current) { found.append(value) }
                current = ""
            }
        }
        return found
    }
}
