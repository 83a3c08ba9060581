import Core

/// The structural part of ZIP reading: finds the end-of-central-directory record (and its ZIP64
/// form), walks the central directory and locates an entry's data behind its local header. Every
/// offset is checked against the bytes before use; a walk visits each byte at most once.
enum ZipDirectory {
    struct Location {
        var entryCount: Int
        var offset: Int
        var size: Int
    }

    static let endSignature: UInt32 = 0x0605_4B50
    static let zip64EndSignature: UInt32 = 0x0606_4B50
    static let zip64LocatorSignature: UInt32 = 0x0706_4B50
    static let centralSignature: UInt32 = 0x0201_4B50
    static let localSignature: UInt32 = 0x0403_4B50

    static func corrupt(_ reason: String) -> BundleError {
        BundleError(.validationFailed, "the file is not a readable ZIP archive: \(reason)")
    }

    static func locate(_ bytes: UnsafeBufferPointer<UInt8>) throws -> Location {
        guard bytes.count >= 22 else { throw corrupt("it is too short (\(bytes.count) bytes)") }
        // The record is 22 bytes plus a comment of at most 65,535: search that window backwards.
        let lowest = max(0, bytes.count - 22 - 0xFFFF)
        var position = bytes.count - 22
        var found: Int?
        while position >= lowest {
            if bytes[position] == 0x50, u32(bytes, position) == endSignature,
               position + 22 + Int(u16(bytes, position + 20)) <= bytes.count {
                found = position
                break
            }
            position -= 1
        }
        guard let end = found else { throw corrupt("no end of central directory (truncated?)") }
        var location = Location(entryCount: Int(u16(bytes, end + 10)), offset: Int(u32(bytes, end + 16)), size: Int(u32(bytes, end + 12)))
        let needsZip64 = location.entryCount == 0xFFFF || location.offset == 0xFFFF_FFFF || location.size == 0xFFFF_FFFF
        if end >= 20, u32(bytes, end - 20) == zip64LocatorSignature {
            let recordOffset = u64(bytes, end - 20 + 8)
            guard recordOffset >= 0, recordOffset <= bytes.count - 56, u32(bytes, recordOffset) == zip64EndSignature else {
                throw corrupt("the ZIP64 end record is missing")
            }
            location = Location(entryCount: u64(bytes, recordOffset + 32), offset: u64(bytes, recordOffset + 48),
                                size: u64(bytes, recordOffset + 40))
        } else if needsZip64 {
            throw corrupt("the ZIP64 end record locator is missing")
        }
        guard location.entryCount >= 0, location.offset >= 0, location.size >= 0, location.offset <= bytes.count,
              location.size <= bytes.count - location.offset else {
            throw corrupt("the central directory lies outside the file (truncated?)")
        }
        return location
    }

    static func entries(_ bytes: UnsafeBufferPointer<UInt8>, _ location: Location, maxEntries: Int) throws -> [ZipArchive.Entry] {
        var entries: [ZipArchive.Entry] = []
        entries.reserveCapacity(min(location.entryCount, maxEntries))
        var position = location.offset
        let end = location.offset + location.size
        for index in 0..<location.entryCount {
            guard position + 46 <= end, u32(bytes, position) == centralSignature else {
                throw corrupt("central directory record \(index + 1) is damaged")
            }
            let nameLength = Int(u16(bytes, position + 28))
            let extraLength = Int(u16(bytes, position + 30))
            let commentLength = Int(u16(bytes, position + 32))
            let next = position + 46 + nameLength + extraLength + commentLength
            guard next <= end else { throw corrupt("central directory record \(index + 1) runs past the directory") }
            let nameBytes = bytes[(position + 46)..<(position + 46 + nameLength)]
            let name = String(validating: nameBytes, as: UTF8.self) ?? String(decoding: nameBytes, as: UTF8.self)
            var compressed = Int(u32(bytes, position + 20))
            var uncompressed = Int(u32(bytes, position + 24))
            var offset = Int(u32(bytes, position + 42))
            // The ZIP64 extra field holds, in this order, only the values the record marks 0xFFFFFFFF.
            var extra = position + 46 + nameLength
            let extraEnd = extra + extraLength
            while extra + 4 <= extraEnd {
                let id = u16(bytes, extra)
                let size = Int(u16(bytes, extra + 2))
                guard extra + 4 + size <= extraEnd else { break }
                if id == 0x0001 {
                    var field = extra + 4
                    func take(_ value: inout Int) throws {
                        guard value == 0xFFFF_FFFF else { return }
                        guard field + 8 <= extra + 4 + size else { throw corrupt("the ZIP64 sizes of \"\(name.prefix(200))\" are cut short") }
                        value = u64(bytes, field)
                        field += 8
                    }
                    try take(&uncompressed)
                    try take(&compressed)
                    try take(&offset)
                }
                extra += 4 + size
            }
            guard compressed >= 0, uncompressed >= 0, offset >= 0 else { throw corrupt("\"\(name.prefix(200))\" has an impossible size") }
            entries.append(ZipArchive.Entry(name: name, method: u16(bytes, position + 10), flags: u16(bytes, position + 8),
                                            crc32: u32(bytes, position + 16), compressedSize: compressed, uncompressedSize: uncompressed,
                                            localHeaderOffset: offset))
            position = next
        }
        return entries
    }

    /// The entry's compressed bytes, behind its local header.
    static func data(of entry: ZipArchive.Entry, in bytes: UnsafeBufferPointer<UInt8>) throws -> UnsafeBufferPointer<UInt8> {
        let header = entry.localHeaderOffset
        guard header <= bytes.count - 30, u32(bytes, header) == localSignature else {
            throw corrupt("the local header of \"\(entry.name.prefix(200))\" is missing")
        }
        let start = header + 30 + Int(u16(bytes, header + 26)) + Int(u16(bytes, header + 28))
        guard start <= bytes.count, entry.compressedSize <= bytes.count - start else {
            throw corrupt("the data of \"\(entry.name.prefix(200))\" runs past the end of the file (truncated?)")
        }
        return UnsafeBufferPointer(rebasing: bytes[start..<(start + entry.compressedSize)])
    }

    static func u16(_ bytes: UnsafeBufferPointer<UInt8>, _ at: Int) -> UInt16 {
        UInt16(bytes[at]) | UInt16(bytes[at + 1]) << 8
    }

    static func u32(_ bytes: UnsafeBufferPointer<UInt8>, _ at: Int) -> UInt32 {
        UInt32(u16(bytes, at)) | UInt32(u16(bytes, at + 2)) << 16
    }

    /// A ZIP64 value as Int; values past Int.max come back negative and are refused by callers.
    static func u64(_ bytes: UnsafeBufferPointer<UInt8>, _ at: Int) -> Int {
        Int(truncatingIfNeeded: UInt64(u32(bytes, at)) | UInt64(u32(bytes, at + 4)) << 32)
    }
}
