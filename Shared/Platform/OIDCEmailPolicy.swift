import Core
import Providers

/// Who may sign in: an ID token must carry an `email` whose `email_verified` is not false (an
/// unverified address could be anyone's, and the email names the account here), and when
/// `ALLOWED_EMAIL_DOMAINS` is set (`example.com, example.org`), its domain must be one of them,
/// compared without case. A refused domain is `forbidden` (403): the person is known, not allowed.
struct OIDCEmailPolicy: Sendable {
    /// Lower-cased, without a leading `@`; empty means every domain.
    let allowedDomains: [String]

    init(allowedDomains: [String]) {
        self.allowedDomains = allowedDomains
    }

    init(config: Config) {
        let listed = (config["ALLOWED_EMAIL_DOMAINS"] ?? "").split(separator: ",").prefix(200)
        self.init(allowedDomains: listed.map { part in
            let domain = part.trimmingWhitespace().lowercased()
            return domain.hasPrefix("@") ? String(domain.dropFirst()) : domain
        }.filter { !$0.isEmpty })
    }

    /// The email to sign in with (trimmed, lower-cased), or why not.
    func accepted(_ claims: IDTokenClaims) throws -> String {
        guard let raw = claims.email else {
            throw BundleError(.unauthorized, "the sign-in provider did not share an email address (is email among OIDC_SCOPES?)")
        }
        let email = raw.trimmingWhitespace().lowercased()
        guard email.utf8.count <= 320, let at = email.lastIndex(of: "@"), at != email.startIndex,
              email.index(after: at) != email.endIndex, email.unicodeScalars.allSatisfy({ $0.value > 32 && $0.value != 127 }) else {
            throw BundleError(.unauthorized, "the sign-in provider's email claim is not an email address")
        }
        guard claims.emailVerified != false else {
            throw BundleError(.unauthorized, "the sign-in provider has not verified this email address; verify it there and sign in again")
        }
        let domain = String(email[email.index(after: at)...])
        guard allowedDomains.isEmpty || allowedDomains.contains(domain) else {
            throw BundleError(.forbidden, "accounts of \(domain) may not sign in here (ALLOWED_EMAIL_DOMAINS)")
        }
        return email
    }
}
