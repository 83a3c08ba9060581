import Core
import FoundationEssentials

/// Decodes a turbo-stream payload (React Router 7's loader data, which ChatGPT's share pages push
/// through `streamController.enqueue("…")`) into plain JSON. The format is a flat JSON array per
/// line: every value once, referenced by its index; objects as `{"_<keyIndex>": <valueIndex>}`,
/// arrays as lists of indices, negative indices as constants (undefined, null, NaN, ±Infinity,
/// -0, array holes), typed values as `["D", ms]` (date), `["P", id]` (a promise, resolved by a
/// later `P<id>:<json>` line), `["S", …]`, `["M", k, v, …]`, `["Z", index]` and so on. Later lines
/// append to the same value list.
///
/// Hostile input is bounded: the payload's size (the page's cap), a depth limit, and a cap on
/// the nodes of the decoded tree counted with shared references expanded, so references that fan
/// out (`a = [b, b]`, `b = [c, c]`, …) cannot blow up time or memory; each index is decoded once
/// and reused. A reference back into a value being decoded (a cycle) becomes null: JSON has none.
package struct TurboStream {
    package static let maxDepth = 200
    package static let maxNodes = 2_000_000

    /// Why a payload cannot be decoded.
    package struct Failure: Error, Equatable, CustomStringConvertible {
        package var reason: String
        package var description: String { reason }
    }

    private var values: [JSONValue] = []
    private var promises: [Int: Int] = [:]
    private var decoded: [Int: (value: JSONValue, size: Int)] = [:]
    private var inProgress: Set<Int> = []
    private let maxNodes: Int

    private init(maxNodes: Int) {
        self.maxNodes = maxNodes
    }

    /// The value the payload's first line encodes, with promises resolved by later lines.
    package static func decode(_ payload: String, maxNodes: Int = TurboStream.maxNodes) throws(Failure) -> JSONValue {
        var stream = TurboStream(maxNodes: maxNodes)
        var root: Int?
        for line in payload.split(separator: "\n", omittingEmptySubsequences: true) {
            let text = line.trimmingWhitespace()
            if text.isEmpty { continue }
            if root == nil {
                root = try stream.append(Substring(text))
                continue
            }
            guard let kind = text.first, kind == "P" || kind == "E", let colon = text.firstIndex(of: ":"),
                  let id = Int(text[text.index(after: text.startIndex)..<colon]) else {
                throw Failure(reason: "a turbo-stream line is neither the data nor a promise's value")
            }
            let resolved = try stream.append(text[text.index(after: colon)...])
            // A rejected promise's value is an error: the data it stood for is absent.
            if kind == "P" { stream.promises[id] = resolved }
        }
        guard let root else { throw Failure(reason: "the turbo-stream payload is empty") }
        return try stream.value(at: root, depth: 0).value
    }

    /// Parses one line's JSON: an array of values appended to the list (its first is the line's
    /// value), or a number naming a value already there.
    private mutating func append(_ text: Substring) throws(Failure) -> Int {
        let parsed: JSONValue
        do {
            parsed = try JSONParser.parse(String(text))
        } catch {
            throw Failure(reason: "a turbo-stream line is not JSON (\(error))")
        }
        switch parsed {
        case .number:
            guard let index = parsed.intValue else { throw Failure(reason: "a turbo-stream reference is not an integer") }
            return index
        case .array(let items) where !items.isEmpty:
            let start = values.count
            values.append(contentsOf: items)
            return start
        default:
            throw Failure(reason: "a turbo-stream line is not a list of values")
        }
    }

    private mutating func value(at index: Int, depth: Int) throws(Failure) -> (value: JSONValue, size: Int) {
        // Negative indices are constants; none of them has a JSON form but null.
        if index < 0 { return (.null, 1) }
        guard index < values.count else { throw Failure(reason: "a turbo-stream reference points past the data") }
        if let done = decoded[index] { return done }
        guard depth < Self.maxDepth else { throw Failure(reason: "the turbo-stream data is nested more than \(Self.maxDepth) deep") }
        if inProgress.contains(index) { return (.null, 1) }
        inProgress.insert(index)
        defer { inProgress.remove(index) }
        var size = 1
        let limit = maxNodes
        func add(_ child: (value: JSONValue, size: Int)) throws(Failure) -> JSONValue {
            size += child.size
            guard size <= limit else { throw Failure(reason: "the turbo-stream data expands to more than \(limit) values") }
            return child.value
        }
        let result: JSONValue
        switch values[index] {
        case .array(let items):
            if case .string(let type)? = items.first {
                result = try typed(type, items, depth: depth, add: add)
            } else {
                var array: [JSONValue] = []
                array.reserveCapacity(items.count)
                for item in items {
                    guard let child = item.intValue else { throw Failure(reason: "a turbo-stream list holds something other than references") }
                    array.append(try add(try value(at: child, depth: depth + 1)))
                }
                result = .array(array)
            }
        case .object(let fields):
            result = .object(try object(fields, depth: depth, add: add))
        case let primitive:
            result = primitive
        }
        decoded[index] = (result, size)
        return (result, size)
    }

    private mutating func object(_ fields: [String: JSONValue], depth: Int,
                                 add: (_ child: (value: JSONValue, size: Int)) throws(Failure) -> JSONValue) throws(Failure) -> [String: JSONValue] {
        var object: [String: JSONValue] = [:]
        for (encodedKey, reference) in fields {
            var key = encodedKey
            // `_<n>`: the key is the string at index n (turbo-stream 2.4); older payloads wrote keys as they are.
            if encodedKey.hasPrefix("_"), let keyIndex = Int(encodedKey.dropFirst()) {
                guard keyIndex >= 0, keyIndex < values.count, case .string(let name) = values[keyIndex] else {
                    throw Failure(reason: "a turbo-stream object key does not point to a string")
                }
                key = name
            }
            guard let child = reference.intValue else { throw Failure(reason: "a turbo-stream object holds something other than references") }
            object[key] = try add(try value(at: child, depth: depth + 1))
        }
        return object
    }

    private mutating func typed(_ type: String, _ items: [JSONValue], depth: Int,
                                add: (_ child: (value: JSONValue, size: Int)) throws(Failure) -> JSONValue) throws(Failure) -> JSONValue {
        let argument = items.count > 1 ? items[1] : .null
        switch type {
        case "D":
            guard let milliseconds = argument.doubleValue, milliseconds.isFinite, abs(milliseconds) < 1e15 else { return .null }
            return .string(Timestamp.format(Date(timeIntervalSince1970: milliseconds / 1000), milliseconds: true))
        case "U", "B", "R":
            return argument.stringValue.map(JSONValue.string) ?? .null
        case "P", "Z":
            // A promise is its resolved value (when a later line resolved it); `Z` repeats an earlier one.
            guard let id = argument.intValue else { return .null }
            let target = type == "P" ? promises[id] : id
            guard let target else { return .null }
            return try add(try value(at: target, depth: depth + 1))
        case "S":
            var array: [JSONValue] = []
            for item in items.dropFirst() {
                guard let child = item.intValue else { return .null }
                array.append(try add(try value(at: child, depth: depth + 1)))
            }
            return .array(array)
        case "M":
            var object: [String: JSONValue] = [:]
            var index = 1
            while index + 1 < items.count {
                guard let keyIndex = items[index].intValue, let valueIndex = items[index + 1].intValue else { return .null }
                let key = try add(try value(at: keyIndex, depth: depth + 1))
                let mapped = try add(try value(at: valueIndex, depth: depth + 1))
                object[key.stringValue ?? key.jsonText] = mapped
                index += 2
            }
            return .object(object)
        case "N":
            guard case .object(let fields) = argument else { return .null }
            return .object(try object(fields, depth: depth, add: add))
        default:
            // Errors, symbols and plugin types carry no data a conversation needs.
            return .null
        }
    }
}
