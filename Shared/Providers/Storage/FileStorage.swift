import Core
import FoundationEssentials

/// Where uploaded files' bytes live: a local directory (the default) or an S3-compatible bucket.
/// Keys are relative paths such as `conversations/12/files/7-report.pdf`; the domain decides them.
/// Writes are all-or-nothing: a failed or interrupted `put` leaves no object under the key.
package protocol FileStorage: Sendable {
    /// `local` or `s3`, as health and answers report it.
    var backend: String { get }
    func put(_ bytes: [UInt8], key: String, contentType: String, deadline: Deadline) async throws
    /// The object's bytes; `notFound` when there is none.
    func get(key: String, deadline: Deadline) async throws -> [UInt8]
    /// Removes the object; removing one that is not there succeeds.
    func delete(key: String, deadline: Deadline) async throws
    /// A URL anyone holding it may GET until `expiresInSeconds` from `now`, answering with this
    /// content type and disposition (S3: a SigV4 presigned GET). Nil when the bundle serves the
    /// bytes itself (local disk): the domain then signs its own link (`FILE_URL_SECRET`).
    func presignedDownload(key: String, contentType: String, contentDisposition: String, expiresInSeconds: Int, now: Date) throws -> String?
}
