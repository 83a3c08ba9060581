import Archives
import Core

/// A chat export packed as a ZIP (ChatGPT's 2026 export of many JSON files, or a
/// `conversations.json` zipped with its HTML and images). Each `.json` entry is inflated and read
/// on its own, one at a time, and dropped before the next (the archive is read in place, never
/// copied); other files (HTML, images) are skipped
/// without a word. A corrupt or oversized entry is a problem naming the file and the others still
/// import; the entry count and the bytes inflated are bounded (per entry, in all, and by
/// compression ratio), so a zip bomb is refused.
package enum ChatExportZip {
    /// Bounds for chat export archives: many small files, none larger than an export may be.
    package static let limits = ZipArchive.Limits(maxEntries: 20_000, maxEntryBytes: ChatExportReader.maximumFileBytes,
                                                   maxTotalBytes: 2 * ChatExportReader.maximumFileBytes)

    /// JSON files of the exports that hold no conversations (account, projects, feedback).
    static let sideFiles: Set<String> = [
        "user.json", "users.json", "projects.json", "message_feedback.json", "shared_conversations.json",
        "model_comparisons.json", "memories.json", "chat.json.meta",
    ]

    /// Names (lower case, as prefixes) of the files that hold many conversations as one list
    /// (ChatGPT's and Claude's `conversations.json`, Grok's `prod-grok-backend.json`); every other
    /// JSON file is taken as one conversation and held to the cap of one.
    static let listFiles = ["conversations", "prod-grok-backend"]

    /// Reads every JSON entry of the archive; conversations are numbered across files.
    static func read(_ bytes: UnsafeBufferPointer<UInt8>, visit: (ChatExportReader.Entry) throws -> Void) throws {
        var archive: BorrowedZipArchive
        do {
            archive = try BorrowedZipArchive(bytes: bytes, limits: limits)
        } catch let error as BundleError {
            throw BundleError(error.code, "the ZIP export cannot be read: \(error.message)")
        }
        let files = archive.entries.filter { entry in
            guard !entry.isDirectory, entry.name.lowercased().hasSuffix(".json") else { return false }
            let base = String(entry.name.split(separator: "/").last ?? "").lowercased()
            return !entry.name.hasPrefix("__MACOSX/") && !base.hasPrefix(".") && !sideFiles.contains(base)
        }
        guard !files.isEmpty else {
            throw BundleError(.validationFailed, "the ZIP holds no JSON files; send \(ExportFormat.knownDescription)")
        }
        var index = 0
        for file in files {
            let name = String(file.name.prefix(300))
            let data: [UInt8]
            do {
                // One conversation per file (the 2026 form) is held to the cap of one conversation
                // before anything is inflated; only the known list files may be larger.
                let base = String(file.name.split(separator: "/").last ?? "").lowercased()
                if !listFiles.contains(where: { base.hasPrefix($0) }), file.uncompressedSize > JSONStream.defaultMaximumElementBytes {
                    throw BundleError(.payloadTooLarge, "the file holds \(file.uncompressedSize) bytes, more than the \(JSONStream.defaultMaximumElementBytes) one conversation may have")
                }
                data = try archive.read(file)
            } catch let error as BundleError {
                try visit(.problem(ImportProblem(index: index, file: name, reason: error.message)))
                index += 1
                continue
            }
            try data.withUnsafeBufferPointer { buffer in
                let layout: (ExportFormat, ExportFormat.Layout)
                do {
                    guard ExportFormat.isJSON(buffer) else { throw BundleError(.validationFailed, "the file is not JSON") }
                    layout = try ExportFormat.layout(ofJSON: buffer)
                } catch let error as BundleError {
                    try visit(.problem(ImportProblem(index: index, file: name, reason: error.message)))
                    index += 1
                    return
                }
                try ChatExportReader.readJSON(buffer, layout: layout, file: name, index: &index, visit: visit)
            }
        }
    }
}
