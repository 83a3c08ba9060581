import Core
import HTTPTransport

/// Chooses the file storage from the configuration: S3 when `S3_BUCKET` (or the original
/// system's `AWS_S3_BUCKET_NAME`) is set, else local disk under `FILE_STORAGE_DIR`.
package enum StorageSelection {
    package static func make(_ config: Config, transport: () throws -> any Transport) throws -> any FileStorage {
        if config["S3_BUCKET"] != nil || config["AWS_S3_BUCKET_NAME"] != nil {
            throw BundleError.misconfigured(variable: "S3_BUCKET", "is set, but S3 storage is not built yet (issue 18)")
        }
        return try LocalFileStorage(config: config)
    }
}
