import Core

/// Where an S3-compatible bucket is and how to reach it, from the configuration:
/// `S3_BUCKET` (or the original system's `AWS_S3_BUCKET_NAME`), `S3_ENDPOINT_URL` (MinIO, Ceph,
/// R2, moto; default AWS's regional endpoint), `AWS_REGION` (default `us-east-1`),
/// `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, optional `AWS_SESSION_TOKEN`, and
/// `S3_ADDRESSING_STYLE` (`path`: `endpoint/bucket/key`; `virtual`: `bucket.endpoint/key`;
/// default virtual on AWS and path when an endpoint is set, which is what compatibles expect).
package struct S3Settings: Sendable {
    package enum AddressingStyle: String, Sendable {
        case path, virtual
    }

    package var bucket: String
    package var region: String
    /// `http` or `https`.
    package var scheme: String
    /// Host and port, as the `Host` header carries it (default ports left out).
    package var authority: String
    package var addressing: AddressingStyle
    package var credentials: SigV4Signer.Credentials

    package init(bucket: String, region: String = "us-east-1", endpoint: String? = nil,
                 addressing: AddressingStyle? = nil, credentials: SigV4Signer.Credentials) throws {
        guard Self.isBucketName(bucket) else {
            throw BundleError.misconfigured(variable: "S3_BUCKET", "must be a bucket name (letters, digits, dots, hyphens, underscores; 3 to 255 characters)")
        }
        guard !region.isEmpty, region.utf8.allSatisfy({ Self.isRegionByte($0) }) else {
            throw BundleError.misconfigured(variable: "AWS_REGION", "must be a region name such as us-east-1")
        }
        let (scheme, authority) = try Self.parseEndpoint(endpoint ?? "https://s3.\(region).amazonaws.com")
        self.bucket = bucket
        self.region = region
        self.scheme = scheme
        self.authority = authority
        self.addressing = addressing ?? (endpoint == nil ? .virtual : .path)
        self.credentials = credentials
    }

    /// The settings the configuration holds; a missing credential is `misconfigured` naming it.
    package init(config: Config) throws {
        guard let bucket = Self.bucket(in: config) else {
            throw BundleError.misconfigured(variable: "S3_BUCKET", "is not set; it is needed for S3 file storage")
        }
        var addressing: AddressingStyle?
        if let style = config["S3_ADDRESSING_STYLE"] {
            guard let chosen = AddressingStyle(rawValue: style.lowercased()) else {
                throw BundleError.misconfigured(variable: "S3_ADDRESSING_STYLE", "must be path or virtual, not \"\(style.prefixed(40))\"")
            }
            addressing = chosen
        }
        let credentials = SigV4Signer.Credentials(
            accessKeyID: try config.require("AWS_ACCESS_KEY_ID", for: "S3 file storage (S3_BUCKET is set)"),
            secretAccessKey: try config.require("AWS_SECRET_ACCESS_KEY", for: "S3 file storage (S3_BUCKET is set)"),
            sessionToken: config["AWS_SESSION_TOKEN"])
        try self.init(bucket: bucket, region: config.string("AWS_REGION", default: "us-east-1"), endpoint: config["S3_ENDPOINT_URL"],
                      addressing: addressing, credentials: credentials)
    }

    /// `S3_BUCKET`, else `AWS_S3_BUCKET_NAME`; nil when neither is set (local storage).
    package static func bucket(in config: Config) -> String? {
        config["S3_BUCKET"] ?? config["AWS_S3_BUCKET_NAME"]
    }

    /// The host the requests go to (and are signed for).
    package var host: String {
        addressing == .virtual ? "\(bucket).\(authority)" : authority
    }

    /// The object's path on the wire and in the signature: each key segment URI-encoded.
    package func path(key segments: [Substring]) -> String {
        let encoded = SigV4Signer.canonicalPath(segments.map(String.init))
        return addressing == .virtual ? encoded : "/\(bucket)" + encoded
    }

    /// The URL of a path on this bucket's host.
    package func url(path: String, query: String = "") -> String {
        "\(scheme)://\(host)\(path)" + (query.isEmpty ? "" : "?\(query)")
    }

    /// `scheme://host[:port][/]` only: a path, query, credentials or anything else in the
    /// endpoint would be signed for one URL and sent to another.
    static func parseEndpoint(_ endpoint: String) throws -> (scheme: String, authority: String) {
        let refused = BundleError.misconfigured(variable: "S3_ENDPOINT_URL", "must be http(s)://host[:port] with no path, such as http://127.0.0.1:9000")
        let lowered = endpoint.lowercased()
        let scheme = lowered.hasPrefix("https://") ? "https" : lowered.hasPrefix("http://") ? "http" : nil
        guard let scheme else { throw refused }
        var authority = Substring(endpoint.dropFirst(scheme.count + 3))
        if authority.hasSuffix("/") { authority = authority.dropLast() }
        guard !authority.isEmpty, authority.utf8.allSatisfy({ isAuthorityByte($0) }) else { throw refused }
        let host = authority.lowercased()
        let defaultPort = scheme == "https" ? ":443" : ":80"
        return (scheme, host.hasSuffix(defaultPort) ? String(host.dropLast(defaultPort.count)) : host)
    }

    static func isBucketName(_ name: String) -> Bool {
        (3...255).contains(name.utf8.count) && name.utf8.allSatisfy { byte in
            isRegionByte(byte) || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "_") || (byte >= 0x41 && byte <= 0x5A)
        } && !name.hasPrefix(".")
    }

    private static func isRegionByte(_ byte: UInt8) -> Bool {
        (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x30 && byte <= 0x39) || byte == UInt8(ascii: "-")
    }

    /// Host names, IPv4, bracketed IPv6 and a port: no `@`, `/`, `?`, `#` or spaces.
    private static func isAuthorityByte(_ byte: UInt8) -> Bool {
        isRegionByte(byte) || (byte >= 0x41 && byte <= 0x5A) || byte == UInt8(ascii: ".") || byte == UInt8(ascii: ":")
            || byte == UInt8(ascii: "[") || byte == UInt8(ascii: "]") || byte == UInt8(ascii: "_")
    }
}
