import Core
import FoundationEssentials
import Gateway
import Testing

/// The Cookie header parser and the session cookie's Set-Cookie text.
@Suite struct AuthCookieTests {
    @Test func cookiesAreReadWithSpacesQuotesAndBrokenPairsSkipped() {
        let pairs = AuthCookies.parse(#"a=1;b=2 ;  session_token="abc" ; novalue; =orphan; bad name=x; c=has space; d=semi\x; e="#)
        #expect(pairs.map(\.name) == ["a", "b", "session_token", "e"])
        #expect(pairs.map(\.value) == ["1", "2", "abc", ""])
        #expect(AuthCookies.value(named: "session_token", in: "x=1; session_token=first; session_token=second") == "first")
        #expect(AuthCookies.value(named: "session_token", in: nil) == nil)
        #expect(AuthCookies.value(named: "session_token", in: "session_token=\u{7}ctl") == nil, "a control byte makes the cookie absent")
        #expect(AuthCookies.value(named: "session_token", in: "session_token=caf\u{e9}") == nil, "non-ASCII is not a cookie octet")
    }

    @Test func hostileHeadersAreBounded() {
        let long = "session_token=" + String(repeating: "a", count: AuthCookies.maxBytes)
        #expect(AuthCookies.parse(long).isEmpty, "a header over the limit counts as no cookies")
        let many = (0..<500).map { "c\($0)=v" }.joined(separator: "; ")
        #expect(many.utf8.count < AuthCookies.maxBytes)
        #expect(AuthCookies.parse(many).count == AuthCookies.maxCount)
        let separators = String(repeating: ";", count: AuthCookies.maxBytes)
        #expect(AuthCookies.parse(separators).isEmpty)
        let equals = String(repeating: "=", count: AuthCookies.maxBytes)
        #expect(AuthCookies.parse(equals).isEmpty)
    }

    @Test func theSessionCookieIsHttpOnlyLaxAndSecureUnlessOnLoopback() {
        let now = Date(timeIntervalSince1970: 1_780_000_000)
        let set = SessionCookie.set(token: "ab12", expiresAt: now.addingTimeInterval(86_400), secure: true, now: now)
        #expect(set == "session_token=ab12; Max-Age=86400; Path=/; HttpOnly; SameSite=Lax; Secure")
        #expect(!SessionCookie.set(token: "ab12", expiresAt: now, secure: false, now: now).contains("Secure"))
        #expect(SessionCookie.set(token: "a\r\nX-Evil: 1", expiresAt: now, secure: false, now: now).hasPrefix("session_token=aX-Evil1;"),
                "nothing but token characters reaches the header")
        #expect(SessionCookie.clear(secure: false) == "session_token=; Max-Age=0; Path=/; HttpOnly; SameSite=Lax")
        #expect(SessionCookie.clear(secure: true).hasSuffix("; Secure"))
        for host in ["127.0.0.1", "localhost", "LOCALHOST", "::1", "[::1]"] { #expect(SessionCookie.isLoopback(host: host), "\(host)") }
        for host in ["app.example.com", "127.0.0.2.example.com", "10.0.0.1"] { #expect(!SessionCookie.isLoopback(host: host), "\(host)") }
        #expect(!SessionCookie.isSecure(http: ["url": "http://127.0.0.1:8080/api/auth/logout"]))
        #expect(!SessionCookie.isSecure(http: ["url": "http://[::1]:8080/x"]))
        #expect(SessionCookie.isSecure(http: ["url": "https://app.example.com/api/auth/logout"]))
        #expect(!SessionCookie.isSecure(http: ["headers": ["host": "localhost:8080"]]))
        #expect(SessionCookie.isSecure(http: ["headers": ["host": "app.example.com"]]))
        #expect(!SessionCookie.isSecure(http: nil), "piped: no browser to keep it")
    }

    @Test func aHeaderMayTakeSeveralLines() throws {
        let output = Array(#"""
            {"ok": true, "_http": {"status": 302, "headers": {"Location": "/", "Set-Cookie": ["session_token=t; Path=/", "bundle_login_state=; Max-Age=0", "bad\r\nInjected: 1", 7]}}}
            """#.utf8)
        let response = GatewayResponse.from(output: output, successStatus: 200, requestID: "r")
        #expect(response.status == 302)
        let cookies = response.headers.filter { $0.name == "Set-Cookie" }.map(\.value)
        #expect(cookies == ["session_token=t; Path=/", "bundle_login_state=; Max-Age=0"], "each string its own line; unsafe ones and non-strings dropped")
        let text = String(decoding: response.cgiBytes, as: UTF8.self)
        #expect(text.contains("Set-Cookie: session_token=t; Path=/\r\nSet-Cookie: bundle_login_state=; Max-Age=0\r\n"))
        #expect(!text.contains("Injected"))
        let reserved = GatewayResponse.from(output: Array(#"{"_http": {"headers": {"X-Request-Id": ["a", "b"]}}}"#.utf8), successStatus: 200, requestID: "r")
        #expect(reserved.headers.filter { $0.name == "X-Request-Id" }.map(\.value) == ["r"], "reserved headers stay the gateway's")
    }
}
