import Core

/// What every function implements: a typed input, a typed output, and a manifest entry. The
/// runtime does the rest (stdin, errors, logs, deadline, `--describe`), in the style of
/// swift-aws-lambda-runtime's handler protocol.
package protocol FunctionHandler: Sendable {
    associatedtype Input: Decodable & Sendable
    associatedtype Output: Encodable & Sendable

    static var manifest: FunctionManifest { get }

    init()

    func handle(_ input: Input, context: FunctionContext) async throws -> Output
}

/// The input of functions that take none (extra fields, such as `_http`, are ignored).
package struct NoInput: Codable, Sendable {
    package init() {}
}
