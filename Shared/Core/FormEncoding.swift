/// `application/x-www-form-urlencoded` (query strings and form bodies). A name that appears more
/// than once becomes an array of its values, in order. Linear in the text, and at most
/// `maxFields` fields: more is `payload_too_large` before anything is decoded (a public webhook
/// must not be made to work hard by a body of many tiny fields).
package enum FormEncoding {
    /// The most fields (or multipart parts) one request may carry; a form people or webhooks
    /// send has dozens.
    package static let maxFields = 1_000

    package static func fields(_ text: String, limit: Int = maxFields) throws -> [String: JSONValue] {
        // Counted before anything is split or decoded, stopping at the first field past the cap.
        var count = 0
        var inField = false
        for byte in text.utf8 {
            if byte == UInt8(ascii: "&") {
                inField = false
            } else if !inField {
                inField = true
                count += 1
                if count > limit { throw tooMany(limit: limit, what: "form fields") }
            }
        }
        let pairs = text.utf8.split(separator: UInt8(ascii: "&"), omittingEmptySubsequences: true)
        var grouped = RepeatedFields()
        for pair in pairs {
            let parts = pair.split(separator: UInt8(ascii: "="), maxSplits: 1, omittingEmptySubsequences: false)
            guard let name = PercentEncoding.decode(String(decoding: parts[0], as: UTF8.self), plusIsSpace: true), !name.isEmpty else { continue }
            let raw = parts.count > 1 ? String(decoding: parts[1], as: UTF8.self) : ""
            grouped.append(.string(PercentEncoding.decode(raw, plusIsSpace: true) ?? raw), to: name)
        }
        return grouped.fields
    }

    package static func tooMany(limit: Int, what: String) -> BundleError {
        BundleError(.payloadTooLarge, "the request has more than \(limit) \(what); at most \(limit) are accepted")
    }

    /// `name=value&…` in the order given, each part percent-encoded (a request body to send).
    package static func encode(_ pairs: [(String, String)]) -> String {
        pairs.map { "\(URLEncoding.component($0.0))=\(URLEncoding.component($0.1))" }.joined(separator: "&")
    }

    /// The same pairs in order, for signatures that sort them (Twilio).
    package static func pairs(_ text: String) -> [(String, String)] {
        text.split(separator: "&", omittingEmptySubsequences: true).compactMap { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let name = PercentEncoding.decode(String(parts[0]), plusIsSpace: true) else { return nil }
            let raw = parts.count > 1 ? String(parts[1]) : ""
            return (name, PercentEncoding.decode(raw, plusIsSpace: true) ?? raw)
        }
    }
}

/// Values gathered per name in linear time: a name seen once is its value, a repeated one the
/// array of its values in order (appending to an array held in a dictionary of `JSONValue` copied
/// it on every repeat, which made 100,000 repeats take seconds).
package struct RepeatedFields {
    private var values: [String: [JSONValue]] = [:]

    package init() {}

    package mutating func append(_ value: JSONValue, to name: String) {
        values[name, default: []].append(value)
    }

    package var fields: [String: JSONValue] {
        values.mapValues { $0.count == 1 ? $0[0] : .array($0) }
    }
}
