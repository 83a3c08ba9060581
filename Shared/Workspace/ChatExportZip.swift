import Archives
import Core

/// A chat export packed as a ZIP (ChatGPT's 2026 export of many JSON files, or a
/// `conversations.json` zipped with its HTML and images). Each `.json` entry is inflated and read
/// on its own, one at a time, and dropped before the next; other files (HTML, images) are skipped
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

    /// Reads every JSON entry of the archive; conversations are numbered across files.
    static func read(_ bytes: UnsafeBufferPointer<UInt8>, visit: (ChatExportReader.Entry) throws -> Void) throws {
        var archive: ZipArchive
        do {
            archive = try ZipArchive(bytes: Array(bytes), limits: limits)
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
