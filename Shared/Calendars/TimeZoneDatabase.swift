import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Named zones from the system's zoneinfo files (`TZDIR`, else /usr/share/zoneinfo), and the other
/// names calendar software writes for them: Windows names, IANA names behind a vendor prefix
/// (`/mozilla.org/20050126_1/Europe/Berlin`), and Outlook display names.
package enum TimeZoneDatabase {
    package static let defaultDirectory = "/usr/share/zoneinfo"

    /// Loaded rules (and misses) per directory and name. Bounded: names come from calendar files.
    private static let cache = Mutex<[String: ZoneRules?]>([:])
    private static let cacheLimit = 1024

    /// The rules for a zone name, or nil when no zone of that name is known. Rules loaded from a
    /// file carry the IANA name as identifier.
    package static func rules(named name: String, directory: String? = nil) -> ZoneRules? {
        let directory = directory ?? environment("TZDIR") ?? defaultDirectory
        let key = directory + "\u{0}" + name
        if let cached = cache.withLock({ $0[key] }) { return cached }
        let found = resolve(name, directory: directory)
        cache.withLock { if $0.count < cacheLimit { $0[key] = found } }
        return found
    }

    private static func resolve(_ name: String, directory: String) -> ZoneRules? {
        var text = Substring(name).trimmingWhitespace
        if text.count >= 2, let first = text.first, first == "\"" || first == "'", text.last == first {
            text = text.dropFirst().dropLast().trimmingWhitespace
        }
        let trimmed = String(text)
        guard !trimmed.isEmpty else { return nil }
        if isUTC(trimmed) { return .utc }
        if let rules = load(trimmed, directory: directory) { return rules }
        if let iana = WindowsZones.ianaName(forWindowsName: trimmed) {
            return isUTC(iana) ? .utc : load(iana, directory: directory)
        }
        // A vendor prefix before an Area/Location name: try each tail after a slash, longest first.
        var tail = Substring(trimmed)
        while let slash = tail.firstIndex(of: "/") {
            tail = tail[tail.index(after: slash)...]
            if isUTC(String(tail)) { return .utc }
            if tail.contains("/"), let rules = load(String(tail), directory: directory) { return rules }
        }
        return displayName(trimmed, directory: directory)
    }

    private static func isUTC(_ name: String) -> Bool {
        ["utc", "gmt", "z", "etc/utc", "etc/gmt", "uct", "zulu", "universal", "etc/uct", "etc/universal", "etc/zulu"]
            .contains(name.lowercased())
    }

    /// Outlook writes Windows display names: "(UTC+01:00) Amsterdam, Berlin, Bern, Rome, Stockholm,
    /// Vienna". Rather than a second table, the cities are looked up as IANA names and accepted when
    /// their standard offset matches; failing that, the stated offset is used as a fixed one.
    private static func displayName(_ text: String, directory: String) -> ZoneRules? {
        let bytes = Array(text.utf8)
        guard bytes.count >= 5, bytes[0] == 40, let close = bytes.firstIndex(of: 41),
              ["UTC", "GMT"].contains(String(decoding: bytes[1..<4], as: UTF8.self))
        else { return nil }
        var offset = 0
        let stated = bytes[4..<close]
        if !stated.isEmpty {
            let digits = stated.dropFirst().filter { $0 != 58 }  // without the sign and colon
            guard stated.first == 43 || stated.first == 45, digits.count == 4,
                  digits.allSatisfy({ $0 >= 48 && $0 <= 57 }),
                  let hours = Int(String(decoding: digits.prefix(2), as: UTF8.self)),
                  let minutes = Int(String(decoding: digits.suffix(2), as: UTF8.self)), hours <= 14, minutes < 60
            else { return nil }
            offset = (stated.first == 45 ? -1 : 1) * (hours * 3600 + minutes * 60)
        }
        let places = String(decoding: bytes[(close + 1)...], as: UTF8.self)
        if let iana = displayPhrases[Substring(places).trimmingWhitespace.lowercased()],
           let rules = load(iana, directory: directory) {
            return rules
        }
        for place in places.split(separator: ",") {
            let city = String(place.trimmingWhitespace).replacingSpaces
            for region in ["Europe", "America", "Asia", "Africa", "Australia", "Pacific", "Atlantic", "Indian"] {
                if let rules = load(region + "/" + city, directory: directory), standardOffset(rules) == offset {
                    return rules
                }
            }
        }
        if offset == 0 { return .utc }
        let sign = offset < 0 ? "-" : "+"
        let hours = abs(offset) / 3600, minutes = abs(offset) % 3600 / 60
        let identifier = "UTC" + sign + (hours < 10 ? "0" : "") + String(hours) + ":" + (minutes < 10 ? "0" : "") + String(minutes)
        return .fixed(offsetSeconds: offset, identifier: identifier)
    }

    /// Display names that name no city.
    private static let displayPhrases: [String: String] = [
        "pacific time (us & canada)": "America/Los_Angeles", "mountain time (us & canada)": "America/Denver",
        "central time (us & canada)": "America/Chicago", "eastern time (us & canada)": "America/New_York",
        "atlantic time (canada)": "America/Halifax", "alaska": "America/Anchorage", "hawaii": "Pacific/Honolulu",
        "arizona": "America/Phoenix", "indiana (east)": "America/Indiana/Indianapolis", "saskatchewan": "America/Regina",
        "newfoundland": "America/St_Johns", "brasilia": "America/Sao_Paulo", "greenland": "America/Nuuk",
        "beijing, chongqing, hong kong, urumqi": "Asia/Shanghai",
    ]

    /// The smaller of January's and July's offsets in 2025: what Windows display names state.
    private static func standardOffset(_ rules: ZoneRules) -> Int {
        min(rules.offset(atUTC: 1_736_899_200), rules.offset(atUTC: 1_752_537_600))
    }

    /// Reads `<directory>/<name>` when the name looks like an IANA name: an uppercase letter first
    /// (which leaves out `localtime`, `posixrules`, `right/`), then letters, digits, `_`, `-`, `+`
    /// and single slashes, so it cannot climb out of the directory.
    private static func load(_ name: String, directory: String) -> ZoneRules? {
        let allowed = name.utf8.allSatisfy { byte in
            (65...90).contains(byte) || (97...122).contains(byte) || (48...57).contains(byte) || [95, 45, 43, 47].contains(byte)
        }
        guard allowed, let first = name.utf8.first, (65...90).contains(first), name.utf8.count <= 128,
              !name.hasSuffix("/"), !name.contains("//"),
              let bytes = readFile(directory + "/" + name)
        else { return nil }
        return TZif.parse(bytes, identifier: name)
    }

    /// The whole file, or nil when it cannot be read (a directory, missing) or is implausibly large.
    private static func readFile(_ path: String, limit: Int = 1 << 20) -> [UInt8]? {
        guard let file = fopen(path, "rb") else { return nil }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 16_384)
        while true {
            let count = fread(&buffer, 1, buffer.count, file)
            bytes += buffer[0..<count]
            guard bytes.count <= limit else { return nil }
            if count < buffer.count { return ferror(file) == 0 ? bytes : nil }
        }
    }

    private static func environment(_ name: String) -> String? {
        guard let value = getenv(name) else { return nil }
        let text = String(cString: value)
        return text.isEmpty ? nil : text
    }
}

extension Substring {
    fileprivate var trimmingWhitespace: Substring {
        var text = self
        while let first = text.first, first.isWhitespace { text = text.dropFirst() }
        while let last = text.last, last.isWhitespace { text = text.dropLast() }
        return text
    }
}

extension String {
    fileprivate var replacingSpaces: String {
        String(map { $0 == " " ? "_" : $0 })
    }
}
