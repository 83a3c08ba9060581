import Core
import Foundation
import HTTPTransport
import Providers
import TestSupport
import Testing

/// The loopback S3 of these tests: moto (PyPI `moto[server]`) in server mode, started by
/// `Tests/Fixtures/s3/moto_server.py` with signature checks on, an IAM user and key, and a bucket.
final class MotoS3Server: @unchecked Sendable {
    static let script = Fixtures.path("s3/moto_server.py")
    static let path = ["PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"]

    static let packageInstalled: Bool = {
        let result = try? Binaries.run("/usr/bin/env", arguments: ["python3", "-c", "import moto.server, boto3, flask"],
                                       environment: path, workingDirectory: NSTemporaryDirectory())
        return result?.exitCode == 0
    }()

    /// The tests run when moto is importable, or when it is required (then its absence fails them).
    static var enabled: Bool {
        packageInstalled || ProcessInfo.processInfo.environment["BUNDLE_REQUIRE_PYTHON_PACKAGES"] == "1"
    }

    let endpoint: String
    let bucket: String
    let accessKeyID: String
    let secretAccessKey: String
    private let process: RunningProcess
    private let directory: TemporaryDirectory

    init() throws {
        guard Self.packageInstalled else {
            throw BundleError(.unavailable, "the PyPI package moto[server] is not installed (python3 -m pip install 'moto[server]'; infra/dev test installs it)")
        }
        directory = try TemporaryDirectory()
        let stateFile = directory.file("state.json")
        process = try Binaries.start("/usr/bin/env", arguments: ["python3", Self.script, "--state-file", stateFile],
                                     environment: Self.path, workingDirectory: directory.path)
        let ready = Eventually.holds(within: 90) { FileManager.default.fileExists(atPath: stateFile) }
        guard ready, let state = try? JSONValue(parsing: Array(Data(contentsOf: URL(fileURLWithPath: stateFile)))),
              let endpoint = state["endpoint"]?.stringValue, let bucket = state["bucket"]?.stringValue,
              let key = state["access_key_id"]?.stringValue, let secret = state["secret_access_key"]?.stringValue else {
            kill(process.processIdentifier, SIGKILL)
            _ = try? process.wait()
            throw BundleError(.unavailable, "moto did not start")
        }
        (self.endpoint, self.bucket, accessKeyID, secretAccessKey) = (endpoint, bucket, key, secret)
    }

    deinit {
        kill(process.processIdentifier, SIGKILL)
        _ = try? process.wait()
    }

    func storage(accessKeyID: String? = nil, secretAccessKey: String? = nil) throws -> S3FileStorage {
        let config = Config(["S3_BUCKET": bucket, "S3_ENDPOINT_URL": endpoint, "AWS_REGION": "us-east-1",
                             "AWS_ACCESS_KEY_ID": accessKeyID ?? self.accessKeyID,
                             "AWS_SECRET_ACCESS_KEY": secretAccessKey ?? self.secretAccessKey])
        return S3FileStorage(settings: try S3Settings(config: config), transport: try CurlTransport(config: Config([:])))
    }

    /// Turns moto's signature checks off or on (its `/moto-api/reset-auth`): moto cannot serve a
    /// presigned GET while they are on, so the fetch with curl happens with them off.
    func checkSignatures(_ on: Bool) throws {
        let result = try Binaries.run("/usr/bin/curl", arguments: ["-sf", "-X", "POST", "-H", "Content-Type: text/plain",
                                                                   "--data-binary", on ? "0" : "inf", endpoint + "/moto-api/reset-auth"],
                                      workingDirectory: directory.path)
        guard result.exitCode == 0 else { throw BundleError(.internal, "moto refused reset-auth: \(result.stderr)") }
    }
}

/// S3 storage against an independent S3 implementation over real libcurl: upload, read back,
/// presigned download fetched with curl (and its signature equal to botocore's own), delete,
/// and wrong credentials refused by moto's signature check.
@Suite(.serialized, .enabled(if: MotoS3Server.enabled, "needs the PyPI package moto[server] (python3 -m pip install 'moto[server]')"))
struct S3MotoTests {
    static let server = Result { try MotoS3Server() }

    @Test func uploadReadBackDeleteThenNotFound() async throws {
        let server = try Self.server.get()
        let storage = try server.storage()
        let bytes = (0..<70_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        // moto checks a signature over the path as werkzeug re-quotes it, which differs from the
        // raw path for `(`, `&` or non-ASCII (botocore's own uploads of such keys fail there too):
        // the keys here stay with spaces; SigV4SignerTests covers the rest of the encoding with
        // AWS's `test$file.text` example.
        let key = "conversations/12/files/7-report final v2.pdf"
        try await storage.put(bytes, key: key, contentType: "application/pdf", deadline: Deadline(seconds: 30))
        #expect(try await storage.get(key: key, deadline: Deadline(seconds: 30)) == bytes)
        try await storage.delete(key: key, deadline: Deadline(seconds: 30))
        do {
            _ = try await storage.get(key: key, deadline: Deadline(seconds: 30))
            Issue.record("expected not_found after delete")
        } catch let error as BundleError {
            #expect(error.code == .notFound)
        }
        try await storage.delete(key: key, deadline: Deadline(seconds: 30))  // already gone: fine
    }

    @Test func wrongCredentialsAreRefused() async throws {
        let server = try Self.server.get()
        let wrongSecret = "wrong-secret-value-1234567890"
        do {
            try await server.storage(secretAccessKey: wrongSecret).put([1], key: "x/refused", contentType: "text/plain", deadline: Deadline(seconds: 30))
            Issue.record("moto accepted a wrong secret key")
        } catch let error as BundleError {
            #expect(error.code == .misconfigured)
            #expect(error.details?.first?.field == "AWS_SECRET_ACCESS_KEY")
            #expect(!error.message.contains(wrongSecret) && !error.message.contains(server.secretAccessKey))
        }
        do {
            _ = try await server.storage(accessKeyID: "AKIAUNKNOWNKEY000000").get(key: "x/refused", deadline: Deadline(seconds: 30))
            Issue.record("moto accepted an unknown access key")
        } catch let error as BundleError {
            #expect(error.code == .misconfigured)
            #expect(error.details?.first?.field == "AWS_ACCESS_KEY_ID")
        }
        do {
            _ = try await server.storage().get(key: "x/refused", deadline: Deadline(seconds: 30))
            Issue.record("the refused upload was stored")
        } catch let error as BundleError {
            #expect(error.code == .notFound)
        }
    }

    @Test func presignedDownloadMatchesBotocoreAndServesTheBytes() async throws {
        let server = try Self.server.get()
        let storage = try server.storage()
        let key = "conversations/3/files/9-notes and plans.txt"
        let bytes = Array("presigned bytes\n".utf8)
        try await storage.put(bytes, key: key, contentType: "text/plain", deadline: Deadline(seconds: 30))
        let disposition = "attachment; filename=\"notes & plans.txt\""
        let now = Date(timeIntervalSince1970: Double(Int(Date().timeIntervalSince1970)))
        let url = try #require(try storage.presignedDownload(key: key, contentType: "text/plain", contentDisposition: disposition,
                                                            expiresInSeconds: 600, now: now))

        let botocore = try Binaries.run("/usr/bin/env", arguments: [
            "python3", MotoS3Server.script, "presign", "--endpoint", server.endpoint, "--bucket", server.bucket, "--key", key,
            "--access-key-id", server.accessKeyID, "--secret-access-key", server.secretAccessKey, "--region", "us-east-1",
            "--expires", "600", "--epoch", String(Int(now.timeIntervalSince1970)), "--content-type", "text/plain", "--disposition", disposition,
        ], environment: MotoS3Server.path, workingDirectory: NSTemporaryDirectory())
        #expect(botocore.exitCode == 0, "\(botocore.stderr)")
        #expect(Self.signature(url) != nil)
        #expect(Self.signature(url) == Self.signature(botocore.stdoutText.trimmingCharacters(in: .whitespacesAndNewlines)),
                "botocore signs the same request to the same signature")

        try server.checkSignatures(false)
        defer { try? server.checkSignatures(true) }
        let fetched = try Binaries.run("/usr/bin/curl", arguments: ["-sf", url], workingDirectory: NSTemporaryDirectory())
        #expect(fetched.exitCode == 0)
        #expect(fetched.stdout == bytes)
        try await storage.delete(key: key, deadline: Deadline(seconds: 30))
    }

    static func signature(_ url: String) -> String? {
        guard let range = url.range(of: "X-Amz-Signature=") else { return nil }
        return String(url[range.upperBound...].prefix { $0 != "&" })
    }
}
