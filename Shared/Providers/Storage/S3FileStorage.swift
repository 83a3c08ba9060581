import Core
import FoundationEssentials
import HTTPTransport

/// Files in an S3-compatible bucket (AWS, MinIO, Ceph, R2…): SigV4-signed `PUT`, `GET` and
/// `DELETE` through the bundle's transport, and SigV4 presigned `GET` URLs for downloads.
///
/// S3 writes an object whole or not at all, so `put` is all-or-nothing without more work here.
package struct S3FileStorage: FileStorage {
    package let backend = "s3"
    package let settings: S3Settings
    let transport: any Transport
    let signer: SigV4Signer
    /// The time header-signed requests carry: the real clock (S3 refuses a request more than 15
    /// minutes off), injectable for tests.
    let now: @Sendable () -> Date

    package init(settings: S3Settings, transport: any Transport, now: @escaping @Sendable () -> Date = { Date() }) {
        self.settings = settings
        self.transport = transport
        self.signer = SigV4Signer(credentials: settings.credentials, region: settings.region, service: "s3")
        self.now = now
    }

    package func put(_ bytes: [UInt8], key: String, contentType: String, deadline: Deadline) async throws {
        let headers = [("Content-Type", contentType), ("Content-Length", String(bytes.count))]
        let response = try await send("PUT", key: key, headers: headers, body: bytes, deadline: deadline)
        guard response.isSuccess else { throw S3Failure.error(response, operation: "PUT") }
    }

    package func get(key: String, deadline: Deadline) async throws -> [UInt8] {
        let response = try await send("GET", key: key, deadline: deadline)
        if response.isSuccess { return response.body }
        if response.status == 404, S3Failure.code(response) ?? "NoSuchKey" == "NoSuchKey" {
            throw BundleError(.notFound, "the stored file is missing")
        }
        throw S3Failure.error(response, operation: "GET")
    }

    package func delete(key: String, deadline: Deadline) async throws {
        let response = try await send("DELETE", key: key, deadline: deadline)
        // S3 answers 204 whether or not the key existed; some compatibles answer 404.
        guard response.isSuccess || (response.status == 404 && S3Failure.code(response) ?? "NoSuchKey" == "NoSuchKey") else {
            throw S3Failure.error(response, operation: "DELETE")
        }
    }

    /// A presigned GET that makes S3 answer with this content type and disposition (the
    /// `response-content-*` parameters are signed with the rest, so they cannot be changed).
    package func presignedDownload(key: String, contentType: String, contentDisposition: String,
                                   expiresInSeconds: Int, now: Date) throws -> String? {
        let path = settings.path(key: try StorageKey.segments(of: key))
        let query = try signer.presignedQuery(
            method: "GET", host: settings.host, path: path,
            query: [("response-content-type", contentType), ("response-content-disposition", contentDisposition)],
            expiresInSeconds: expiresInSeconds, date: now)
        return settings.url(path: path, query: query)
    }

    /// Creates the bucket (`PUT /bucket`); one that this account already owns is fine. For tests
    /// and first setup against MinIO or moto: deployments create buckets with their own tools.
    package func createBucket(deadline: Deadline) async throws {
        let path = settings.addressing == .virtual ? "/" : "/\(settings.bucket)"
        var body: [UInt8] = []
        if settings.region != "us-east-1" {
            body = Array(("<CreateBucketConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
                + "<LocationConstraint>\(settings.region)</LocationConstraint></CreateBucketConfiguration>").utf8)
        }
        let response = try await send("PUT", path: path, headers: [("Content-Length", String(body.count))], body: body, deadline: deadline)
        guard response.isSuccess || S3Failure.code(response) == "BucketAlreadyOwnedByYou" else {
            throw S3Failure.error(response, operation: "CreateBucket")
        }
    }

    private func send(_ method: String, key: String, headers: [(String, String)] = [], body: [UInt8] = [],
                      deadline: Deadline) async throws -> HTTPResponse {
        try await send(method, path: settings.path(key: try StorageKey.segments(of: key)), headers: headers, body: body, deadline: deadline)
    }

    private func send(_ method: String, path: String, headers: [(String, String)], body: [UInt8],
                      deadline: Deadline) async throws -> HTTPResponse {
        let own: [(name: String, value: String)] = headers.map { (name: $0.0, value: $0.1) }
        let signed = signer.authorizationHeaders(method: method, path: path, headers: own + [("host", settings.host)],
                                                 payloadHash: SHA256.hex(SHA256.hash(body)), date: now())
        let request = HTTPRequest(method: method, url: settings.url(path: path), headers: own + signed, body: body,
                                  timeout: .seconds(120))
        return try await transport.send(request, deadline: deadline)
    }
}
