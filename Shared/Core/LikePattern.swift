/// SQL `LIKE` patterns from text a person typed: `%`, `_` and the escape character itself are
/// escaped, so they match only themselves (the statement must say `ESCAPE '\'`). Prospect and
/// solution searches both build them.
package enum LikePattern {
    /// The text with `%`, `_` and `\` escaped by `\`.
    package static func escaped(_ text: String) -> String {
        var escaped = ""
        for character in text {
            if character == "%" || character == "_" || character == "\\" { escaped.append("\\") }
            escaped.append(character)
        }
        return escaped
    }

    /// A pattern matching values that contain the text anywhere.
    package static func containing(_ text: String) -> String { "%" + escaped(text) + "%" }
}
