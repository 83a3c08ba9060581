import Core
#if canImport(Glibc)
import Glibc
#endif

extension PipedProcess {
    /// The variables a child tool server inherits when nothing more is allowed: what the official
    /// MCP SDKs' `get_default_environment` pass on POSIX (HOME, LOGNAME, PATH, SHELL, TERM, USER)
    /// plus the locale, the temporary directory and the time zone. Everything else (LLM keys,
    /// TWILIO_*, DATABASE_URL, …) stays with the bundle: the server is third-party code.
    package static let baseEnvironmentNames = ["PATH", "HOME", "USER", "LOGNAME", "LANG", "LC_ALL", "TMPDIR", "TZ", "SHELL", "TERM"]

    /// The environment for a child: the base names plus `passing` (an operator's explicit
    /// allow-list), each taken from `value` (by default this process's environment) when set
    /// there. Never an `HTTP_*` variable: CGI makes those from request headers (httpoxy).
    package static func minimalEnvironment(passing names: [String] = [], value: (String) -> String? = ProcessEnvironment.value) -> [String: String] {
        var environment: [String: String] = [:]
        for name in baseEnvironmentNames + names where !name.hasPrefix("HTTP_") {
            if let found = value(name), !found.isEmpty { environment[name] = found }
        }
        return environment
    }
}

extension ProcessEnvironment {
    /// One variable of this process's environment.
    package static func value(_ name: String) -> String? {
        getenv(name).map { String(cString: $0) }
    }
}
