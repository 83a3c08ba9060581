import Core
import Foundation
import Providers

/// A JWT as a provider's token endpoint sends it: the signature part is not checked (see `IDToken`).
package func idToken(_ claims: JSONValue, header: JSONValue = ["alg": "RS256", "typ": "JWT"]) -> String {
    [Base64URL.encode(Array(header.jsonText.utf8)), Base64URL.encode(Array(claims.jsonText.utf8)), "c2lnbmF0dXJl"].joined(separator: ".")
}

/// The loopback fake OpenID provider (Tests/Fixtures/oidc/provider.py, Python's standard library
/// only): discovery, an auto-consenting /authorize, a /token that checks PKCE and the client, and
/// /control to shape the next ID tokens. Stopped when released.
package final class OIDCTestProvider: @unchecked Sendable {
    package static let clientID = "bundle-test-client"
    package static let clientSecret = "bundle-test-secret"

    package let issuer: String
    package let port: Int
    private let process: RunningProcess
    private let directory: TemporaryDirectory

    package init() throws {
        directory = try TemporaryDirectory()
        let portFile = directory.file("port")
        let script = NginxServer.repositoryRoot.appendingPathComponent("Tests/Fixtures/oidc/provider.py").path
        process = try Binaries.start("/usr/bin/env", arguments: ["python3", script, "--port-file", portFile,
                                                                  "--client-id", Self.clientID, "--client-secret", Self.clientSecret],
                                     environment: ["PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"],
                                     workingDirectory: directory.path)
        let listening = Eventually.holds(within: 60) { FileManager.default.fileExists(atPath: portFile) }
        guard listening, let text = try? String(contentsOfFile: portFile, encoding: .utf8), let port = Int(text.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            kill(process.processIdentifier, SIGKILL)
            _ = try? process.wait()
            throw BundleError(.unavailable, "the fake OpenID provider did not start")
        }
        self.port = port
        issuer = "http://127.0.0.1:\(port)"
    }

    deinit { stop() }

    package func stop() {
        guard kill(process.processIdentifier, SIGKILL) == 0 else { return }
        _ = try? process.wait()
    }

    /// Shapes the tokens the provider issues from now on (see provider.py); `[:]` resets.
    package func control(_ settings: JSONValue) throws {
        let reply = try HTTPClient.send(port: port, method: "POST", path: "/control", headers: ["Content-Type": "application/json"],
                                        body: Array(settings.jsonText.utf8))
        guard reply.status == 200 else { throw BundleError(.internal, "the fake provider refused /control: \(reply.text)") }
    }

    /// Follows an authorization URL as a browser would (the provider consents at once) and
    /// answers the redirect back: the callback's query string.
    package func authorize(_ authorizationURL: String, loginHint: String? = nil) throws -> String {
        guard authorizationURL.hasPrefix(issuer) else { throw BundleError(.internal, "not this provider's URL: \(authorizationURL)") }
        var path = String(authorizationURL.dropFirst(issuer.count))
        if let loginHint { path += "&login_hint=" + URLEncoding.component(loginHint) }
        let reply = try HTTPClient.send(port: port, method: "GET", path: path)
        guard reply.status == 302, let location = reply.header("location"), let question = location.firstIndex(of: "?") else {
            throw BundleError(.internal, "the fake provider did not redirect back: \(reply.status) \(reply.text)")
        }
        return String(location[location.index(after: question)...])
    }
}
