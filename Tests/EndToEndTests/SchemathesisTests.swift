import Core
import Foundation
import TestSupport
import Testing

/// The published contract against the handlers, by an independent implementation: schemathesis
/// reads `GET /openapi.json` and sends generated requests, valid and invalid, to every operation
/// through real nginx. No answer may be a 5xx, every answer must match its documented status,
/// content type and schema, and a request the schema forbids must be refused (so the manifests and
/// the handlers cannot drift apart). Bounded: a few examples per operation, deterministic.
@Suite(.serialized) struct SchemathesisTests {
    @Test func everyOperationHonoursItsPublishedSchema() throws {
        // Sign-in configured against the loopback fake provider, so auth-login answers (302 or
        // JSON) rather than misconfigured.
        let provider = try OIDCTestProvider()
        defer { provider.stop() }
        let server = try NginxServer(mode: .direct, environment: [
            "LLM_PROVIDER": "offline", "OIDC_ISSUER": provider.issuer, "OIDC_CLIENT_ID": OIDCTestProvider.clientID,
            "OIDC_CLIENT_SECRET": OIDCTestProvider.clientSecret, "OIDC_REDIRECT_URI": "http://127.0.0.1/api/auth/callback",
        ])
        let key = try server.createKey("schemathesis", scopes: ["read", "write", "admin"])  // every operation, adminOnly ones too
        let report = server.state.file("schemathesis.txt")
        let arguments = [
            "python3", "-c", "import sys; from schemathesis.cli import schemathesis; sys.argv[0] = 'schemathesis'; sys.exit(schemathesis())",
            "run", "http://127.0.0.1:\(server.port)/openapi.json",
            "--header", "X-API-Key: \(key)",
            "--checks", "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance,negative_data_rejection",
            "--max-examples", "6", "--generation-deterministic", "--workers", "1", "--request-timeout", "30",
            "--max-failures", "50", "--no-color",
        ]
        let result = try Binaries.run("/usr/bin/env", arguments: arguments,
                                      environment: ["PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"],
                                      workingDirectory: server.state.path)
        try? result.stdoutText.write(toFile: report, atomically: true, encoding: .utf8)
        let output = result.stdoutText
        #expect(!output.contains("No module named"), "schemathesis is not installed (infra/dev test installs it): \(result.stderr)")
        #expect(output.contains("Tested: "), "schemathesis did not run: \(output.suffix(2_000)) \(result.stderr.suffix(2_000))")
        #expect(result.exitCode == 0, "schemathesis found failures (full report in \(report)):\n\(Self.failures(in: output))")
    }

    /// The failure section of schemathesis's report, short enough for a test message.
    static func failures(in output: String) -> String {
        let start = output.range(of: "= FAILURES =")?.lowerBound ?? output.range(of: "= ERRORS =")?.lowerBound ?? output.startIndex
        return String(output[start...].prefix(12_000))
    }
}
