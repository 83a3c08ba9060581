/// The "did you mean …?" of an unknown input field: the schema's property path (nested ones
/// included) closest to what was sent, ignoring case and the `_`, `-`, `.` separators, so
/// `weight_news` finds `weights.news`. Names are short and bounded, so the edit distance stays cheap.
package enum FieldSuggestion {
    static let maximumLength = 64

    /// The suggestion for `field` (a full path below `root`), written the same way, or nil when
    /// nothing is close.
    package static func closest(to field: String, among known: [String], root: String = "") -> String? {
        var name = Substring(field)
        if !root.isEmpty, name.hasPrefix(root + ".") { name = name.dropFirst(root.count + 1) }
        let wanted = normalized(name)
        guard !wanted.isEmpty, wanted.count <= maximumLength else { return nil }
        var best: (path: String, score: Int)?
        for path in known where path != String(name) {
            let whole = normalized(Substring(path))
            guard whole.count <= maximumLength else { continue }
            var score = distance(wanted, whole)
            // `news` sent at the top level for `weights.news`.
            if let last = path.split(separator: ".").last, path.contains(".") {
                score = min(score, distance(wanted, normalized(last)) + 1)
            }
            if score < (best?.score ?? Int.max) || (score == best?.score && path < best!.path) { best = (path, score) }
        }
        guard let best, best.score <= max(2, wanted.count / 3) else { return nil }
        return root.isEmpty ? best.path : "\(root).\(best.path)"
    }

    static func normalized(_ text: Substring) -> [Unicode.Scalar] {
        text.lowercased().unicodeScalars.filter { $0 != "_" && $0 != "-" && $0 != "." && $0 != " " }
    }

    /// Levenshtein distance, one row at a time.
    static func distance(_ lhs: [Unicode.Scalar], _ rhs: [Unicode.Scalar]) -> Int {
        if lhs.isEmpty { return rhs.count }
        if rhs.isEmpty { return lhs.count }
        var previous = Array(0...rhs.count)
        var current = [Int](repeating: 0, count: rhs.count + 1)
        for (i, left) in lhs.enumerated() {
            current[0] = i + 1
            for (j, right) in rhs.enumerated() {
                current[j + 1] = min(previous[j + 1] + 1, current[j] + 1, previous[j] + (left == right ? 0 : 1))
            }
            swap(&previous, &current)
        }
        return previous[rhs.count]
    }
}
