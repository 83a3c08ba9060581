import Core
import FoundationEssentials
import Gateway
import Store
import TestSupport
import Testing

/// Who the gateway says is calling: session cookie or API key, scopes per route, and the
/// cross-site check for cookie requests that change something.
@Suite struct AuthenticatorTests {
    let directory: TemporaryDirectory
    let database: any Database
    let now = Date(timeIntervalSince1970: 1_780_000_000)
    let token: String
    let user: SignedInUser
    let origins = OriginPolicy(allowing: ["https://app.example.com"])

    let reader = FunctionManifest(name: "r", summary: "", routes: [Route("GET", "/r"), Route("POST", "/r")], input: [:], output: [:])
    let admin = FunctionManifest(name: "a", summary: "", routes: [Route("DELETE", "/a")], input: [:], output: [:], adminOnly: true)
    let open = FunctionManifest(name: "o", summary: "", routes: [Route("POST", "/o")], input: [:], output: [:], isPublic: true)

    init() throws {
        directory = try TemporaryDirectory()
        database = try TestDatabase.open(directory.file("bundle.sqlite"), migrations: GatewaySchema.migrations)
        user = try Users(database: database).upsert(issuer: "https://issuer.test", subject: "s1", email: "Ada@Example.com", name: "Ada",
                                                   pictureURL: nil, now: now)
        token = try Sessions(database: database).create(userID: user.id, now: now, lifetimeHours: 24, userAgent: "test").token
    }

    func resolve(_ method: String, _ manifest: FunctionManifest, _ headers: [String: String], at time: Date? = nil) throws -> Principal? {
        var all = headers
        all["host"] = all["host"] ?? "api.example.com"
        return try Authenticator.principal(for: GatewayRequest(method: method, path: "/r", headers: all, scheme: "https"), manifest: manifest,
                                           now: time ?? now, origins: origins, database: { database })
    }

    func refusal(_ method: String, _ manifest: FunctionManifest, _ headers: [String: String], at time: Date? = nil) -> BundleError? {
        do {
            _ = try resolve(method, manifest, headers, at: time)
            return nil
        } catch {
            return error as? BundleError
        }
    }

    var cookie: [String: String] { ["cookie": "theme=dark; session_token=\(token)"] }

    @Test func aSessionCookieNamesTheUser() throws {
        let principal = try #require(try resolve("GET", reader, cookie))
        #expect(principal.kind == .session)
        #expect(principal.name == "user:ada@example.com")
        #expect(principal.userID == user.id)
        #expect(principal.sessionID != nil)
        #expect(principal.scopes == [.read, .write])
        #expect(principal.expiresAt?.hasPrefix("2026-05-29T20:26:40") == true, "a day after sign-in")
        #expect(Principal(http: ["auth": principal.envelope]) == principal, "handlers read back what the gateway wrote")
    }

    @Test func expiredUnknownAndBrokenCookiesAreNoSignIn() throws {
        let later = now.addingTimeInterval(24 * 3600 + 1)
        for (headers, time) in [(cookie, later), (["cookie": "session_token=\(String(repeating: "0", count: 64))"], now),
                                (["cookie": "session_token=\(token)\u{1}"], now), (["cookie": "session_token="], now), ([:], now)] {
            #expect(refusal("GET", reader, headers, at: time)?.code == .unauthorized, "\(headers)")
            #expect(try resolve("POST", open, headers.merging(["origin": "https://app.example.com"]) { $1 }, at: time) == nil,
                    "a public route stays anonymous")
        }
        #expect(refusal("GET", reader, cookie, at: later)?.message.contains(token) == false)
    }

    @Test func whenBothComeTheAPIKeyDecides() throws {
        let (_, secret) = try APIKeys(database: database).create(name: "svc", scopes: [.read], now: now)
        let both = cookie.merging(["x-api-key": secret]) { $1 }
        #expect(try resolve("GET", reader, both)?.name == "api_key:svc")
        #expect(refusal("POST", reader, both.merging(["origin": "https://app.example.com"]) { $1 })?.code == .forbidden,
                "the key's scopes apply, not the session's")
        #expect(refusal("GET", reader, cookie.merging(["x-api-key": "fbk_wrong"]) { $1 })?.code == .unauthorized,
                "a wrong key is not rescued by a good cookie")
        #expect(try resolve("POST", open, ["x-api-key": secret])?.name == "api_key:svc")
    }

    @Test func scopesFollowTheMethodAndAdminOnlyRoutes() throws {
        let keys = APIKeys(database: database)
        let (readOnly, readSecret) = try keys.create(name: "reader", scopes: [.read], now: now)
        let (standard, standardSecret) = try keys.create(name: "standard", now: now)
        let (_, adminSecret) = try keys.create(name: "ops", scopes: [.admin, .read, .admin], now: now)
        #expect(readOnly.scopes == [.read])
        #expect(standard.scopes == [.read, .write], "read and write unless asked")
        #expect(try resolve("GET", reader, ["x-api-key": readSecret]) != nil)
        #expect(try resolve("HEAD", reader, ["x-api-key": readSecret]) != nil)
        let write = refusal("POST", reader, ["x-api-key": readSecret])
        #expect(write?.code == .forbidden)
        #expect(write?.message.contains("write scope") == true)
        #expect(try resolve("POST", reader, ["x-api-key": standardSecret]) != nil)
        #expect(refusal("DELETE", admin, ["x-api-key": standardSecret])?.message.contains("admin scope") == true)
        #expect(try resolve("DELETE", admin, ["x-api-key": adminSecret])?.scopes == [.read, .admin])
        #expect(refusal("DELETE", admin, cookie.merging(["origin": "https://app.example.com"]) { $1 })?.code == .forbidden,
                "a session never has admin")
        #expect(try keys.list().map(\.scopes) == [[.read], [.read, .write], [.read, .admin]])
    }

    @Test func keysMadeBeforeScopesKeepAllThree() throws {
        let secret = "fbk_legacy-key-made-before-scopes"
        try database.write { sql in
            try sql.execute("INSERT INTO api_keys (name, prefix, key_hash, created_at) VALUES (?, ?, ?, ?)", "legacy", "fbk_le", APIKeys.hash(secret), now)
        }
        #expect(try resolve("DELETE", admin, ["x-api-key": secret])?.scopes == [.read, .write, .admin])
    }

    @Test func requestedScopesAreCheckedByName() throws {
        #expect(try AuthScope.parse(requested: ["WRITE", "read", "read"]) == [.read, .write])
        do {
            _ = try AuthScope.parse(requested: ["read", "superuser"])
            Issue.record("an unknown scope was accepted")
        } catch let error as BundleError {
            #expect(error.code == .validationFailed)
            #expect(error.message.contains("superuser"))
            #expect(error.details?.first?.field == "scopes")
        }
        #expect(throws: BundleError.self) { try AuthScope.parse(requested: []) }
        #expect(AuthScope.parse(stored: "read write admin bogus") == [.read, .write, .admin])
    }

    @Test func cookieWritesMustComeFromAnAllowedOrigin() throws {
        let allowed: [[String: String]] = [
            ["origin": "https://app.example.com"], ["origin": "https://APP.example.com:443"],
            ["referer": "https://app.example.com/conversations/7?tab=files"],
            ["origin": "https://api.example.com"],  // the request's own origin (a page the bundle served)
        ]
        for headers in allowed {
            #expect(try resolve("POST", reader, cookie.merging(headers) { $1 })?.kind == .session, "\(headers)")
        }
        let refused: [[String: String]] = [
            [:], ["origin": "https://evil.example"], ["origin": "null"], ["origin": "http://app.example.com"],
            ["origin": "https://app.example.com:8443"], ["origin": "https://app.example.com.evil.example"],
            ["referer": "https://evil.example/https://app.example.com/"], ["origin": "https://evil.example", "referer": "https://app.example.com/"],
            ["origin": "https://app.example.com@evil.example"],
        ]
        for headers in refused {
            let error = refusal("POST", reader, cookie.merging(headers) { $1 })
            #expect(error?.code == .forbidden, "\(headers)")
            #expect(error?.message.contains("cross-site request refused") == true)
        }
        #expect(try resolve("GET", reader, cookie.merging(["origin": "https://evil.example"]) { $1 }) != nil, "reading is not checked")
        let (_, secret) = try APIKeys(database: database).create(name: "svc", now: now)
        #expect(try resolve("POST", reader, ["x-api-key": secret, "origin": "https://evil.example"]) != nil, "API keys are exempt")
        #expect(try resolve("POST", open, cookie.merging(["origin": "https://evil.example"]) { $1 }) == nil,
                "a public route ignores a cross-site cookie")
        #expect(try resolve("POST", open, cookie.merging(["origin": "https://app.example.com"]) { $1 })?.kind == .session)
    }

    @Test func allowedOriginsComeFromTheConfiguration() throws {
        let policy = try OriginPolicy(config: Config(["FRONTEND_URL": "https://console.example.com/app/", "PUBLIC_BASE_URL": "http://api.example.com:8080",
                                                      "CORS_ORIGINS": "https://other.example.com, *"]))
        func permits(_ origin: String) -> Bool {
            policy.permits(GatewayRequest(method: "POST", path: "/", headers: ["origin": origin, "host": "internal:9000"]))
        }
        #expect(permits("https://console.example.com"))
        #expect(permits("http://api.example.com:8080"))
        #expect(permits("https://other.example.com"))
        #expect(permits("http://internal:9000"))
        #expect(!permits("https://anything.example.com"), "CORS_ORIGINS=* does not open cookie writes to every site")
        do {
            _ = try OriginPolicy(config: Config(["FRONTEND_URL": "console.example.com"]))
            Issue.record("a FRONTEND_URL without a scheme was accepted")
        } catch let error as BundleError {
            #expect(error.code == .misconfigured)
            #expect(error.message.contains("FRONTEND_URL"))
        }
        #expect(OriginPolicy.origin(of: "https://[::1]:8443/x")?.description == "https://[::1]:8443")
        #expect(OriginPolicy.origin(of: "https://host:99999") == nil)
        #expect(OriginPolicy.origin(of: "javascript:alert(1)") == nil)
        #expect(OriginPolicy.origin(of: "https://" + String(repeating: "a", count: 5000)) == nil)
    }

    @Test func logoutEndsOnlyItsSession() throws {
        let sessions = Sessions(database: database)
        let other = try sessions.create(userID: user.id, now: now, lifetimeHours: 1, userAgent: nil)
        let found = try #require(try sessions.find(token: token, now: now))
        #expect(try sessions.delete(sessionID: found.sessionID))
        #expect(try !sessions.delete(sessionID: found.sessionID), "already gone")
        #expect(try sessions.find(token: token, now: now) == nil)
        #expect(try sessions.find(token: other.token, now: now) != nil)
        #expect(try sessions.deleteExpired(now: now.addingTimeInterval(7200)) == 1)
    }

    @Test func theEnvelopeCarriesTheCallerAndOtherCookiesButNeverTheSessionToken() throws {
        let manifest = FunctionManifest(name: "m", summary: "", routes: [Route("GET", "/api/auth/me")], input: [:], output: [:])
        let request = GatewayRequest(method: "GET", path: "/api/auth/me",
                                     headers: ["cookie": "session_token=\(token); bundle_login_state=abc", "host": "bundle.test"])
        guard case .success(let match) = RouteTable([manifest]).match(method: "GET", path: "/api/auth/me") else { throw BundleError(.notFound, "") }
        let caller = try resolve("GET", reader, cookie)
        let http = try #require(try RequestInput(request: request, match: match, requestID: "r", caller: caller, publicBaseURL: nil).build()["_http"])
        #expect(http["principal"] == "user:ada@example.com")
        #expect(http["auth"]?["kind"] == "session")
        #expect(http["auth"]?["email"] == "ada@example.com")
        #expect(http["auth"]?["scopes"] == ["read", "write"])
        #expect(http["cookies"] == ["bundle_login_state": "abc"])
        #expect(http["headers"]?["cookie"] == nil)
        #expect(!http.jsonText.contains(token))
        let anonymous = try RequestInput(request: request, match: match, requestID: "r", caller: nil, publicBaseURL: nil).build()
        #expect(anonymous["_http"]?["auth"] == .null)
    }
}
