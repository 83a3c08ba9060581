import Core

/// Proof Key for Code Exchange (RFC 7636) with the S256 method: the login keeps a random
/// verifier and sends its hash; the token request sends the verifier, so a code stolen on its
/// way back through the browser cannot be exchanged by anyone else.
package enum PKCE {
    package static let method = "S256"

    /// 32 random bytes as base64url: 43 characters of the unreserved set (RFC 7636 section 4.1).
    package static func newVerifier() -> String {
        Base64URL.encode(OIDCRandom.bytes(32))
    }

    /// BASE64URL(SHA256(ASCII(verifier))) (RFC 7636 section 4.2).
    package static func challenge(for verifier: String) -> String {
        Base64URL.encode(SHA256.hash(verifier))
    }

    /// 43 to 128 characters of `[A-Z] / [a-z] / [0-9] / "-" / "." / "_" / "~"`.
    package static func isValidVerifier(_ verifier: String) -> Bool {
        (43...128).contains(verifier.utf8.count) && verifier.utf8.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"): true
            default: false
            }
        }
    }
}

/// Random values for a login: the system's cryptographic generator.
package enum OIDCRandom {
    package static func bytes(_ count: Int) -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        return (0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) }
    }

    /// 256 random bits as base64url (43 characters): states and nonces.
    package static func token() -> String {
        Base64URL.encode(bytes(32))
    }
}
