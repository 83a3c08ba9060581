import Core
import Store

/// A file attached to a conversation, as answers show it: the original system's
/// `file_attachments` fields (`s3_key` is the storage key under either backend, for its
/// clients), plus the SHA-256, the backend, and how much text was extracted (the text itself
/// feeds search and the draft chat; it is not repeated in every listing).
package struct ConversationFile: Codable, Sendable, Equatable {
    package var id: Int
    package var conversationID: Int
    package var filename: String
    package var fileSize: Int
    package var fileType: String
    package var sha256: String
    package var storageKey: String
    package var storageBackend: String
    package var textLength: Int
    package var textNote: String?
    package var uploadedBy: String?
    package var createdAt: String

    enum CodingKeys: String, CodingKey {
        case id, filename, sha256
        case conversationID = "conversation_id"
        case fileSize = "file_size"
        case fileType = "file_type"
        case storageKey = "storage_key"
        case s3Key = "s3_key"
        case storageBackend = "storage_backend"
        case textLength = "extracted_text_length"
        case textNote = "text_note"
        case uploadedBy = "uploaded_by"
        case createdAt = "created_at"
    }

    package init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(Int.self, forKey: .id)
        conversationID = try container.decode(Int.self, forKey: .conversationID)
        filename = try container.decode(String.self, forKey: .filename)
        fileSize = try container.decode(Int.self, forKey: .fileSize)
        fileType = try container.decode(String.self, forKey: .fileType)
        sha256 = try container.decode(String.self, forKey: .sha256)
        storageKey = try container.decode(String.self, forKey: .storageKey)
        storageBackend = try container.decode(String.self, forKey: .storageBackend)
        textLength = try container.decode(Int.self, forKey: .textLength)
        textNote = try container.decodeIfPresent(String.self, forKey: .textNote)
        uploadedBy = try container.decodeIfPresent(String.self, forKey: .uploadedBy)
        createdAt = try container.decode(String.self, forKey: .createdAt)
    }

    package func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(conversationID, forKey: .conversationID)
        try container.encode(filename, forKey: .filename)
        try container.encode(fileSize, forKey: .fileSize)
        try container.encode(fileType, forKey: .fileType)
        try container.encode(sha256, forKey: .sha256)
        try container.encode(storageKey, forKey: .storageKey)
        try container.encode(storageKey, forKey: .s3Key)
        try container.encode(storageBackend, forKey: .storageBackend)
        try container.encode(textLength, forKey: .textLength)
        try container.encode(textNote, forKey: .textNote)
        try container.encode(uploadedBy, forKey: .uploadedBy)
        try container.encode(createdAt, forKey: .createdAt)
    }

    /// The row's columns as `init(row:)` reads them (`extracted_text` only by its length).
    static let selectColumns = """
        id, conversation_id, filename, file_size, file_type, sha256, storage_key, storage_backend,
        COALESCE(LENGTH(extracted_text), 0) AS text_length, text_note, uploaded_by, created_at
        """

    init(row: Row) throws {
        id = try row.int("id")
        conversationID = try row.int("conversation_id")
        filename = try row.string("filename")
        fileSize = try row.int("file_size")
        fileType = try row.string("file_type")
        sha256 = try row.string("sha256")
        storageKey = row.optionalString("storage_key") ?? ""
        storageBackend = try row.string("storage_backend")
        textLength = try row.int("text_length")
        textNote = row.optionalString("text_note")
        uploadedBy = row.optionalString("uploaded_by")
        createdAt = try row.string("created_at")
    }

    /// The stored type (rows written by this code always hold one of `FileType`'s).
    package var type: FileType { FileType(mimeType: fileType) ?? .text }

    static let schema = Schema.object([
        "id": Schema.integer(minimum: 1), "conversation_id": Schema.integer(minimum: 1),
        "filename": Schema.string("The sanitised name; its extension matches the detected type"),
        "file_size": Schema.integer("Bytes", minimum: 1), "file_type": Schema.string("MIME type, from the content", enum: FileType.mimeTypes),
        "sha256": Schema.string("Hex SHA-256 of the bytes"), "storage_key": Schema.string(),
        "s3_key": Schema.string("The storage key (the original system's name for it)"),
        "storage_backend": Schema.string("local or s3"),
        "extracted_text_length": Schema.integer("Characters of text extracted for search and chat", minimum: 0),
        "text_note": Schema.nullable(Schema.string("Why there is no (or only part of the) text")),
        "uploaded_by": Schema.nullable(Schema.string("The principal that uploaded it")),
        "created_at": Schema.string(format: "date-time"),
    ])
}
