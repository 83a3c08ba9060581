import Core
import HTTPTransport

/// Chooses the file storage from the configuration: S3 when `S3_BUCKET` is set, else local disk.
package enum StorageSelection {
    package static func make(_ config: Config, transport: () throws -> any Transport) throws -> any FileStorage {
        throw BundleError(.misconfigured, "file storage is being built (issue 18)")
    }
}
