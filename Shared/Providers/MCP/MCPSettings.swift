import Core
import FoundationEssentials
import Processes

/// The MCP server the bundle talks to, from the environment: `MCP_PROVIDER` (`offline`, `http`,
/// `stdio`; by default whichever of `MCP_SERVER_URL` / `MCP_SERVER_COMMAND` is set, else
/// offline), the server, the whole tier-2 budget (`MCP_TIMEOUT_SECONDS`), the tool names and
/// credentials (`MCP_AUTH_TOKEN` as a bearer token, or basic auth from the URL's userinfo,
/// which is then taken out of the URL), and what a stdio server may see of the environment (the
/// minimal set plus the names `MCP_SERVER_ENV` lists, never the bundle's secrets by default).
/// Bad values are `misconfigured`, naming the variable.
package struct MCPSettings: Sendable {
    package enum Provider: String, Sendable, CaseIterable {
        case offline, http, stdio
    }

    /// The AWS Knowledge MCP server: public, no key, rate-limited.
    package static let defaultURL = "https://knowledge-mcp.global.api.aws"

    package var provider: Provider
    /// The endpoint without credentials (http).
    package var url: String?
    /// The program and its arguments (stdio).
    package var command: [String]
    /// The whole environment of the stdio server: `PipedProcess.baseEnvironmentNames` and the
    /// names in `MCP_SERVER_ENV` (comma-separated), with their values from the configuration.
    package var serverEnvironment: [String: String]
    package var authHeaders: [(name: String, value: String)]
    package var timeout: Duration
    package var searchTool: String
    package var readTool: String
    package var availabilityTool: String
    /// `AWS_REGION`: when set, tier 2 also asks the availability tool.
    package var region: String?

    package init(config: Config) throws {
        let url = config["MCP_SERVER_URL"]?.trimmingWhitespace().nilIfEmpty
        let command = config["MCP_SERVER_COMMAND"]?.trimmingWhitespace().nilIfEmpty
        if let chosen = config["MCP_PROVIDER"]?.trimmingWhitespace().lowercased().nilIfEmpty {
            guard let known = Provider(rawValue: chosen) else {
                throw BundleError.misconfigured(variable: "MCP_PROVIDER", "must be one of offline, http, stdio")
            }
            provider = known
        } else if url != nil && command != nil {
            throw BundleError.misconfigured(variable: "MCP_PROVIDER", "must say which server to use: both MCP_SERVER_URL and MCP_SERVER_COMMAND are set")
        } else {
            provider = url != nil ? .http : command != nil ? .stdio : .offline
        }
        self.command = []
        serverEnvironment = [:]
        self.url = nil
        authHeaders = []
        switch provider {
        case .offline: break
        case .http:
            let (plain, basic) = try Self.splitCredentials(url ?? Self.defaultURL)
            self.url = plain
            if let basic { authHeaders.append(("Authorization", "Basic " + Data(basic.utf8).base64EncodedString())) }
        case .stdio:
            guard let command else { throw BundleError.misconfigured(variable: "MCP_SERVER_COMMAND", "is required when MCP_PROVIDER is stdio") }
            self.command = try CommandWords.split(command)
            guard !self.command.isEmpty else { throw BundleError.misconfigured(variable: "MCP_SERVER_COMMAND", "names no program") }
            let passed = try Self.passedVariables(config)
            serverEnvironment = PipedProcess.minimalEnvironment(passing: passed) { config[$0] }
        }
        if let token = config["MCP_AUTH_TOKEN"]?.trimmingWhitespace().nilIfEmpty {
            guard token.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else {
                throw BundleError.misconfigured(variable: "MCP_AUTH_TOKEN", "must be one word of visible ASCII")
            }
            authHeaders = [("Authorization", "Bearer " + token)]
        }
        timeout = .milliseconds(Int64(try config.double("MCP_TIMEOUT_SECONDS", default: 20, in: 0.1...600) * 1000))
        searchTool = try Self.toolName(config, "MCP_SEARCH_TOOL", default: "search_documentation")
        readTool = try Self.toolName(config, "MCP_READ_TOOL", default: "read_documentation")
        availabilityTool = try Self.toolName(config, "MCP_AVAILABILITY_TOOL", default: "get_regional_availability")
        region = config["AWS_REGION"]?.trimmingWhitespace().nilIfEmpty
    }

    /// How results and logs name the server: the URL without credentials, query or fragment (a
    /// key passed as `?api_key=` must not reach an answer or a log line), or the program's name.
    package var serverLabel: String? {
        switch provider {
        case .offline: nil
        case .http: url.map { String($0.prefix { $0 != "?" && $0 != "#" }) }
        case .stdio: command.first.map { String($0.split(separator: "/").last ?? Substring($0)) }
        }
    }

    /// What identifies the server in caches: the URL, or for stdio the whole command hashed (two
    /// servers started by the same `uvx` or `python3` are different servers; arguments may hold
    /// secrets, so only their hash is kept).
    package var serverKey: String {
        switch provider {
        case .offline: "offline"
        case .http: url ?? ""
        case .stdio: "stdio:" + String(SHA256.hex(SHA256.hash(command.joined(separator: "\u{0}"))).prefix(32))
        }
    }

    /// `MCP_SERVER_ENV`: names of variables the stdio server needs (its own key, say), each a
    /// plain variable name and never `HTTP_*` (CGI fills those from request headers).
    private static func passedVariables(_ config: Config) throws -> [String] {
        guard let list = config["MCP_SERVER_ENV"] else { return [] }
        var names: [String] = []
        for part in list.split(separator: ",") {
            let name = part.trimmingWhitespace()
            guard !name.isEmpty else { continue }
            guard let first = name.utf8.first, first < 0x30 || first > 0x39, name.utf8.allSatisfy({ byte in
                byte == 0x5F || (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
            }) else {
                throw BundleError.misconfigured(variable: "MCP_SERVER_ENV", "must list variable names (letters, digits, _) separated by commas, got \"\(name.prefixed(40))\"")
            }
            guard !name.uppercased().hasPrefix("HTTP_") else {
                throw BundleError.misconfigured(variable: "MCP_SERVER_ENV", "cannot pass \(name): HTTP_* variables come from request headers under CGI")
            }
            names.append(name)
        }
        return names
    }

    private static func toolName(_ config: Config, _ variable: String, default fallback: String) throws -> String {
        let name = config[variable]?.trimmingWhitespace().nilIfEmpty ?? fallback
        // The spec's tool-name rule: 1–128 of A–Z a–z 0–9 _ - . /
        guard name.utf8.count <= 128, name.utf8.allSatisfy({ byte in
            (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) || "_-./".utf8.contains(byte)
        }) else {
            throw BundleError.misconfigured(variable: variable, "must be a tool name (letters, digits, _ - . /, at most 128)")
        }
        return name
    }

    /// The URL without its userinfo, and the userinfo (`user:password`) when it has one.
    private static func splitCredentials(_ url: String) throws -> (String, String?) {
        let lowered = url.lowercased()
        guard lowered.hasPrefix("http://") || lowered.hasPrefix("https://"), let scheme = url.firstRange(of: "://") else {
            throw BundleError.misconfigured(variable: "MCP_SERVER_URL", "must be an http:// or https:// URL")
        }
        let rest = url[scheme.upperBound...]
        let authority = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        guard let at = authority.lastIndex(of: "@") else {
            guard !authority.isEmpty else { throw BundleError.misconfigured(variable: "MCP_SERVER_URL", "has no host") }
            return (url, nil)
        }
        let userinfo = PercentEncoding.decode(String(authority[..<at])) ?? String(authority[..<at])
        let host = authority[authority.index(after: at)...]
        guard !host.isEmpty else { throw BundleError.misconfigured(variable: "MCP_SERVER_URL", "has no host") }
        return (String(url[..<scheme.upperBound]) + host + rest[authority.endIndex...], userinfo)
    }
}

extension String {
    fileprivate var nilIfEmpty: String? { isEmpty ? nil : self }
}
