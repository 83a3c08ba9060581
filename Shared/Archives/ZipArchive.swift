import Core

/// A ZIP archive read from bytes in memory (APPNOTE 6.3: the end-of-central-directory record,
/// ZIP64 sizes and offsets, stored and deflated entries, CRC-32 checked). Uploaded `.docx` files
/// and chat exports are ZIPs from strangers, so everything is bounded before it costs memory:
/// the entry count is checked from the directory, and each entry is inflated under a limit on
/// the bytes actually produced (never the size the archive claims), on the archive's running
/// total, and on its compression ratio, so a zip bomb is refused after at most one limit's worth
/// of output. Encrypted entries and methods other than stored and deflate are refused by name.
/// Names are kept as the archive gives them (no path normalisation: callers look names up, they
/// never write files from them).
package struct ZipArchive: Sendable {
    /// The bounds an archive is read under.
    package struct Limits: Sendable, Equatable {
        package var maxEntries: Int
        /// Bytes one entry may inflate to.
        package var maxEntryBytes: Int
        /// Bytes all entries read from this value may inflate to together.
        package var maxTotalBytes: Int
        /// Output per compressed byte beyond which an entry is refused (past `ratioFloor` bytes).
        package var maxRatio: Int
        /// Output below this size is never refused for its ratio (small files compress well).
        package var ratioFloor: Int

        package init(maxEntries: Int = 10_000, maxEntryBytes: Int = 64 << 20, maxTotalBytes: Int = 256 << 20, maxRatio: Int = 200,
                     ratioFloor: Int = 1 << 20) {
            self.maxEntries = maxEntries
            self.maxEntryBytes = maxEntryBytes
            self.maxTotalBytes = maxTotalBytes
            self.maxRatio = maxRatio
            self.ratioFloor = ratioFloor
        }
    }

    /// One file or directory as the central directory describes it.
    package struct Entry: Sendable, Equatable {
        package var name: String
        /// 0 stored, 8 deflate; anything else is refused when read.
        package var method: UInt16
        package var flags: UInt16
        package var crc32: UInt32
        package var compressedSize: Int
        /// The archive's claim; reading checks it against the bytes produced.
        package var uncompressedSize: Int
        package var localHeaderOffset: Int

        package var isDirectory: Bool { name.hasSuffix("/") }
        package var isEncrypted: Bool { flags & 1 != 0 || method == 99 }
    }

    package let entries: [Entry]
    package let limits: Limits
    private let bytes: [UInt8]
    /// Bytes produced by reads from this value so far (against `maxTotalBytes`).
    package private(set) var producedBytes = 0

    /// Reads the central directory; entries are inflated only when read.
    package init(bytes: [UInt8], limits: Limits = Limits()) throws {
        self.bytes = bytes
        self.limits = limits
        entries = try bytes.withUnsafeBufferPointer { try ZipArchive.directory(of: $0, limits: limits) }
    }

    /// The central directory's entries, their count checked against the limit first.
    static func directory(of bytes: UnsafeBufferPointer<UInt8>, limits: Limits) throws -> [Entry] {
        let directory = try ZipDirectory.locate(bytes)
        guard directory.entryCount <= limits.maxEntries else {
            throw BundleError(.payloadTooLarge, "the archive has \(directory.entryCount) entries; at most \(limits.maxEntries) are read")
        }
        return try ZipDirectory.entries(bytes, directory, maxEntries: limits.maxEntries)
    }

    /// Whether the bytes start like a ZIP archive (a local file header, or an empty archive).
    package static func looksLikeZip(_ bytes: some Collection<UInt8>) -> Bool {
        let head = Array(bytes.prefix(4))
        return head == [0x50, 0x4B, 0x03, 0x04] || head == [0x50, 0x4B, 0x05, 0x06]
    }

    /// The first entry with exactly this name.
    package func entry(named name: String) -> Entry? { entries.first { $0.name == name } }

    /// The entry's bytes, inflated and checked (size, CRC-32), under the limits.
    package mutating func read(_ entry: Entry) throws -> [UInt8] {
        let limits = limits
        var produced = producedBytes
        defer { producedBytes = produced }
        return try bytes.withUnsafeBufferPointer { try ZipArchive.read(entry, in: $0, limits: limits, producedBytes: &produced) }
    }

    /// Reads `entry` from the archive's bytes. Inflating stops at the size the directory declares
    /// (more output is a corrupt entry), so a declared size checked by the caller bounds the work.
    static func read(_ entry: Entry, in bytes: UnsafeBufferPointer<UInt8>, limits: Limits, producedBytes: inout Int) throws -> [UInt8] {
        let label = "the archive entry \"\(entry.name.prefix(200))\""
        guard !entry.isEncrypted else { throw BundleError(.validationFailed, "\(label) is encrypted; send an archive without a password") }
        guard entry.method == 0 || entry.method == 8 else {
            throw BundleError(.validationFailed, "\(label) uses compression method \(entry.method); only stored (0) and deflate (8) are read")
        }
        let data = try ZipDirectory.data(of: entry, in: bytes)
        let remaining = limits.maxTotalBytes - producedBytes
        let ratioBound = max(limits.ratioFloor, data.count.multipliedReportingOverflow(by: limits.maxRatio).partialValue)
        let limit = min(limits.maxEntryBytes, remaining, ratioBound)
        let output: [UInt8]
        if entry.method == 0 {
            guard data.count <= limit else { throw tooLarge(label, size: data.count, remaining: remaining, ratioBound: ratioBound, limits: limits) }
            output = Array(data)
        } else if entry.uncompressedSize > limit {
            throw tooLarge(label, size: entry.uncompressedSize, remaining: remaining, ratioBound: ratioBound, limits: limits)
        } else {
            do {
                output = try RawInflate.inflate(data, limit: entry.uncompressedSize)
            } catch .tooLarge {
                throw BundleError(.validationFailed, "\(label) is corrupt: it holds more than the \(entry.uncompressedSize) bytes the directory says")
            } catch .corrupt(let reason) {
                throw BundleError(.validationFailed, "\(label) is corrupt (\(reason))")
            }
        }
        producedBytes += output.count
        guard output.count == entry.uncompressedSize else {
            throw BundleError(.validationFailed, "\(label) is corrupt: it holds \(output.count) bytes, the directory says \(entry.uncompressedSize)")
        }
        guard RawInflate.crc32(output[...]) == entry.crc32 else {
            throw BundleError(.validationFailed, "\(label) is corrupt: its CRC-32 does not match")
        }
        return output
    }

    /// The entry named `name`, read; nil when there is none.
    package mutating func read(named name: String) throws -> [UInt8]? {
        guard let entry = entry(named: name) else { return nil }
        return try read(entry)
    }

    private static func tooLarge(_ label: String, size: Int?, remaining: Int, ratioBound: Int, limits: Limits) -> BundleError {
        let limit = min(limits.maxEntryBytes, remaining, ratioBound)
        if limit == ratioBound && ratioBound < min(limits.maxEntryBytes, remaining) {
            return BundleError(.payloadTooLarge, "\(label) expands more than \(limits.maxRatio) times its compressed size; it was refused as a possible zip bomb")
        }
        if limit == remaining && remaining < limits.maxEntryBytes {
            return BundleError(.payloadTooLarge, "the archive expands to more than \(limits.maxTotalBytes) bytes in all (at \(label))")
        }
        return BundleError(.payloadTooLarge, "\(label) expands to more than \(limits.maxEntryBytes) bytes" + (size.map { " (\($0))" } ?? ""))
    }
}

/// A ZIP archive read in place from the caller's buffer (an upload already in memory), so a
/// 128 MB export is never copied; the same bounds and checks as `ZipArchive`. Valid only while
/// the buffer is, so it is neither `Sendable` nor kept past the caller's scope.
package struct BorrowedZipArchive {
    package let entries: [ZipArchive.Entry]
    package let limits: ZipArchive.Limits
    private let bytes: UnsafeBufferPointer<UInt8>
    /// Bytes produced by reads so far (against `maxTotalBytes`).
    package private(set) var producedBytes = 0

    /// Reads the central directory; entries are inflated only when read.
    package init(bytes: UnsafeBufferPointer<UInt8>, limits: ZipArchive.Limits = .init()) throws {
        self.bytes = bytes
        self.limits = limits
        entries = try ZipArchive.directory(of: bytes, limits: limits)
    }

    /// The entry's bytes, inflated and checked (size, CRC-32), under the limits.
    package mutating func read(_ entry: ZipArchive.Entry) throws -> [UInt8] {
        try ZipArchive.read(entry, in: bytes, limits: limits, producedBytes: &producedBytes)
    }
}
