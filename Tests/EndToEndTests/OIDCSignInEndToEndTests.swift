import Catalog
import Core
import Foundation
import Gateway
import Store
import TestSupport
import Testing

/// Signing in with OpenID Connect end to end: the built binaries behind nginx + fcgiwrap against
/// the loopback fake provider (Tests/Fixtures/oidc/provider.py), as a browser would go through it
/// (curl shows every Set-Cookie line), and both functions piped with their fixtures.
@Suite(.serialized) struct OIDCSignInEndToEndTests {
    /// One raw response as curl received it: the status and every header line, repeats kept.
    struct RawReply {
        var status: Int
        var headers: [(name: String, value: String)]
        var body: String

        func all(_ name: String) -> [String] { headers.filter { $0.name.lowercased() == name.lowercased() }.map(\.value) }
        func first(_ name: String) -> String? { all(name).first }
        var json: JSONValue? { try? JSONValue(parsing: Array(body.utf8)) }
    }

    static func get(_ server: NginxServer, _ path: String, cookie: String? = nil) throws -> RawReply {
        var arguments = ["-s", "-D", "-", "--max-time", "60", "http://127.0.0.1:\(server.port)\(path)"]
        if let cookie { arguments += ["-H", "Cookie: \(cookie)"] }
        let result = try Binaries.run("/usr/bin/curl", arguments: arguments, workingDirectory: server.state.path)
        let text = result.stdoutText
        guard let end = text.range(of: "\r\n\r\n") else { throw BundleError(.internal, "no response from curl: \(text) \(result.stderr)") }
        let lines = text[..<end.lowerBound].components(separatedBy: "\r\n")
        let status = Int(lines[0].split(separator: " ")[1]) ?? 0
        let headers = lines.dropFirst().compactMap { line -> (name: String, value: String)? in
            guard let colon = line.firstIndex(of: ":") else { return nil }
            return (String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
        }
        return RawReply(status: status, headers: headers, body: String(text[end.upperBound...]))
    }

    /// The value of `name=` in a Set-Cookie line.
    static func cookieValue(_ line: String?, _ name: String) -> String? {
        guard let line, line.hasPrefix(name + "=") else { return nil }
        return String(line.dropFirst(name.count + 1).prefix { $0 != ";" })
    }

    static func environment(_ provider: OIDCTestProvider) -> [String: String] {
        ["OIDC_ISSUER": provider.issuer, "OIDC_CLIENT_ID": OIDCTestProvider.clientID, "OIDC_CLIENT_SECRET": OIDCTestProvider.clientSecret,
         // The browser (the test) carries the code from the provider to nginx itself.
         "OIDC_REDIRECT_URI": "http://127.0.0.1/api/auth/callback", "FRONTEND_URL": "http://127.0.0.1/app",
         "ALLOWED_EMAIL_DOMAINS": "example.com", "UPSTREAM_MAX_ATTEMPTS": "1"]
    }

    struct SignIn {
        var login: RawReply
        var state: String
        var callbackQuery: String
    }

    /// GET /api/auth/login, then the provider's consent: the login-state cookie and the query the
    /// provider sends the browser back with.
    static func startSignIn(_ server: NginxServer, _ provider: OIDCTestProvider, as email: String? = nil) throws -> SignIn {
        let login = try get(server, "/api/auth/login")
        #expect(login.status == 302, "\(login.body)")
        let location = try #require(login.first("Location"))
        let state = try #require(cookieValue(login.first("Set-Cookie"), "bundle_login_state"))
        return SignIn(login: login, state: state, callbackQuery: try provider.authorize(location, loginHint: email))
    }

    @Test func theWholeSignInThroughNginxAndEachRefusal() throws {
        let provider = try OIDCTestProvider()
        let server = try NginxServer(mode: .dispatch, environment: Self.environment(provider))

        // The login: a redirect to the provider with every parameter, and the login-state cookie.
        let first = try Self.startSignIn(server, provider)
        let location = try #require(first.login.first("Location"))
        #expect(location.hasPrefix(provider.issuer + "/authorize?"))
        for part in ["response_type=code", "client_id=\(OIDCTestProvider.clientID)", "code_challenge_method=S256", "nonce=", "state=\(first.state)"] {
            #expect(location.contains(part), "\(part)")
        }
        let loginCookie = try #require(first.login.first("Set-Cookie"))
        #expect(loginCookie.contains("Path=/api/auth") && loginCookie.contains("HttpOnly") && loginCookie.contains("SameSite=Lax"))
        #expect(!loginCookie.contains("Secure"), "loopback: no Secure")

        // The callback from another browser (no cookie) is refused and does not spend the login.
        let foreign = try Self.get(server, "/api/auth/callback?" + first.callbackQuery)
        #expect(foreign.status == 401 && foreign.json?["error"]?["code"] == "unauthorized")

        // The callback: a session, its cookie, the login cookie cleared, and a redirect to the frontend.
        let callback = try Self.get(server, "/api/auth/callback?" + first.callbackQuery, cookie: "bundle_login_state=\(first.state)")
        #expect(callback.status == 302, "\(callback.body)")
        #expect(callback.first("Location") == "http://127.0.0.1/app")
        let cookies = callback.all("Set-Cookie")
        let session = try #require(cookies.first { $0.hasPrefix("session_token=") }, "Set-Cookie lines: \(cookies)")
        for attribute in ["HttpOnly", "SameSite=Lax", "Path=/", "Max-Age=86400"] { #expect(session.contains(attribute), "\(attribute)") }
        #expect(!session.contains("Secure"))
        #expect(cookies.contains { $0.hasPrefix("bundle_login_state=;") && $0.contains("Max-Age=0") })
        let token = try #require(Self.cookieValue(session, "session_token"))
        let database = try TestDatabase.open(server.databasePath, migrations: Catalog.migrations)
        let found = try #require(try Sessions(database: database).find(token: token, now: Date()))
        #expect(found.user.email == "ada@example.com" && found.user.subject == "sub-ada" && found.user.issuer == provider.issuer)
        if Catalog.manifest(named: "auth-me") != nil {
            let me = try server.send("GET", "/api/auth/me", headers: ["Cookie": "session_token=\(token)"])
            #expect(me.status == 200, "\(me.text)")
            #expect(me.text.contains("ada@example.com"))
        }

        // The same callback again (a replay): the state was consumed.
        let replay = try Self.get(server, "/api/auth/callback?" + first.callbackQuery, cookie: "bundle_login_state=\(first.state)")
        #expect(replay.status == 401 && replay.json?["error"]?["code"] == "unauthorized")

        // A wrong state: the cookie of this login, the state of none.
        let second = try Self.startSignIn(server, provider)
        let forged = second.callbackQuery.replacingOccurrences(of: "state=\(second.state)", with: "state=forged-\(second.state.prefix(8))")
        #expect(forged != second.callbackQuery)
        #expect(try Self.get(server, "/api/auth/callback?" + forged, cookie: "bundle_login_state=\(second.state)").status == 401)

        // Tokens the provider shapes wrong, and an account from a domain that may not sign in.
        let refusals: [(JSONValue, String?, Int, String)] = [
            (["exp_offset": -3600], nil, 401, "expired"),
            (["claims": ["aud": "someone-else"]], nil, 401, "aud"),
            (["claims": ["email_verified": false]], nil, 401, "verified"),
            ([:], "grace@other.org", 403, "ALLOWED_EMAIL_DOMAINS"),
            (["token_status": 500], nil, 502, "HTTP 500"),
        ]
        for (control, email, status, words) in refusals {
            try provider.control(control)
            let attempt = try Self.startSignIn(server, provider, as: email)
            let reply = try Self.get(server, "/api/auth/callback?" + attempt.callbackQuery, cookie: "bundle_login_state=\(attempt.state)")
            #expect(reply.status == status, "\(control): \(reply.body)")
            #expect(reply.body.contains(words), "\(control): \(reply.body)")
            #expect(!reply.body.contains(OIDCTestProvider.clientSecret) && reply.all("Set-Cookie").isEmpty)
        }
        try provider.control([:])
        let users = try database.read { try $0.queryOne("SELECT COUNT(*) AS n FROM auth_users") }
        #expect(try users?.int("n") == 1)
        let logs = (try? String(contentsOfFile: server.state.file("logs/fcgiwrap.log"), encoding: .utf8)) ?? ""
        #expect(!logs.contains(OIDCTestProvider.clientSecret) && !logs.contains(token))
    }

    @Test func bothFunctionsPipedWithTheirFixtures() throws {
        let directory = try TemporaryDirectory()
        func run(_ name: String, _ fixture: String, environment: [String: String] = [:], exit: Int32) throws -> JSONValue {
            let result = try Binaries.run(name, stdin: try Fixtures.text(fixture),
                                          environment: environment.merging(["DATABASE_URL": try TestDatabase.url(directory.file("var/bundle.sqlite"))]) { $1 },
                                          workingDirectory: directory.path)
            #expect(result.exitCode == exit, "\(name): \(result.stdoutText) \(result.stderr)")
            return try #require(result.json, "\(name) printed no JSON: \(result.stdoutText)")
        }
        // No sign-in settings: misconfigured, naming the variable.
        let unset = try run("auth-login", "auth-login/json-url.json", exit: 78)
        #expect(unset["error"]?["code"] == "misconfigured")
        #expect(unset["error"]?["details"]?.arrayValue?.first?["field"] == "OIDC_CLIENT_ID")

        // Configured: the authorization URL as JSON (no browser to redirect).
        let provider = try OIDCTestProvider()
        let answer = try run("auth-login", "auth-login/json-url.json", environment: Self.environment(provider), exit: 0)
        let url = try #require(answer["authorization_url"]?.stringValue)
        #expect(url.hasPrefix(provider.issuer + "/authorize?") && url.contains("code_challenge="))
        let problems = SchemaValidator.validate(answer, against: try #require(Catalog.manifest(named: "auth-login")).outputSchema)
        #expect(problems.isEmpty, "\(problems)")

        let refused = try run("auth-callback", "auth-callback/provider-refused.json", exit: 77)
        #expect(refused["error"]?["code"] == "unauthorized")
        #expect(refused["error"]?["message"]?.stringValue?.contains("access_denied") == true)
        let unknown = try run("auth-callback", "auth-callback/unknown-state.json", environment: Self.environment(provider), exit: 77)
        #expect(unknown["error"]?["message"]?.stringValue?.contains("state") == true)
        #expect(!(unknown.jsonText.contains("4/0AfJohXn")))
    }
}
