/// A CSV file read the way spreadsheets write it (RFC 4180, leniently): fields in double quotes
/// may hold the delimiter, line breaks and doubled quotes (spaces before the opening quote are
/// dropped); CRLF, LF and lone CR all end a record; a stray quote inside an unquoted field is
/// kept as text, and so is an opening quote that never closes, so one bad cell cannot swallow
/// the rest of the file. The delimiter is found from
/// the header line (comma, semicolon or tab; Excel's `sep=;` first line is honoured), since
/// spreadsheets in many locales export semicolons. Each record keeps the line it starts on, so
/// problems can be reported where a person will look for them. Blank records (empty lines, or
/// nothing but separators and ASCII whitespace, as sheets pad their ends) are dropped as they are
/// read, never stored, and `maxRecords` stops the reading once that many records were kept, so
/// memory follows the content kept, not the size of the file.
package struct CSVTable: Sendable {
    package struct Record: Sendable, Equatable {
        /// 1-based physical line where the record starts.
        package var line: Int
        package var fields: [String]
    }

    package var delimiter: Character
    package var records: [Record]
    /// The lines whose opening quote never closed (read with that quote as text).
    package var unclosedQuoteLines: [Int] = []
    /// The last physical line of the file (of the part read, when `truncated`).
    package var lastLine: Int
    /// Whether reading stopped at `maxRecords` with another non-blank record still to come.
    package var truncated = false

    private static let quote = UInt8(ascii: "\"")
    private static let cr = UInt8(ascii: "\r")
    private static let lf = UInt8(ascii: "\n")

    package static func parse(_ text: String, maxRecords: Int = .max) -> CSVTable {
        var bytes = Array(text.utf8)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        var start = 0
        var firstLine = 1
        var delimiter: UInt8
        if let declared = declaredSeparator(bytes) {
            delimiter = declared.delimiter
            start = declared.end
            firstLine = 2
        } else {
            delimiter = sniffDelimiter(bytes)
        }
        var literal: Set<Int> = []
        var unclosed: [Int] = []
        while true {
            var table = parse(bytes, from: start, line: firstLine, delimiter: delimiter, literalQuotes: literal, maxRecords: maxRecords)
            if let quote = table.unclosedQuote, literal.count < 1000 {
                literal.insert(quote.index)
                unclosed.append(quote.line)
                continue
            }
            table.delimiter = Character(Unicode.Scalar(delimiter))
            table.unclosedQuoteLines = unclosed
            return table
        }
    }

    /// Where an opening quote that never closed was, when there was one.
    private var unclosedQuote: (index: Int, line: Int)?

    private static func parse(_ bytes: [UInt8], from start: Int, line firstLine: Int, delimiter: UInt8, literalQuotes: Set<Int>,
                              maxRecords: Int) -> CSVTable {
        bytes.withUnsafeBufferPointer { bytes in
            parse(bytes, from: start, line: firstLine, delimiter: delimiter, literalQuotes: literalQuotes, maxRecords: maxRecords)
        }
    }

    @inline(__always)
    private static func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || (byte >= 0x09 && byte <= 0x0D) }

    private static func parse(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int, line firstLine: Int, delimiter: UInt8,
                              literalQuotes: Set<Int>, maxRecords: Int) -> CSVTable {
        var records: [Record] = []
        var fields: [String] = []
        // An unquoted field is read where it lies (`fieldStart` up to the byte being read); once a
        // quote opens, the field's bytes are collected in `field` (doubled quotes become one).
        var fieldStart = start
        var collecting = false
        var field: [UInt8] = []
        var line = firstLine
        var recordLine = firstLine
        var quoteOpened: (index: Int, line: Int)?
        var inQuotes = false
        var fieldWasQuoted = false
        var index = start
        let count = bytes.count
        // Whether a field of the record being read holds more than ASCII whitespace; a record
        // without one is blank and is not kept.
        var recordHasContent = false
        // Empty fields read while the record had no content, not stored yet: a blank record
        // (",,,,") costs no strings; they become empty strings once a field has content.
        var blankFields = 0
        var truncated = false

        func endField(at end: Int) {
            if !recordHasContent {
                recordHasContent = collecting ? field.contains(where: { !isSpace($0) })
                    : fieldStart < end && bytes[fieldStart..<end].contains(where: { !isSpace($0) })
                let isEmpty = collecting ? field.isEmpty : fieldStart >= end
                if !recordHasContent, isEmpty {
                    blankFields += 1
                    collecting = false
                    fieldWasQuoted = false
                    return
                }
                fields.append(contentsOf: repeatElement("", count: blankFields))
                blankFields = 0
            }
            if collecting {
                fields.append(String(decoding: field, as: UTF8.self))
                field.removeAll(keepingCapacity: true)
            } else {
                fields.append(String(decoding: UnsafeBufferPointer(rebasing: bytes[fieldStart..<end]), as: UTF8.self))
            }
            collecting = false
            fieldWasQuoted = false
        }
        /// Ends the record; false when it is one too many (`maxRecords` were kept already).
        func endRecord(at end: Int) -> Bool {
            endField(at: end)
            defer {
                fields.removeAll(keepingCapacity: true)
                recordHasContent = false
                blankFields = 0
            }
            guard recordHasContent else { return true }
            guard records.count < maxRecords else {
                truncated = true
                return false
            }
            records.append(Record(line: recordLine, fields: fields))
            return true
        }

        reading: while index < count {
            // Runs of ordinary bytes are passed over (unquoted: they stay in the file) or copied
            // whole (quoted) before the byte-by-byte rules below.
            if !inQuotes, !collecting {
                if fields.isEmpty, blankFields == 0, fieldStart == index {
                    // Empty lines at the start of a record are passed over in one run.
                    while index < count, bytes[index] == lf || bytes[index] == cr {
                        if bytes[index] == cr, index + 1 < count, bytes[index + 1] == lf { index += 1 }
                        index += 1
                        line += 1
                    }
                    fieldStart = index
                    recordLine = line
                }
                while index < count, bytes[index] != delimiter, bytes[index] != quote, bytes[index] != cr, bytes[index] != lf { index += 1 }
                guard index < count else { break }
            } else if inQuotes {
                let runStart = index
                while index < count, bytes[index] != quote, bytes[index] != cr, bytes[index] != lf { index += 1 }
                field.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<index]))
                guard index < count else { break }
            }
            let byte = bytes[index]
            if inQuotes {
                if byte == quote {
                    if index + 1 < count, bytes[index + 1] == quote {
                        field.append(quote)
                        index += 2
                        continue
                    }
                    inQuotes = false
                    quoteOpened = nil
                } else {
                    if byte == lf || (byte == cr && !(index + 1 < count && bytes[index + 1] == lf)) { line += 1 }
                    field.append(byte)
                }
                index += 1
                continue
            }
            switch byte {
            case delimiter:
                endField(at: index)
                fieldStart = index + 1
            case quote where !fieldWasQuoted && !literalQuotes.contains(index)
                && (collecting ? field.allSatisfy({ $0 == 32 || $0 == 9 }) : bytes[fieldStart..<index].allSatisfy({ $0 == 32 || $0 == 9 })):
                field.removeAll(keepingCapacity: true)
                collecting = true
                inQuotes = true
                fieldWasQuoted = true
                quoteOpened = (index, recordLine)
            case cr, lf:
                // An empty line has nothing to end (files padded with thousands of them are common).
                let emptyLine = fields.isEmpty && blankFields == 0 && !collecting && fieldStart == index
                guard emptyLine || endRecord(at: index) else { break reading }
                if byte == cr, index + 1 < count, bytes[index + 1] == lf { index += 1 }
                fieldStart = index + 1
                line += 1
                recordLine = line
            default:
                if collecting { field.append(byte) }
            }
            index += 1
        }
        let fieldIsEmpty = collecting ? field.isEmpty : fieldStart >= count
        if !truncated, !fieldIsEmpty || !fields.isEmpty || blankFields > 0 || fieldWasQuoted { _ = endRecord(at: count) }
        let endsWithLineBreak = bytes.last == lf || bytes.last == cr
        var table = CSVTable(delimiter: ",", records: records, lastLine: endsWithLineBreak && !truncated ? line - 1 : line)
        table.truncated = truncated
        table.unclosedQuote = truncated ? nil : quoteOpened
        return table
    }

    /// Excel's `sep=;` directive on the first line.
    private static func declaredSeparator(_ bytes: [UInt8]) -> (delimiter: UInt8, end: Int)? {
        let prefix = Array("sep=".utf8)
        guard bytes.count >= 5, bytes[0..<4].map({ $0 | 0x20 }) == prefix, bytes[4] != cr, bytes[4] != lf else { return nil }
        var end = 5
        while end < bytes.count, bytes[end] != lf, bytes[end] != cr { end += 1 }
        guard end == 5 else { return nil }
        if end < bytes.count, bytes[end] == cr { end += 1 }
        if end < bytes.count, bytes[end] == lf { end += 1 }
        return (bytes[4], end)
    }

    /// The most frequent of comma, semicolon and tab outside quotes on the first line; comma
    /// when none occurs (a one-column file).
    private static func sniffDelimiter(_ bytes: [UInt8]) -> UInt8 {
        var counts: [UInt8: Int] = [UInt8(ascii: ","): 0, UInt8(ascii: ";"): 0, UInt8(ascii: "\t"): 0]
        var inQuotes = false
        for byte in bytes.prefix(65_536) {
            if byte == quote { inQuotes.toggle(); continue }
            if inQuotes { continue }
            if byte == lf || byte == cr {
                if counts.values.contains(where: { $0 > 0 }) { break }
                continue
            }
            if counts[byte] != nil { counts[byte]! += 1 }
        }
        var best = UInt8(ascii: ",")
        for candidate in [UInt8(ascii: ";"), UInt8(ascii: "\t")] where counts[candidate]! > counts[best]! { best = candidate }
        return best
    }
}
