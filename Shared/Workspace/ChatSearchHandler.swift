import Core
import Providers
import Runtime

/// `GET /api/search`: imported conversations by URL, title and content (see `ChatSearch`),
/// one hit per conversation, paged; attached files' text is searched with the transcripts (the
/// hit's chunk names the file). `source_type` takes the workspace's kinds (and `file`); drafts
/// (`draft_chat`, `project_draft`) are accepted and find nothing until they exist (part 2).
package struct SearchChatsHandler: FunctionHandler {
    package struct Input: Codable, Sendable {
        var q: String
        var limit: Int?
        var offset: Int?
        var sourceType: String?
        var source: String?
        var sortBy: String?
        var sortDir: String?

        enum CodingKeys: String, CodingKey {
            case q, limit, offset, source
            case sourceType = "source_type"
            case sortBy = "sort_by"
            case sortDir = "sort_dir"
        }
    }

    package static let sourceTypes = ["imported_chat", "file", "draft_chat", "project_draft"]

    package static let manifest = FunctionManifest(
        name: "search-chats",
        summary: "Searches imported conversations: by URL, then title, then content (words, parts of words and meaning, fused); one hit per conversation with a highlighted snippet.",
        routes: [Route("GET", "/api/search")],
        input: Schema.object([
            "q": Schema.string("What to look for: a URL, words of a title, or anything said", minLength: 1, maxLength: 500),
            "limit": Schema.integer("At most this many (default 20)", minimum: 1, maximum: 100),
            "offset": Schema.integer("Skip this many", minimum: 0),
            "source_type": Schema.string("imported_chat (transcripts), file (attached files' text); drafts come later and find nothing yet", enum: sourceTypes),
            "source": Schema.string(enum: ChatSource.allCases.map(\.rawValue)),
            "sort_by": Schema.string("relevance (default), imported_at, updated_at or title", enum: ["relevance", "imported_at", "updated_at", "title"]),
            "sort_dir": Schema.string("asc or desc (default: desc, asc for title)", enum: ["asc", "desc"]),
        ], required: ["q"]),
        output: ChatSearchAnswer.schema,
        timeoutSeconds: 30
    )

    package init() {}

    package func handle(_ input: Input, context: FunctionContext) async throws -> ChatSearchAnswer {
        guard !input.q.trimmingWhitespace().isEmpty else {
            throw BundleError.validation([ErrorDetail(field: "q", problem: "must hold something to look for")])
        }
        let search = try context.chatSearch()
        let query = ChatSearch.Query(text: input.q, limit: input.limit ?? 20, offset: input.offset ?? 0, sourceType: input.sourceType,
                                     source: input.source, sortBy: input.sortBy ?? "relevance", sortDirection: input.sortDir)
        let answer = try await search.search(query, deadline: context.deadline)
        context.logger.info("workspace.searched", ["total": .number(Double(answer.total)), "vectors": .string(answer.vectors.status)])
        return answer
    }
}

extension FunctionContext {
    /// Chat search with the configured embedder (none when it is not configured: words only),
    /// the floor for vector-only hits from `WORKSPACE_SEARCH_MIN_SIMILARITY` (default by
    /// embedder, see `ChatSearch.defaultMinimumSimilarity`), candidates per list from
    /// `WORKSPACE_SEARCH_CANDIDATES` (default 300); missing vectors queue `reembed-chats` (at
    /// most one job an hour).
    package func chatSearch() throws -> ChatSearch {
        let embedder: (any Embedder)?
        do {
            embedder = try self.embedder()
        } catch {
            logger.warning("workspace.search_without_embedder", [:])
            embedder = nil
        }
        let minimum = try config.double("WORKSPACE_SEARCH_MIN_SIMILARITY", default: ChatSearch.defaultMinimumSimilarity(provider: embedder?.provider),
                                        in: -1...1)
        let candidates = try config.int("WORKSPACE_SEARCH_CANDIDATES", default: ChatSearch.defaultCandidates, in: 10...5_000)
        return ChatSearch(database: try database(), embedder: embedder, minimumSimilarity: minimum, candidates: candidates,
                          onMissingVectors: { [self] in try ReembedChatsHandler.enqueue(context: self, hourly: true) })
    }
}
