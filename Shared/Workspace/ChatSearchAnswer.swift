import Core

/// The answer of `search-chats`: one hit per conversation, in level order (url, title,
/// content) or the order asked for, paged; how many each level found; and whether the chunks'
/// vectors were all there (else content ranking was partly or wholly by words).
package struct ChatSearchAnswer: Codable, Sendable, Equatable {
    package struct Conversation: Codable, Sendable, Equatable {
        package var id: Int
        package var title: String
        package var source: String
        package var url: String?
        package var importDate: String
        package var updatedAt: String
        package var messageCount: Int

        enum CodingKeys: String, CodingKey {
            case id, title, source, url
            case importDate = "import_date"
            case updatedAt = "updated_at"
            case messageCount = "message_count"
        }

        static let schema = Schema.object([
            "id": Schema.integer(minimum: 1), "title": Schema.string(), "source": Schema.string(enum: ChatSource.allCases.map(\.rawValue)),
            "url": Schema.nullable(Schema.string()), "import_date": Schema.string(format: "date-time"),
            "updated_at": Schema.string(format: "date-time"), "message_count": Schema.integer(minimum: 0),
        ])
    }

    /// The chunk that matched: of the transcript (`imported_chat`, its messages' positions) or of
    /// an attached file's text (`file`, naming the file; its message positions are 0).
    package struct Chunk: Codable, Sendable, Equatable {
        package var id: Int
        package var position: Int
        package var firstMessage: Int
        package var lastMessage: Int
        package var sourceType = "imported_chat"
        package var file: FileRef?

        enum CodingKeys: String, CodingKey {
            case id, position, file
            case firstMessage = "first_message"
            case lastMessage = "last_message"
            case sourceType = "source_type"
        }

        static let schema = Schema.object([
            "id": Schema.integer(minimum: 1), "position": Schema.integer(minimum: 0),
            "first_message": Schema.integer(minimum: 0), "last_message": Schema.integer(minimum: 0),
            "source_type": Schema.string(enum: ["imported_chat", "file"]),
            "file": Schema.nullable(Schema.object(["id": Schema.integer(minimum: 1), "filename": Schema.string()])),
        ], required: ["id", "position", "first_message", "last_message"])
    }

    /// The attached file a chunk's text came from.
    package struct FileRef: Codable, Sendable, Equatable {
        package var id: Int
        package var filename: String
    }

    package struct Scores: Codable, Sendable, Equatable {
        package var bm25: Double?
        package var trigram: Double?
        package var vector: Double?
        package var fused: Double?

        static let schema = Schema.object([
            "bm25": Schema.nullable(Schema.number()), "trigram": Schema.nullable(Schema.number()),
            "vector": Schema.nullable(Schema.number()), "fused": Schema.nullable(Schema.number()),
        ], required: [])
    }

    package struct Hit: Codable, Sendable, Equatable {
        package var conversation: Conversation
        package var level: String
        package var chunk: Chunk?
        package var snippet: String
        package var highlights: [ChatSnippet.Highlight]
        package var snippetHTML: String
        package var scores: Scores

        enum CodingKeys: String, CodingKey {
            case conversation, level, chunk, snippet, highlights, scores
            case snippetHTML = "snippet_html"
        }

        static let schema = Schema.object([
            "conversation": Conversation.schema, "level": Schema.string(enum: ["url", "title", "content"]),
            "chunk": Schema.nullable(Chunk.schema), "snippet": Schema.string(),
            "highlights": Schema.array(Schema.object(["start": Schema.integer(minimum: 0), "end": Schema.integer(minimum: 0)])),
            "snippet_html": Schema.string("The snippet HTML-escaped, matches in <mark>"), "scores": Scores.schema,
        ], required: ["conversation", "level", "snippet", "highlights", "snippet_html", "scores"])
    }

    package struct Levels: Codable, Sendable, Equatable {
        package var url = 0
        package var title = 0
        package var content = 0
    }

    package struct Vectors: Codable, Sendable, Equatable {
        /// `complete`, `partial` (some chunks have no vector of the model) or `none`.
        package var status: String
        package var missing: Int
        package var message: String?
        package var jobID: Int?

        enum CodingKeys: String, CodingKey {
            case status, missing, message
            case jobID = "job_id"
        }
    }

    package var query: String
    package var total: Int
    package var limit: Int
    package var offset: Int
    package var results: [Hit]
    package var levels: Levels
    package var vectors: Vectors

    static let schema = Schema.object([
        "query": Schema.string(), "total": Schema.integer(minimum: 0), "limit": Schema.integer(minimum: 1),
        "offset": Schema.integer(minimum: 0), "results": Schema.array(Hit.schema),
        "levels": Schema.object(["url": Schema.integer(minimum: 0), "title": Schema.integer(minimum: 0), "content": Schema.integer(minimum: 0)]),
        "vectors": Schema.object([
            "status": Schema.string(enum: ["complete", "partial", "none"]), "missing": Schema.integer(minimum: 0),
            "message": Schema.nullable(Schema.string()), "job_id": Schema.nullable(Schema.integer(minimum: 1)),
        ], required: ["status", "missing"]),
    ])
}
