import Core
import FoundationEssentials
import Jobs
import Store
import TestSupport
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// A lease whose worker died on this host is taken over at once; elsewhere it waits for expiry.
@Suite struct LeaseHolderTests {
    let directory: TemporaryDirectory
    let queue: JobQueue
    let start = Date(timeIntervalSince1970: 1_780_000_000)

    init() throws {
        directory = try TemporaryDirectory()
        queue = JobQueue(database: try SQLiteDatabase(path: directory.file("bundle.sqlite")))
        _ = try queue.enqueue(.init(function: "health", input: [:], timeoutSeconds: 600), now: start)
    }

    func claim(host: String, pid: Int, alive: Bool) throws -> JobQueue.Claim? {
        try queue.claim(worker: "\(host)/\(pid)", holder: LeaseHolder(host: host, pid: pid), now: start.addingTimeInterval(1),
                        maxTimeout: 3_600, isRunning: { _ in alive })
    }

    @Test func aDeadHolderOnThisHostLosesItsLeaseAtOnce() throws {
        let first = try #require(try claim(host: "h1", pid: 111, alive: true))
        #expect(try claim(host: "h1", pid: 222, alive: true) == nil, "a live holder keeps its lease")
        #expect(try claim(host: "h2", pid: 333, alive: false) == nil, "another host cannot see the holder: it waits for the lease")
        let taken = try #require(try claim(host: "h1", pid: 222, alive: false), "the holder's process is gone")
        #expect(taken.job.id == first.job.id)
        #expect(taken.reclaimed)
        #expect(taken.job.attempts == 2)
    }

    @Test func processLivenessSeesThisProcessAndNotAReapedOne() throws {
        #expect(LeaseHolder.isRunning(pid: Int(getpid())))
        #expect(LeaseHolder.current.pid == Int(getpid()))
        let child = try Binaries.start("/bin/true", workingDirectory: directory.path)
        _ = try child.wait()
        #expect(!LeaseHolder.isRunning(pid: Int(child.processIdentifier)))
    }
}
