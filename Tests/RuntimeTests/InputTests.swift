import Core
import FoundationEssentials
@testable import Runtime
import Testing

@Suite struct InputTests {
    @Test(arguments: ["", "   \n\t ", "\u{FEFF}"])
    func emptyInputIsAnEmptyObject(text: String) throws {
        let input = try InputReader.parse(Array(text.utf8))
        #expect(input.envelope == [:])
        #expect(input.bytes == Array("{}".utf8))
    }

    @Test func aByteOrderMarkIsSkipped() throws {
        let input = try InputReader.parse([0xEF, 0xBB, 0xBF] + Array(#"{"a":1}"#.utf8))
        #expect(input.envelope["a"] == 1)
    }

    @Test(arguments: [
        ("[1,2]", "the input must be a JSON object, got a JSON array"),
        ("42", "the input must be a JSON object, got a number"),
        ("\"text\"", "the input must be a JSON object, got a JSON string"),
        ("{\"a\":", "the input is not valid JSON (unexpected end of input at byte 5); send one JSON object (UTF-8)"),
        ("{'a': 1}", "the input is not valid JSON (expected a string key at byte 1); send one JSON object (UTF-8)"),
        ("{} {}", "the input is not valid JSON (unexpected text after the document at byte 3); send one JSON object (UTF-8)"),
    ])
    func nonObjectsAreInvalidRequests(text: String, message: String) {
        do {
            _ = try InputReader.parse(Array(text.utf8))
            Issue.record("expected an error for \(text)")
        } catch let error as BundleError {
            #expect(error.code == .invalidRequest)
            #expect(error.message == message)
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test func invalidUTF8IsAnInvalidRequest() {
        #expect(throws: BundleError(.invalidRequest, "the input is not valid JSON (invalid UTF-8 in a string at byte 2); send one JSON object (UTF-8)")) {
            try InputReader.parse([0x7B, 0x22, 0xFF, 0xFE, 0x22, 0x3A, 0x31, 0x7D])
        }
    }
}

struct TypedHandler: FunctionHandler {
    struct Input: Codable, Sendable {
        var score: Int
        var note: String?
        var tags: [String]?
    }

    static let manifest = FunctionManifest(name: "typed", summary: "test", input: Schema.any, output: Schema.any)

    func handle(_ input: Input, context: FunctionContext) async throws -> Input { input }
}

/// A handler whose manifest publishes a strict schema, as the bundle's functions do.
struct StrictHandler: FunctionHandler {
    static let manifest = FunctionManifest(name: "strict", summary: "test",
                                           input: Schema.object(["score": Schema.integer(minimum: 1), "note": Schema.string()], required: ["score"]),
                                           output: Schema.any)

    func handle(_ input: TypedHandler.Input, context: FunctionContext) async throws -> TypedHandler.Input { input }
}

@Suite struct InvocationTests {
    func context() -> FunctionContext {
        FunctionContext(function: "typed", requestID: "r", config: Config([:]), clock: .system, logger: .discarding,
                        deadline: Deadline(seconds: 5))
    }

    func failure(_ text: String) async -> BundleError? {
        do {
            _ = try await Invocation.run(TypedHandler(), bytes: Array(text.utf8), context: context())
            return nil
        } catch let error as BundleError {
            return error
        } catch {
            return nil
        }
    }

    @Test func aTypeMismatchNamesTheField() async {
        let error = await failure(#"{"score": "high"}"#)
        #expect(error?.code == .validationFailed)
        #expect(error?.message == "score: expected an integer")
        #expect(error?.details == [ErrorDetail(field: "score", problem: "expected an integer")])
    }

    @Test func nestedMismatchesAndMissingFieldsAreNamed() async {
        #expect(await failure(#"{"score": 1, "tags": ["a", 2]}"#)?.message == "tags[1]: expected a string")
        #expect(await failure(#"{"note": "x"}"#)?.message == "score: is required")
    }

    @Test func unknownFieldsAndTheHTTPEnvelopeAreIgnored() async throws {
        let bytes = try await Invocation.run(TypedHandler(), bytes: Array(#"{"score": 1, "_http": {"method": "GET"}, "x": 2}"#.utf8),
                                             context: context())
        #expect(String(decoding: bytes, as: UTF8.self) == #"{"note":null,"score":1,"tags":null}"#)
    }

    @Test func theManifestSchemaIsCheckedBeforeTheHandlerRuns() async throws {
        func run(_ text: String) async throws -> String {
            String(decoding: try await Invocation.run(StrictHandler(), bytes: Array(text.utf8), context: context()), as: UTF8.self)
        }
        do {
            _ = try await run(#"{"score": 1, "scores": 2}"#)
            Issue.record("an unknown field was accepted")
        } catch let error as BundleError {
            #expect(error.code == .validationFailed)
            #expect(error.message == "scores: unknown field; did you mean score?")
        }
        do {
            _ = try await run(#"{"score": 0}"#)
            Issue.record("a value below the minimum was accepted")
        } catch let error as BundleError {
            #expect(error.message == "score: must be at least 1")
        }
        #expect(try await run(#"{"score": 5.0, "_http": {"method": "POST"}}"#) == #"{"note":null,"score":5,"tags":null}"#)
    }

    @Test func unknownErrorsBecomeInternalWithoutTheirDescription() {
        struct Secretive: Error { let detail = "stack trace and sk-123" }
        let error = Invocation.bundleError(Secretive(), logger: .discarding)
        #expect(error.code == .internal)
        #expect(!error.message.contains("sk-123"))
        #expect(Invocation.bundleError(CancellationError(), logger: .discarding).code == .timeout)
    }
}
