import Core
import Dispatch
import FoundationEssentials
import HTTPTransport
import Synchronization

/// The client side of the AWS Lambda Runtime API (`http://$AWS_LAMBDA_RUNTIME_API/2018-06-01/runtime`),
/// as the Lambda adapter uses it: take the next event, post its answer or its error, or report
/// an initialisation error. Calls are blocking (the adapter's loop is one thread); each goes
/// through libcurl on its own thread.
struct LambdaRuntimeAPI {
    /// One event as `GET /invocation/next` delivered it.
    struct Event {
        /// `Lambda-Runtime-Aws-Request-Id`, as sent: it names the event in the answer's URL.
        var awsRequestID: String
        var body: [UInt8]
        /// `Lambda-Runtime-Deadline-Ms`: when Lambda stops the invocation, in ms since the epoch.
        var deadlineEpochMilliseconds: Int64?
        /// `Lambda-Runtime-Trace-Id` (X-Ray), passed on to the process environment and the log.
        var traceID: String?
    }

    /// Lambda caps synchronous payloads at 6 MB, so no larger event comes from it; the cap (a
    /// little above) keeps memory bounded should something else answer on the API's address.
    static let maxEventBytes = 7 << 20
    /// The Runtime API is on the same host; an answer that takes this long is not coming.
    static let postTimeout: Duration = .seconds(60)
    /// `next` is a long poll that waits as long as no event comes: no total timeout in practice.
    static let longPoll: Duration = .seconds(366 * 86_400)

    let base: String
    let transport: CurlTransport

    init(address: String) {
        base = "http://\(address)/2018-06-01/runtime"
        transport = CurlTransport(maxResponseBytes: Self.maxEventBytes, userAgent: "function-bundle/1 (lambda)")
    }

    func next() throws -> Event {
        let response = try send(HTTPRequest(url: base + "/invocation/next", timeout: Self.longPoll))
        guard response.status == 200 else {
            throw BundleError(.upstreamFailed, "the Runtime API answered HTTP \(response.status) to invocation/next")
        }
        guard let id = response.header("Lambda-Runtime-Aws-Request-Id"), !id.isEmpty else {
            throw BundleError(.upstreamFailed, "the Runtime API sent an event without Lambda-Runtime-Aws-Request-Id")
        }
        let trace = response.header("Lambda-Runtime-Trace-Id").flatMap { $0.isEmpty ? nil : $0 }
        return Event(awsRequestID: id, body: response.body,
                     deadlineEpochMilliseconds: response.header("Lambda-Runtime-Deadline-Ms").flatMap { Int64($0) },
                     traceID: trace)
    }

    /// Posts a successful answer; returns the Runtime API's status (202 when accepted).
    func respond(to id: String, document: [UInt8]) throws -> Int {
        try send(HTTPRequest(method: "POST", url: base + "/invocation/\(URLEncoding.component(id))/response",
                             headers: [("Content-Type", "application/json")], body: document, timeout: Self.postTimeout)).status
    }

    /// Posts an invocation's error; returns the Runtime API's status (202 when accepted).
    func fail(_ id: String, error: BundleError) throws -> Int {
        try post(error, to: base + "/invocation/\(URLEncoding.component(id))/error")
    }

    /// Reports an error before the first event (the handler setting names no function).
    func initError(_ error: BundleError) throws -> Int {
        try post(error, to: base + "/init/error")
    }

    /// The error body: the Runtime API's `errorMessage` and `errorType`, where `errorType` (and the
    /// `Lambda-Runtime-Function-Error-Type` header) carry the contract's error code (`not_found`,
    /// `timeout`, …), plus the contract's own `error` object, so a caller reading `{"error": …}`
    /// finds the same code, message and details as on stdout. No stack trace: the contract never
    /// sends one.
    static func errorBody(_ error: BundleError) -> JSONValue {
        ["errorMessage": .string(error.message), "errorType": .string(error.code.rawValue),
         "error": error.document["error"] ?? .null]
    }

    private func post(_ error: BundleError, to url: String) throws -> Int {
        try send(HTTPRequest(method: "POST", url: url,
                             headers: [("Content-Type", "application/json"), ("Lambda-Runtime-Function-Error-Type", error.code.rawValue)],
                             body: Array(Self.errorBody(error).jsonText.utf8), timeout: Self.postTimeout)).status
    }

    /// Runs one call to completion from the adapter's (non-async) loop.
    private func send(_ request: HTTPRequest) throws -> HTTPResponse {
        let transport = transport
        let box = Pending()
        Task.immediate {
            do {
                box.finish(.success(try await transport.send(request, deadline: .distantFuture)))
            } catch {
                box.finish(.failure(error))
            }
        }
        return try box.wait().get()
    }
}

/// A call's result, handed from its task to the waiting loop.
private final class Pending: Sendable {
    private let semaphore = DispatchSemaphore(value: 0)
    private let result = Mutex<Result<HTTPResponse, any Error>?>(nil)

    func finish(_ outcome: Result<HTTPResponse, any Error>) {
        result.withLock { $0 = outcome }
        semaphore.signal()
    }

    func wait() -> Result<HTTPResponse, any Error> {
        semaphore.wait()
        return result.withLock { $0 } ?? .failure(BundleError(.internal, "the Runtime API call ended without a result"))
    }
}
