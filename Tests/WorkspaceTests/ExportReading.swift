import Core
import Foundation
import TestSupport
import Testing
import Workspace

/// Runs the export reader over fixture files or bytes and collects what it visited, split into
/// conversations and problems, for the importer suites.
struct ExportReading {
    var conversations: [(index: Int, conversation: ImportedConversation)] = []
    var problems: [ImportProblem] = []

    static func bytes(_ fixture: String) throws -> [UInt8] {
        Array(try Data(contentsOf: URL(fileURLWithPath: Fixtures.path("workspace-exports/" + fixture))))
    }

    static func read(fixture: String) throws -> ExportReading {
        try read(bytes(fixture), filename: fixture)
    }

    static func read(_ bytes: [UInt8], filename: String? = nil) throws -> ExportReading {
        var result = ExportReading()
        try bytes.withUnsafeBufferPointer { buffer in
            try ChatExportReader.read(buffer, filename: filename) { result.add($0) }
        }
        return result
    }

    static func read(json: JSONValue) throws -> ExportReading {
        var result = ExportReading()
        try ChatExportReader.read(json: json) { result.add($0) }
        return result
    }

    static func read(text: String, filename: String? = nil) throws -> ExportReading {
        try read(Array(text.utf8), filename: filename)
    }

    mutating func add(_ entry: ChatExportReader.Entry) {
        switch entry {
        case .conversation(let index, let conversation): conversations.append((index, conversation))
        case .problem(let problem): problems.append(problem)
        }
    }

    func conversation(_ sourceID: String) -> ImportedConversation? {
        conversations.first { $0.conversation.sourceID == sourceID }?.conversation
    }

    /// The error a call throws as a BundleError (nil and a recorded issue otherwise).
    static func error(_ body: () throws -> Void) -> BundleError? {
        do { try body() } catch let error as BundleError { return error } catch { Issue.record("unexpected \(error)") }
        return nil
    }

    static func date(_ text: String) -> Date { Timestamp.parse(text)! }
}
