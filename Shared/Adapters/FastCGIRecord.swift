/// FastCGI 1.0 records (the FastCGI specification, section 3): an 8-byte header (version 1, type,
/// request id, content length, padding length), the content, the padding. The warm workers read
/// requests and write answers in them; the master writes its own answers (a worker that died) in
/// them too.
enum FastCGIRecord {
    static let version: UInt8 = 1
    static let headerLength = 8
    /// The most content one record carries.
    static let maxContent = 65_535

    enum Kind: UInt8 {
        case beginRequest = 1, abortRequest, endRequest, params, stdin, stdout, stderr, data, getValues, getValuesResult, unknownType
    }

    /// `FCGI_BEGIN_REQUEST`'s roles and flag, `FCGI_END_REQUEST`'s protocol statuses.
    static let responder: UInt16 = 1
    static let keepConnection: UInt8 = 1

    enum ProtocolStatus: UInt8 {
        case requestComplete = 0, cannotMultiplex, overloaded, unknownRole
    }

    struct Header: Equatable {
        var type: UInt8
        var requestID: UInt16
        var contentLength: Int
        var paddingLength: Int

        /// The header at the start of `bytes` (at least 8 of them); nil when it is not version 1.
        init?(_ bytes: ArraySlice<UInt8>) {
            let base = bytes.startIndex
            guard bytes.count >= FastCGIRecord.headerLength, bytes[base] == FastCGIRecord.version else { return nil }
            type = bytes[base + 1]
            requestID = UInt16(bytes[base + 2]) << 8 | UInt16(bytes[base + 3])
            contentLength = Int(bytes[base + 4]) << 8 | Int(bytes[base + 5])
            paddingLength = Int(bytes[base + 6])
        }

        var recordLength: Int { FastCGIRecord.headerLength + contentLength + paddingLength }
    }

    /// Appends one record (content of at most 65,535 bytes) to `output`, padded to 8 bytes as the
    /// specification recommends.
    static func append(_ kind: Kind, requestID: UInt16, content: some Collection<UInt8>, to output: inout [UInt8]) {
        appendRaw(kind.rawValue, requestID: requestID, content: content, to: &output)
    }

    static func appendRaw(_ type: UInt8, requestID: UInt16, content: some Collection<UInt8>, to output: inout [UInt8]) {
        let length = content.count
        let padding = (8 - length % 8) % 8
        output += [version, type, UInt8(requestID >> 8), UInt8(requestID & 0xff), UInt8(length >> 8), UInt8(length & 0xff),
                   UInt8(padding), 0]
        output += content
        output += repeatElement(0, count: padding)
    }

    /// A stream (`FCGI_STDOUT`, `FCGI_STDERR`) of any length as records; `end` adds the empty record
    /// that closes the stream.
    static func appendStream(_ kind: Kind, requestID: UInt16, bytes: [UInt8], end: Bool, to output: inout [UInt8]) {
        var offset = 0
        while offset < bytes.count {
            let next = min(bytes.count, offset + maxContent)
            append(kind, requestID: requestID, content: bytes[offset..<next], to: &output)
            offset = next
        }
        if end { append(kind, requestID: requestID, content: [], to: &output) }
    }

    /// `FCGI_END_REQUEST`: the application's status (the exit code of the outcome) and the
    /// protocol status.
    static func appendEnd(requestID: UInt16, appStatus: Int32, status: ProtocolStatus, to output: inout [UInt8]) {
        let app = UInt32(bitPattern: appStatus)
        append(.endRequest, requestID: requestID,
               content: [UInt8(app >> 24), UInt8(app >> 16 & 0xff), UInt8(app >> 8 & 0xff), UInt8(app & 0xff), status.rawValue, 0, 0, 0],
               to: &output)
    }

    /// A whole answer: the CGI response (`Status:` and headers, a blank line, the body) on
    /// `FCGI_STDOUT`, the stream's end, and `FCGI_END_REQUEST`.
    static func answer(_ cgiResponse: [UInt8], requestID: UInt16, appStatus: Int32) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(cgiResponse.count + cgiResponse.count / maxContent * 16 + 40)
        appendStream(.stdout, requestID: requestID, bytes: cgiResponse, end: true, to: &output)
        appendEnd(requestID: requestID, appStatus: appStatus, status: .requestComplete, to: &output)
        return output
    }

    /// Name-value pairs (section 3.4): each length in one byte (< 128) or four (high bit set).
    /// Nil when the bytes are not well-formed pairs.
    static func pairs(_ bytes: [UInt8]) -> [(name: [UInt8], value: [UInt8])]? {
        var result: [(name: [UInt8], value: [UInt8])] = []
        var index = 0
        func length() -> Int? {
            guard index < bytes.count else { return nil }
            if bytes[index] < 0x80 {
                index += 1
                return Int(bytes[index - 1])
            }
            guard index + 4 <= bytes.count else { return nil }
            let value = Int(bytes[index] & 0x7f) << 24 | Int(bytes[index + 1]) << 16 | Int(bytes[index + 2]) << 8 | Int(bytes[index + 3])
            index += 4
            return value
        }
        while index < bytes.count {
            guard let nameLength = length(), let valueLength = length(),
                  nameLength <= bytes.count - index, valueLength <= bytes.count - index - nameLength else { return nil }
            let name = Array(bytes[index..<index + nameLength])
            index += nameLength
            let value = Array(bytes[index..<index + valueLength])
            index += valueLength
            result.append((name, value))
        }
        return result
    }

    static func appendPair(name: [UInt8], value: [UInt8], to output: inout [UInt8]) {
        for length in [name.count, value.count] {
            if length < 0x80 {
                output.append(UInt8(length))
            } else {
                output += [UInt8(length >> 24 & 0x7f) | 0x80, UInt8(length >> 16 & 0xff), UInt8(length >> 8 & 0xff), UInt8(length & 0xff)]
            }
        }
        output += name
        output += value
    }
}
