import FoundationEssentials
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Configuration: the process environment plus an optional `.env` file in the working directory.
/// The real environment wins over `.env`. Values are read through typed accessors that turn a bad
/// value into `misconfigured` naming the variable.
package struct Config: Sendable {
    private let values: [String: String]

    package init(_ values: [String: String]) {
        self.values = values
    }

    /// The environment of this process, over the `.env` file if any: `BUNDLE_ENV_FILE`, else
    /// `.env` in the working directory (fcgiwrap starts programs in their own directory, so the
    /// nginx sites name the file).
    /// `environment` replaces the process's (a warm worker's, with a request's FastCGI parameters over it).
    package static func load(dotEnvPath: String? = nil, environment: [String: String] = ProcessEnvironment.current()) -> Config {
        let path = dotEnvPath ?? environment["BUNDLE_ENV_FILE"].flatMap { $0.isEmpty ? nil : $0 } ?? ".env"
        var merged = DotEnv.read(path: path)
        for (name, value) in environment { merged[name] = value }
        return Config(merged)
    }

    /// A non-empty value, or nil.
    package subscript(name: String) -> String? {
        guard let value = values[name], !value.isEmpty else { return nil }
        return value
    }

    package func string(_ name: String, default fallback: String) -> String {
        self[name] ?? fallback
    }

    /// The value, or `misconfigured` naming the variable (and why it is needed).
    package func require(_ name: String, for purpose: String) throws -> String {
        guard let value = self[name] else {
            throw BundleError.misconfigured(variable: name, "is not set; it is needed for \(purpose)")
        }
        return value
    }

    package func int(_ name: String, default fallback: Int, in range: ClosedRange<Int> = Int.min...Int.max) throws -> Int {
        guard let text = self[name] else { return fallback }
        guard let value = Int(text.trimmingWhitespace()), range.contains(value) else {
            throw BundleError.misconfigured(variable: name, "must be a whole number in \(range.lowerBound)...\(range.upperBound), got \"\(text)\"")
        }
        return value
    }

    package func double(_ name: String, default fallback: Double, in range: ClosedRange<Double> = -Double.greatestFiniteMagnitude...Double.greatestFiniteMagnitude) throws -> Double {
        guard let text = self[name] else { return fallback }
        guard let value = Double(text.trimmingWhitespace()), range.contains(value) else {
            throw BundleError.misconfigured(variable: name, "must be a number in \(range.lowerBound)...\(range.upperBound), got \"\(text)\"")
        }
        return value
    }

    package func bool(_ name: String, default fallback: Bool) throws -> Bool {
        guard let text = self[name]?.lowercased() else { return fallback }
        switch text {
        case "1", "true", "yes", "on": return true
        case "0", "false", "no", "off": return false
        default: throw BundleError.misconfigured(variable: name, "must be true or false, got \"\(text)\"")
        }
    }

    /// Name segments that mark a secret when a name ends with them.
    private static let secretSuffixes: Set<String> = [
        "key", "keys", "token", "secret", "secrets", "password", "passwd", "pwd", "signature", "credential",
        "credentials", "cookie", "authorization", "auth", "dsn",
    ]

    /// Whether a variable or field name holds a secret: its last segment (split on `_`, `-`, `.`
    /// and lower-to-upper case changes) is one of the secret words, so `LLM_API_KEY`,
    /// `authorization`, `x-twilio-signature` and `accessToken` are secret while `prompt_tokens`
    /// and `key_points` are not, nor the shell's `PWD`.
    package static func isSecretName(_ name: String) -> Bool {
        // The shell's working directories, not passwords (`DB_PWD` still is one).
        if name == "PWD" || name == "OLDPWD" { return false }
        var last: [UInt8] = []
        var previousWasLower = false
        for byte in name.utf8 {
            let isUpper = byte >= 0x41 && byte <= 0x5A
            if byte == 0x5F || byte == 0x2D || byte == 0x2E || (isUpper && previousWasLower) {
                if byte == 0x5F || byte == 0x2D || byte == 0x2E {
                    last = []
                    previousWasLower = false
                    continue
                }
                last = []
            }
            last.append(isUpper ? byte + 0x20 : byte)
            previousWasLower = byte >= 0x61 && byte <= 0x7A
        }
        return secretSuffixes.contains(String(decoding: last, as: UTF8.self))
    }

    /// Values of variables that hold secrets, plus passwords inside URLs (`postgres://u:p@h/db`,
    /// a proxy or base URL with credentials), so logs and error messages can redact them.
    package var secretValues: [String] {
        var secrets: [String] = []
        for (name, value) in values {
            if Config.isSecretName(name), value.count >= 6 { secrets.append(value) }
            if let password = Config.urlPassword(value) { secrets.append(password) }
        }
        return secrets
    }

    /// Every process reads every variable through this (PATH, a JSON blob…), so it scans bytes:
    /// `firstRange(of:)` over `String` cost about a millisecond per start.
    static func urlPassword(_ value: String) -> String? {
        let bytes = Array(value.utf8)
        guard bytes.count > 3, let scheme = schemeSeparatorEnd(bytes) else { return nil }
        var end = scheme
        while end < bytes.count, bytes[end] != UInt8(ascii: "/"), bytes[end] != UInt8(ascii: "?"), bytes[end] != UInt8(ascii: "#") { end += 1 }
        guard let at = bytes[scheme..<end].lastIndex(of: UInt8(ascii: "@")),
              let colon = bytes[scheme..<at].firstIndex(of: UInt8(ascii: ":")) else { return nil }
        let password = String(decoding: bytes[(colon + 1)..<at], as: UTF8.self)
        return password.count >= 3 ? password : nil
    }

    /// The index just past the first `://`, if any.
    private static func schemeSeparatorEnd(_ bytes: [UInt8]) -> Int? {
        var index = 0
        while index + 2 < bytes.count {
            if bytes[index] == UInt8(ascii: ":"), bytes[index + 1] == UInt8(ascii: "/"), bytes[index + 2] == UInt8(ascii: "/") { return index + 3 }
            index += 1
        }
        return nil
    }

    /// The configuration without the `HTTP_*` variables a CGI server makes from request headers:
    /// under CGI a client could otherwise set configuration by sending a header (the httpoxy
    /// class of bug). No configuration variable of the bundle starts with `HTTP_`.
    package func withoutRequestHeaders() -> Config {
        Config(values.filter { !$0.key.hasPrefix("HTTP_") })
    }

    /// A copy with some values replaced (tests and child processes).
    package func with(_ overrides: [String: String]) -> Config {
        Config(values.merging(overrides) { _, new in new })
    }

    package var all: [String: String] { values }
}

/// Reads `NAME=value` lines: `export` prefixes, `#` comments, single quotes (literal), double
/// quotes (with \n, \t, \" and \\ escapes), and unquoted values with trailing comments.
package enum DotEnv {
    package static func read(path: String) -> [String: String] {
        guard let text = readFile(path) else { return [:] }
        return parse(text)
    }

    package static func parse(_ text: String) -> [String: String] {
        var result: [String: String] = [:]
        var lines = text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" })[...]
        while let rawLine = lines.popFirst() {
            var line = Substring(rawLine.trimmingWhitespace())
            if line.isEmpty || line.hasPrefix("#") { continue }
            if line.hasPrefix("export ") { line = Substring(line.dropFirst(7).trimmingWhitespace()) }
            guard let equals = line.firstIndex(of: "=") else { continue }
            let name = line[..<equals].trimmingWhitespace()
            guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == "." }) else { continue }
            var value = Substring(line[line.index(after: equals)...].trimmingWhitespace())
            if let quote = value.first, quote == "\"" || quote == "'" {
                var body = String(value.dropFirst())
                // A quoted value may continue over several lines; one never closed is read as
                // its own line only, so it cannot swallow the rest of the file.
                let remaining = lines
                while !closes(body, quote: quote), let next = lines.popFirst() {
                    body += "\n" + next
                }
                if let end = closingIndex(body, quote: quote) {
                    body = String(body[..<end])
                } else {
                    lines = remaining
                    body = String(value.dropFirst())
                }
                result[name] = quote == "\"" ? unescape(body) : body
            } else {
                if let comment = value.firstRange(of: " #") { value = value[..<comment.lowerBound] }
                result[name] = value.trimmingWhitespace()
            }
        }
        return result
    }

    private static func closes(_ body: String, quote: Character) -> Bool {
        closingIndex(body, quote: quote) != nil
    }

    private static func closingIndex(_ body: String, quote: Character) -> String.Index? {
        var escaped = false
        for index in body.indices {
            let character = body[index]
            if escaped { escaped = false; continue }
            if character == "\\" && quote == "\"" { escaped = true; continue }
            if character == quote { return index }
        }
        return nil
    }

    private static func unescape(_ body: String) -> String {
        var result = ""
        var escaped = false
        for character in body {
            if escaped {
                switch character {
                case "n": result.append("\n")
                case "t": result.append("\t")
                case "r": result.append("\r")
                default: result.append(character)
                }
                escaped = false
            } else if character == "\\" {
                escaped = true
            } else {
                result.append(character)
            }
        }
        return result
    }

    private static func readFile(_ path: String) -> String? {
        FileBytes.read(path).map { String(decoding: $0, as: UTF8.self) }
    }
}

/// The process environment as a dictionary.
package enum ProcessEnvironment {
    package static func current() -> [String: String] {
        var result: [String: String] = [:]
        var cursor = environ
        while let entry = cursor.pointee {
            let text = String(cString: entry)
            if let equals = text.firstIndex(of: "=") {
                result[String(text[..<equals])] = String(text[text.index(after: equals)...])
            }
            cursor += 1
        }
        return result
    }
}

extension StringProtocol {
    package func trimmingWhitespace() -> String {
        var slice = Substring(self)
        while let first = slice.first, first.isWhitespace { slice = slice.dropFirst() }
        while let last = slice.last, last.isWhitespace { slice = slice.dropLast() }
        return String(slice)
    }

    /// At most `count` characters, with an ellipsis when cut (for quoting input in messages).
    package func prefixed(_ count: Int) -> String { self.count > count ? String(prefix(count)) + "…" : String(self) }
}

/// Whole files as bytes, without Foundation.
package enum FileBytes {
    /// The file's bytes, or nil when it cannot be opened (missing, a directory, no permission).
    package static func read(_ path: String, limit: Int = 64 << 20) -> [UInt8]? {
        guard let file = fopen(path, "rb") else { return nil }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while bytes.count <= limit {
            let count = fread(&chunk, 1, chunk.count, file)
            if count <= 0 { break }
            bytes.append(contentsOf: chunk[0..<count])
        }
        return ferror(file) == 0 ? bytes : nil
    }
}
