import Core
import FoundationEssentials

/// The one file an upload function takes, from its input: a multipart part the gateway put in
/// `files` (`filename`, `size`, and `text` for a UTF-8 part or `content_base64`), or the bytes as
/// `content_base64` beside a name (so a fixture can be piped). Sizes are checked before decoding
/// (a loose bound on the encoded length, line breaks counting there) and on the decoded bytes.
package enum UploadedFile {
    /// The bytes and the name the client gave (the part's, else `name`); `nameField` is the
    /// input field a name goes in, for messages. `tooLarge` makes the 413 for a size in bytes.
    package static func read(files: [JSONValue]?, contentBase64: String?, name: String?, nameField: String,
                             maximumBytes: Int, tooLarge: (Int) -> BundleError) throws -> (bytes: [UInt8], name: String?) {
        let files = files ?? []
        guard files.isEmpty || contentBase64 == nil else {
            throw BundleError.validation(field: "files", "send the file one way: a multipart file or content_base64")
        }
        if let encoded = contentBase64 {
            guard encoded.utf8.count / 4 * 3 <= maximumBytes / 10 * 11 else { throw tooLarge(encoded.utf8.count / 4 * 3) }
            guard let data = Data(base64Encoded: encoded, options: .ignoreUnknownCharacters) else {
                throw BundleError.validation(field: "content_base64", "is not base64")
            }
            guard data.count <= maximumBytes else { throw tooLarge(data.count) }
            return (Array(data), name)
        }
        guard let file = files.first else {
            throw BundleError.validation(field: "files", "no file was sent: upload one as multipart (field \"file\") or send {\(nameField), content_base64}")
        }
        guard files.count == 1 else { throw BundleError.validation(field: "files", "send one file per upload, not \(files.count)") }
        let partName = file["filename"]?.stringValue ?? name
        if let size = file["size"]?.intValue, size > maximumBytes { throw tooLarge(size) }
        // The gateway hands UTF-8 parts over as text, byte for byte, and others as base64.
        if let text = file["text"]?.stringValue {
            guard text.utf8.count <= maximumBytes else { throw tooLarge(text.utf8.count) }
            return (Array(text.utf8), partName)
        }
        guard let encoded = file["content_base64"]?.stringValue, let data = Data(base64Encoded: encoded) else {
            throw BundleError.validation(field: "files", "the uploaded file has no content")
        }
        guard data.count <= maximumBytes else { throw tooLarge(data.count) }
        return (Array(data), partName)
    }
}
