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

Launcher.main(FunctionCatalog([BundleFunction(ProbeHandler.self)]), migrations: [])
