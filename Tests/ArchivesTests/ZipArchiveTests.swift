import Archives
import Core
import Foundation
import TestSupport
import Testing

/// The ZIP reader against archives written by an independent writer (Python's `zipfile`, made by
/// each test), and against damaged, encrypted, unknown-method and zip-bomb archives.
@Suite struct ZipArchiveTests {
    /// The bytes a Python snippet writes to stdout (`out` is sys.stdout.buffer).
    static func python(_ code: String) throws -> [UInt8] {
        let script = "import sys, io, zipfile\nout = sys.stdout.buffer\n" + code
        let result = try Binaries.run("/usr/bin/env", arguments: ["python3", "-c", script],
                                      environment: ["PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"],
                                      workingDirectory: NSTemporaryDirectory())
        #expect(result.exitCode == 0, "\(result.stderr)")
        return result.stdout
    }

    static func error(_ body: () throws -> Void) -> BundleError? {
        do { try body() } catch let error as BundleError { return error } catch { Issue.record("unexpected \(error)") }
        return nil
    }

    @Test func readsStoredAndDeflatedEntriesAsPythonWroteThem() throws {
        let bytes = try Self.python("""
            buffer = io.BytesIO()
            with zipfile.ZipFile(buffer, 'w') as z:
                z.writestr('word/document.xml', '<w:t>Hello</w:t>' * 500, compress_type=zipfile.ZIP_DEFLATED)
                z.writestr('notes/Überblick.txt', 'stored text', compress_type=zipfile.ZIP_STORED)
                z.writestr('empty.txt', '', compress_type=zipfile.ZIP_DEFLATED)
                z.writestr('folder/', '')
            out.write(buffer.getvalue())
            """)
        #expect(ZipArchive.looksLikeZip(bytes))
        var archive = try ZipArchive(bytes: bytes)
        #expect(archive.entries.map(\.name) == ["word/document.xml", "notes/Überblick.txt", "empty.txt", "folder/"])
        #expect(archive.entries[3].isDirectory)
        let document = try #require(try archive.read(named: "word/document.xml"))
        #expect(String(decoding: document, as: UTF8.self) == String(repeating: "<w:t>Hello</w:t>", count: 500))
        #expect(archive.entries[0].compressedSize < 200, "deflated")
        #expect(try archive.read(named: "notes/Überblick.txt") == Array("stored text".utf8))
        #expect(try archive.read(named: "empty.txt") == [])
        #expect(try archive.read(named: "missing") == nil)
        #expect(archive.producedBytes == 8_000 + 11)
    }

    @Test func readsStreamedEntriesWithDataDescriptors() throws {
        // Written straight to a pipe, zipfile cannot seek back: sizes and CRC follow each entry in
        // a data descriptor (flag bit 3) and the local headers hold zeros; the directory has them.
        let bytes = try Self.python("""
            class Pipe(io.RawIOBase):
                def writable(self): return True
                def write(self, b): return out.write(b)
            with zipfile.ZipFile(Pipe(), 'w', zipfile.ZIP_DEFLATED) as z:
                with z.open('streamed.txt', 'w') as entry:
                    entry.write(b'streamed ' * 300)
                z.writestr('after.txt', 'next entry')
            """)
        var archive = try ZipArchive(bytes: bytes)
        #expect(archive.entries.first.map { $0.flags & 0x08 != 0 } == true, "a data descriptor follows the entry")
        #expect(try archive.read(named: "streamed.txt") == Array(String(repeating: "streamed ", count: 300).utf8))
        #expect(try archive.read(named: "after.txt") == Array("next entry".utf8))
    }

    @Test func readsZip64RecordsAndSizes() throws {
        // Lowering zipfile's limits makes it write the ZIP64 extra fields and end records that
        // archives over 4 GB or 65,535 entries carry.
        let bytes = try Self.python("""
            zipfile.ZIP64_LIMIT = 10
            zipfile.ZIP_FILECOUNT_LIMIT = 1
            buffer = io.BytesIO()
            with zipfile.ZipFile(buffer, 'w', allowZip64=True) as z:
                z.writestr('a.txt', 'alpha ' * 100, compress_type=zipfile.ZIP_DEFLATED)
                z.writestr('b.txt', 'bravo bravo', compress_type=zipfile.ZIP_STORED)
            out.write(buffer.getvalue())
            """)
        #expect((0..<(bytes.count - 3)).contains { Array(bytes[$0..<($0 + 4)]) == [0x50, 0x4B, 0x06, 0x06] }, "the ZIP64 end record is there")
        var archive = try ZipArchive(bytes: bytes)
        #expect(archive.entries.map(\.name) == ["a.txt", "b.txt"])
        #expect(try archive.read(named: "a.txt") == Array(String(repeating: "alpha ", count: 100).utf8))
        #expect(try archive.read(named: "b.txt") == Array("bravo bravo".utf8))
    }

    @Test func aZipBombIsRefusedAfterBoundedOutput() throws {
        // 200 MB of zeros deflate to about 200 KB: past the ratio bound long before the end.
        let bytes = try Self.python("""
            buffer = io.BytesIO()
            with zipfile.ZipFile(buffer, 'w', zipfile.ZIP_DEFLATED) as z:
                with z.open('bomb.txt', 'w', force_zip64=True) as entry:
                    block = bytes(1 << 20)
                    for _ in range(200):
                        entry.write(block)
            out.write(buffer.getvalue())
            """)
        #expect(bytes.count < 1 << 20)
        var archive = try ZipArchive(bytes: bytes)
        let refused = Self.error { _ = try archive.read(archive.entries[0]) }
        #expect(refused?.code == .payloadTooLarge)
        #expect(refused?.message.contains("bomb.txt") == true)
        #expect(refused?.message.contains("zip bomb") == true)
        #expect(archive.producedBytes == 0, "nothing refused is counted as read")

        var small = try ZipArchive(bytes: bytes, limits: .init(maxEntryBytes: 5 << 20, maxRatio: 100_000))
        let tooBig = Self.error { _ = try small.read(small.entries[0]) }
        #expect(tooBig?.code == .payloadTooLarge)
        #expect(tooBig?.message.contains("more than 5242880 bytes") == true)
    }

    @Test func theTotalAndEntryCountAreBounded() throws {
        let bytes = try Self.python("""
            buffer = io.BytesIO()
            with zipfile.ZipFile(buffer, 'w', zipfile.ZIP_DEFLATED) as z:
                for i in range(5):
                    z.writestr(f'part{i}.txt', 'x' * 1000)
            out.write(buffer.getvalue())
            """)
        let counted = Self.error { _ = try ZipArchive(bytes: bytes, limits: .init(maxEntries: 4)) }
        #expect(counted?.code == .payloadTooLarge)
        #expect(counted?.message.contains("5 entries") == true)
        var archive = try ZipArchive(bytes: bytes, limits: .init(maxTotalBytes: 2_500))
        _ = try archive.read(archive.entries[0])
        _ = try archive.read(archive.entries[1])
        let total = Self.error { _ = try archive.read(archive.entries[2]) }
        #expect(total?.message.contains("in all") == true)
        #expect(total?.message.contains("part2.txt") == true)
    }

    @Test func truncatedAndGarbageInputIsAClearError() throws {
        let bytes = try Self.python("""
            buffer = io.BytesIO()
            with zipfile.ZipFile(buffer, 'w', zipfile.ZIP_DEFLATED) as z:
                z.writestr('doc.txt', 'some words that compress ' * 40)
            out.write(buffer.getvalue())
            """)
        for cut in [0, 10, bytes.count / 2, bytes.count - 1] {
            let error = Self.error { _ = try ZipArchive(bytes: Array(bytes.prefix(cut))) }
            #expect(error?.code == .validationFailed, "cut at \(cut)")
            #expect(error?.message.contains("not a readable ZIP") == true)
        }
        #expect(Self.error { _ = try ZipArchive(bytes: Array(repeating: 0x41, count: 5_000)) }?.code == .validationFailed)
        // Every single-byte change in the entry's data is caught (inflate error, size or CRC-32).
        var archive = try ZipArchive(bytes: bytes)
        let entry = archive.entries[0]
        let dataStart = 30 + entry.name.utf8.count
        for offset in stride(from: dataStart, to: dataStart + entry.compressedSize, by: 7) {
            var damaged = bytes
            damaged[offset] ^= 0x5A
            var copy = try ZipArchive(bytes: damaged)
            let error = Self.error { _ = try copy.read(copy.entries[0]) }
            #expect(error?.code == .validationFailed, "byte \(offset)")
            #expect(error?.message.contains("doc.txt") == true)
        }
        #expect(try archive.read(entry).count == 1_000)
    }

    @Test func aCRCMismatchInAStoredEntryIsCaught() throws {
        var bytes = try Self.python("""
            buffer = io.BytesIO()
            with zipfile.ZipFile(buffer, 'w', zipfile.ZIP_STORED) as z:
                z.writestr('plain.txt', 'exactly these bytes')
            out.write(buffer.getvalue())
            """)
        bytes[30 + "plain.txt".utf8.count + 3] ^= 0x01
        var archive = try ZipArchive(bytes: bytes)
        let error = Self.error { _ = try archive.read(archive.entries[0]) }
        #expect(error?.message == "the archive entry \"plain.txt\" is corrupt: its CRC-32 does not match")
    }

    @Test func encryptedAndUnknownMethodEntriesAreRefusedByName() throws {
        let bytes = try Self.python("""
            buffer = io.BytesIO()
            with zipfile.ZipFile(buffer, 'w') as z:
                z.writestr('squeezed.txt', 'bz2 ' * 100, compress_type=zipfile.ZIP_BZIP2)
                z.writestr('secret.txt', 'hidden', compress_type=zipfile.ZIP_STORED)
            data = bytearray(buffer.getvalue())
            # Mark secret.txt encrypted in the central directory (general purpose flag bit 0).
            central = data.rfind(b'PK\\x01\\x02')
            data[central + 8] |= 1
            out.write(bytes(data))
            """)
        var archive = try ZipArchive(bytes: bytes)
        let method = Self.error { _ = try archive.read(named: "squeezed.txt") }
        #expect(method?.message.contains("\"squeezed.txt\" uses compression method 12") == true)
        let encrypted = Self.error { _ = try archive.read(named: "secret.txt") }
        #expect(encrypted?.message.contains("\"secret.txt\" is encrypted") == true)
    }
}
