import Core
import FoundationEssentials

/// The claims of an ID token that sign-in uses (OpenID Connect Core section 2).
package struct IDTokenClaims: Sendable, Equatable {
    package var issuer: String
    package var subject: String
    package var audiences: [String]
    package var authorizedParty: String?
    package var expiresAt: Double
    package var issuedAt: Double?
    package var nonce: String?
    package var email: String?
    /// nil when the claim is absent; some providers send it as the text "true"/"false".
    package var emailVerified: Bool?
    package var name: String?
    package var picture: String?
}

/// Reads and checks the ID token the token endpoint answered.
///
/// **Signature.** The token is taken only from the token endpoint's answer, received directly
/// from the provider over TLS (the issuer's own https URL from discovery), which OpenID Connect
/// Core section 3.1.3.7 (step 6) allows in place of checking the signature: "the TLS server
/// validation MAY be used to validate the issuer in place of checking the token signature". No
/// token from the browser or any other source is ever accepted, and a token whose header says
/// `alg: none` is refused even from there. The claims are all checked: `iss`, `aud` (and
/// `azp`), `exp`, `iat`, `nonce`.
///
/// Parsing is bounded: the token's size, the JSON's size (parsed by the bundle's depth-limited
/// parser) and the audience list.
package enum IDToken {
    package static let maxBytes = 16 * 1024
    /// Clock skew allowed between this machine and the provider.
    package static let leewaySeconds = 60.0
    /// An `iat` further in the future than this is a token from a broken clock or a forgery.
    package static let maxIssuedAheadSeconds = 300.0

    /// What the token says, or `unauthorized` when it is not a well-formed JWT.
    package static func claims(of token: String) throws -> IDTokenClaims {
        guard token.utf8.count <= maxBytes else { throw refused("is larger than \(maxBytes) bytes") }
        let parts = token.utf8.split(separator: UInt8(ascii: "."), maxSplits: 3, omittingEmptySubsequences: false)
        guard parts.count == 3, let headerBytes = Base64URL.decode(bytes: parts[0]),
              let payloadBytes = Base64URL.decode(bytes: parts[1]) else {
            throw refused("is not a JSON Web Token (three base64url parts)")
        }
        guard case .object(let header)? = try? JSONValue(parsing: headerBytes), let algorithm = header["alg"]?.stringValue else {
            throw refused("has no readable header")
        }
        guard algorithm.lowercased() != "none", !parts[2].isEmpty else { throw refused("is unsigned (alg none)") }
        guard case .object(let payload)? = try? JSONValue(parsing: payloadBytes) else { throw refused("has no readable claims") }

        guard let issuer = payload["iss"]?.stringValue else { throw refused("has no iss claim") }
        guard let subject = payload["sub"]?.stringValue, !subject.isEmpty, subject.utf8.count <= 255 else { throw refused("has no usable sub claim") }
        let audiences: [String]
        switch payload["aud"] {
        case .string(let one)?: audiences = [one]
        case .array(let many)? where many.count <= 20: audiences = many.compactMap(\.stringValue)
        default: throw refused("has no usable aud claim")
        }
        guard case .number(let expiresAt)? = payload["exp"], expiresAt.isFinite else { throw refused("has no exp claim") }
        var issuedAt: Double?
        if case .number(let value)? = payload["iat"], value.isFinite { issuedAt = value }
        let verified: Bool? = switch payload["email_verified"] {
        case .bool(let value)?: value
        case .string(let text)?: text.lowercased() == "true" ? true : text.lowercased() == "false" ? false : nil
        default: nil
        }
        return IDTokenClaims(issuer: issuer, subject: subject, audiences: audiences, authorizedParty: payload["azp"]?.stringValue,
                             expiresAt: expiresAt, issuedAt: issuedAt, nonce: payload["nonce"]?.stringValue,
                             email: payload["email"]?.stringValue, emailVerified: verified,
                             name: payload["name"]?.stringValue.map { String($0.prefix(200)) },
                             picture: payload["picture"]?.stringValue.flatMap { OIDCURL.isHTTP($0) ? $0 : nil })
    }

    /// The issuer a token or callback names against the configured one: exactly equal, except that
    /// Google documents `iss` as either `https://accounts.google.com` or `accounts.google.com`.
    package static func sameIssuer(_ claimed: String, _ configured: String) -> Bool {
        if claimed == configured { return true }
        return configured == "https://accounts.google.com" && claimed == "accounts.google.com"
    }

    /// Checks the claims against this login (section 3.1.3.7); each failure is `unauthorized`
    /// saying which check failed, never the token.
    package static func validate(_ claims: IDTokenClaims, issuer: String, clientID: String, nonce: String, now: Date) throws {
        let seconds = now.timeIntervalSince1970
        guard sameIssuer(claims.issuer, issuer) else { throw refused("was issued by another issuer than OIDC_ISSUER") }
        guard claims.audiences.contains(clientID) else { throw refused("is not meant for this client (aud)") }
        if claims.audiences.count > 1 || claims.authorizedParty != nil {
            guard claims.authorizedParty == clientID else { throw refused("was given to another party (azp)") }
        }
        guard claims.expiresAt + leewaySeconds > seconds else { throw refused("has expired (exp)") }
        if let issuedAt = claims.issuedAt, issuedAt > seconds + maxIssuedAheadSeconds { throw refused("was issued in the future (iat)") }
        guard let tokenNonce = claims.nonce,
              SHA256.constantTimeEquals(Array(tokenNonce.utf8), Array(nonce.utf8)) else { throw refused("does not carry this login's nonce") }
    }

    static func refused(_ problem: String) -> BundleError {
        BundleError(.unauthorized, "the sign-in provider's ID token \(problem); sign in again")
    }
}
