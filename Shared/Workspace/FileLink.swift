import Core
import FoundationEssentials

/// The bundle's own expiring download links, for files on local disk (S3 presigns its own):
/// `/api/files/{id}/content?expires=<unix seconds>&signature=<hex>`, where the signature is
/// HMAC-SHA-256 under `FILE_URL_SECRET` of `conversation-file:<id>:<sha256>:<expires>`. Whoever
/// holds the link may fetch that one file until it expires; changing the id or the expiry breaks
/// the signature, and the check compares in constant time. The file's SHA-256 is signed too: ids
/// are plain identities that a database may hand out again after a delete, and a link must never
/// serve the later file. The secret must be at least
/// `minimumSecretLength` characters: a short one could be guessed from one link.
package struct FileLinkSigner: Sendable {
    private let key: [UInt8]

    package static let secretVariable = "FILE_URL_SECRET"
    package static let expiryVariable = "FILE_URL_EXPIRES_SECONDS"
    package static let minimumSecretLength = 32
    package static let defaultExpirySeconds = 900
    /// Seven days: S3's longest presigned URL, kept the same for both backends.
    package static let maximumExpirySeconds = 604_800

    package init(secret: String) {
        key = Array(secret.utf8)
    }

    /// The signer of the configured secret; `misconfigured` naming the variable when it is unset or short.
    package init(config: Config) throws {
        guard let secret = config[Self.secretVariable], !secret.isEmpty else {
            throw BundleError.misconfigured(variable: Self.secretVariable,
                                            "is not set: local file storage serves downloads through links signed with it (at least \(Self.minimumSecretLength) random characters)")
        }
        guard secret.count >= Self.minimumSecretLength else {
            throw BundleError.misconfigured(variable: Self.secretVariable, "must be at least \(Self.minimumSecretLength) characters")
        }
        self.init(secret: secret)
    }

    /// How long a download link lives (`FILE_URL_EXPIRES_SECONDS`, default 900).
    package static func expirySeconds(_ config: Config) throws -> Int {
        try config.int(expiryVariable, default: defaultExpirySeconds, in: 1...maximumExpirySeconds)
    }

    package func signature(fileID: Int, sha256: String, expires: Int) -> String {
        SHA256.hex(SHA256.hmac(key: key, message: Array("conversation-file:\(fileID):\(sha256):\(expires)".utf8)))
    }

    /// The link's path and query (the caller puts the public base in front).
    package func path(fileID: Int, sha256: String, expires: Int) -> String {
        "/api/files/\(fileID)/content?expires=\(expires)&signature=\(signature(fileID: fileID, sha256: sha256, expires: expires))"
    }

    /// Throws `forbidden` unless `signature` is this file's and expiry's and `expires` is still ahead of `now`.
    /// One message for every failure: a caller learns nothing about which part was wrong.
    package func verify(fileID: Int, sha256: String, expires: Int, signature: String, now: Date) throws {
        let expected = Array(self.signature(fileID: fileID, sha256: sha256, expires: expires).utf8)
        let valid = SHA256.constantTimeEquals(expected, Array(signature.lowercased().utf8))
        guard valid, Double(expires) > now.timeIntervalSince1970 else {
            throw Self.refused
        }
    }

    /// The one answer to a link that does not hold, whatever was wrong with it.
    package static let refused = BundleError(.forbidden, "this download link is invalid or has expired; ask for a new one")
}

extension FileLinkSigner {
    /// Where links point: `PUBLIC_BASE_URL` when set, else nowhere in particular: the link is a
    /// path, which a redirect's `Location` resolves against the address the client used. The Host
    /// a CGI program sees cannot be trusted for this (Debian's nginx passes `$host`, which drops
    /// the port: `localhost:8080` would become `localhost`).
    package static func base(config: Config) -> String {
        guard let base = config["PUBLIC_BASE_URL"]?.trimmingWhitespace(), !base.isEmpty else { return "" }
        return base.hasSuffix("/") ? String(base.dropLast()) : base
    }
}
