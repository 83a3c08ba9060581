import Core
import Foundation
import TestSupport
import Testing

/// TLS through a function binary's real libcurl against a small HTTPS fake of the OpenAI API
/// (Python's standard library `http.server` wrapped in `ssl`) with a certificate made for the test:
/// verification is on, and a CA bundle (`CURL_CA_BUNDLE`) is honoured.
@Suite(.serialized) struct TLSTests {
    let directory: TemporaryDirectory
    let port: Int
    let server: pid_t

    init() throws {
        directory = try TemporaryDirectory()
        let certificate = directory.file("cert.pem"), key = directory.file("key.pem")
        let generate = try Binaries.run("/usr/bin/openssl", arguments: [
            "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", certificate, "-days", "1",
            "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
        ], workingDirectory: directory.path)
        guard generate.exitCode == 0 else { throw BundleError(.internal, "openssl req failed: \(generate.stderr)") }
        // A free port: bind to 0, read it, release it for s_server.
        let probe = try LoopbackServer { _ in .text(200, "") }
        port = probe.port
        probe.stop()
        usleep(50_000)
        // posix_spawn rather than Foundation's Process: a Process left running while others are
        // waited for made waitUntilExit hang in the test runner.
        let arguments = ["/usr/bin/python3", "-c", Self.fakeOpenAI, String(port), certificate, key]
        var actions: posix_spawn_file_actions_t = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        for descriptor in Int32(0)...2 {
            posix_spawn_file_actions_addopen(&actions, descriptor, "/dev/null", descriptor == 0 ? O_RDONLY : O_WRONLY, 0)
        }
        var argv = arguments.map { strdup($0) } + [nil]
        var pid: pid_t = 0
        let status = posix_spawn(&pid, arguments[0], &actions, nil, &argv, environ)
        posix_spawn_file_actions_destroy(&actions)
        for pointer in argv { free(pointer) }
        guard status == 0 else { throw BundleError(.internal, "cannot start the HTTPS fake") }
        server = pid
        var attempts = 0
        while !Self.accepts(port), attempts < 100 {  // wait until it listens (at most 5 s)
            attempts += 1
            usleep(50_000)
        }
    }

    /// Answers every POST with a chat completion whose content is a valid brief.
    static let fakeOpenAI = """
        import http.server, json, ssl, sys
        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                self.rfile.read(int(self.headers.get("Content-Length", 0)))
                brief = {"title": "Over TLS", "summary": "It went over TLS.", "key_points": ["Encrypted."],
                         "action_items": [], "sentiment": "neutral"}
                body = json.dumps({"model": "gpt-4.1-mini", "usage": {"prompt_tokens": 5, "completion_tokens": 5},
                                   "choices": [{"message": {"role": "assistant", "content": json.dumps(brief)}}]}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            def log_message(self, *args):
                pass
        server = http.server.ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Handler)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(sys.argv[2], sys.argv[3])
        # Handshakes happen in the request threads, so the readiness probe (a bare TCP connect)
        # cannot hold up the accept loop.
        server.socket = context.wrap_socket(server.socket, server_side=True, do_handshake_on_connect=False)
        server.serve_forever()
        """

    static func accepts(_ port: Int) -> Bool {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        } == 0
    }

    func stop() {
        kill(server, SIGKILL)
        var status: Int32 = 0
        waitpid(server, &status, 0)
    }

    func llmCheck(_ environment: [String: String]) throws -> ProcessResult {
        try Binaries.run("llm-check", stdin: "{}",
                         environment: ["LLM_BASE_URL": "https://127.0.0.1:\(port)/v1", "LLM_API_KEY": "sk-tls-test",
                                       "UPSTREAM_MAX_ATTEMPTS": "1", "FUNCTION_TIMEOUT_S": "10"].merging(environment) { $1 },
                         workingDirectory: directory.path)
    }

    @Test func anUntrustedCertificateIsRefused() throws {
        defer { stop() }
        let result = try llmCheck([:])
        #expect(result.exitCode == 69)
        #expect(result.errorCode == "upstream_failed")
        #expect(result.json?["error"]?["message"]?.stringValue?.contains("SSL") == true)
    }

    @Test func aCertificateFromTheCABundleIsTrusted() throws {
        defer { stop() }
        let result = try llmCheck(["CURL_CA_BUNDLE": directory.file("cert.pem")])
        #expect(result.exitCode == 0, "\(result.stdoutText)")
        #expect(result.json?["provider"] == "openai")
        #expect(result.json?["brief"]?["title"] == "Over TLS")
    }
}
