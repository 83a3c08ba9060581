import Core
import Foundation
import Providers
import Synchronization

/// File storage in memory for the upload tests: what was put, and failures on demand.
final class MemoryFileStorage: FileStorage, @unchecked Sendable {
    let backend = "local"
    private let state = Mutex<(objects: [String: [UInt8]], failPut: Bool, failDelete: Bool)>(([:], false, false))

    var objects: [String: [UInt8]] { state.withLock { $0.objects } }
    func failPuts() { state.withLock { $0.failPut = true } }
    func failDeletes() { state.withLock { $0.failDelete = true } }

    func put(_ bytes: [UInt8], key: String, contentType: String, deadline: Deadline) async throws {
        try state.withLock { state in
            if state.failPut { throw BundleError(.upstreamFailed, "the disk is full") }
            state.objects[key] = bytes
        }
    }

    func get(key: String, deadline: Deadline) async throws -> [UInt8] {
        guard let bytes = state.withLock({ $0.objects[key] }) else { throw BundleError(.notFound, "no object \(key)") }
        return bytes
    }

    func delete(key: String, deadline: Deadline) async throws {
        try state.withLock { state in
            if state.failDelete { throw BundleError(.upstreamFailed, "the disk is gone") }
            state.objects[key] = nil
        }
    }

    func presignedDownload(key: String, contentType: String, contentDisposition: String, expiresInSeconds: Int, now: Date) throws -> String? {
        nil
    }
}

/// Real minimal files of each accepted type, and some that must be refused.
enum SampleFiles {
    static let jpeg: [UInt8] = [0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, 0x4A, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0xFF, 0xD9]
    /// A 1×1 transparent PNG.
    static let png = Array(Data(base64Encoded: "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=")!)
    /// A 1×1 GIF.
    static let gif = Array(Data(base64Encoded: "R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7")!)
    /// A 1×1 lossless WebP.
    static let webp = Array(Data(base64Encoded: "UklGRhoAAABXRUJQVlA4TA0AAAAvAAAAEAcQERGIiP4HAA==")!)
    static let pdf = Array(minimalPDF(text: "Quarterly kiwi harvest").utf8)
    static let svg = Array("""
        \u{FEFF}<?xml version="1.0" encoding="UTF-8"?>
        <!-- drawn by hand -->
        <!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd" [ <!ENTITY x "<y>"> ]>
        <svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>alert(document.cookie)</script><rect width="10" height="10"/></svg>
        """.utf8)
    static let text = Array("Meeting notes: the zebrafish pipeline ships in March.\nÉtape deux: café.\n".utf8)
    /// The first bytes of an ELF executable (with its NULs).
    static let elf: [UInt8] = [0x7F, 0x45, 0x4C, 0x46, 0x02, 0x01, 0x01, 0x00] + [UInt8](repeating: 0, count: 8) + [0x02, 0x00, 0x3E, 0x00]
    /// The first bytes of a Windows PE executable.
    static let pe: [UInt8] = Array("MZ".utf8) + [0x90, 0x00, 0x03, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00, 0xFF, 0xFF, 0x00, 0x00]

    /// A one-page PDF showing `text` (offsets computed, so pdftotext reads it without repair).
    static func minimalPDF(text: String) -> String {
        let stream = "BT /F1 24 Tf 72 720 Td (\(text)) Tj ET"
        let objects = [
            "<< /Type /Catalog /Pages 2 0 R >>",
            "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
            "<< /Length \(stream.utf8.count) >>\nstream\n\(stream)\nendstream",
            "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        ]
        var document = "%PDF-1.4\n"
        var offsets: [Int] = []
        for (index, object) in objects.enumerated() {
            offsets.append(document.utf8.count)
            document += "\(index + 1) 0 obj\n\(object)\nendobj\n"
        }
        let xref = document.utf8.count
        document += "xref\n0 \(objects.count + 1)\n0000000000 65535 f \n"
        for offset in offsets { document += String(repeating: "0", count: 10 - String(offset).count) + "\(offset) 00000 n \n" }
        document += "trailer\n<< /Size \(objects.count + 1) /Root 1 0 R >>\nstartxref\n\(xref)\n%%EOF\n"
        return document
    }
}
