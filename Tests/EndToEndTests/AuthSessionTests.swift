import Catalog
import Core
import Foundation
import Gateway
import Store
import TestSupport
import Testing

/// The sign-in functions piped with their fixtures, and a session cookie through nginx + fcgiwrap:
/// it authenticates reads, a cross-site write with it is refused, a same-site one passes, logout
/// ends it; scopes on API keys.
@Suite(.serialized) struct AuthSessionTests {
    /// A user and a session made by the stores, as the OpenID Connect callback makes them.
    static func signIn(_ path: String, now: Date, hours: Double = 24) throws -> (user: SignedInUser, token: String) {
        try FileManager.default.createDirectory(at: URL(fileURLWithPath: path).deletingLastPathComponent(), withIntermediateDirectories: true)
        let database = try TestDatabase.open(path, migrations: Catalog.migrations)
        let user = try Users(database: database).upsert(issuer: "https://issuer.test", subject: "ada", email: "ada@example.com", name: "Ada",
                                                       pictureURL: nil, now: now)
        let token = try Sessions(database: database).create(userID: user.id, now: now, lifetimeHours: hours, userAgent: "tests").token
        return (user, token)
    }

    @Test func theSignInFunctionsFromFixturesAsPipedBinaries() throws {
        let directory = try TemporaryDirectory()
        let now = try #require(Timestamp.parse("2026-12-02T09:00:00Z"))
        _ = try Self.signIn(directory.file("var/bundle.sqlite"), now: now)
        _ = try Self.signIn(directory.file("var/bundle.sqlite"), now: now.addingTimeInterval(-48 * 3600), hours: 1)
        func run(_ name: String, _ fixture: String, environment: [String: String] = [:], exit: Int32 = 0) throws -> JSONValue {
            let result = try Binaries.run(name, stdin: try Fixtures.text("\(name)/\(fixture).json"),
                                          environment: ["BUNDLE_NOW": "2026-12-02T09:00:00Z"].merging(environment) { $1 },
                                          workingDirectory: directory.path)
            #expect(result.exitCode == exit, "\(name): \(result.stdoutText) \(result.stderr)")
            let json = try #require(result.json, "\(name) printed no JSON: \(result.stdoutText)")
            if exit == 0, let manifest = Catalog.manifest(named: name) {
                let problems = SchemaValidator.validate(json, against: manifest.outputSchema)
                #expect(problems.isEmpty, "\(name): \(problems)")
            }
            return json
        }
        let key = try run("auth-me", "api-key")
        #expect(key["kind"] == "api_key" && key["name"] == "ci" && key["scopes"] == ["read"] && key["user"] == .null)
        let me = try run("auth-me", "session-1")
        #expect(me["kind"] == "session")
        #expect(me["user"]?["email"] == "ada@example.com")
        #expect(me["expires_at"] == "2026-12-03T09:00:00.000Z")
        #expect(try run("auth-me", "../auth-status/anonymous", exit: 77)["error"]?["code"] == "unauthorized")

        let anonymous = try run("auth-status", "anonymous")
        #expect(anonymous == ["authenticated": false, "auth_kind": .null, "user": .null, "login_url": "/api/auth/login", "providers": []])
        #expect(try run("auth-status", "anonymous", environment: ["OIDC_CLIENT_ID": "client"])["providers"] == ["oidc"])
        let status = try run("auth-status", "session-1")
        #expect(status["authenticated"] == true && status["auth_kind"] == "session" && status["user"]?["name"] == "Ada")

        // Two sessions of Ada: the live one (id 1) and one that ended a day ago (id 2).
        #expect(try run("auth-cleanup", "expired") == ["deleted_sessions": 1])
        let logout = try run("auth-logout", "session-1")
        #expect(logout["logged_out"] == true)
        #expect(logout["_http"]?["headers"]?["Set-Cookie"] == "session_token=; Max-Age=0; Path=/; HttpOnly; SameSite=Lax", "not Secure on loopback")
        #expect(try run("auth-logout", "session-1")["logged_out"] == false, "logging out twice is fine")
    }

    @Test func aSessionCookieThroughNginx() throws {
        let server = try NginxServer(mode: .dispatch, environment: ["FRONTEND_URL": "http://console.example.test"])
        let (_, token) = try Self.signIn(server.databasePath, now: Date())
        let cookie = ["Cookie": "theme=dark; session_token=\(token)"]

        let me = try server.send("GET", "/api/auth/me", headers: cookie)
        #expect(me.status == 200, "\(me.text)")
        #expect(me.json?["user"]?["email"] == "ada@example.com")
        #expect(try server.send("GET", "/api/auth/status", headers: cookie).json?["authenticated"] == true)
        #expect(try server.send("GET", "/api/auth/me").status == 401)
        #expect(try server.send("GET", "/jobs", headers: cookie).status == 200, "any route takes the session")

        let job = #"{"function": "health"}"#
        let json = ["Content-Type": "application/json"]
        let crossSite = try server.send("POST", "/jobs", headers: cookie.merging(json) { $1 }.merging(["Origin": "http://evil.example"]) { $1 }, body: job)
        #expect(crossSite.status == 403, "\(crossSite.text)")
        #expect(crossSite.json?["error"]?["code"] == "forbidden")
        #expect(try server.send("POST", "/jobs", headers: cookie.merging(json) { $1 }, body: job).status == 403, "no Origin or Referer")
        let sameSite = try server.send("POST", "/jobs", headers: cookie.merging(json) { $1 }.merging(["Origin": "http://console.example.test"]) { $1 }, body: job)
        #expect(sameSite.status == 202, "\(sameSite.text)")
        let referred = try server.send("POST", "/jobs", headers: cookie.merging(json) { $1 }.merging(["Referer": "http://console.example.test/jobs"]) { $1 },
                                       body: job)
        #expect(referred.status == 202, "\(referred.text)")

        let logout = try server.send("POST", "/api/auth/logout", headers: cookie.merging(["Origin": "http://console.example.test"]) { $1 })
        #expect(logout.status == 200, "\(logout.text)")
        #expect(logout.json?["logged_out"] == true)
        #expect(logout.header("Set-Cookie") == "session_token=; Max-Age=0; Path=/; HttpOnly; SameSite=Lax")
        #expect(try server.send("GET", "/api/auth/me", headers: cookie).status == 401, "the session ended")
        #expect(try server.send("POST", "/api/auth/logout", headers: cookie).status == 200, "a stale cookie can still be cleared")
    }

    @Test func apiKeyScopesThroughNginx() throws {
        let server = try NginxServer(mode: .dispatch)
        let standard = try server.createKey("standard")
        let created = try Binaries.run("create-api-key", stdin: #"{"name": "ops", "scopes": ["admin", "read"]}"#,
                                       environment: ["DATABASE_URL": server.databaseURL], workingDirectory: server.state.path)
        #expect(created.json?["scopes"] == ["read", "admin"])
        let admin = try #require(created.json?["key"]?.stringValue)
        let unknown = try Binaries.run("create-api-key", stdin: #"{"name": "x", "scopes": ["root"]}"#,
                                       environment: ["DATABASE_URL": server.databaseURL], workingDirectory: server.state.path)
        #expect(unknown.json?["error"]?["code"] == "validation_failed")
        #expect(unknown.json?["error"]?["message"]?.stringValue?.contains("root") == true)

        let refused = try server.send("DELETE", "/api/auth/cleanup", headers: ["X-API-Key": standard])
        #expect(refused.status == 403)
        #expect(refused.json?["error"]?["message"]?.stringValue?.contains("admin scope") == true)
        let cleaned = try server.send("DELETE", "/api/auth/cleanup", headers: ["X-API-Key": admin])
        #expect(cleaned.status == 200, "\(cleaned.text)")
        #expect(cleaned.json?["deleted_sessions"] == 0)
        #expect(try server.send("POST", "/jobs", headers: ["X-API-Key": admin, "Content-Type": "application/json"],
                                body: #"{"function": "health"}"#).status == 403, "admin without write cannot write")
        let me = try server.send("GET", "/api/auth/me", headers: ["X-API-Key": standard])
        #expect(me.json?["kind"] == "api_key" && me.json?["name"] == "standard" && me.json?["scopes"] == ["read", "write"])
    }
}
