import Core

/// Splits a command line the way a POSIX shell splits words, without a shell: blanks separate
/// words; single quotes keep everything literally; double quotes keep blanks and let a
/// backslash escape `"`, `\`, `$` and `` ` ``; a backslash outside quotes escapes the next
/// character. No expansion of any kind (variables, globs, `~`), so a configured
/// `MCP_SERVER_COMMAND` runs exactly the program it names. One pass, linear in the length.
package enum CommandWords {
    package static func split(_ line: String) throws -> [String] {
        var words: [String] = []
        var current = ""
        var inWord = false
        var quote: Character?
        var escaped = false
        for character in line {
            if escaped {
                if quote == "\"" && !"\"\\$`".contains(character) { current.append("\\") }
                current.append(character)
                escaped = false
                continue
            }
            switch (quote, character) {
            case ("'", "'"): quote = nil
            case ("'", _): current.append(character)
            case ("\"", "\""): quote = nil
            case ("\"", "\\"): escaped = true
            case ("\"", _): current.append(character)
            case (_, "\\"): escaped = true; inWord = true
            case (_, "'"), (_, "\""): quote = character; inWord = true
            case (_, " "), (_, "\t"), (_, "\n"), (_, "\r\n"), (_, "\r"):
                if inWord { words.append(current) }
                current = ""
                inWord = false
            default:
                current.append(character)
                inWord = true
            }
        }
        guard quote == nil else { throw BundleError.misconfigured(variable: "MCP_SERVER_COMMAND", "has an unclosed \(quote == "'" ? "single" : "double") quote") }
        guard !escaped else { throw BundleError.misconfigured(variable: "MCP_SERVER_COMMAND", "ends with a lone backslash") }
        if inWord { words.append(current) }
        return words
    }
}
