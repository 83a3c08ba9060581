/// E.164 phone numbers: `+` then 8 to 15 digits, the first not 0. People paste numbers with
/// spaces, dashes, dots, brackets, a `whatsapp:` prefix or `00` for `+`; those are cleaned up.
/// A number without its country code cannot be completed safely and is refused.
package enum PhoneNumber {
    package static func normalize(_ text: String) -> Result<String, FieldProblem> {
        var rest = Substring(text.trimmingWhitespace())
        if rest.lowercased().hasPrefix("whatsapp:") { rest = rest.dropFirst("whatsapp:".count) }
        var digits = ""
        var plus = false
        for character in rest {
            switch character {
            case "0"..."9": digits.append(character)
            case "+" where digits.isEmpty && !plus: plus = true
            case " ", "-", ".", "(", ")", "\u{00A0}": continue
            default: return .failure(FieldProblem("has a character that is not part of a phone number: \"\(character)\""))
            }
        }
        if !plus, digits.hasPrefix("00") {
            digits.removeFirst(2)
            plus = true
        }
        guard plus else { return .failure(FieldProblem("needs the country code in E.164 form, such as +4915112345678")) }
        guard (8...15).contains(digits.count) else { return .failure(FieldProblem("must have 8 to 15 digits after +, has \(digits.count)")) }
        guard digits.first != "0" else { return .failure(FieldProblem("a country code never starts with 0")) }
        return .success("+" + digits)
    }
}
