import Core
import FoundationEssentials
import Runtime

/// The bookkeeping of one `import-chats` call: each visited conversation is saved at once (its own
/// transaction, so a later failure keeps it and a retry is `unchanged`), counted, reported as an
/// event to a streaming caller and listed in the answer; each problem likewise. Event volume is
/// bounded: per-entry events up to `detailedEvents` of each kind, then a `status` progress event
/// every `progressEvery` entries. The answer is bounded the same way: the first `listedProblems`
/// problems and `listedConversations` conversations are kept in full, the rest only counted (a
/// hostile export of two million empty entries must not make a 375 MB answer).
final class ChatImportRun {
    static let detailedEvents = 2_000
    static let progressEvery = 500

    let context: FunctionContext
    let store: ConversationStore
    let now: Date
    let listedProblems: Int
    let listedConversations: Int
    private(set) var conversations: [ImportChatsHandler.ImportedChat] = []
    private(set) var problems: [ImportProblem] = []
    /// Every conversation stored, listed or not.
    private(set) var stored = 0
    /// Every problem, listed or not (the answer's `skipped`).
    private(set) var skipped = 0
    /// Whether the first event went out: `status: reading` waits for the first entry, so a
    /// refusal before any (an unknown format, a file too large) keeps its HTTP status.
    private var started = false
    private(set) var chunkIDs: [Int] = []
    private(set) var changedIDs: [Int] = []
    private(set) var counts: [ConversationStore.Saved.Outcome: Int] = [:]
    /// The file being read (for problems of a multi-file upload).
    var file: String?
    /// Where the next file's entries start, so indexes run across files.
    private var indexOffset = 0
    private var highestIndex = -1

    init(context: FunctionContext, store: ConversationStore, listedProblems: Int = 1_000, listedConversations: Int = 10_000) {
        self.context = context
        self.store = store
        self.listedProblems = listedProblems
        self.listedConversations = listedConversations
        self.now = context.clock.now()
    }

    var problemsTruncated: Bool { skipped > problems.count }
    var conversationsTruncated: Bool { stored > conversations.count }

    /// Sends `status: reading` before the first entry's event (once).
    func start() {
        guard !started else { return }
        started = true
        status("reading")
    }

    /// Starts the next file: its entries' indexes continue after the last one seen.
    func nextFile(_ name: String?) {
        indexOffset = highestIndex + 1
        file = name
    }

    /// One entry of a reader: saved, or recorded as a problem. Stops (keeping what is saved) when
    /// the deadline is near.
    func visit(_ entry: ChatExportReader.Entry) throws {
        try checkDeadline()
        start()
        switch entry {
        case .conversation(let index, let conversation):
            save(conversation, index: indexOffset + index)
        case .problem(var problem):
            problem.index += indexOffset
            if problem.file == nil { problem.file = file }
            record(problem)
        }
    }

    /// Saves one conversation; a failure to store it is that entry's problem.
    func save(_ conversation: ImportedConversation, index: Int) {
        highestIndex = max(highestIndex, index)
        start()
        do {
            let saved = try store.save(conversation, importedBy: context.principal, now: now)
            counts[saved.outcome, default: 0] += 1
            chunkIDs += saved.chunkIDs
            if saved.outcome != .unchanged { changedIDs.append(saved.id) }
            let chat = ImportChatsHandler.ImportedChat(
                index: index, id: saved.id, title: conversation.title, source: conversation.source.rawValue,
                outcome: saved.outcome == .created ? "imported" : saved.outcome.rawValue,
                messageCount: conversation.messages.count, branchCount: conversation.branches.count, url: conversation.url)
            stored += 1
            if conversations.count < listedConversations { conversations.append(chat) }
            if stored <= Self.detailedEvents {
                context.emit("imported", (try? JSONValue(encoding: chat)) ?? [:])
            } else {
                progress()
            }
        } catch {
            let reason = (error as? BundleError)?.message ?? "the conversation could not be stored"
            context.logger.warning("import.save_failed", ["index": .number(Double(index)), "error": .string(String(describing: error))])
            record(ImportProblem(index: index, title: conversation.title, sourceID: conversation.sourceID, file: file, reason: reason))
        }
    }

    /// A whole file of a multi-file upload that could not be read: its problem, at the index its
    /// first entry would have had.
    func recordFile(reason: String) {
        record(ImportProblem(index: indexOffset, file: file, reason: reason))
    }

    func record(_ problem: ImportProblem) {
        highestIndex = max(highestIndex, problem.index)
        start()
        skipped += 1
        if problems.count < listedProblems { problems.append(problem) }
        if skipped <= Self.detailedEvents {
            context.emit("skipped", (try? JSONValue(encoding: problem)) ?? [:])
        } else {
            progress()
        }
    }

    func status(_ status: String, _ extra: [String: JSONValue] = [:]) {
        var data: [String: JSONValue] = ["status": .string(status), "imported": .number(Double(stored)),
                                         "skipped": .number(Double(skipped))]
        data.merge(extra) { $1 }
        context.emit("status", .object(data))
    }

    private func progress() {
        if (stored + skipped) % Self.progressEvery == 0 { status("importing") }
    }

    /// Past the deadline (less a margin for embedding and the answer), the import stops with a
    /// `timeout` saying how much is stored, so a retry picks up the rest as `unchanged`.
    private func checkDeadline() throws {
        guard context.deadline.remainingSeconds < 5 else { return }
        throw BundleError(.timeout, "the import ran out of time after storing \(stored) conversation(s); they are kept: send the same export again to import the rest (stored ones come back unchanged)")
    }
}
