import Catalog
import Core
import FoundationEssentials
import Gateway
import HTTPTransport
@testable import Platform
import Providers
import Runtime
import Store
import TestSupport
import Testing

/// The sign-in handlers against a scripted provider (FakeTransport): the whole login, and each
/// way a callback is refused. The same flow against a loopback provider through nginx is in
/// EndToEndTests/OIDCSignInEndToEndTests.swift.
@Suite struct OIDCSignInTests {
    static let issuer = "https://id.example.com"
    static let config = [
        "OIDC_ISSUER": issuer, "OIDC_CLIENT_ID": "client-1", "OIDC_CLIENT_SECRET": "very-secret-value",
        "OIDC_REDIRECT_URI": "http://127.0.0.1:8080/api/auth/callback", "FRONTEND_URL": "https://app.example.com/home",
    ]
    static let discovery: JSONValue = ["issuer": .string(issuer), "authorization_endpoint": "https://id.example.com/authorize",
                                       "token_endpoint": "https://id.example.com/token"]

    let directory: TemporaryDirectory
    let database: any Database
    let transport = FakeTransport()

    init() throws {
        directory = try TemporaryDirectory()
        database = try TestDatabase.open(directory.file("bundle.sqlite"), migrations: Catalog.migrations)
    }

    func context(_ extra: [String: String] = [:], now: String = "2026-03-10T12:00:00Z", http: JSONValue? = nil) -> FunctionContext {
        FunctionContext(function: "test", requestID: "req", config: Config(Self.config.merging(extra) { $1 }),
                        clock: BundleClock(frozenAt: Timestamp.parse(now)!), logger: .discarding,
                        deadline: Deadline(seconds: 10), http: http, database: database, transport: transport)
    }

    static func envelope(cookie: String?, accept: String = "text/html") -> JSONValue {
        var http: [String: JSONValue] = ["method": "GET", "url": "http://127.0.0.1:8080/api/auth/callback",
                                         "headers": ["accept": .string(accept), "user-agent": "test-browser"]]
        http["cookies"] = cookie.map { ["bundle_login_state": .string($0)] } ?? [:]
        return .object(http)
    }

    /// Starts a login; answers the authorization URL's query parameters.
    func login(_ input: JSONValue = [:], now: String = "2026-03-10T12:00:00Z") async throws -> [String: String] {
        transport.expect("GET", Self.issuer + "/.well-known/openid-configuration", respond: .json(200, Self.discovery))
        let output = try await AuthLoginHandler().handle(try input.decode(as: AuthLoginHandler.Input.self), context: context(now: now))
        let url = try #require(output["authorization_url"]?.stringValue)
        #expect(url.hasPrefix("https://id.example.com/authorize?"))
        let query = try FormEncoding.fields(String(url[url.index(after: url.firstIndex(of: "?")!)...]))
        return query.compactMapValues(\.stringValue)
    }

    /// Scripts discovery and a token endpoint that checks PKCE and answers an ID token with these claims.
    func provider(claims: [String: JSONValue] = [:], nonce: String, challenge: String, email: String = "ada@example.com") {
        transport.expect("GET", Self.issuer + "/.well-known/openid-configuration", respond: .json(200, Self.discovery))
        transport.expect("POST", Self.issuer + "/token") { request in
            let form = try FormEncoding.fields(String(decoding: request.body, as: UTF8.self))
            guard let verifier = form["code_verifier"]?.stringValue, PKCE.challenge(for: verifier) == challenge,
                  form["code"] == "the-code" else { return .json(400, ["error": "invalid_grant"]) }
            let now = Timestamp.parse("2026-03-10T12:00:00Z")!.timeIntervalSince1970
            var payload: [String: JSONValue] = ["iss": .string(Self.issuer), "sub": "sub-ada", "aud": "client-1", "exp": .number(now + 3600),
                                                "iat": .number(now), "nonce": .string(nonce), "email": .string(email), "email_verified": true,
                                                "name": "Ada Lovelace"]
            for (name, value) in claims { payload[name] = value }
            return .json(200, ["id_token": .string(idToken(.object(payload))), "access_token": "at"])
        }
    }

    func callback(_ state: String, cookie: String?, now: String = "2026-03-10T12:00:00Z", extra: [String: String] = [:]) async throws -> JSONValue {
        let input = try (["code": "the-code", "state": .string(state), "scope": "openid email"] as JSONValue).decode(as: AuthCallbackHandler.Input.self)
        return try await AuthCallbackHandler().handle(input, context: context(extra, now: now, http: Self.envelope(cookie: cookie)))
    }

    func expectRefusal(_ code: ErrorCode, _ body: () async throws -> JSONValue) async {
        do {
            _ = try await body()
            Issue.record("expected \(code)")
        } catch let error as BundleError {
            #expect(error.code == code, "\(error.message)")
            #expect(!error.message.contains("very-secret-value") && !error.message.contains("the-code"))
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test func theWholeLoginStartsASessionAndSetsBothCookies() async throws {
        let query = try await login(["return_to": "/conversations/7"])
        let state = try #require(query["state"]), nonce = try #require(query["nonce"]), challenge = try #require(query["code_challenge"])
        #expect(query["code_challenge_method"] == "S256" && query["response_type"] == "code" && query["client_id"] == "client-1")
        #expect(query["redirect_uri"] == "http://127.0.0.1:8080/api/auth/callback")
        #expect(state.count == 43 && nonce != state)
        // Only the state's hash is stored.
        let stored = try database.read { try $0.queryOne("SELECT state_hash FROM auth_login_states") }
        #expect(try stored?.string("state_hash") == APIKeys.hash(state))

        provider(nonce: nonce, challenge: challenge)
        let output = try await callback(state, cookie: state)
        #expect(output["_http"]?["status"] == 302)
        #expect(output["_http"]?["headers"]?["Location"] == "/conversations/7")
        guard case .array(let cookies)? = output["_http"]?["headers"]?["Set-Cookie"] else { Issue.record("no Set-Cookie array"); return }
        let session = try #require(cookies.first?.stringValue)
        #expect(session.hasPrefix("session_token="))
        for attribute in ["HttpOnly", "SameSite=Lax", "Path=/", "Max-Age=86400"] { #expect(session.contains(attribute), "\(attribute)") }
        #expect(!session.contains("Secure"))  // loopback
        #expect(cookies.last?.stringValue == "bundle_login_state=; Path=/api/auth; Max-Age=0; HttpOnly; SameSite=Lax")
        #expect(output["user"]?["email"] == "ada@example.com")
        #expect(output["expires_at"] == "2026-03-11T12:00:00Z")

        let token = String(session.dropFirst("session_token=".count).prefix { $0 != ";" })
        let found = try Sessions(database: database).find(token: token, now: Timestamp.parse("2026-03-10T13:00:00Z")!)
        #expect(found?.user.subject == "sub-ada")
        #expect(found?.user.issuer == Self.issuer)
        #expect(transport.unexpected.isEmpty && transport.pendingCount == 0)

        // The same callback again: the state was consumed.
        await expectRefusal(.unauthorized) { try await callback(state, cookie: state) }
    }

    @Test func aCallbackFromAnotherBrowserOrWithAnUnknownStateIsRefused() async throws {
        let query = try await login()
        let state = try #require(query["state"])
        await expectRefusal(.unauthorized) { try await callback(state, cookie: nil) }
        await expectRefusal(.unauthorized) { try await callback(state, cookie: "someone-elses-state") }
        await expectRefusal(.unauthorized) { try await callback("forged", cookie: "forged") }
        // The refusals did not spend the real login's state: it is still there.
        let rows = try database.read { try $0.queryOne("SELECT COUNT(*) AS n FROM auth_login_states") }
        #expect(try rows?.int("n") == 1)
    }

    @Test func anExpiredLoginIsRefused() async throws {
        let query = try await login(now: "2026-03-10T12:00:00Z")
        let state = try #require(query["state"])
        await expectRefusal(.unauthorized) { try await callback(state, cookie: state, now: "2026-03-10T12:10:01Z") }
    }

    @Test func tokenClaimsEmailAndDomainsAreChecked() async throws {
        let cases: [([String: JSONValue], String, [String: String], ErrorCode)] = [
            (["aud": "another-client"], "ada@example.com", [:], .unauthorized),
            (["exp": .number(Timestamp.parse("2026-03-10T11:00:00Z")!.timeIntervalSince1970)], "ada@example.com", [:], .unauthorized),
            (["nonce": "replayed-token"], "ada@example.com", [:], .unauthorized),
            (["email_verified": false], "ada@example.com", [:], .unauthorized),
            ([:], "grace@Other.org", ["ALLOWED_EMAIL_DOMAINS": "example.com, @EXAMPLE.net"], .forbidden),
        ]
        for (claims, email, extra, code) in cases {
            let query = try await login()
            provider(claims: claims, nonce: query["nonce"]!, challenge: query["code_challenge"]!, email: email)
            await expectRefusal(code) { try await callback(query["state"]!, cookie: query["state"]!, extra: extra) }
        }
        let users = try database.read { try $0.queryOne("SELECT COUNT(*) AS n FROM auth_users") }
        #expect(try users?.int("n") == 0)

        // An allowed domain, matched without case.
        let query = try await login()
        provider(nonce: query["nonce"]!, challenge: query["code_challenge"]!, email: "Grace@EXAMPLE.net")
        let output = try await callback(query["state"]!, cookie: query["state"]!, extra: ["ALLOWED_EMAIL_DOMAINS": "example.com, @EXAMPLE.net"])
        #expect(output["user"]?["email"] == "grace@example.net")
        #expect(output["_http"]?["headers"]?["Location"] == "https://app.example.com/home")
    }

    @Test func theProvidersErrorIsUnauthorizedWithItsDescription() async throws {
        let input = try (["error": "access_denied", "error_description": "The user said no\u{7}", "state": "s"] as JSONValue)
            .decode(as: AuthCallbackHandler.Input.self)
        do {
            _ = try await AuthCallbackHandler().handle(input, context: context(http: Self.envelope(cookie: "s")))
            Issue.record("expected unauthorized")
        } catch let error as BundleError {
            #expect(error.code == .unauthorized)
            #expect(error.message.contains("access_denied: The user said no)"))
        }
    }

    @Test func loginRedirectsABrowserAndAnswersJSONWhenAsked() async throws {
        transport.expect("GET", Self.issuer + "/.well-known/openid-configuration", respond: .json(200, Self.discovery))
        let redirect = try await AuthLoginHandler().handle(try ([:] as JSONValue).decode(as: AuthLoginHandler.Input.self),
                                                           context: context(http: Self.envelope(cookie: nil)))
        #expect(redirect["_http"]?["status"] == 302)
        #expect(redirect["_http"]?["headers"]?["Location"] == redirect["authorization_url"])
        let cookie = try #require(redirect["_http"]?["headers"]?["Set-Cookie"]?.stringValue)
        #expect(cookie.hasPrefix("bundle_login_state=") && cookie.contains("Path=/api/auth") && cookie.contains("Max-Age=600")
                && cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax") && !cookie.contains("Secure"))

        transport.expect("GET", Self.issuer + "/.well-known/openid-configuration", respond: .json(200, Self.discovery))
        let json = try await AuthLoginHandler().handle(try ([:] as JSONValue).decode(as: AuthLoginHandler.Input.self),
                                                       context: context(http: Self.envelope(cookie: nil, accept: "application/json")))
        #expect(json["_http"]?["status"] == nil)
        #expect(json["authorization_url"]?.stringValue?.hasPrefix(Self.issuer) == true)

        // Behind https (not loopback) the cookie is Secure.
        transport.expect("GET", Self.issuer + "/.well-known/openid-configuration", respond: .json(200, Self.discovery))
        let remote = try await AuthLoginHandler().handle(try ([:] as JSONValue).decode(as: AuthLoginHandler.Input.self),
                                                         context: context(http: ["url": "https://bundle.example.com/api/auth/login", "headers": [:]]))
        #expect(remote["_http"]?["headers"]?["Set-Cookie"]?.stringValue?.hasSuffix("; Secure") == true)
    }

    @Test func returnToMustStayOnThisSiteOrTheFrontend() throws {
        let frontend = "https://app.example.com/home"
        #expect(try OIDCReturnTo.checked("/projects/3?tab=files", frontendURL: frontend) == "/projects/3?tab=files")
        #expect(try OIDCReturnTo.checked("https://APP.example.com:443/x", frontendURL: frontend) == "https://APP.example.com:443/x")
        #expect(try OIDCReturnTo.checked(nil, frontendURL: frontend) == nil)
        for hostile in ["//evil.example.com/x", "/\\evil.example.com", "https://evil.example.com/x", "javascript:alert(1)",
                        "https://app.example.com@evil.example.com/", "/a\nb", "projects"] {
            do {
                _ = try OIDCReturnTo.checked(hostile, frontendURL: frontend)
                Issue.record("accepted \(hostile)")
            } catch let error as BundleError {
                #expect(error.code == .validationFailed)
                #expect(error.details?.first?.field == "return_to")
            }
        }
    }

    @Test func misconfigurationIsNamed() async throws {
        do {
            _ = try await AuthLoginHandler().handle(try ([:] as JSONValue).decode(as: AuthLoginHandler.Input.self),
                                                    context: context(["OIDC_CLIENT_ID": ""]))
            Issue.record("expected misconfigured")
        } catch let error as BundleError {
            #expect(error.code == .misconfigured && error.details?.first?.field == "OIDC_CLIENT_ID")
        }
        #expect(throws: BundleError.self) { _ = try AuthCallbackHandler.sessionHours(Config(["SESSION_EXPIRE_HOURS": "0"])) }
        #expect(try AuthCallbackHandler.sessionHours(Config(["SESSION_EXPIRE_HOURS": "8"])) == 8)
    }

    @Test func theLoginStateCookieIsTakenFromTheGatewaysCookies() {
        #expect(OIDCCookies.loginState(http: ["cookies": ["bundle_login_state": "abc", "other": "x"]]) == "abc")
        #expect(OIDCCookies.loginState(http: ["cookies": ["bundle_login_state": ""]]) == nil)
        #expect(OIDCCookies.loginState(http: ["cookies": ["bundle_login_state": .string(String(repeating: "x", count: 201))]]) == nil)
        #expect(OIDCCookies.loginState(http: ["cookies": [:]]) == nil)
        #expect(OIDCCookies.loginState(http: nil) == nil)
    }
}
