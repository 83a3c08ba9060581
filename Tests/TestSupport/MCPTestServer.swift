import Core
import Foundation

/// The loopback MCP server of the tests (`Tests/Fixtures/mcp/server.py`, written with the
/// official `mcp` SDK from PyPI), over Streamable HTTP (JSON or SSE answers) or as a stdio
/// command line. Tests that need it are enabled when the package is importable, or when
/// `BUNDLE_REQUIRE_PYTHON_PACKAGES=1` (then a missing package fails them instead of skipping).
package final class MCPTestServer: @unchecked Sendable {
    package static let script = Fixtures.path("mcp/server.py")

    /// Whether `import mcp` works in this machine's python3.
    package static let packageInstalled: Bool = {
        let result = try? Binaries.run("/usr/bin/env", arguments: ["python3", "-c", "import mcp.server, uvicorn"],
                                       environment: ["PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"],
                                       workingDirectory: NSTemporaryDirectory())
        return result?.exitCode == 0
    }()

    /// Whether the MCP tests run: the package is there, or it is required (and its absence fails).
    package static var enabled: Bool {
        packageInstalled || ProcessInfo.processInfo.environment["BUNDLE_REQUIRE_PYTHON_PACKAGES"] == "1"
    }

    package static let missingPackage = "the PyPI package mcp is not installed (python3 -m pip install mcp; infra/dev test installs it)"

    /// The stdio command line for `MCP_SERVER_COMMAND`.
    package static func stdioCommand(mode: String = "normal", callsFile: String? = nil, hangIfExists: String? = nil) -> String {
        var words = ["python3", script, "stdio", "--mode", mode]
        if let callsFile { words += ["--calls-file", callsFile] }
        if let hangIfExists { words += ["--hang-if-exists", hangIfExists] }
        return words.map { "'" + $0.replacingOccurrences(of: "'", with: "'\\''") + "'" }.joined(separator: " ")
    }

    /// How many searches the server answered (one line each in the calls file).
    package static func calls(in file: String) -> Int {
        ((try? String(contentsOfFile: file, encoding: .utf8)) ?? "").split(separator: "\n").count
    }

    package let url: String
    private let process: RunningProcess
    private let directory: TemporaryDirectory

    /// Starts the HTTP server and waits until it listens.
    package init(jsonResponse: Bool, mode: String = "normal", callsFile: String? = nil) throws {
        guard Self.packageInstalled else { throw BundleError(.unavailable, Self.missingPackage) }
        directory = try TemporaryDirectory()
        let portFile = directory.file("port")
        var arguments = ["python3", Self.script, "http", "--port-file", portFile, "--mode", mode]
        if jsonResponse { arguments.append("--json-response") }
        if let callsFile { arguments += ["--calls-file", callsFile] }
        process = try Binaries.start("/usr/bin/env", arguments: arguments,
                                     environment: ["PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"],
                                     workingDirectory: directory.path)
        let listening = Eventually.holds(within: 90) { FileManager.default.fileExists(atPath: portFile) }
        guard listening, let port = try? String(contentsOfFile: portFile, encoding: .utf8) else {
            kill(process.processIdentifier, SIGKILL)
            _ = try? process.wait()
            throw BundleError(.unavailable, "the MCP test server did not start")
        }
        url = "http://127.0.0.1:\(port.trimmingCharacters(in: .whitespacesAndNewlines))/mcp"
    }

    deinit { stop() }

    package func stop() {
        guard kill(process.processIdentifier, SIGKILL) == 0 else { return }
        _ = try? process.wait()
    }
}
