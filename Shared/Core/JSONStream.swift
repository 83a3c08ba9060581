/// Reads a large JSON document (a 50 MB chat export) one top-level element at a time, straight
/// from the caller's bytes: the elements of a top-level array, or of an array under a named
/// top-level key (`{"conversations": [...]}`), each handed over as a slice of the buffer and parsed
/// on its own with `JSONParser` when the caller asks. The whole document is never built as one
/// `JSONValue` and never copied.
///
/// Linear: the scanner passes each byte once to find where an element ends (strings and their
/// escapes skipped, brackets counted up to `JSONParser.maximumDepth`), and parsing an element
/// passes its bytes once more. Broken structure (truncated input, a stray bracket, text after the
/// document) stops the stream with a `JSONParser.Failure` naming the byte offset; an element that
/// is merely invalid inside (a bad number, a duplicate key) or larger than the cap fails only its
/// own `parse()`, so the caller can report it and go on.
package enum JSONStream {
    /// The cap on one element's bytes by default (a conversation larger than this is refused).
    package static let defaultMaximumElementBytes = 32 << 20

    /// One element of the streamed array: its position, where it sits in the buffer, its bytes.
    package struct Element {
        /// 0-based position in the array.
        package let index: Int
        /// Byte offset of the element's first byte in the whole buffer.
        package let offset: Int
        /// The element's bytes (a slice of the caller's buffer, valid while it is).
        package let bytes: UnsafeBufferPointer<UInt8>
        let maximumBytes: Int

        /// The element parsed; failures carry offsets in the whole buffer.
        package func parse() throws(JSONParser.Failure) -> JSONValue {
            guard bytes.count <= maximumBytes else {
                throw JSONParser.Failure(offset: offset, reason: "an element of \(bytes.count) bytes is larger than the \(maximumBytes)-byte cap")
            }
            do {
                return try JSONParser.parse(bytes)
            } catch {
                throw JSONParser.Failure(offset: offset + error.offset, reason: error.reason)
            }
        }
    }

    /// The offset of the document's first significant byte (after a UTF-8 BOM and whitespace), or
    /// nil for an empty or blank buffer.
    package static func start(of buffer: UnsafeBufferPointer<UInt8>) -> Int? {
        var index = 0
        if buffer.count >= 3, buffer[0] == 0xEF, buffer[1] == 0xBB, buffer[2] == 0xBF { index = 3 }
        index = skipWhitespace(buffer, from: index)
        return index < buffer.count ? index : nil
    }

    /// Calls `visit` with each element of the top-level array, in order. Throws when the document
    /// is not an array or its structure is broken (after visiting the elements before the break).
    package static func elements(of buffer: UnsafeBufferPointer<UInt8>, maximumElementBytes: Int = defaultMaximumElementBytes,
                                 visit: (Element) throws -> Void) throws {
        guard let first = start(of: buffer) else { throw JSONParser.Failure(offset: 0, reason: "the document is empty") }
        guard buffer[first] == UInt8(ascii: "[") else { throw JSONParser.Failure(offset: first, reason: "expected a top-level array") }
        let end = try streamArray(buffer, at: first, maximumElementBytes: maximumElementBytes, visit: visit)
        try expectEnd(buffer, from: end)
    }

    /// Calls `visit` with each element of the array under `key` in the top-level object. Throws
    /// when the document is no object, has no such key, or holds something else than an array
    /// there. The object's other members are skipped (scanned, not parsed).
    package static func elements(ofMember key: String, in buffer: UnsafeBufferPointer<UInt8>,
                                 maximumElementBytes: Int = defaultMaximumElementBytes, visit: (Element) throws -> Void) throws {
        guard let first = start(of: buffer) else { throw JSONParser.Failure(offset: 0, reason: "the document is empty") }
        guard buffer[first] == UInt8(ascii: "{") else { throw JSONParser.Failure(offset: first, reason: "expected a top-level object") }
        var found = false
        let end = try forEachMember(buffer, at: first) { name, valueOffset in
            guard name == key else { return nil }
            // A repeated key is refused, as JSONParser refuses it: readers disagree on which wins.
            guard !found else { throw JSONParser.Failure(offset: valueOffset, reason: "duplicate key \"\(key.prefix(40))\"") }
            found = true
            guard buffer[valueOffset] == UInt8(ascii: "[") else {
                throw JSONParser.Failure(offset: valueOffset, reason: "expected an array under \"\(key.prefix(40))\"")
            }
            return try streamArray(buffer, at: valueOffset, maximumElementBytes: maximumElementBytes, visit: visit)
        }
        try expectEnd(buffer, from: end)
        guard found else { throw JSONParser.Failure(offset: first, reason: "the object has no \"\(key.prefix(40))\" member") }
    }

    /// The keys of the top-level object, in document order (values scanned, not parsed); nil when
    /// the document is no object. Throws when its structure is broken.
    package static func topLevelKeys(of buffer: UnsafeBufferPointer<UInt8>) throws -> [String]? {
        guard let first = start(of: buffer), buffer[first] == UInt8(ascii: "{") else { return nil }
        var keys: [String] = []
        let end = try forEachMember(buffer, at: first) { name, _ in
            keys.append(name)
            return nil
        }
        try expectEnd(buffer, from: end)
        return keys
    }

    /// The offset just past the JSON value starting at `offset` (scanned, not parsed: strings
    /// and brackets only, depth bounded).
    package static func endOfValue(_ buffer: UnsafeBufferPointer<UInt8>, at offset: Int) throws(JSONParser.Failure) -> Int {
        var index = offset
        var depth = 0
        repeat {
            index = skipWhitespace(buffer, from: index)
            guard index < buffer.count else { throw JSONParser.Failure(offset: index, reason: "unexpected end of input") }
            let byte = buffer[index]
            switch byte {
            case UInt8(ascii: "\""):
                index = try endOfString(buffer, at: index)
            case UInt8(ascii: "["), UInt8(ascii: "{"):
                depth += 1
                if depth > JSONParser.maximumDepth {
                    throw JSONParser.Failure(offset: index, reason: "nesting deeper than \(JSONParser.maximumDepth) levels")
                }
                index += 1
            case UInt8(ascii: "]"), UInt8(ascii: "}"):
                guard depth > 0 else { throw JSONParser.Failure(offset: index, reason: "unexpected '\(Character(Unicode.Scalar(byte)))'") }
                depth -= 1
                index += 1
            case UInt8(ascii: ","), UInt8(ascii: ":"):
                guard depth > 0 else { throw JSONParser.Failure(offset: index, reason: "unexpected character") }
                index += 1
            default:
                // A number or literal: runs to the next delimiter; JSONParser checks its spelling.
                let start = index
                while index < buffer.count, !isDelimiter(buffer[index]) { index += 1 }
                guard index > start else { throw JSONParser.Failure(offset: index, reason: "unexpected character") }
            }
        } while depth > 0
        return index
    }

    // MARK: - Scanning

    private static func isDelimiter(_ byte: UInt8) -> Bool {
        switch byte {
        case 0x20, 0x09, 0x0A, 0x0D, UInt8(ascii: ","), UInt8(ascii: ":"), UInt8(ascii: "["), UInt8(ascii: "]"),
             UInt8(ascii: "{"), UInt8(ascii: "}"), UInt8(ascii: "\""): true
        default: false
        }
    }

    private static func skipWhitespace(_ buffer: UnsafeBufferPointer<UInt8>, from offset: Int) -> Int {
        var index = offset
        while index < buffer.count {
            switch buffer[index] {
            case 0x20, 0x09, 0x0A, 0x0D: index += 1
            default: return index
            }
        }
        return index
    }

    /// Past the closing quote of the string opening at `offset`; a backslash skips the next byte.
    private static func endOfString(_ buffer: UnsafeBufferPointer<UInt8>, at offset: Int) throws(JSONParser.Failure) -> Int {
        var index = offset + 1
        while index < buffer.count {
            switch buffer[index] {
            case UInt8(ascii: "\""): return index + 1
            case UInt8(ascii: "\\"): index += 2
            default: index += 1
            }
        }
        throw JSONParser.Failure(offset: offset, reason: "unterminated string")
    }

    private static func expectEnd(_ buffer: UnsafeBufferPointer<UInt8>, from offset: Int) throws(JSONParser.Failure) {
        let index = skipWhitespace(buffer, from: offset)
        guard index == buffer.count else { throw JSONParser.Failure(offset: index, reason: "unexpected text after the document") }
    }

    /// Streams the array opening at `offset`; returns the offset past its `]`.
    private static func streamArray(_ buffer: UnsafeBufferPointer<UInt8>, at offset: Int, maximumElementBytes: Int,
                                    visit: (Element) throws -> Void) throws -> Int {
        var index = skipWhitespace(buffer, from: offset + 1)
        guard index < buffer.count else { throw JSONParser.Failure(offset: index, reason: "unexpected end of input") }
        if buffer[index] == UInt8(ascii: "]") { return index + 1 }
        var position = 0
        while true {
            index = skipWhitespace(buffer, from: index)
            let end = try endOfValue(buffer, at: index)
            let slice = UnsafeBufferPointer(rebasing: buffer[index..<end])
            try visit(Element(index: position, offset: index, bytes: slice, maximumBytes: maximumElementBytes))
            position += 1
            index = skipWhitespace(buffer, from: end)
            guard index < buffer.count else { throw JSONParser.Failure(offset: index, reason: "unexpected end of input") }
            if buffer[index] == UInt8(ascii: ",") { index += 1; continue }
            if buffer[index] == UInt8(ascii: "]") { return index + 1 }
            throw JSONParser.Failure(offset: index, reason: "expected ',' or ']'")
        }
    }

    /// Walks the members of the object opening at `offset`. `member` gets each key and the offset
    /// of its value; it returns the offset past the value when it consumed it, nil to skip it.
    /// Returns the offset past the object's `}`.
    private static func forEachMember(_ buffer: UnsafeBufferPointer<UInt8>, at offset: Int,
                                      member: (String, Int) throws -> Int?) throws -> Int {
        var index = skipWhitespace(buffer, from: offset + 1)
        guard index < buffer.count else { throw JSONParser.Failure(offset: index, reason: "unexpected end of input") }
        if buffer[index] == UInt8(ascii: "}") { return index + 1 }
        while true {
            index = skipWhitespace(buffer, from: index)
            guard index < buffer.count, buffer[index] == UInt8(ascii: "\"") else {
                throw JSONParser.Failure(offset: index, reason: "expected a string key")
            }
            let keyEnd = try endOfString(buffer, at: index)
            let key: String
            do {
                key = try JSONParser.parse(UnsafeBufferPointer(rebasing: buffer[index..<keyEnd])).stringValue ?? ""
            } catch {
                throw JSONParser.Failure(offset: index + error.offset, reason: error.reason)
            }
            index = skipWhitespace(buffer, from: keyEnd)
            guard index < buffer.count, buffer[index] == UInt8(ascii: ":") else { throw JSONParser.Failure(offset: index, reason: "expected ':'") }
            index = skipWhitespace(buffer, from: index + 1)
            guard index < buffer.count else { throw JSONParser.Failure(offset: index, reason: "unexpected end of input") }
            index = try member(key, index) ?? endOfValue(buffer, at: index)
            index = skipWhitespace(buffer, from: index)
            guard index < buffer.count else { throw JSONParser.Failure(offset: index, reason: "unexpected end of input") }
            if buffer[index] == UInt8(ascii: ",") { index += 1; continue }
            if buffer[index] == UInt8(ascii: "}") { return index + 1 }
            throw JSONParser.Failure(offset: index, reason: "expected ',' or '}'")
        }
    }
}
