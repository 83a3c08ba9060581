import Core
import FoundationEssentials
import HTTPTransport
import Providers
import TestSupport
import Testing

@Suite struct OIDCTests {
    static let issuer = "https://id.example.com"
    static let now = Timestamp.parse("2026-03-10T12:00:00Z")!
    static var seconds: Double { now.timeIntervalSince1970 }

    static func claims(_ overrides: [String: JSONValue] = [:]) -> JSONValue {
        var claims: [String: JSONValue] = [
            "iss": .string(issuer), "sub": "user-1", "aud": "client-1", "exp": .number(seconds + 3600), "iat": .number(seconds),
            "nonce": "nonce-1", "email": "Ada@Example.com", "email_verified": true, "name": "Ada",
        ]
        for (name, value) in overrides { claims[name] = value == .null ? nil : value }
        return .object(claims)
    }

    static func validate(_ overrides: [String: JSONValue]) throws {
        let claims = try IDToken.claims(of: idToken(claims(overrides)))
        try IDToken.validate(claims, issuer: issuer, clientID: "client-1", nonce: "nonce-1", now: now)
    }

    static func refusal(_ overrides: [String: JSONValue]) -> String? {
        do {
            try validate(overrides)
            return nil
        } catch let error as BundleError {
            #expect(error.code == .unauthorized)
            return error.message
        } catch {
            return "\(error)"
        }
    }

    @Test func pkceMatchesRFC7636AppendixB() {
        #expect(PKCE.challenge(for: "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk") == "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM")
        let verifier = PKCE.newVerifier()
        #expect(PKCE.isValidVerifier(verifier))
        #expect(verifier.count == 43)
        #expect(verifier != PKCE.newVerifier())
        #expect(!PKCE.isValidVerifier(String(repeating: "a", count: 42)))
        #expect(!PKCE.isValidVerifier(String(repeating: "a", count: 129)))
        #expect(!PKCE.isValidVerifier(String(repeating: "a", count: 42) + "+"))
    }

    @Test func base64URLRoundTripsAndRefusesOtherAlphabets() {
        for count in 0..<40 {
            let bytes = (0..<count).map { UInt8(($0 * 37 + 11) % 256) }
            #expect(Base64URL.decode(Base64URL.encode(bytes)) == bytes)
        }
        #expect(Base64URL.encode(Array("hello?>".utf8)) == "aGVsbG8_Pg")
        #expect(Base64URL.decode("aGVsbG8_Pg==") == Array("hello?>".utf8))
        #expect(Base64URL.decode("aGVsbG8/Pg") == nil)
        #expect(Base64URL.decode("a") == nil)
        #expect(Base64URL.decode("ab=c") == nil)
    }

    @Test func aGoodTokenPassesAndItsClaimsAreRead() throws {
        try Self.validate([:])
        let claims = try IDToken.claims(of: idToken(Self.claims(["aud": ["client-1", "other"], "azp": "client-1", "email_verified": "false"])))
        #expect(claims.audiences == ["client-1", "other"])
        #expect(claims.emailVerified == false)
        #expect(claims.subject == "user-1")
        try IDToken.validate(claims, issuer: Self.issuer, clientID: "client-1", nonce: "nonce-1", now: Self.now)
    }

    @Test func eachClaimCheckRefuses() {
        #expect(Self.refusal(["iss": "https://evil.example.com"])?.contains("issuer") == true)
        #expect(Self.refusal(["aud": "someone-else"])?.contains("aud") == true)
        #expect(Self.refusal(["aud": ["client-1", "other"]])?.contains("azp") == true)  // several audiences need azp
        #expect(Self.refusal(["azp": "other"])?.contains("azp") == true)
        #expect(Self.refusal(["exp": .number(Self.seconds - 61)])?.contains("expired") == true)
        #expect(Self.refusal(["exp": .number(Self.seconds - 30)]) == nil)  // within the 60 s leeway
        #expect(Self.refusal(["iat": .number(Self.seconds + 3600)])?.contains("iat") == true)
        #expect(Self.refusal(["nonce": "another"])?.contains("nonce") == true)
        #expect(Self.refusal(["nonce": .null])?.contains("nonce") == true)
        #expect(Self.refusal(["exp": .null]) != nil)
        #expect(Self.refusal(["sub": .null]) != nil)
    }

    @Test func malformedAndUnsignedTokensAreRefused() {
        let payload = Base64URL.encode(Array(Self.claims().jsonText.utf8))
        for token in [
            "", "abc", "a.b", "a.b.c.d", "!!!.\(payload).sig",
            idToken(Self.claims(), header: ["alg": "none"]),
            idToken(Self.claims(), header: ["alg": "NONE"]),
            Base64URL.encode(Array(#"{"alg":"RS256"}"#.utf8)) + ".\(payload).",  // no signature part
            idToken(Self.claims()) + String(repeating: "A", count: IDToken.maxBytes),
        ] {
            #expect(throws: BundleError.self) { _ = try IDToken.claims(of: token) }
        }
    }

    @Test func settingsFallBackToTheOriginalGoogleNamesAndNameWhatIsMissing() throws {
        let google = try OIDCSettings(config: Config(["GOOGLE_CLIENT_ID": "g-id", "GOOGLE_CLIENT_SECRET": "g-secret",
                                                      "GOOGLE_REDIRECT_URI": "https://app.example.com/api/auth/callback"]))
        #expect(google.issuer == "https://accounts.google.com")
        #expect(google.clientID == "g-id")
        #expect(google.scopes == "openid email profile")
        #expect(google.discoveryURL == "https://accounts.google.com/.well-known/openid-configuration")
        let full = ["OIDC_CLIENT_ID": "id", "OIDC_CLIENT_SECRET": "secret", "OIDC_REDIRECT_URI": "https://a.example/cb"]
        for missing in ["OIDC_CLIENT_ID", "OIDC_CLIENT_SECRET", "OIDC_REDIRECT_URI"] {
            var values = full
            values[missing] = nil
            do {
                _ = try OIDCSettings(config: Config(values))
                Issue.record("expected misconfigured for \(missing)")
            } catch let error as BundleError {
                #expect(error.code == .misconfigured)
                #expect(error.details?.first?.field == missing)
            }
        }
        #expect(throws: BundleError.self) { _ = try OIDCSettings(config: Config(full.merging(["OIDC_SCOPES": "email profile"]) { $1 })) }
        #expect(throws: BundleError.self) { _ = try OIDCSettings(config: Config(full.merging(["OIDC_ISSUER": "accounts.google.com"]) { $1 })) }
    }

    @Test func discoveryMustNameTheConfiguredIssuerExactly() throws {
        let document: JSONValue = ["issuer": .string(Self.issuer), "authorization_endpoint": "https://id.example.com/auth",
                                   "token_endpoint": "https://id.example.com/token"]
        let metadata = try OIDCProviderMetadata.parse(Array(document.jsonText.utf8), expectedIssuer: Self.issuer)
        #expect(metadata.tokenEndpoint == "https://id.example.com/token")
        #expect(try metadata.clientAuthentication == .basic)
        do {
            _ = try OIDCProviderMetadata.parse(Array(document.jsonText.utf8), expectedIssuer: Self.issuer + "/")
            Issue.record("expected a refusal")
        } catch let error as BundleError {
            #expect(error.code == .misconfigured)
            #expect(error.details?.first?.field == "OIDC_ISSUER")
        }
        var postOnly = metadata
        postOnly.tokenEndpointAuthMethods = ["private_key_jwt", "client_secret_post"]
        #expect(try postOnly.clientAuthentication == .post)
        postOnly.tokenEndpointAuthMethods = ["private_key_jwt"]
        #expect(throws: BundleError.self) { _ = try postOnly.clientAuthentication }
    }

    /// The ID token's signature is not checked (its TLS channel vouches for it), so the issuer
    /// and the endpoints discovery names must be https unless they are on this machine.
    @Test func theIssuerAndItsEndpointsMustBeTLSUnlessOnLoopback() throws {
        let full = ["OIDC_CLIENT_ID": "id", "OIDC_CLIENT_SECRET": "secret", "OIDC_REDIRECT_URI": "http://localhost:8080/api/auth/callback"]
        for issuer in ["http://sso.corp.example", "http://10.0.0.5:8443", "http://localhost.evil.example"] {
            #expect(throws: BundleError.self, "\(issuer)") { _ = try OIDCSettings(config: Config(full.merging(["OIDC_ISSUER": issuer]) { $1 })) }
        }
        for issuer in ["http://127.0.0.1:9000", "http://localhost:9000", "http://[::1]:9000", "https://sso.corp.example"] {
            #expect(try OIDCSettings(config: Config(full.merging(["OIDC_ISSUER": issuer]) { $1 })).issuer == issuer)
        }
        let plainToken: JSONValue = ["issuer": .string(Self.issuer), "authorization_endpoint": "https://id.example.com/auth",
                                     "token_endpoint": "http://id.example.com/token"]
        do {
            _ = try OIDCProviderMetadata.parse(Array(plainToken.jsonText.utf8), expectedIssuer: Self.issuer)
            Issue.record("a plain-http token endpoint was accepted")
        } catch let error as BundleError {
            #expect(error.code == .upstreamFailed)
            #expect(error.message.contains("token_endpoint"))
        }
    }

    @Test func googlesIssuerIsAcceptedInBothOfItsDocumentedSpellings() throws {
        let claims = try IDToken.claims(of: idToken(Self.claims(["iss": "accounts.google.com"])))
        try IDToken.validate(claims, issuer: "https://accounts.google.com", clientID: "client-1", nonce: "nonce-1", now: Self.now)
        #expect(throws: BundleError.self) {
            try IDToken.validate(claims, issuer: "https://id.example.com", clientID: "client-1", nonce: "nonce-1", now: Self.now)
        }
        #expect(!IDToken.sameIssuer("evil.example", "https://accounts.google.com"))
    }

    static let settings = OIDCSettings(issuer: issuer, clientID: "client 1", clientSecret: "se:cret&", redirectURI: "https://app.example.com/api/auth/callback")
    static let metadata = OIDCProviderMetadata(issuer: issuer, authorizationEndpoint: "https://id.example.com/auth?tenant=x",
                                               tokenEndpoint: "https://id.example.com/token")

    @Test func authorizationURLCarriesEveryParameter() {
        let url = OIDCClient(settings: Self.settings, transport: FakeTransport())
            .authorizationURL(Self.metadata, .init(state: "st", nonce: "no", codeChallenge: "ch", loginHint: "a@b.c"))
        #expect(url.hasPrefix("https://id.example.com/auth?tenant=x&response_type=code&client_id=client%201&"))
        for part in ["redirect_uri=https%3A%2F%2Fapp.example.com%2Fapi%2Fauth%2Fcallback", "scope=openid%20email%20profile", "state=st",
                     "nonce=no", "code_challenge=ch", "code_challenge_method=S256", "login_hint=a%40b.c"] {
            #expect(url.contains(part), "\(part)")
        }
    }

    @Test func exchangeAuthenticatesWithBasicOrInTheFormAsDiscoveryAllows() async throws {
        let transport = FakeTransport()
        transport.expect("POST", "https://id.example.com/token", respond: .json(200, ["id_token": "a.b.c", "access_token": "x"]))
        let client = OIDCClient(settings: Self.settings, transport: transport)
        #expect(try await client.exchange(code: "c0de", codeVerifier: "v", metadata: Self.metadata, deadline: Deadline(seconds: 5)) == "a.b.c")
        let basic = try #require(transport.received.first)
        // RFC 6749 2.3.1: form-encoded id and secret inside Basic.
        #expect(basic.header("Authorization") == "Basic " + Data("client%201:se%3Acret%26".utf8).base64EncodedString())
        let form = String(decoding: basic.body, as: UTF8.self)
        #expect(form == "grant_type=authorization_code&code=c0de&redirect_uri=https%3A%2F%2Fapp.example.com%2Fapi%2Fauth%2Fcallback&code_verifier=v")

        var postOnly = Self.metadata
        postOnly.tokenEndpointAuthMethods = ["client_secret_post"]
        transport.expect("POST", "https://id.example.com/token", respond: .json(200, ["id_token": "a.b.c"]))
        _ = try await client.exchange(code: "c0de", codeVerifier: "v", metadata: postOnly, deadline: Deadline(seconds: 5))
        let post = try #require(transport.received.last)
        #expect(post.header("Authorization") == nil)
        #expect(String(decoding: post.body, as: UTF8.self).hasSuffix("&client_id=client%201&client_secret=se%3Acret%26"))
    }

    @Test func refusedExchangesMapToTheContractsCodesWithoutSecrets() async throws {
        let cases: [(HTTPResponse, ErrorCode)] = [
            (.json(400, ["error": "invalid_grant"]), .unauthorized),
            (.json(401, ["error": "invalid_client"]), .misconfigured),
            (.json(503, ["error": "temporarily_unavailable"]), .upstreamFailed),
            (.json(200, ["access_token": "only"]), .upstreamFailed),
        ]
        for (response, code) in cases {
            let transport = FakeTransport()
            transport.expect("POST", "https://id.example.com/token", respond: response)
            do {
                _ = try await OIDCClient(settings: Self.settings, transport: transport)
                    .exchange(code: "c0de-secret", codeVerifier: "v", metadata: Self.metadata, deadline: Deadline(seconds: 5))
                Issue.record("expected \(code)")
            } catch let error as BundleError {
                #expect(error.code == code)
                #expect(!error.message.contains("c0de-secret") && !error.message.contains("se:cret"))
            }
        }
    }
}
