import Core
import Foundation
import Synchronization
import TestSupport
import Testing

/// Clients on threads of their own, each sending probe requests one after another on one kept
/// connection (as nginx with `fastcgi_keep_conn on` does), until a number is reached or they are
/// told to stop. Every answer is recorded: its status, its worker, whether it echoed its own count.
final class FastCGILoad: Sendable {
    struct Outcome: Sendable {
        var status: Int
        var pid: pid_t?
        /// The probe echoed this request's own count (answers never cross).
        var matched: Bool
        var error: String?
    }

    private let stopping = Mutex(false)
    private let outcomes = Mutex<[Outcome]>([])
    private let finished = DispatchSemaphore(value: 0)
    private let threads: Int

    init(threads: Int, socketPath: String, requestsPerThread: Int? = nil) {
        self.threads = threads
        for thread in 0..<threads {
            Thread.detachNewThread { [self] in
                defer { finished.signal() }
                var client: FastCGIClient?
                var index = 0
                while !stopping.withLock({ $0 }) {
                    if let requestsPerThread, index >= requestsPerThread { break }
                    index += 1
                    let count = thread * 1_000_000 + index
                    do {
                        if client == nil { client = try FastCGIClient(socketPath: socketPath, timeout: 60) }
                        let reply = try client!.probe(["action": "echo", "count": .number(Double(count))], id: UInt16(index % 60_000 + 1))
                        record(Outcome(status: reply.status, pid: reply.pid, matched: reply.json?["count"] == .number(Double(count)),
                                       error: reply.status == 200 ? nil : reply.text))
                    } catch {
                        // A failed connection counts once; the client reconnects for the next request.
                        record(Outcome(status: 0, pid: nil, matched: false, error: "\(error)"))
                        client = nil
                    }
                }
            }
        }
    }

    private func record(_ outcome: Outcome) { outcomes.withLock { $0.append(outcome) } }

    var count: Int { outcomes.withLock { $0.count } }
    var snapshot: [Outcome] { outcomes.withLock { $0 } }

    /// Waits until `more` answers beyond those there are now have come (false after `seconds`).
    func waitForMore(_ more: Int, within seconds: Double = 120) -> Bool {
        let target = count + more
        return Eventually.holds(within: seconds) { count >= target }
    }

    /// Stops the clients (each after its request in flight; with `stop` false, once each sent
    /// its number) and returns every outcome.
    func finish(stop: Bool = true) -> [Outcome] {
        if stop { stopping.withLock { $0 = true } }
        for _ in 0..<threads { finished.wait() }
        return snapshot
    }
}

/// The master's lifecycle: workers recycled under load by `--max-requests`, SIGHUP reloads under
/// load with no failed request (and a reload whose binary cannot start leaving the old workers
/// serving), SIGTERM draining, one master per socket, a stale socket replaced.
@Suite(.serialized) struct FastCGILifecycleTests {
    @Test func maxRequestsRecyclesWorkersUnderLoad() throws {
        let server = try FastCGIServer(arguments: ["--workers", "2", "--max-requests", "3"])
        let load = FastCGILoad(threads: 4, socketPath: server.socketPath, requestsPerThread: 50)
        let outcomes = load.finish(stop: false)
        #expect(outcomes.count == 200)
        #expect(outcomes.allSatisfy { $0.status == 200 && $0.matched }, "\(outcomes.compactMap(\.error).prefix(5))")
        let served = Dictionary(grouping: outcomes.compactMap(\.pid), by: { $0 }).mapValues(\.count)
        #expect(served.count > 2, "workers seen: \(served)")
        #expect(served.values.allSatisfy { $0 <= 3 }, "no worker serves more than --max-requests: \(served)")
        let exits = server.lines("fastcgi.worker_exited")
        #expect(!exits.isEmpty)
        #expect(exits.allSatisfy { $0["level"] == "debug" && $0["exit"] == 0 }, "recycling is no warning: \(exits.filter { $0["level"] != "debug" })")
        #expect(!server.logLines.contains { $0["level"] == "warning" || $0["level"] == "error" }, "\(server.log)")
    }

    @Test func sighupUnderLoadDropsNoRequest() throws {
        let server = try FastCGIServer(arguments: ["--workers", "2"])
        let load = FastCGILoad(threads: 4, socketPath: server.socketPath)
        #expect(load.waitForMore(20))
        for reload in 1...3 {
            server.send(SIGHUP)
            #expect(server.waitForLines("fastcgi.reloaded", count: reload, within: 120), "\(server.log)")
            // Requests keep coming between reloads, served by the new generation.
            #expect(load.waitForMore(20))
        }
        let outcomes = load.finish()
        #expect(outcomes.allSatisfy { $0.status == 200 && $0.matched }, "failed: \(outcomes.filter { $0.status != 200 }.count) of \(outcomes.count): \(outcomes.compactMap(\.error).prefix(5))")
        let started = server.startedWorkers
        let generations = Dictionary(grouping: started, by: \.generation).mapValues { Set($0.map(\.pid)) }
        #expect(generations.keys.sorted() == [1, 2, 3, 4], "\(started)")
        let seen = Set(outcomes.compactMap(\.pid))
        for generation in 1...4 {
            #expect(!seen.isDisjoint(with: generations[generation] ?? []), "generation \(generation) served requests")
        }
        // The old generations finished and exited; the last one runs.
        let old = (1...3).flatMap { generations[$0] ?? [] }
        #expect(Eventually.holds { old.allSatisfy { !FastCGIServer.isWorkerAlive($0) } }, "\(old.filter(FastCGIServer.isWorkerAlive))")
        #expect((generations[4] ?? []).allSatisfy(FastCGIServer.isWorkerAlive))
        #expect(!server.logLines.contains { $0["level"] == "warning" || $0["level"] == "error" }, "\(server.log)")
    }

    @Test func aReloadWhoseBinaryCannotStartLeavesTheOldWorkersServing() throws {
        let server = try FastCGIServer(arguments: ["--workers", "2"])
        let client = try server.connect()
        #expect(try client.probe(["action": "echo"]).status == 200)
        let serving = Set(server.startedWorkers.map(\.pid))
        try repoint(server.link, to: "/bin/false")
        server.send(SIGHUP)
        let failed = server.waitForLog { $0["msg"] == "fastcgi.reload_failed" }
        #expect(failed?["level"] == "error", "\(server.log)")
        for index in 1...10 {
            let reply = try client.probe(["action": "echo", "count": .number(Double(index))])
            #expect(reply.status == 200, "\(reply.text)")
            #expect(reply.pid.map(serving.contains) == true, "served by a worker of the old generation: \(reply.pid ?? 0) of \(serving)")
        }
        #expect(server.lines("fastcgi.reloaded").isEmpty)
        // The binary fixed, the next reload goes through.
        try repoint(server.link, to: Binaries.buildDirectory + "/runtime-probe")
        server.send(SIGHUP)
        #expect(server.waitForLines("fastcgi.reloaded", count: 1), "\(server.log)")
        let fresh = try #require(try client.probe(["action": "echo"]).pid)
        #expect(!serving.contains(fresh))
    }

    /// Replaces a symbolic link in one step (a deploy that swaps the binary).
    func repoint(_ link: String, to target: String) throws {
        let staging = link + ".new"
        try? FileManager.default.removeItem(atPath: staging)
        try FileManager.default.createSymbolicLink(atPath: staging, withDestinationPath: target)
        guard rename(staging, link) == 0 else { throw BundleError(.internal, "rename failed: errno \(errno)") }
    }

    @Test func sigtermFinishesTheRequestInFlightThenExits() throws {
        let server = try FastCGIServer(arguments: ["--workers", "2"], environment: ["FUNCTION_TIMEOUT_S": "60"])
        let idle = try server.connect()
        #expect(try idle.probe(["action": "echo"]).status == 200)
        let slow = try server.connect()
        let marker = server.directory.file("sleep.pid")
        try slow.write(FastCGIClient.probeRequest(["action": "sleep", "count": 1500, "marker": .string(marker)], requestID: "in-flight"))
        #expect(Eventually.holds { FileManager.default.fileExists(atPath: marker) })
        server.send(SIGTERM)
        #expect(server.waitForLog { $0["msg"] == "fastcgi.draining" } != nil, "\(server.log)")
        // No new connections; a kept connection with no request is closed.
        #expect(throws: BundleError.self) { try server.connect() }
        #expect(try idle.serverClosed())
        let reply = try slow.readResponse()
        #expect(reply.status == 200, "\(reply.text)")
        #expect(reply.json?["action"] == "sleep" && reply.header("x-request-id") == "in-flight")
        let result = try #require(server.waitForExit(within: 60), "the master did not exit after draining")
        #expect(result.exitCode == 0, "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: server.socketPath))
        #expect(server.lines("fastcgi.stopped").count == 1)
        #expect(Eventually.holds { server.startedWorkers.allSatisfy { !FastCGIServer.isWorkerAlive($0.pid) } })
    }

    /// A request the master had queued when SIGTERM came (its one worker busy) is served before
    /// it exits. The master is paused while the request arrives and SIGTERM follows, so it sees
    /// them in that order however loaded the machine is.
    @Test func sigtermServesTheRequestsAlreadyQueued() throws {
        let server = try FastCGIServer(arguments: ["--workers", "1"], environment: ["FUNCTION_TIMEOUT_S": "60"])
        let kept = try server.connect()
        #expect(try kept.probe(["action": "echo"]).status == 200)
        let slow = try server.connect()
        let marker = server.directory.file("sleep.pid")
        // The one worker takes this only once it handed `kept` back: `kept` is idle in the master.
        try slow.write(FastCGIClient.probeRequest(["action": "sleep", "count": 500, "marker": .string(marker)], requestID: "slow"))
        #expect(Eventually.holds { FileManager.default.fileExists(atPath: marker) })
        server.send(SIGSTOP)
        try kept.write(FastCGIClient.probeRequest(["action": "echo", "count": 9], requestID: "queued"))
        server.send(SIGTERM)
        server.send(SIGCONT)
        #expect(try slow.readResponse().status == 200)
        let queued = try kept.readResponse()
        #expect(queued.status == 200 && queued.json?["count"] == 9, "\(queued.text)")
        #expect(server.waitForExit(within: 60)?.exitCode == 0)
    }

    /// The same with the request on a connection the master had not accepted yet when SIGTERM
    /// came (nginx opens a new one): it was sent before the signal, so it should be answered.
    @Test func sigtermServesARequestSentOnANewConnectionBeforeIt() throws {
        let server = try FastCGIServer(arguments: ["--workers", "1"], environment: ["FUNCTION_TIMEOUT_S": "60"])
        let slow = try server.connect()
        let marker = server.directory.file("sleep.pid")
        try slow.write(FastCGIClient.probeRequest(["action": "sleep", "count": 500, "marker": .string(marker)], requestID: "slow"))
        #expect(Eventually.holds { FileManager.default.fileExists(atPath: marker) })
        server.send(SIGSTOP)
        let fresh = try server.connect()
        try fresh.write(FastCGIClient.probeRequest(["action": "echo", "count": 10], requestID: "fresh"))
        server.send(SIGTERM)
        server.send(SIGCONT)
        #expect(try slow.readResponse().status == 200)
        let answer = Result { try fresh.readResponse() }
        #expect((try? answer.get())?.json?["count"] == 10, "\(answer)")
        #expect(server.waitForExit(within: 60)?.exitCode == 0)
    }

    @Test func aSecondMasterOnTheSameSocketRefusesToStart() throws {
        let first = try FastCGIServer(arguments: ["--workers", "1"])
        let second = try Binaries.run(first.link, arguments: ["serve-fastcgi", "--socket", first.socketPath, "--workers", "1"],
                                      environment: ["DATABASE_URL": first.databaseURL], workingDirectory: first.directory.path)
        #expect(second.exitCode != 0)
        #expect(second.errorCode == "conflict", "\(second.stdoutText) \(second.stderr)")
        #expect(second.json?["error"]?["message"]?.stringValue?.contains("pid \(first.pid)") == true, "\(second.stdoutText)")
        #expect(second.logLines.contains { $0["msg"] == "fastcgi.refused" && $0["level"] == "error" })
        // The first master's socket is untouched.
        #expect(try first.connect().probe(["action": "echo"]).status == 200)
    }

    @Test func aStaleSocketFileIsReplacedAndAnythingElseIsLeftAlone() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("s.sock")
        // A socket file left by a process that is gone: bound, closed, never unlinked.
        let descriptor = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (index, byte) in path.utf8.enumerated() { raw[index] = byte }
        }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        #expect(bound == 0)
        close(descriptor)
        let probe = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        #expect(FastCGIClient.connect(probe, to: path) != 0 && errno == ECONNREFUSED, "a socket file nothing listens on")
        close(probe)
        let server = try FastCGIServer(arguments: ["--workers", "1"], directory: directory)
        #expect(try server.connect().probe(["action": "echo"]).status == 200)
        _ = server.stop()

        // A file that is not a socket is never removed.
        let other = try TemporaryDirectory()
        try other.write("s.sock", "not a socket")
        let refused = try FastCGIServer(arguments: ["--workers", "1"], directory: other, waitUntilReady: false)
        let result = try #require(refused.waitForExit(within: 60))
        #expect(result.exitCode == 78, "\(result.stdoutText) \(result.stderr)")
        #expect(result.errorCode == "misconfigured")
        #expect(try String(contentsOfFile: other.file("s.sock"), encoding: .utf8) == "not a socket")
    }
}
