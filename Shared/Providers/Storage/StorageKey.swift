import Core

/// The one rule for object keys, shared by every backend: a key is a relative path of plain
/// segments, so on local disk it can never name anything outside the storage root and on S3 it
/// names the same object under every addressing style.
///
/// Refused: empty keys, keys longer than `maxBytes` (S3's own limit is 1024), more than
/// `maxSegments` segments, a leading `/` (absolute), empty segments (`a//b`, a trailing `/`),
/// segments that start with `.` (covers `.` and `..`, and keeps the local backend's temporary
/// files, which start with a dot, apart from every key), a backslash (a separator elsewhere),
/// NUL and other control characters, and segments longer than `maxSegmentBytes` (a file name
/// on disk is at most 255 bytes, and the temporary name adds to it).
package enum StorageKey {
    package static let maxBytes = 1024
    package static let maxSegments = 16
    package static let maxSegmentBytes = 200

    /// The key's segments, or `validation_failed` naming `key` and saying what is wrong.
    @discardableResult
    package static func segments(of key: String) throws -> [Substring] {
        let bytes = key.utf8
        guard !bytes.isEmpty else { throw refused("is empty") }
        guard bytes.count <= maxBytes else { throw refused("is longer than \(maxBytes) bytes") }
        for byte in bytes where byte < 0x20 || byte == 0x7F || byte == UInt8(ascii: "\\") {
            throw refused(byte == UInt8(ascii: "\\") ? "contains a backslash" : "contains a control character")
        }
        guard !key.hasPrefix("/") else { throw refused("must be relative (it starts with /)") }
        let segments = key.split(separator: "/", omittingEmptySubsequences: false)
        guard segments.count <= maxSegments else { throw refused("has more than \(maxSegments) segments") }
        for segment in segments {
            guard !segment.isEmpty else { throw refused("has an empty segment") }
            guard !segment.hasPrefix(".") else { throw refused("has a segment that starts with a dot") }
            guard segment.utf8.count <= maxSegmentBytes else { throw refused("has a segment longer than \(maxSegmentBytes) bytes") }
        }
        return segments
    }

    private static func refused(_ problem: String) -> BundleError {
        BundleError.validation(field: "key", "the storage key \(problem)")
    }
}
