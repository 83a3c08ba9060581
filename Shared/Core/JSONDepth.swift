/// The one nesting rule for the documents functions exchange. No document the bundle reads nests
/// deeper than `JSONParser.maximumDepth` (256); a function's output is held to that limit when it
/// is written, so the gateway and the worker, which read it back with the same parser, can always
/// read it. A function's input is held to half of it, because outputs carry inputs a few levels
/// down (a job's input in `GET /jobs`, a request echoed in an answer): a 254-level job input once
/// made every job listing that included it unreadable.
package enum JSONDepth {
    /// Levels an output may nest: what the parser reads back.
    package static let maximumOutput = JSONParser.maximumDepth
    /// Levels an input may nest (the whole object, `_http` included).
    package static let maximumInput = JSONParser.maximumDepth / 2

    /// Levels of nesting: a scalar is 0, `{}` and `[1]` are 1, `{"a": [1]}` is 2. Stops counting
    /// past `limit` (the caller only needs to know it is too deep).
    package static func depth(of value: JSONValue, limit: Int = .max) -> Int {
        var deepest = 0
        var pending: [(JSONValue, Int)] = [(value, 0)]
        while let (current, level) = pending.popLast() {
            switch current {
            case .array(let items):
                deepest = max(deepest, level + 1)
                if deepest > limit { return deepest }
                for item in items { if item.isContainer { pending.append((item, level + 1)) } }
            case .object(let fields):
                deepest = max(deepest, level + 1)
                if deepest > limit { return deepest }
                for item in fields.values { if item.isContainer { pending.append((item, level + 1)) } }
            default:
                break
            }
        }
        return deepest
    }

    /// `invalid_request` when an input nests deeper than `maximumInput`.
    package static func checkInput(_ value: JSONValue) throws {
        let depth = depth(of: value, limit: maximumInput)
        guard depth <= maximumInput else {
            throw BundleError(.invalidRequest, "the input nests more than \(maximumInput) levels deep; send at most \(maximumInput)")
        }
    }

    /// `internal` when a function's output nests deeper than its readers accept: the fault is the
    /// function's, reported where it happens rather than as an unreadable answer further on.
    package static func checkOutput(_ value: JSONValue) throws {
        let depth = depth(of: value, limit: maximumOutput)
        guard depth <= maximumOutput else {
            throw BundleError(.internal, "the function's output nests more than \(maximumOutput) levels deep, more than its readers accept")
        }
    }
}

extension JSONValue {
    fileprivate var isContainer: Bool {
        switch self {
        case .array, .object: true
        default: false
        }
    }
}
