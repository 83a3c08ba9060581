import Core
import Processes
#if canImport(Glibc)
import Glibc
#endif

/// The text of an uploaded file, for search and the draft chat: plain text as it is, PDFs
/// through poppler's `pdftotext` when it is on `PATH`, images and SVG none. Either way a
/// `note` may say why there is no (or only part of the) text; an upload never fails for want of
/// text. Bounded: at most `maximumCharacters` are kept, and `pdftotext` runs with a timeout and
/// on at most `maximumPages` pages.
package struct FileText: Sendable, Equatable {
    package var text: String?
    package var note: String?

    package static let maximumCharacters = 1_000_000
    static let maximumPages = 2_000
    static let pdfTimeoutSeconds = 60.0
    package static let missingPDFToText = "pdftotext is not installed; no text extracted"

    package init(text: String?, note: String?) {
        self.text = text
        self.note = note
    }

    /// Extracts what there is; `path` is where to look for `pdftotext` (a `PATH` value).
    package static func extract(_ bytes: [UInt8], type: FileType, path: String?, deadline: Deadline, logger: Logger) -> FileText {
        switch type {
        case .text:
            var text = String(decoding: bytes, as: UTF8.self)
            if text.hasPrefix("\u{FEFF}") { text.removeFirst() }
            return bounded(StorableText.clean(text))
        case .pdf:
            return pdf(bytes, path: path, deadline: deadline, logger: logger)
        case .jpeg, .png, .gif, .webp, .svg:
            return FileText(text: nil, note: nil)
        }
    }

    static func bounded(_ text: String, note: String? = nil) -> FileText {
        let trimmed = text.trimmingWhitespace()
        guard !trimmed.isEmpty else { return FileText(text: nil, note: note ?? "the file holds no text") }
        guard trimmed.count > maximumCharacters else { return FileText(text: trimmed, note: note) }
        return FileText(text: String(trimmed.prefix(maximumCharacters)),
                        note: "only the first \(maximumCharacters) characters of the text are kept")
    }

    /// `pdftotext -enc UTF-8 -q -l <pages> <file> -` on a temporary copy (it reads a file, not a
    /// pipe), killed at `pdfTimeoutSeconds` or the invocation's deadline, whichever is first.
    static func pdf(_ bytes: [UInt8], path: String?, deadline: Deadline, logger: Logger) -> FileText {
        guard let program = executable("pdftotext", path: path) else { return FileText(text: nil, note: missingPDFToText) }
        guard let file = TemporaryFile(bytes) else {
            logger.warning("workspace.file_text_tempfile_failed", [:])
            return FileText(text: nil, note: "the PDF could not be handed to pdftotext; no text extracted")
        }
        defer { file.remove() }
        let seconds = max(1, min(pdfTimeoutSeconds, deadline.remainingSeconds - 2))
        do {
            let child = try ChildProcess(path: program, arguments: ["-enc", "UTF-8", "-q", "-l", String(maximumPages), file.path, "-"],
                                         environment: ["PATH": path ?? "/usr/bin:/bin", "LANG": "C.UTF-8"], input: [])
            // Waited on this thread, the one that started it (see `ChildProcess`).
            let result = child.wait(until: .now + .milliseconds(Int(seconds * 1_000)))
            switch result.termination {
            case .exited(0):
                // Form feeds separate pages; the rest is text as pdftotext wrote it.
                let text = String(String(decoding: result.stdout, as: UTF8.self).map { $0 == "\u{0C}" ? "\n" : $0 })
                return bounded(StorableText.clean(text), note: nil)
            case .timedOut:
                logger.warning("workspace.pdftotext_timed_out", ["seconds": .number(seconds)])
                return FileText(text: nil, note: "pdftotext took longer than \(Int(seconds)) s; no text extracted")
            case .exited(let code):
                logger.warning("workspace.pdftotext_failed", ["exit": .number(Double(code))])
                return FileText(text: nil, note: "pdftotext could not read the PDF (exit \(code)); no text extracted")
            case .signaled(let signal):
                logger.warning("workspace.pdftotext_failed", ["signal": .number(Double(signal))])
                return FileText(text: nil, note: "pdftotext stopped on signal \(signal); no text extracted")
            }
        } catch {
            logger.warning("workspace.pdftotext_not_started", [:])
            return FileText(text: nil, note: "pdftotext could not be started; no text extracted")
        }
    }

    /// The first executable file called `name` in the directories of `path`.
    static func executable(_ name: String, path: String?) -> String? {
        for directory in (path ?? "/usr/bin:/bin").split(separator: ":") where directory.hasPrefix("/") {
            let candidate = directory.hasSuffix("/") ? "\(directory)\(name)" : "\(directory)/\(name)"
            if access(candidate, X_OK) == 0 { return candidate }
        }
        return nil
    }
}

/// A private temporary file holding some bytes, for a tool that reads only files.
struct TemporaryFile {
    let path: String

    init?(_ bytes: [UInt8]) {
        let directory = getenv("TMPDIR").map { String(cString: $0) }.flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
        var template = Array("\(directory)/bundle-file-XXXXXX".utf8CString)
        let descriptor = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard descriptor >= 0 else { return nil }
        path = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        defer { close(descriptor) }
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
            if written < 0 && errno == EINTR { continue }
            guard written > 0 else {
                unlink(path)
                return nil
            }
            offset += written
        }
    }

    func remove() { unlink(path) }
}
