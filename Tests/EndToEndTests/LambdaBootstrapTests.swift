import Core
import Foundation
import Synchronization
import TestSupport
import Testing

/// The generated AWS Lambda `bootstrap` against a loopback fake of the Lambda Runtime API: it takes
/// the next event, runs the handler's binary with the event on stdin, and posts the answer back
/// as a response, or as an error typed with the contract's code.
@Suite struct LambdaBootstrapTests {
    func invoke(handler: String, event: JSONValue) throws -> [RecordedRequest] {
        let root = try TemporaryDirectory()
        try FileManager.default.createSymbolicLink(atPath: root.file("bin"), withDestinationPath: Binaries.directory)
        let served = Mutex(0)
        let api = try LoopbackServer { request in
            guard request.method == "GET" else { return .text(202, "") }
            let first = served.withLock { count in
                defer { count += 1 }
                return count == 0
            }
            guard first else { return ScriptedResponse(status: 200, body: Array("{}".utf8), delay: .seconds(3)) }
            let deadline = Int(Date().timeIntervalSince1970 * 1000) + 20_000
            return .json(200, event, headers: ["Lambda-Runtime-Aws-Request-Id": "req-1", "Lambda-Runtime-Deadline-Ms": String(deadline)])
        }
        let bootstrap = NginxServer.repositoryRoot.appendingPathComponent("infra/lambda/bootstrap").path
        let process = try Binaries.start("/bin/sh", arguments: [bootstrap], environment: [
            "AWS_LAMBDA_RUNTIME_API": "127.0.0.1:\(api.port)", "_HANDLER": handler, "LAMBDA_TASK_ROOT": root.path,
            "DATABASE_URL": root.file("bundle.sqlite"),
        ], workingDirectory: root.path)
        defer {
            kill(process.processIdentifier, SIGKILL)
            _ = try? process.wait()
        }
        for _ in 0..<250 where !api.requests.contains(where: { $0.method == "POST" }) { usleep(20_000) }
        return api.requests
    }

    @Test func anEventRunsTheHandlerAndItsAnswerIsTheResponse() throws {
        let requests = try invoke(handler: "health", event: [:])
        let posted = try #require(requests.first { $0.method == "POST" })
        #expect(posted.path == "/2018-06-01/runtime/invocation/req-1/response")
        #expect(posted.json?["status"] == "ok")
    }

    @Test func aFailureIsPostedAsAnErrorWithItsCode() throws {
        let requests = try invoke(handler: "get-job", event: ["id": 424242])
        let posted = try #require(requests.first { $0.method == "POST" })
        #expect(posted.path == "/2018-06-01/runtime/invocation/req-1/error")
        #expect(posted.header("Lambda-Runtime-Function-Error-Type") == "not_found")
        #expect(posted.json?["error"]?["code"] == "not_found")
    }
}
