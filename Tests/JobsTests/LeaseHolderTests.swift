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
private func hostname() -> String {
    var buffer = [CChar](repeating: 0, count: 256)
    _ = gethostname(&buffer, buffer.count - 1)
    return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
}

@Suite struct LeaseHolderTests {
    let directory: TemporaryDirectory
    let queue: JobQueue
    let start = Date(timeIntervalSince1970: 1_780_000_000)

    init() throws {
        directory = try TemporaryDirectory()
        queue = JobQueue(database: try TestDatabase.open(directory.file("bundle.sqlite"), migrations: JobsSchema.migrations))
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

    @Test func theHostIdentityIsHostnamePidNamespaceAndBoot() throws {
        let host = LeaseHolder.current.host
        #expect(host.hasPrefix(hostname() + " pid:["), "\(host)")
        #expect(host.contains(" boot:"), "\(host)")
        #expect(LeaseHolder.current.host == host, "stable within the process")
        let first = LeaseHolder.identity(hostname: "h", pidNamespace: nil, bootID: "b")
        #expect(first != LeaseHolder.identity(hostname: "h", pidNamespace: nil, bootID: "b"), "unverifiable: this process's alone")
    }

    /// Two containers with one hostname, or one host before and after a reboot: the other's pids
    /// are not this worker's to check.
    @Test(arguments: [("pid:[4026532001]", "boot-a"), ("pid:[4026531836]", "boot-b")])
    func aLeaseFromAnotherNamespaceOrBootWaitsForExpiry(namespace: String, boot: String) throws {
        let holder = LeaseHolder.identity(hostname: "app", pidNamespace: "pid:[4026531836]", bootID: "boot-a")
        let other = LeaseHolder.identity(hostname: "app", pidNamespace: namespace, bootID: boot)
        let first = try #require(try claim(host: holder, pid: 111, alive: true))
        #expect(try claim(host: other, pid: 222, alive: false) == nil, "the holder's pid is not visible from there")
        let expired = try queue.claim(worker: "w", holder: LeaseHolder(host: other, pid: 222),
                                      now: start.addingTimeInterval(1 + first.timeoutSeconds + JobQueue.leaseGrace + 1),
                                      maxTimeout: 3_600, isRunning: { _ in false })
        #expect(expired?.job.id == first.job.id, "taken over once the lease expired")
    }
}
