import Core
import Foundation
import Synchronization
import TestSupport
import Testing

/// A loopback fake of the AWS Lambda Runtime API: `GET /invocation/next` hands out the scripted
/// answers (failures first, then events) one per call and then holds the long poll; every
/// request is recorded. An event's deadline header is computed when it is handed out.
final class FakeRuntimeAPI: Sendable {
    struct Event: Sendable {
        var id: String
        var body: [UInt8]
        /// Lambda-Runtime-Deadline-Ms relative to the moment the event is handed out.
        var deadlineInMilliseconds: Int64 = 60_000
        var traceID: String?
        /// Runs on the server just before the event is handed out (the previous one is answered).
        var before: (@Sendable () -> Void)?

        init(_ id: String, _ body: String, deadlineInMilliseconds: Int64 = 60_000, traceID: String? = nil,
             before: (@Sendable () -> Void)? = nil) {
            self.id = id
            self.body = Array(body.utf8)
            self.deadlineInMilliseconds = deadlineInMilliseconds
            self.traceID = traceID
            self.before = before
        }
    }

    let server: LoopbackServer

    /// `responseStatuses` answer the successive `…/response` posts (the last repeats).
    init(_ events: [Event], failingNext: [ScriptedResponse] = [], responseStatuses: [Int] = [202]) throws {
        let handedOut = Mutex(0)
        let responses = Mutex(0)
        server = try LoopbackServer { request in
            if request.method == "POST" {
                guard request.path.hasSuffix("/response") else { return .text(202, "") }
                let index = responses.withLock { count in
                    defer { count += 1 }
                    return count
                }
                return .json(responseStatuses[min(index, responseStatuses.count - 1)], ["status": "OK"])
            }
            guard request.path == "/2018-06-01/runtime/invocation/next" else { return .text(404, "no such path") }
            let index = handedOut.withLock { count in
                defer { count += 1 }
                return count
            }
            if index < failingNext.count { return failingNext[index] }
            guard index - failingNext.count < events.count else {
                // Nothing more to hand out: the long poll waits (the test ends the process first).
                return ScriptedResponse(status: 500, delay: .seconds(30))
            }
            let event = events[index - failingNext.count]
            event.before?()
            var headers = ["Lambda-Runtime-Aws-Request-Id": event.id,
                           "Lambda-Runtime-Deadline-Ms": String(Int64(Date().timeIntervalSince1970 * 1000) + event.deadlineInMilliseconds),
                           "Lambda-Runtime-Invoked-Function-Arn": "arn:aws:lambda:eu-central-1:123456789012:function:bundle",
                           "Content-Type": "application/json"]
            if let trace = event.traceID { headers["Lambda-Runtime-Trace-Id"] = trace }
            return ScriptedResponse(status: 200, headers: headers, body: event.body)
        }
    }

    var address: String { "127.0.0.1:\(server.port)" }
    var posts: [RecordedRequest] { server.requests.filter { $0.method == "POST" } }

    /// Waits (up to a minute, for a loaded machine) until `count` answers were posted.
    func waitForPosts(_ count: Int) -> [RecordedRequest] {
        for _ in 0..<3000 where posts.count < count { usleep(20_000) }
        return posts
    }
}

/// `bundle --lambda` (started by the generated `bootstrap`, as Lambda does) against a loopback fake
/// of the Runtime API: one process serves every event, answers go back as responses or as errors
/// typed with the contract's code, and nothing an event carries can stop the loop.
@Suite struct LambdaBootstrapTests {
    let root: TemporaryDirectory

    init() throws {
        root = try TemporaryDirectory()
        try FileManager.default.createSymbolicLink(atPath: root.file("bin"), withDestinationPath: Binaries.directory)
    }

    /// Starts the bootstrap as Lambda does (`LAMBDA_TASK_ROOT` holding `bin/bundle`); it execs
    /// `bundle --lambda`, so the process id stays the one started here.
    func start(handler: String?, api: FakeRuntimeAPI, environment: [String: String] = [:]) throws -> RunningProcess {
        var variables = ["AWS_LAMBDA_RUNTIME_API": api.address, "LAMBDA_TASK_ROOT": root.path, "DATABASE_URL": try TestDatabase.url(root.file("bundle.sqlite"))]
        if let handler { variables["_HANDLER"] = handler }
        let bootstrap = NginxServer.repositoryRoot.appendingPathComponent("infra/lambda/bootstrap").path
        return try Binaries.start("/bin/sh", arguments: [bootstrap], environment: variables.merging(environment) { $1 },
                                  workingDirectory: root.path)
    }

    func stop(_ process: RunningProcess) throws -> ProcessResult {
        kill(process.processIdentifier, SIGKILL)
        return try process.wait()
    }

    @Test func oneWarmProcessAnswersEveryEventAndSurvivesBadOnes() throws {
        let database = root.file("bundle.sqlite")
        let trace = "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1"
        let deep = #"{"input": "# + String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000) + "}"
        let api = try FakeRuntimeAPI([
            .init("evt-1", #"{"function": "health", "input": {}}"#, traceID: trace),
            .init("evt-2", #"{"function": "no-such-function"}"#),
            .init("evt-3", #"{"function": "#),
            .init("evt-4", "[1, 2]"),
            .init("evt-5", deep),
            .init("evt-6", #"{"function": "health"}"#, deadlineInMilliseconds: -1000),
            // The database files move away before the last event: a process that opened the
            // database again would make a new one (and number the job 1); a warm one goes on.
            .init("evt-7", #"{"function": "health", "idempotency_key": "second"}"#, before: {
                for suffix in ["", "-wal", "-shm"] where FileManager.default.fileExists(atPath: database + suffix) {
                    _ = rename(database + suffix, database + ".moved" + suffix)
                }
            }),
        ])
        let process = try start(handler: "enqueue", api: api)
        let posts = api.waitForPosts(7)
        let result = try stop(process)
        try #require(posts.count == 7, "stderr: \(result.stderr)")
        let paths = posts.map(\.path)
        #expect(paths == ["/2018-06-01/runtime/invocation/evt-1/response", "/2018-06-01/runtime/invocation/evt-2/error",
                          "/2018-06-01/runtime/invocation/evt-3/error", "/2018-06-01/runtime/invocation/evt-4/error",
                          "/2018-06-01/runtime/invocation/evt-5/error", "/2018-06-01/runtime/invocation/evt-6/error",
                          "/2018-06-01/runtime/invocation/evt-7/response"])

        // A success is the function's document, as on stdout.
        #expect(posts[0].json?["id"] == 1)
        #expect(posts[0].json?["function"] == "health")
        #expect(posts[0].header("Lambda-Runtime-Function-Error-Type") == nil)

        // A handler error: the Runtime API's fields carry the contract's code, and the contract's
        // error object (with its details) comes along.
        let failure = try #require(posts[1].json)
        #expect(posts[1].header("Lambda-Runtime-Function-Error-Type") == "validation_failed")
        #expect(failure["errorType"] == "validation_failed")
        #expect(failure["errorMessage"]?.stringValue?.isEmpty == false)
        #expect(failure["errorMessage"] == failure["error"]?["message"])
        #expect(failure["error"]?["code"] == "validation_failed")
        #expect(failure["error"]?["details"]?.arrayValue?.first?["field"] == "function")

        // Not JSON, not an object, nested too deep: each is that event's invalid_request.
        for post in posts[2...4] {
            #expect(post.header("Lambda-Runtime-Function-Error-Type") == "invalid_request", "\(post.path)")
            #expect(post.json?["errorType"] == "invalid_request", "\(post.path): \(post.text)")
        }

        // The deadline header is honoured: an event whose deadline has passed is a timeout.
        #expect(posts[5].json?["errorType"] == "timeout")
        #expect(posts[5].header("Lambda-Runtime-Function-Error-Type") == "timeout")

        // The same connection served the last event: the job is the second, and no database
        // was created again where the old one was.
        #expect(posts[6].json?["id"] == 2, "\(posts[6].text)")
        #expect(!FileManager.default.fileExists(atPath: database))

        // One process (the one started here: bootstrap execs bundle) served the seven events.
        let logs = result.logLines
        #expect(logs.filter { $0["msg"] == "lambda.ready" }.count == 1)
        let events = logs.filter { $0["msg"] == "lambda.event" }
        #expect(events.count == 7)
        #expect(events.allSatisfy { $0["pid"] == .number(Double(process.processIdentifier)) }, "\(events)")
        #expect(events.map { $0["invocation"]?.intValue } == Array(1...7))

        // The request id comes from Lambda-Runtime-Aws-Request-Id, and the trace id is logged.
        #expect(events.map { $0["request_id"]?.stringValue } == (1...7).map { "evt-\($0)" })
        #expect(events[0]["trace_id"] == .string(trace))
        #expect(events[1]["trace_id"] == nil)
        let done = try #require(logs.first { $0["msg"] == "invocation.done" })
        #expect(done["request_id"] == "evt-1")
    }

    @Test func anUnknownHandlerIsAnInitErrorAndTheProcessStops() throws {
        let cases: [(handler: String?, environment: [String: String], message: String)] = [
            ("no-such-function", [:], "_HANDLER"), (nil, [:], "_HANDLER"), ("health", ["MAX_INPUT_BYTES": "lots"], "MAX_INPUT_BYTES"),
        ]
        for (handler, environment, message) in cases {
            let api = try FakeRuntimeAPI([.init("evt-1", "{}")])
            let result = try start(handler: handler, api: api, environment: environment).wait()
            #expect(result.exitCode == 78, "\(handler ?? "(none)"): \(result.stderr)")
            let posts = api.posts
            #expect(posts.map(\.path) == ["/2018-06-01/runtime/init/error"])
            #expect(posts.first?.header("Lambda-Runtime-Function-Error-Type") == "misconfigured")
            #expect(posts.first?.json?["errorType"] == "misconfigured")
            #expect(posts.first?.json?["errorMessage"]?.stringValue?.contains(message) == true, "\(posts.first?.text ?? "")")
            #expect(api.server.requests.allSatisfy { $0.method == "POST" }, "no event is asked for")
        }
    }

    /// An address libcurl cannot use is not retried forever: the process stops, as Lambda expects
    /// of a runtime that cannot work.
    @Test func anUnusableRuntimeAPIAddressStopsTheProcess() throws {
        let api = try FakeRuntimeAPI([])
        let result = try start(handler: "health", api: api, environment: ["AWS_LAMBDA_RUNTIME_API": "127.0.0.1:no-port"]).wait()
        #expect(result.exitCode == 78, "\(result.stderr)")
        #expect(result.logLines.contains { $0["msg"] == "lambda.unusable" })
        #expect(!result.logLines.contains { $0["msg"] == "lambda.next_failed" })
    }

    /// The deadline reaches the function's context: a call to a slow upstream is cut at Lambda's
    /// deadline (a `timeout`), not at the function's own 120 s.
    @Test func lambdasDeadlineBoundsTheFunctionsUpstreamCalls() throws {
        let slow = try LoopbackServer { _ in ScriptedResponse(status: 200, headers: [:], body: [], delay: .seconds(30)) }
        let api = try FakeRuntimeAPI([.init("evt-slow", "{}", deadlineInMilliseconds: 3000)])
        let process = try start(handler: "llm-check", api: api, environment: ["LLM_BASE_URL": slow.baseURL + "/v1"])
        let posts = api.waitForPosts(1)
        let result = try stop(process)
        let post = try #require(posts.first, "stderr: \(result.stderr)")
        #expect(post.path == "/2018-06-01/runtime/invocation/evt-slow/error")
        #expect(post.json?["errorType"] == "timeout", "\(post.text)")
    }

    /// A Runtime API that fails or sends an event without its id is retried after a pause, and
    /// the loop goes on; an answer Lambda refuses as too large becomes the invocation's error. A
    /// proxy configured for the functions' upstreams is not used for the local Runtime API.
    @Test func aFailingNextCallIsRetriedAndARefusedAnswerBecomesAnError() throws {
        let api = try FakeRuntimeAPI([.init("evt-1", "{}")],
                                     failingNext: [.text(500, "try later"), .json(200, [:])],
                                     responseStatuses: [413, 202])
        let process = try start(handler: "health", api: api, environment: ["http_proxy": "http://127.0.0.1:9"])
        let posts = api.waitForPosts(2)
        let result = try stop(process)
        #expect(posts.map(\.path) == ["/2018-06-01/runtime/invocation/evt-1/response", "/2018-06-01/runtime/invocation/evt-1/error"],
                "stderr: \(result.stderr)")
        #expect(posts.last?.json?["errorType"] == "payload_too_large")
        let retries = result.logLines.filter { $0["msg"] == "lambda.next_failed" }
        #expect(retries.count >= 2)
        #expect(retries.compactMap { $0["retry_ms"]?.intValue }.prefix(2) == [100, 200])
    }
}
