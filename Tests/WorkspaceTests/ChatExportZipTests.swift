import Core
import Foundation
import TestSupport
import Testing
import Workspace

/// ZIP exports: every JSON file read on its own (conversations numbered across files), other
/// files skipped silently, a broken or corrupt file a problem naming it while the rest imports,
/// and zip bombs refused.
@Suite struct ChatExportZipTests {
    /// The bytes a Python snippet writes to stdout (`out` is sys.stdout.buffer).
    static func python(_ code: String) throws -> [UInt8] {
        let script = "import sys, io, zipfile, json\nout = sys.stdout.buffer\n" + code
        let result = try Binaries.run("/usr/bin/env", arguments: ["python3", "-c", script],
                                      environment: ["PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"],
                                      workingDirectory: NSTemporaryDirectory())
        #expect(result.exitCode == 0, "\(result.stderr)")
        return result.stdout
    }

    @Test func eachJSONFileIsReadAndOtherFilesAreSkipped() throws {
        let reading = try ExportReading.read(fixture: "chatgpt-export.zip")
        #expect(reading.conversations.map(\.conversation.sourceID) == ["z1", "z2", "z3", "z4", "cz"])
        #expect(reading.conversations.map(\.index) == [0, 1, 2, 4, 6])
        #expect(reading.conversations.last?.conversation.source == .claude, "a Claude file in the same ZIP is read as Claude")
        #expect(reading.problems.map(\.index) == [3, 5])
        #expect(reading.problems.map(\.file) == ["notes.json", "conversations/broken.json"])
        #expect(reading.problems[1].reason.contains("breaks off"))
        let skippedNamed = reading.problems.filter { $0.file?.hasSuffix(".html") == true || $0.file == "user.json" }
        #expect(skippedNamed.isEmpty)
    }

    @Test func aCorruptEntryIsAProblemAndTheOthersStillImport() throws {
        let bytes = try Self.python("""
            buffer = io.BytesIO()
            conv = {"uuid": "ok", "name": "Fine", "chat_messages": [{"sender": "human", "text": "hi"}]}
            with zipfile.ZipFile(buffer, 'w', zipfile.ZIP_STORED) as z:
                z.writestr('a.json', json.dumps([conv]))
                z.writestr('b.json', json.dumps([dict(conv, uuid="damaged")]))
                z.writestr('c.json', json.dumps([dict(conv, uuid="also-ok")]))
            data = bytearray(buffer.getvalue())
            at = data.find(b'damaged')
            data[at] = ord('D')
            out.write(bytes(data))
            """)
        let reading = try ExportReading.read(bytes, filename: "export.zip")
        #expect(reading.conversations.map(\.conversation.sourceID) == ["ok", "also-ok"])
        #expect(reading.problems.count == 1)
        #expect(reading.problems.first?.file == "b.json")
        #expect(reading.problems.first?.reason.contains("CRC") == true)
    }

    @Test func aZipBombEntryIsRefused() throws {
        let bytes = try Self.python("""
            buffer = io.BytesIO()
            with zipfile.ZipFile(buffer, 'w', zipfile.ZIP_DEFLATED) as z:
                z.writestr('ok.json', json.dumps({"messages": [{"role": "user", "content": "hi"}]}))
                with z.open('bomb.json', 'w', force_zip64=True) as entry:
                    entry.write(b'[')
                    block = b' ' * (1 << 20)
                    for _ in range(200):
                        entry.write(block)
                    entry.write(b']')
            out.write(buffer.getvalue())
            """)
        let reading = try ExportReading.read(bytes)
        #expect(reading.conversations.count == 1)
        #expect(reading.problems.first?.file == "bomb.json")
        #expect(reading.problems.first?.reason.contains("bomb") == true || reading.problems.first?.reason.contains("more than") == true)
    }

    @Test func aZipWithNoJSONOrNoArchiveAtAllIsRefused() throws {
        let bytes = try Self.python("""
            buffer = io.BytesIO()
            with zipfile.ZipFile(buffer, 'w') as z:
                z.writestr('chat.html', '<p>hi</p>')
            out.write(buffer.getvalue())
            """)
        #expect(ExportReading.error { _ = try ExportReading.read(bytes) }?.code == .validationFailed)
        let truncated = Array(bytes.prefix(20))
        #expect(ExportReading.error { _ = try ExportReading.read(truncated) }?.code == .validationFailed)
    }

    @Test func aConversationFileLargerThanOneConversationsCapIsRefusedBeforeInflating() throws {
        // The 2026 form: one conversation per file. A 34 MB file (random text, so no ratio check
        // applies) is refused from its declared size; the small one beside it still imports.
        let bytes = try Self.python("""
            import os
            buffer = io.BytesIO()
            with zipfile.ZipFile(buffer, 'w', zipfile.ZIP_STORED) as z:
                z.writestr('conversations/small.json', json.dumps({"messages": [{"role": "user", "content": "hi"}]}))
                z.writestr('conversations/huge.json', json.dumps({"messages": [{"role": "user", "content": os.urandom(17 << 20).hex()}]}))
            out.write(buffer.getvalue())
            """)
        let reading = try ExportReading.read(bytes, filename: "export.zip")
        #expect(reading.conversations.count == 1)
        #expect(reading.problems.map(\.file) == ["conversations/huge.json"])
        #expect(reading.problems.first?.reason.contains("more than the \(JSONStream.defaultMaximumElementBytes)") == true)
    }
}
