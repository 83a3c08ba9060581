import Core
import Foundation
import HTTPTransport
@testable import Providers
import Testing

/// `S3FileStorage` over a fake transport: the requests it sends (URL per addressing style,
/// signed headers), what each S3 error answer becomes, and the settings it is built from.
@Suite struct S3FileStorageTests {
    static let secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
    static let credentials = SigV4Signer.Credentials(accessKeyID: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: secret)
    static let date = Date(timeIntervalSince1970: 1_369_353_600)

    static func storage(_ transport: FakeTransport, endpoint: String? = "http://127.0.0.1:9000",
                        addressing: S3Settings.AddressingStyle? = nil) throws -> S3FileStorage {
        let settings = try S3Settings(bucket: "files", region: "eu-west-1", endpoint: endpoint, addressing: addressing, credentials: credentials)
        return S3FileStorage(settings: settings, transport: transport, now: { date })
    }

    static func xmlError(_ status: Int, _ code: String, _ message: String) -> HTTPResponse {
        HTTPResponse(status: status, headers: ["content-type": "application/xml"],
                     body: Array("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>\(code)</Code><Message>\(message)</Message><RequestId>1</RequestId></Error>".utf8))
    }

    @Test func putSendsASignedPathStyleRequest() async throws {
        let transport = FakeTransport()
        transport.expect("PUT", "http://127.0.0.1:9000/files/conversations/1/files/7-my%20report.pdf") { request in
            #expect(request.header("Content-Type") == "application/pdf")
            #expect(request.header("Content-Length") == "3")
            #expect(request.header("x-amz-content-sha256") == SHA256.hex(SHA256.hash([1, 2, 3])))
            #expect(request.header("x-amz-date") == "20130524T000000Z")
            let authorization = request.header("Authorization") ?? ""
            #expect(authorization.hasPrefix("AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/eu-west-1/s3/aws4_request, "))
            #expect(authorization.contains("SignedHeaders=content-length;content-type;host;x-amz-content-sha256;x-amz-date, "))
            #expect(!authorization.contains(Self.secret))
            #expect(request.body == [1, 2, 3])
            return HTTPResponse(status: 200)
        }
        try await Self.storage(transport).put([1, 2, 3], key: "conversations/1/files/7-my report.pdf", contentType: "application/pdf", deadline: .distantFuture)
    }

    @Test func virtualHostedStyleIsTheDefaultOnAWS() async throws {
        let transport = FakeTransport()
        transport.expect("GET", "https://files.s3.eu-west-1.amazonaws.com/a/b.txt", respond: HTTPResponse(status: 200, body: [9]))
        #expect(try await Self.storage(transport, endpoint: nil).get(key: "a/b.txt", deadline: .distantFuture) == [9])
        let forced = FakeTransport()
        forced.expect("GET", "https://s3.eu-west-1.amazonaws.com/files/a/b.txt", respond: HTTPResponse(status: 200, body: [8]))
        #expect(try await Self.storage(forced, endpoint: nil, addressing: .path).get(key: "a/b.txt", deadline: .distantFuture) == [8])
    }

    @Test func missingKeyIsNotFoundAndDeleteOfAMissingKeySucceeds() async throws {
        let transport = FakeTransport()
        transport.expect("GET", "http://127.0.0.1:9000/files/gone", respond: Self.xmlError(404, "NoSuchKey", "The specified key does not exist."))
        transport.expect("DELETE", "http://127.0.0.1:9000/files/gone", respond: HTTPResponse(status: 204))
        transport.expect("DELETE", "http://127.0.0.1:9000/files/gone", respond: Self.xmlError(404, "NoSuchKey", "no"))
        let storage = try Self.storage(transport)
        do {
            _ = try await storage.get(key: "gone", deadline: .distantFuture)
            Issue.record("expected not_found")
        } catch let error as BundleError {
            #expect(error.code == .notFound)
        }
        try await storage.delete(key: "gone", deadline: .distantFuture)
        try await storage.delete(key: "gone", deadline: .distantFuture)
    }

    @Test func refusedCredentialsNameTheVariableNotTheValue() async throws {
        let cases: [(HTTPResponse, ErrorCode, String)] = [
            (Self.xmlError(403, "SignatureDoesNotMatch", "The request signature we calculated does not match \(Self.secret)"), .misconfigured, "AWS_SECRET_ACCESS_KEY"),
            (Self.xmlError(403, "InvalidAccessKeyId", "The AWS Access Key Id you provided does not exist in our records."), .misconfigured, "AWS_ACCESS_KEY_ID"),
            (Self.xmlError(403, "AccessDenied", "Access Denied"), .misconfigured, "AWS_ACCESS_KEY_ID"),
            (Self.xmlError(404, "NoSuchBucket", "The specified bucket does not exist"), .misconfigured, "S3_BUCKET"),
        ]
        for (response, code, variable) in cases {
            let transport = FakeTransport()
            transport.expect("PUT", "http://127.0.0.1:9000/files/k", respond: response)
            do {
                try await Self.storage(transport).put([1], key: "k", contentType: "text/plain", deadline: .distantFuture)
                Issue.record("expected a failure")
            } catch let error as BundleError {
                #expect(error.code == code)
                #expect(error.details?.first?.field == variable)
                #expect(!error.message.contains(Self.secret) && !error.message.contains("wJalr"))
            }
        }
    }

    @Test func otherErrorsAreUpstreamFailuresWithS3sWordsCutShort() async throws {
        let transport = FakeTransport()
        let long = String(repeating: "x", count: 5_000)
        transport.expect("GET", "http://127.0.0.1:9000/files/k", respond: Self.xmlError(500, "InternalError", "We &amp; S3 failed \u{1}" + long))
        do {
            _ = try await Self.storage(transport).get(key: "k", deadline: .distantFuture)
            Issue.record("expected a failure")
        } catch let error as BundleError {
            #expect(error.code == .upstreamFailed)
            #expect(error.message.contains("HTTP 500 (InternalError): We & S3 failed x"))
            #expect(error.message.count < 400)
        }
        #expect(S3Failure.element("Code", in: Array("<Error><Code>".utf8) + Array(repeating: 65, count: 20_000) + Array("</Code>".utf8)) == nil,
                "an element beyond the scanned prefix is not read")
    }

    @Test func hostileKeysNeverReachTheWire() async throws {
        let transport = FakeTransport()
        let storage = try Self.storage(transport)
        for key in ["../other-bucket/x", "/abs", "a\u{0}b", "a//b"] {
            await #expect(throws: BundleError.self) { try await storage.put([1], key: key, contentType: "text/plain", deadline: .distantFuture) }
            #expect(throws: BundleError.self) { try storage.presignedDownload(key: key, contentType: "text/plain", contentDisposition: "attachment", expiresInSeconds: 60, now: Self.date) }
        }
    }

    @Test func presignedDownloadSignsTheResponseHeaders() throws {
        let storage = try Self.storage(FakeTransport())
        let url = try #require(try storage.presignedDownload(key: "c/1/files/2-a b.pdf", contentType: "application/pdf",
                                                            contentDisposition: "attachment; filename=\"a b.pdf\"", expiresInSeconds: 900, now: Self.date))
        #expect(url.hasPrefix("http://127.0.0.1:9000/files/c/1/files/2-a%20b.pdf?"))
        #expect(url.contains("X-Amz-Expires=900"))
        #expect(url.contains("X-Amz-SignedHeaders=host"))
        #expect(url.contains("response-content-type=application%2Fpdf"))
        #expect(url.contains("response-content-disposition=attachment%3B%20filename%3D%22a%20b.pdf%22"))
        #expect(url.contains("X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Feu-west-1%2Fs3%2Faws4_request"))
        #expect(!url.contains(Self.secret) && !url.contains("wJalr"))
    }

    @Test func settingsFromConfiguration() throws {
        let base = ["AWS_S3_BUCKET_NAME": "legacy-bucket", "AWS_ACCESS_KEY_ID": "AKID", "AWS_SECRET_ACCESS_KEY": "secret"]
        let settings = try S3Settings(config: Config(base))
        #expect(settings.bucket == "legacy-bucket")
        #expect(settings.host == "legacy-bucket.s3.us-east-1.amazonaws.com")
        let local = try S3Settings(config: Config(base.merging(["S3_BUCKET": "bucket-1", "S3_ENDPOINT_URL": "http://minio:9000/", "AWS_REGION": "eu-central-1"]) { $1 }))
        #expect(local.bucket == "bucket-1" && local.addressing == .path && local.host == "minio:9000" && local.region == "eu-central-1")
        #expect(try S3Settings(config: Config(base.merging(["S3_ENDPOINT_URL": "https://r2.example.com:443"]) { $1 })).authority == "r2.example.com")
        for (name, value, variable) in [("AWS_SECRET_ACCESS_KEY", "", "AWS_SECRET_ACCESS_KEY"), ("AWS_ACCESS_KEY_ID", "", "AWS_ACCESS_KEY_ID"),
                                        ("S3_ENDPOINT_URL", "http://user:pw@host", "S3_ENDPOINT_URL"), ("S3_ENDPOINT_URL", "ftp://host", "S3_ENDPOINT_URL"),
                                        ("S3_ENDPOINT_URL", "http://host/path", "S3_ENDPOINT_URL"), ("S3_ADDRESSING_STYLE", "dns", "S3_ADDRESSING_STYLE"),
                                        ("S3_BUCKET", "bad/bucket", "S3_BUCKET"), ("AWS_REGION", "us east", "AWS_REGION")] {
            do {
                _ = try S3Settings(config: Config(base.merging([name: value]) { $1 }))
                Issue.record("\(name)=\(value) was accepted")
            } catch let error as BundleError {
                #expect(error.code == .misconfigured)
                #expect(error.details?.first?.field == variable)
            }
        }
    }

    @Test func selectionIsS3WhenABucketIsSet() throws {
        let config = Config(["S3_BUCKET": "bucket-1", "AWS_ACCESS_KEY_ID": "AKID", "AWS_SECRET_ACCESS_KEY": "secret"])
        #expect(try StorageSelection.make(config) { FakeTransport() }.backend == "s3")
        #expect(throws: BundleError.self) { try StorageSelection.make(Config(["S3_BUCKET": "bucket-1"])) { FakeTransport() } }
    }
}
