/// TZif files (RFC 8536, versions 1 to 4), as /usr/share/zoneinfo holds them. Version 2 and later
/// repeat the data with 64-bit times and end with a POSIX TZ footer for instants after the last
/// transition; Debian may ship "slim" files whose table stops early, so the footer matters.
package enum TZif {
    /// The zone's rules, or nil when the data is malformed or truncated.
    package static func parse(_ bytes: [UInt8], identifier: String) -> ZoneRules? {
        var reader = Reader(bytes: bytes)
        guard let header = reader.header() else { return nil }
        guard header.version >= 2 else {
            guard let block = reader.block(header, timeSize: 4) else { return nil }
            return rules(block, footer: nil, identifier: identifier)
        }
        // Skip the 32-bit block: the second header and 64-bit block follow it.
        guard reader.skip(header.blockSize(timeSize: 4)), let header64 = reader.header(), header64.version >= 2,
              let block = reader.block(header64, timeSize: 8), let footer = reader.footer()
        else { return nil }
        // A footer this parser does not understand should not lose the table, so it is dropped.
        let footerRules = footer.isEmpty ? nil : POSIXTimeZone.parse(footer, identifier: identifier)
        return rules(block, footer: footerRules, identifier: identifier)
    }

    private static func rules(_ block: Block, footer: ZoneRules?, identifier: String) -> ZoneRules {
        // Type 0 is in force before the first transition (RFC 8536 3.2). Transitions that change
        // only the abbreviation or the DST flag are dropped, except the last: the footer takes over
        // after it.
        var transitions: [Int64] = []
        var offsets: [Int] = []
        var current = block.offsets[0]
        for (position, (time, type)) in zip(block.times, block.types).enumerated()
        where block.offsets[type] != current || position == block.times.count - 1 {
            current = block.offsets[type]
            transitions.append(time)
            offsets.append(current)
        }
        // Without transitions the footer, when present, rules all time.
        let initialOffset = block.times.isEmpty ? footer?.initialOffset ?? block.offsets[0] : block.offsets[0]
        return ZoneRules(identifier: identifier, initialOffset: initialOffset, transitions: transitions,
                         offsets: offsets, yearly: footer?.yearly)
    }
}

private struct Header {
    let version: Int
    let isUTCCount, isStandardCount, leapCount, timeCount, typeCount, charCount: Int

    func blockSize(timeSize: Int) -> Int {
        timeCount * (timeSize + 1) + typeCount * 6 + charCount + leapCount * (timeSize + 4) + isStandardCount + isUTCCount
    }
}

private struct Block {
    let times: [Int64]
    let types: [Int]
    let offsets: [Int]
}

private struct Reader {
    let bytes: [UInt8]
    var index = 0

    init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    mutating func header() -> Header? {
        guard index + 44 <= bytes.count, Array(bytes[index..<index + 4]) == Array("TZif".utf8) else { return nil }
        let versionByte = bytes[index + 4]
        let version: Int
        switch versionByte {
        case 0: version = 1
        case UInt8(ascii: "2")...UInt8(ascii: "9"): version = Int(versionByte - 48)
        default: return nil
        }
        index += 20
        var counts: [Int] = []
        for _ in 0..<6 {
            guard let count = integer(size: 4), count >= 0, count < 1 << 24 else { return nil }
            counts.append(Int(count))
        }
        return Header(version: version, isUTCCount: counts[0], isStandardCount: counts[1], leapCount: counts[2],
                      timeCount: counts[3], typeCount: counts[4], charCount: counts[5])
    }

    mutating func block(_ header: Header, timeSize: Int) -> Block? {
        // Indexes are one byte, so there are at most 256 types; at least one is required.
        guard (1...256).contains(header.typeCount), header.blockSize(timeSize: timeSize) <= bytes.count - index else { return nil }
        var times: [Int64] = []
        for _ in 0..<header.timeCount {
            guard let time = signed(size: timeSize) else { return nil }
            if let last = times.last, time <= last { return nil }  // must ascend (RFC 8536 3.2)
            times.append(time)
        }
        var types: [Int] = []
        for _ in 0..<header.timeCount {
            let type = Int(bytes[index])
            guard type < header.typeCount else { return nil }
            types.append(type)
            index += 1
        }
        var offsets: [Int] = []
        for _ in 0..<header.typeCount {
            // utoff, then isdst and the abbreviation index, which are not needed.
            guard let offset = signed(size: 4), (-89_999...93_599).contains(offset) else { return nil }
            offsets.append(Int(offset))
            index += 2
        }
        index += header.charCount + header.leapCount * (timeSize + 4) + header.isStandardCount + header.isUTCCount
        return Block(times: times, types: types, offsets: offsets)
    }

    /// The footer: a POSIX TZ string between two newlines, possibly empty.
    mutating func footer() -> String? {
        guard index < bytes.count, bytes[index] == 10 else { return nil }
        guard let end = bytes[(index + 1)...].firstIndex(of: 10) else { return nil }
        let text = bytes[(index + 1)..<end]
        guard text.allSatisfy({ $0 >= 32 && $0 < 127 }) else { return nil }
        index = end + 1
        return String(decoding: text, as: UTF8.self)
    }

    mutating func skip(_ count: Int) -> Bool {
        guard count <= bytes.count - index else { return false }
        index += count
        return true
    }

    /// A big-endian unsigned integer of `size` bytes.
    private mutating func integer(size: Int) -> Int64? {
        guard size <= 8, size <= bytes.count - index else { return nil }
        var value: UInt64 = 0
        for offset in 0..<size { value = value << 8 | UInt64(bytes[index + offset]) }
        index += size
        return size == 8 ? Int64(bitPattern: value) : Int64(value)
    }

    /// A big-endian two's-complement integer of 4 or 8 bytes.
    private mutating func signed(size: Int) -> Int64? {
        guard let value = integer(size: size) else { return nil }
        return size == 4 ? Int64(Int32(truncatingIfNeeded: value)) : value
    }
}
