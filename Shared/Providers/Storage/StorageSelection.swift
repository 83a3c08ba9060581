import Core
import HTTPTransport

/// Chooses the file storage from the configuration: S3 when `S3_BUCKET` (or the original
/// system's `AWS_S3_BUCKET_NAME`) is set, else local disk under `FILE_STORAGE_DIR`.
package enum StorageSelection {
    package static func make(_ config: Config, transport: () throws -> any Transport) throws -> any FileStorage {
        if S3Settings.bucket(in: config) != nil {
            return S3FileStorage(settings: try S3Settings(config: config), transport: try transport())
        }
        return try LocalFileStorage(config: config)
    }
}
