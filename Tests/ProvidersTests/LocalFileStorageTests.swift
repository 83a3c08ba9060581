import Core
import Foundation
@testable import Providers
import TestSupport
import Testing

/// Local disk storage: keys that would leave the root are refused before any file call, a
/// `put` that fails before its rename leaves nothing under the key and no temporary file, and
/// leftovers of a crash are swept once stale (never while a `put` may still be writing them).
@Suite struct LocalFileStorageTests {
    let directory: TemporaryDirectory
    let storage: LocalFileStorage

    init() throws {
        directory = try TemporaryDirectory()
        storage = try LocalFileStorage(root: directory.file("files"))
    }

    func names(_ path: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).sorted()
    }

    @Test func putGetDeleteRoundTrip() async throws {
        let bytes = Array("hello, file".utf8)
        try await storage.put(bytes, key: "conversations/12/files/7-report.txt", contentType: "text/plain", deadline: .distantFuture)
        #expect(try await storage.get(key: "conversations/12/files/7-report.txt", deadline: .distantFuture) == bytes)
        #expect(names(directory.file("files/conversations/12/files")) == ["7-report.txt"])
        try await storage.put(Array("second".utf8), key: "conversations/12/files/7-report.txt", contentType: "text/plain", deadline: .distantFuture)
        #expect(try await storage.get(key: "conversations/12/files/7-report.txt", deadline: .distantFuture) == Array("second".utf8))
        try await storage.delete(key: "conversations/12/files/7-report.txt", deadline: .distantFuture)
        await #expect(throws: BundleError.self) { try await storage.get(key: "conversations/12/files/7-report.txt", deadline: .distantFuture) }
        try await storage.delete(key: "conversations/12/files/7-report.txt", deadline: .distantFuture)  // missing is fine
        #expect(try storage.presignedDownload(key: "a", contentType: "text/plain", contentDisposition: "attachment", expiresInSeconds: 60, now: Date()) == nil)
    }

    @Test func missingObjectIsNotFound() async throws {
        do {
            _ = try await storage.get(key: "conversations/1/files/none.pdf", deadline: .distantFuture)
            Issue.record("expected not_found")
        } catch let error as BundleError {
            #expect(error.code == .notFound)
        }
    }

    @Test func rootAndFilesArePrivate() async throws {
        try await storage.put([1, 2, 3], key: "a/b", contentType: "application/octet-stream", deadline: .distantFuture)
        let root = try FileManager.default.attributesOfItem(atPath: directory.file("files"))
        let file = try FileManager.default.attributesOfItem(atPath: directory.file("files/a/b"))
        #expect((root[.posixPermissions] as? Int) == 0o700)
        #expect((file[.posixPermissions] as? Int) == 0o600)
    }

    @Test(arguments: [
        "", "/etc/passwd", "../outside", "a/../../outside", "a/./b", "a//b", "a/", ".hidden", "a/.tmp-x",
        "a\u{0}b", "a\nb", "a\u{7F}b", "a\\b", String(repeating: "x", count: 201), String(repeating: "a/", count: 16) + "a",
        String(repeating: "abcdefgh/", count: 120) + "z",
    ])
    func hostileKeysAreRefusedBeforeAnyFileCall(_ key: String) async throws {
        for operation in ["put", "get", "delete"] {
            do {
                switch operation {
                case "put": try await storage.put([1], key: key, contentType: "text/plain", deadline: .distantFuture)
                case "get": _ = try await storage.get(key: key, deadline: .distantFuture)
                default: try await storage.delete(key: key, deadline: .distantFuture)
                }
                Issue.record("\(operation) accepted a hostile key")
            } catch let error as BundleError {
                #expect(error.code == .validationFailed)
                #expect(error.details?.first?.field == "key")
            }
        }
        #expect(names(directory.path) == ["files"], "nothing written beside the root")
        #expect(names(directory.file("files")).isEmpty)
    }

    @Test func ordinaryKeysAreAccepted() throws {
        for key in ["conversations/12/files/7-report.pdf", "a", "résumé 2026.pdf", "x..y", String(repeating: "x", count: 200)] {
            #expect(throws: Never.self) { try StorageKey.segments(of: key) }
        }
    }

    @Test func aPutThatFailsBeforeItsRenameLeavesNothing() async throws {
        var failing = storage
        failing.beforeRename = { temporary in
            #expect(FileManager.default.fileExists(atPath: temporary), "the bytes were written to a temporary file first")
            throw BundleError(.internal, "injected failure between write and rename")
        }
        await #expect(throws: BundleError.self) {
            try await failing.put(Array("half".utf8), key: "conversations/3/files/1-a.txt", contentType: "text/plain", deadline: .distantFuture)
        }
        #expect(names(directory.file("files/conversations/3/files")).isEmpty, "no object and no temporary file")
        await #expect(throws: BundleError.self) { try await storage.get(key: "conversations/3/files/1-a.txt", deadline: .distantFuture) }
    }

    @Test func aFailedReplaceKeepsTheOldObject() async throws {
        try await storage.put(Array("old".utf8), key: "k/v", contentType: "text/plain", deadline: .distantFuture)
        var failing = storage
        failing.beforeRename = { _ in throw BundleError(.internal, "injected") }
        await #expect(throws: BundleError.self) { try await failing.put(Array("new".utf8), key: "k/v", contentType: "text/plain", deadline: .distantFuture) }
        #expect(try await storage.get(key: "k/v", deadline: .distantFuture) == Array("old".utf8))
        #expect(names(directory.file("files/k")) == ["v"])
    }

    @Test func aReadOnlyDirectoryFailsThePutAndLeavesNothing() async throws {
        guard getuid() != 0 else { return }  // root writes anywhere: the injected failure above covers it
        try await storage.put([1], key: "ro/first", contentType: "text/plain", deadline: .distantFuture)
        chmod(directory.file("files/ro"), 0o500)
        defer { chmod(directory.file("files/ro"), 0o700) }
        await #expect(throws: BundleError.self) { try await storage.put([2], key: "ro/second", contentType: "text/plain", deadline: .distantFuture) }
        #expect(names(directory.file("files/ro")) == ["first"])
    }

    @Test func staleTemporaryFilesAreSweptAndYoungOnesKept() async throws {
        try await storage.put([1], key: "c/9/files/1-a.txt", contentType: "text/plain", deadline: .distantFuture)
        let leftovers = directory.file("files/c/9/files")
        FileManager.default.createFile(atPath: leftovers + "/.1-a.txt.tmp-0011223344556677", contents: Data("half".utf8))
        FileManager.default.createFile(atPath: directory.file("files/.top.tmp-aa"), contents: Data("half".utf8))
        #expect(storage.sweepStaleTemporaryFiles(now: Date()) == 0, "a temporary file a minute old may be a put still running")
        #expect(names(leftovers).count == 2)
        #expect(storage.sweepStaleTemporaryFiles(now: Date().addingTimeInterval(2 * 3600)) == 2)
        #expect(names(leftovers) == ["1-a.txt"])
        #expect(try await storage.get(key: "c/9/files/1-a.txt", deadline: .distantFuture) == [1])
    }

    @Test func aPutSweepsStaleLeftoversInItsDirectory() async throws {
        try await storage.put([1], key: "d/1", contentType: "text/plain", deadline: .distantFuture)
        let leftover = directory.file("files/d/.2.tmp-ffee")
        FileManager.default.createFile(atPath: leftover, contents: Data("half".utf8))
        let old = Date().addingTimeInterval(-2 * 3600)
        try FileManager.default.setAttributes([.modificationDate: old], ofItemAtPath: leftover)
        try await storage.put([2], key: "d/2", contentType: "text/plain", deadline: .distantFuture)
        #expect(names(directory.file("files/d")) == ["1", "2"])
    }

    @Test func objectsLargerThanTheLimitAreRefused() async throws {
        let small = try LocalFileStorage(root: directory.file("small"), maxObjectBytes: 10)
        await #expect(throws: BundleError.self) { try await small.put(Array(repeating: 1, count: 11), key: "big", contentType: "text/plain", deadline: .distantFuture) }
        FileManager.default.createFile(atPath: directory.file("small/planted"), contents: Data(repeating: 7, count: 50))
        do {
            _ = try await small.get(key: "planted", deadline: .distantFuture)
            Issue.record("read a file over the limit")
        } catch let error as BundleError {
            #expect(error.code == .payloadTooLarge)
        }
        try await small.put(Array(repeating: 1, count: 10), key: "fits", contentType: "text/plain", deadline: .distantFuture)
        #expect(try await small.get(key: "fits", deadline: .distantFuture).count == 10)
    }

    @Test func selectionIsLocalWithoutABucket() throws {
        let chosen = try StorageSelection.make(Config(["FILE_STORAGE_DIR": directory.file("chosen")])) {
            Issue.record("local storage needs no transport")
            throw BundleError(.internal, "no transport")
        }
        #expect(chosen.backend == "local")
        #expect(FileManager.default.fileExists(atPath: directory.file("chosen")))
    }
}
