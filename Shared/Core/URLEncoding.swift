/// Percent-encoding of one URL component (a path segment or a query value): everything but
/// RFC 3986's unreserved characters is escaped. In Core because the secret redactor looks for
/// secrets in this form too.
package enum URLEncoding {
    package static func component(_ text: String) -> String {
        component(bytes: Array(text.utf8))
    }

    package static func component(bytes: [UInt8]) -> String {
        let hex = Array("0123456789ABCDEF".utf8)
        var result: [UInt8] = []
        result.reserveCapacity(bytes.count)
        for byte in bytes {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                result.append(byte)
            default:
                result += [UInt8(ascii: "%"), hex[Int(byte >> 4)], hex[Int(byte & 15)]]
            }
        }
        return String(decoding: result, as: UTF8.self)
    }

    /// `a=1&b=x%20y`, keys sorted so requests are stable.
    package static func query(_ parameters: [String: String]) -> String {
        parameters.sorted { $0.key < $1.key }.map { "\(component($0.key))=\(component($0.value))" }.joined(separator: "&")
    }
}
