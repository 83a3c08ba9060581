import Core

/// A PostgreSQL server named by `DATABASE_URL`, in libpq's own forms: a URI (`postgresql://` or
/// `postgres://`, with `?host=/run/pgbouncer` for a Unix socket) or `key=value` pairs
/// (`host=/run/pgbouncer dbname=bundle`). SQLAlchemy's driver suffix (`postgresql+asyncpg://`,
/// `postgresql+psycopg2://`) is dropped, so the original systems' URLs work as they are. libpq reads
/// everything else (`PGPASSWORD`, `~/.pgpass`, `sslmode`, several hosts) as it always does.
package struct PostgresTarget: Sendable {
    /// What libpq is handed.
    package let connectionString: String
    /// The same without its password, for messages and `health`.
    package let display: String
    /// The password written in the URL, kept only to scrub it from libpq's messages.
    let password: String?

    package init(_ url: String) {
        var text = url.trimmingWhitespace()
        if let separator = text.firstRange(of: "://") {
            let scheme = text[..<separator.lowerBound].lowercased()
            if scheme.hasPrefix("postgresql+") || scheme.hasPrefix("postgres+") {
                text = "postgresql" + text[separator.lowerBound...]
            }
        }
        connectionString = text
        (display, password) = Self.withoutPassword(text)
    }

    /// Whether `url` names PostgreSQL: a `postgres[ql][+driver]://` URI, or libpq's `key=value`
    /// form starting with one of its keywords.
    package static func names(_ url: String) -> Bool {
        let lower = url.trimmingWhitespace().lowercased()
        if let separator = lower.firstRange(of: "://") {
            let scheme = lower[..<separator.lowerBound]
            let driverless = scheme.split(separator: "+", maxSplits: 1).first.map(String.init) ?? String(scheme)
            return driverless == "postgres" || driverless == "postgresql"
        }
        let keywords = ["host=", "hostaddr=", "dbname=", "user=", "port=", "service="]
        return keywords.contains { lower.hasPrefix($0) }
    }

    /// The URL or `key=value` string with the password removed, and that password.
    static func withoutPassword(_ text: String) -> (String, String?) {
        if let separator = text.firstRange(of: "://") {
            let afterScheme = text[separator.upperBound...]
            let authorityEnd = afterScheme.firstIndex { $0 == "/" || $0 == "?" } ?? afterScheme.endIndex
            let authority = afterScheme[..<authorityEnd]
            var password: String?
            var shownAuthority = String(authority)
            if let at = authority.lastIndex(of: "@") {
                let userinfo = authority[..<at]
                if let colon = userinfo.firstIndex(of: ":") {
                    password = String(userinfo[userinfo.index(after: colon)...])
                    shownAuthority = String(userinfo[..<colon]) + String(authority[at...])
                }
            }
            var rest = String(afterScheme[authorityEnd...])
            if let question = rest.firstIndex(of: "?") {
                let query = rest[rest.index(after: question)...].split(separator: "&", omittingEmptySubsequences: false)
                var kept: [Substring] = []
                for pair in query {
                    if pair.lowercased().hasPrefix("password=") {
                        password = password ?? String(pair.dropFirst("password=".count))
                    } else {
                        kept.append(pair)
                    }
                }
                rest = String(rest[..<question]) + (kept.isEmpty ? "" : "?" + kept.joined(separator: "&"))
            }
            return (String(text[..<separator.upperBound]) + shownAuthority + rest, password)
        }
        // key=value pairs; a value may be quoted with single quotes and hold escaped ones.
        var shown: [String] = []
        var password: String?
        var index = text.startIndex
        while index < text.endIndex {
            while index < text.endIndex, text[index].isWhitespace { index = text.index(after: index) }
            guard index < text.endIndex else { break }
            let start = index
            var quoted = false
            while index < text.endIndex {
                let character = text[index]
                if character == "\\", quoted || text[start..<index].contains("=") {
                    index = text.index(after: index)
                    if index < text.endIndex { index = text.index(after: index) }
                    continue
                }
                if character == "'" { quoted.toggle() }
                if character.isWhitespace, !quoted { break }
                index = text.index(after: index)
            }
            let pair = String(text[start..<index])
            if pair.lowercased().hasPrefix("password") && pair.contains("=") {
                let value = pair[pair.index(after: pair.firstIndex(of: "=")!)...]
                password = String(value.hasPrefix("'") && value.hasSuffix("'") && value.count >= 2 ? value.dropFirst().dropLast() : value)
            } else {
                shown.append(pair)
            }
        }
        return (shown.joined(separator: " "), password)
    }

    /// `message` with the password written in the URL (if any) replaced.
    func scrub(_ message: String) -> String {
        guard let password, password.count >= 1, message.contains(password) else { return message }
        return message.replacing(password, with: "[redacted]")
    }
}

/// What PostgreSQL's failures mean to callers: SQLSTATEs mapped to the store's kinds, and libpq's
/// connection failures turned into messages that name what to fix.
enum PostgresErrors {
    static func kind(sqlState state: String) -> DatabaseError.Kind {
        switch state {
        case "23505": return .uniqueViolation
        case "40001", "40P01", "55P03", "57014", "53300", "55006": return .busy
        case "53100": return .full
        case "25006": return .readOnly
        case "22021", "22P05": return .invalidText
        case "3D000", "42501": return .cannotOpen
        case "XX001", "XX002": return .corrupt
        default: break
        }
        switch state.prefix(2) {
        case "23": return .constraint
        case "08", "57": return .unreachable
        case "28": return .cannotOpen
        case "42": return .misuse
        default: return .other
        }
    }

    /// A connection that could not be made, as the contract error naming the fix.
    static func connectionFailure(_ libpqMessage: String, target: PostgresTarget) -> BundleError {
        // libpq's first line says what failed; the lines after it are hints ("Is the server
        // running locally…?") that the message below gives in the bundle's words.
        let firstLine = libpqMessage.split(whereSeparator: \.isNewline).first.map(String.init) ?? libpqMessage
        let message = target.scrub(firstLine.trimmingWhitespace())
        let lower = message.lowercased()
        let where_ = "PostgreSQL at \(target.display)"
        let detail = [ErrorDetail(field: "DATABASE_URL", problem: message)]
        if lower.contains("libpq is not installed") || lower.contains("bundle_libpq") || lower.contains("missing the symbol") {
            return BundleError(.misconfigured, "DATABASE_URL names PostgreSQL but libpq cannot be loaded (\(message)); install the Debian package libpq5", details: detail)
        }
        if lower.contains("password authentication failed") || lower.contains("no password supplied")
            || lower.contains("authentication failed") || lower.contains("pg_hba.conf") {
            return BundleError(.misconfigured, "\(where_) refused the credentials: \(message); check the user and password in DATABASE_URL (or PGPASSWORD)", details: detail)
        }
        if lower.contains("does not exist") {
            return BundleError(.misconfigured, "\(where_): \(message); create it or fix DATABASE_URL", details: detail)
        }
        if lower.contains("invalid uri") || lower.contains("invalid connection option") || lower.contains("missing \"=\"")
            || lower.contains("invalid integer value") || lower.contains("invalid sslmode") || lower.contains("invalid percent") {
            return BundleError(.misconfigured, "DATABASE_URL is not a connection string libpq accepts: \(message)", details: detail)
        }
        if lower.contains("could not translate host name") {
            return BundleError(.misconfigured, "\(where_): the host name does not resolve (\(message)); check DATABASE_URL", details: detail)
        }
        return BundleError(.unavailable, "\(where_) cannot be reached: \(message); is the server (or PgBouncer) running and listening there?", details: detail)
    }

    /// A connection that broke under a statement.
    static func lostConnection(_ libpqMessage: String, target: PostgresTarget) -> DatabaseError {
        let message = target.scrub(libpqMessage.trimmingWhitespace())
        return DatabaseError(kind: .unreachable, code: 0, message: "the connection to \(target.display) broke" + (message.isEmpty ? "" : ": \(message)"))
    }
}
