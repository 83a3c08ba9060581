// Test support, not a function: a handler whose misbehaviour is chosen by its input, so the
// runtime's promises (crash guard, deadline, error mapping) can be checked on a real process.
import Adapters
import Core
import Runtime
#if canImport(Glibc)
import Glibc
#endif

struct ProbeHandler: FunctionHandler {
    struct Input: Codable, Sendable {
        var action: String
        var count: Int?
    }

    struct Output: Codable, Sendable {
        var action: String
        var count: Int?
        var requestID: String
        /// The process that ran the handler (to show it is the one that was started).
        var pid: Int32 = getpid()

        enum CodingKeys: String, CodingKey {
            case action, count
            case requestID = "request_id"
            case pid
        }
    }

    struct Opaque: Error {}

    static let manifest = FunctionManifest(
        name: "runtime-probe", summary: "Test support: misbehaves on request.",
        routes: [Route("POST", "/probe")],
        input: Schema.object(["action": Schema.string(enum: ["echo", "crash", "segv", "hang", "throw", "opaque"]),
                              "count": Schema.integer()], required: ["action"]),
        output: Schema.any, timeoutSeconds: 2, isPublic: true)

    func handle(_ input: Input, context: FunctionContext) async throws -> Output {
        switch input.action {
        case "crash":
            let values: [Int] = []
            _ = values[input.count ?? 1]  // traps: index out of range
        case "segv":
            UnsafeMutablePointer<Int>(bitPattern: 8)!.pointee = input.count ?? 1  // a real SIGSEGV
        case "hang":
            sleep(60)  // blocking, so only the watchdog thread can end it
        case "throw":
            throw BundleError(.conflict, "probe conflict")
        case "opaque":
            throw Opaque()
        default:
            break
        }
        context.logger.info("probe.done", ["api_key": "sk-should-not-appear", "note": .string(context.config["PROBE_SECRET_TOKEN"] ?? "")])
        return Output(action: input.action, count: input.count, requestID: context.requestID)
    }
}

/// A streaming function for the SSE tests through nginx + fcgiwrap. It serves the route of a real
/// streaming function (`import-chats`'s), so the generated site's location for it (no buffering)
/// is what is tested. It emits `step` 1, waits for the file `wait_for` (the test creates it after
/// reading step 1: events arrive as written, proven without timings), emits the other steps, then
/// writes `marker` (the handler finishes and saves even after the client went away).
struct StreamProbeHandler: FunctionHandler {
    struct Input: Codable, Sendable {
        var steps: Int?
        var waitFor: String?
        var marker: String?
        var fail: Bool?

        enum CodingKeys: String, CodingKey {
            case steps, fail
            case waitFor = "wait_for"
            case marker
        }
    }

    struct Output: Codable, Sendable {
        var steps: Int
    }

    static let manifest = FunctionManifest(
        name: "stream-probe", summary: "Test support: streams numbered steps.",
        routes: [Route("POST", "/api/conversations/import")],
        input: Schema.object(["steps": Schema.integer(minimum: 1, maximum: 10_000), "wait_for": Schema.string(), "marker": Schema.string(),
                              "fail": Schema.boolean()], required: []),
        output: Schema.any, timeoutSeconds: 60, isPublic: true, streams: true)

    func handle(_ input: Input, context: FunctionContext) async throws -> Output {
        let steps = input.steps ?? 3
        context.emit("step", ["n": 1, "secret": .string(context.config["PROBE_SECRET_TOKEN"] ?? "")])
        if let path = input.waitFor {
            while access(path, F_OK) != 0 {
                if context.deadline.hasPassed { throw BundleError(.timeout, "the file to wait for never came") }
                try await Task.sleep(for: .milliseconds(20))
            }
        }
        for step in 2...max(2, steps) where step <= steps {
            context.emit("step", ["n": .number(Double(step))])
        }
        if let marker = input.marker {
            let text = "finished open=\(context.events?.isOpen ?? false)\n"
            let descriptor = open(marker, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
            if descriptor >= 0 {
                _ = text.utf8CString.withUnsafeBufferPointer { write(descriptor, $0.baseAddress, $0.count - 1) }
                close(descriptor)
            }
        }
        if input.fail == true { throw BundleError(.conflict, "probe stream conflict") }
        return Output(steps: steps)
    }
}

Launcher.main(FunctionCatalog([BundleFunction(ProbeHandler.self), BundleFunction(StreamProbeHandler.self)]), migrations: [])
