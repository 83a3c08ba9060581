import FoundationEssentials

/// Encodes `Encodable` types into a `JSONValue` (then `jsonText` for bytes). The bundle's own
/// encoder rather than `JSONEncoder`, for the same start-up reason as `JSONValueDecoder`. Nil
/// optionals are written as `null` (schemas list optional fields as required and nullable, which
/// OpenAI's strict mode needs); dates become ISO-8601 strings with `Z`; non-finite numbers and
/// integers beyond 2^53 (not exact in JSON numbers) are errors. The bundle's types hold URLs as
/// strings and bytes as base64 strings: supporting `URL` and `Data` here would link Foundation's
/// URL parser into every binary (+5 MiB, measured).
package enum JSONValueEncoder {
    package static func encode<T: Encodable>(_ value: T) throws -> JSONValue {
        try box(value, codingPath: [])
    }

    fileprivate static func box<T: Encodable>(_ value: T, codingPath: @autoclosure () -> [any CodingKey]) throws -> JSONValue {
        // The common types by identity first: a metatype comparison is far cheaper than the
        // failing dynamic casts below, which every nested value used to go through.
        let type = ObjectIdentifier(T.self)
        if type == ObjectIdentifier(String.self) { return .string(value as! String) }
        if type == ObjectIdentifier(Double.self) { return try finite(value as! Double, codingPath()) }
        if type == ObjectIdentifier(Int.self) { return try exact(value as! Int, codingPath()) }
        if type == ObjectIdentifier(Bool.self) { return .bool(value as! Bool) }
        if type == ObjectIdentifier([String].self) { return .array((value as! [String]).map(JSONValue.string)) }
        switch value {
        case let json as JSONValue: return json
        case let text as String: return .string(text)
        case let flag as Bool: return .bool(flag)
        case let date as Date: return .string(Timestamp.format(date))
        case let number as Double: return try finite(number, codingPath())
        case let number as Float: return try finite(Double(number), codingPath())
        // Concrete casts: a cast to `any BinaryInteger` would make the runtime search every
        // protocol conformance of the binary for each new type (measured at process start).
        case let number as Int: return try exact(number, codingPath())
        case let number as Int64: return try exact(number, codingPath())
        case let number as Int32: return try exact(number, codingPath())
        case let number as Int16: return try exact(number, codingPath())
        case let number as Int8: return try exact(number, codingPath())
        case let number as UInt: return try exact(number, codingPath())
        case let number as UInt64: return try exact(number, codingPath())
        case let number as UInt32: return try exact(number, codingPath())
        case let number as UInt16: return try exact(number, codingPath())
        case let number as UInt8: return try exact(number, codingPath())
        default:
            let encoder = ValueEncoder(codingPath: codingPath())
            try value.encode(to: encoder)
            return encoder.node.resolve()
        }
    }

    fileprivate static func exact<I: BinaryInteger>(_ number: I, _ codingPath: @autoclosure () -> [any CodingKey]) throws -> JSONValue {
        guard number.magnitude <= 9_007_199_254_740_991 else {
            throw EncodingError.invalidValue(number, .init(codingPath: codingPath(),
                                                           debugDescription: "integers beyond 2^53 are not exact in JSON"))
        }
        return .number(Double(number))
    }

    fileprivate static func finite(_ number: Double, _ codingPath: @autoclosure () -> [any CodingKey]) throws -> JSONValue {
        guard number.isFinite else {
            throw EncodingError.invalidValue(number, .init(codingPath: codingPath(), debugDescription: "JSON has no \(number)"))
        }
        return .number(number)
    }
}

/// A value under construction: containers hand out child nodes and write into them in place.
private final class Node {
    enum Content {
        case empty
        case value(JSONValue)
        case object([String: Node])
        case array([Node])
    }

    var content: Content = .empty

    func resolve() -> JSONValue {
        switch content {
        case .empty: return [:]
        case .value(let value): return value
        case .object(let fields): return .object(fields.mapValues { $0.resolve() })
        case .array(let items): return .array(items.map { $0.resolve() })
        }
    }

    func makeObject() {
        if case .object = content { return }
        content = .object([:])
    }

    func makeArray() {
        if case .array = content { return }
        content = .array([])
    }

    func child(forKey key: String) -> Node {
        makeObject()
        guard case .object(var fields) = content else { return Node() }
        if let existing = fields[key] { return existing }
        // Dropped from `content` first, so `fields` is the only reference and grows in place
        // (otherwise each key copied the whole dictionary: quadratic in its size).
        content = .empty
        let node = Node()
        fields[key] = node
        content = .object(fields)
        return node
    }

    func appendChild() -> Node {
        makeArray()
        guard case .array(var items) = content else { return Node() }
        content = .empty
        let node = Node()
        items.append(node)
        content = .array(items)
        return node
    }

    var count: Int {
        if case .array(let items) = content { return items.count }
        return 0
    }
}

private final class ValueEncoder: Encoder {
    let node: Node
    let codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    init(codingPath: [any CodingKey], node: Node = Node()) {
        self.codingPath = codingPath
        self.node = node
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        node.makeObject()
        return KeyedEncodingContainer(KeyedContainer<Key>(node: node, codingPath: codingPath))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        node.makeArray()
        return UnkeyedContainer(node: node, codingPath: codingPath)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer {
        SingleContainer(node: node, codingPath: codingPath)
    }
}

private struct KeyedContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let node: Node
    let codingPath: [any CodingKey]

    mutating func encodeNil(forKey key: Key) throws { node.child(forKey: key.stringValue).content = .value(.null) }

    // Synthesized Codable calls these for optionals; the defaults would leave nil out.
    mutating func encodeIfPresent<T: Encodable>(_ value: T?, forKey key: Key) throws { try encodeOrNull(value, key) }
    mutating func encodeIfPresent(_ value: Bool?, forKey key: Key) throws { try encodeOrNull(value, key) }
    mutating func encodeIfPresent(_ value: String?, forKey key: Key) throws { try encodeOrNull(value, key) }
    mutating func encodeIfPresent(_ value: Double?, forKey key: Key) throws { try encodeOrNull(value, key) }
    mutating func encodeIfPresent(_ value: Float?, forKey key: Key) throws { try encodeOrNull(value, key) }
    mutating func encodeIfPresent(_ value: Int?, forKey key: Key) throws { try encodeOrNull(value, key) }
    mutating func encodeIfPresent(_ value: Int8?, forKey key: Key) throws { try encodeOrNull(value, key) }
    mutating func encodeIfPresent(_ value: Int16?, forKey key: Key) throws { try encodeOrNull(value, key) }
    mutating func encodeIfPresent(_ value: Int32?, forKey key: Key) throws { try encodeOrNull(value, key) }
    mutating func encodeIfPresent(_ value: Int64?, forKey key: Key) throws { try encodeOrNull(value, key) }
    mutating func encodeIfPresent(_ value: UInt?, forKey key: Key) throws { try encodeOrNull(value, key) }
    mutating func encodeIfPresent(_ value: UInt8?, forKey key: Key) throws { try encodeOrNull(value, key) }
    mutating func encodeIfPresent(_ value: UInt16?, forKey key: Key) throws { try encodeOrNull(value, key) }
    mutating func encodeIfPresent(_ value: UInt32?, forKey key: Key) throws { try encodeOrNull(value, key) }
    mutating func encodeIfPresent(_ value: UInt64?, forKey key: Key) throws { try encodeOrNull(value, key) }

    private mutating func encodeOrNull<T: Encodable>(_ value: T?, _ key: Key) throws {
        if let value { try encode(value, forKey: key) } else { try encodeNil(forKey: key) }
    }

    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        node.child(forKey: key.stringValue).content = .value(try JSONValueEncoder.box(value, codingPath: codingPath + [key]))
    }

    // Synthesized Codable calls these directly for properties of these types.
    mutating func encode(_ value: String, forKey key: Key) throws { node.child(forKey: key.stringValue).content = .value(.string(value)) }
    mutating func encode(_ value: Bool, forKey key: Key) throws { node.child(forKey: key.stringValue).content = .value(.bool(value)) }
    mutating func encode(_ value: Double, forKey key: Key) throws {
        node.child(forKey: key.stringValue).content = .value(try JSONValueEncoder.finite(value, codingPath + [key]))
    }
    mutating func encode(_ value: Int, forKey key: Key) throws {
        node.child(forKey: key.stringValue).content = .value(try JSONValueEncoder.exact(value, codingPath + [key]))
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
        let child = node.child(forKey: key.stringValue)
        child.makeObject()
        return KeyedEncodingContainer(KeyedContainer<NestedKey>(node: child, codingPath: codingPath + [key]))
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        let child = node.child(forKey: key.stringValue)
        child.makeArray()
        return UnkeyedContainer(node: child, codingPath: codingPath + [key])
    }

    mutating func superEncoder() -> any Encoder {
        ValueEncoder(codingPath: codingPath, node: node.child(forKey: "super"))
    }

    mutating func superEncoder(forKey key: Key) -> any Encoder {
        ValueEncoder(codingPath: codingPath + [key], node: node.child(forKey: key.stringValue))
    }
}

private struct UnkeyedContainer: UnkeyedEncodingContainer {
    let node: Node
    let codingPath: [any CodingKey]
    var count: Int { node.count }

    mutating func encodeNil() throws { node.appendChild().content = .value(.null) }

    mutating func encode<T: Encodable>(_ value: T) throws {
        let index = count
        let boxed = try JSONValueEncoder.box(value, codingPath: codingPath + [JSONIndexKey(index)])
        node.appendChild().content = .value(boxed)
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
        let path = codingPath + [JSONIndexKey(count)]
        let child = node.appendChild()
        child.makeObject()
        return KeyedEncodingContainer(KeyedContainer<NestedKey>(node: child, codingPath: path))
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        let path = codingPath + [JSONIndexKey(count)]
        let child = node.appendChild()
        child.makeArray()
        return UnkeyedContainer(node: child, codingPath: path)
    }

    mutating func superEncoder() -> any Encoder {
        ValueEncoder(codingPath: codingPath + [JSONIndexKey(count)], node: node.appendChild())
    }
}

private struct SingleContainer: SingleValueEncodingContainer {
    let node: Node
    let codingPath: [any CodingKey]

    mutating func encodeNil() throws { node.content = .value(.null) }

    mutating func encode<T: Encodable>(_ value: T) throws {
        node.content = .value(try JSONValueEncoder.box(value, codingPath: codingPath))
    }
}
