import Core
import FoundationEssentials
import HTTPTransport
import Providers
import TestSupport
import Testing

/// The OpenAI-compatible embeddings client against a loopback server speaking the wire format
/// (float and base64 answers, shuffled indexes, no usage, errors), the offline embedder, and
/// how the provider is chosen from the configuration.
@Suite struct EmbeddingsTests {
    static func floats(_ values: [Float]) -> JSONValue { .array(values.map { .number(Double($0)) }) }

    static func base64(_ values: [Float]) -> JSONValue {
        var bytes: [UInt8] = []
        for value in values { withUnsafeBytes(of: value.bitPattern.littleEndian) { bytes += $0 } }
        return .string(Data(bytes).base64EncodedString())
    }

    @Test func floatAnswersArePlacedByIndexAndNormalised() async throws {
        // Out of order and without usage, as some servers answer.
        let server = try LoopbackServer.sequence([.json(200, ["data": [
            ["index": 1, "embedding": Self.floats([0, 3, 4])],
            ["index": 0, "embedding": Self.floats([2, 0, 0])],
        ]])])
        let embedder = OpenAIEmbedder(baseURL: server.baseURL + "/v1", apiKey: "sk-embed-test", model: "text-embedding-3-small", transport: CurlTransport())
        let vectors = try await embedder.embed(["first", "second"], deadline: Deadline(seconds: 10))
        #expect(vectors == [[1, 0, 0], [0, 0.6, 0.8]])
        let request = try #require(server.requests.first)
        #expect(request.path == "/v1/embeddings")
        #expect(request.header("authorization") == "Bearer sk-embed-test")
        #expect(request.json?["model"] == "text-embedding-3-small")
        #expect(request.json?["input"] == ["first", "second"])
    }

    @Test func base64AnswersAreLittleEndianFloat32() async throws {
        let server = try LoopbackServer.sequence([.json(200, ["data": [["index": 0, "embedding": Self.base64([0, -4, 3])]],
                                                                "usage": ["prompt_tokens": 2, "total_tokens": 2]])])
        let embedder = OpenAIEmbedder(baseURL: server.baseURL, apiKey: nil, model: "m", transport: CurlTransport())
        let vectors = try await embedder.embed(["x"], deadline: Deadline(seconds: 10))
        #expect(vectors == [[0, -0.8, 0.6]])
        #expect(server.requests.first?.header("authorization") == nil)
    }

    @Test func inputsGoInBoundedBatchesAndComeBackInOrder() async throws {
        let server = try LoopbackServer { request in
            let inputs = request.json?["input"]?.arrayValue ?? []
            // Each text's vector points along the axis its number names, listed in reverse.
            let data: [JSONValue] = inputs.enumerated().reversed().map { index, text in
                var vector = [Float](repeating: 0, count: 8)
                vector[Int(text.stringValue ?? "0") ?? 0] = 1
                return ["index": .number(Double(index)), "embedding": Self.floats(vector)]
            }
            return .json(200, ["data": .array(data)])
        }
        let embedder = OpenAIEmbedder(baseURL: server.baseURL, apiKey: nil, model: "m", transport: CurlTransport(), batchSize: 3)
        let texts = (0..<8).map(String.init)
        let vectors = try await embedder.embed(texts, deadline: Deadline(seconds: 10))
        #expect(server.requests.map { $0.json?["input"]?.arrayValue?.count ?? 0 } == [3, 3, 2])
        for (index, vector) in vectors.enumerated() { #expect(vector.firstIndex(of: 1) == index) }
    }

    @Test(arguments: [
        (#"{"data": [{"index": 0, "embedding": [1, 0]}]}"#, "1 embeddings for 2 inputs"),
        (#"{"data": [{"index": 0, "embedding": [1, 0]}, {"index": 0, "embedding": [0, 1]}]}"#, "repeated"),
        (#"{"data": [{"index": 0, "embedding": [1, 0]}, {"index": 1, "embedding": [0, 1, 0]}]}"#, "different dimensions"),
        (#"{"data": [{"index": 0, "embedding": "%%%"}, {"index": 1, "embedding": [0, 1]}]}"#, "base64"),
        (#"{"object": "list"}"#, "no data array"),
    ])
    func malformedAnswersAreUpstreamFailures(answer: String, problem: String) async throws {
        let server = try LoopbackServer.sequence([.text(200, answer, headers: ["content-type": "application/json"])])
        let embedder = OpenAIEmbedder(baseURL: server.baseURL, apiKey: nil, model: "m", transport: CurlTransport())
        let error = await #expect(throws: BundleError.self) { try await embedder.embed(["a", "b"], deadline: Deadline(seconds: 10)) }
        #expect(error?.code == .upstreamFailed)
        #expect(error?.message.contains(problem) == true, "\(error?.message ?? "")")
    }

    @Test func errorsMapLikeTheLLMProvider() async throws {
        let server = try LoopbackServer.sequence([
            .json(429, ["error": ["message": "Rate limit reached", "type": "requests"]]),
            .json(500, ["error": ["message": "boom"]]),
            .json(401, ["error": ["message": "Incorrect API key provided: sk-embed-secret", "code": "invalid_api_key"]]),
        ])
        let embedder = OpenAIEmbedder(baseURL: server.baseURL, apiKey: "sk-embed-secret", model: "m", transport: CurlTransport())
        let limited = await #expect(throws: BundleError.self) { try await embedder.embed(["a"], deadline: Deadline(seconds: 10)) }
        #expect(limited?.code == .rateLimited)
        let failed = await #expect(throws: BundleError.self) { try await embedder.embed(["a"], deadline: Deadline(seconds: 10)) }
        #expect(failed?.code == .upstreamFailed)
        let refused = await #expect(throws: BundleError.self) { try await embedder.embed(["a"], deadline: Deadline(seconds: 10)) }
        #expect(refused?.message.contains("EMBEDDINGS_API_KEY") == true)
        #expect(refused?.message.contains("sk-embed-secret") == false)
    }

    @Test func theOfflineEmbedderIsDeterministicUnitLengthAndSharesWordParts() async throws {
        let embedder = OfflineEmbedder()
        let vectors = try await embedder.embed(["managed relational databases", "managed relational database", "lifelike speech voices", ""],
                                               deadline: Deadline(seconds: 1))
        #expect(embedder.provider == "offline")
        #expect(embedder.model == OfflineEmbedder.modelName)
        #expect(vectors[0].count == 384)
        func dot(_ a: [Float], _ b: [Float]) -> Float { zip(a, b).reduce(0) { $0 + $1.0 * $1.1 } }
        #expect(abs(dot(vectors[0], vectors[0]) - 1) < 1e-5)
        #expect(dot(vectors[0], vectors[1]) > 0.5)
        #expect(dot(vectors[0], vectors[1]) > dot(vectors[0], vectors[2]) + 0.3)
        #expect(vectors[3].allSatisfy { $0 == 0 })
        #expect(try await embedder.embed(["managed relational databases"], deadline: Deadline(seconds: 1)) == [vectors[0]])
    }

    @Test func selectionFollowsTheConfiguration() throws {
        #expect(try EmbeddingsSelection.make(Config([:]), transport: NoNetwork()).provider == "offline")
        let local = try EmbeddingsSelection.make(Config(["EMBEDDINGS_BASE_URL": "http://127.0.0.1:9/v1", "EMBEDDINGS_MODEL": "all-minilm"]),
                                                 transport: NoNetwork())
        #expect(local.provider == "openai")
        #expect(local.model == "all-minilm")
        // The LLM's OpenAI settings are the default.
        let fromLLM = try #require(try EmbeddingsSelection.make(Config(["OPENAI_API_KEY": "sk-llm-key"]), transport: NoNetwork()) as? OpenAIEmbedder)
        #expect(fromLLM.baseURL == "https://api.openai.com/v1")
        #expect(fromLLM.model == OpenAIEmbedder.defaultModel)
        // Anthropic has no embeddings endpoint: offline.
        #expect(try EmbeddingsSelection.make(Config(["ANTHROPIC_API_KEY": "sk-ant"]), transport: NoNetwork()).provider == "offline")
        let missing = #expect(throws: BundleError.self) {
            try EmbeddingsSelection.make(Config(["EMBEDDINGS_PROVIDER": "openai"]), transport: NoNetwork())
        }
        #expect(missing?.code == .misconfigured)
        #expect(missing?.details?.first?.field == "EMBEDDINGS_API_KEY")
        let unknown = #expect(throws: BundleError.self) { try EmbeddingsSelection.make(Config(["EMBEDDINGS_PROVIDER": "torch"]), transport: NoNetwork()) }
        #expect(unknown?.details?.first?.field == "EMBEDDINGS_PROVIDER")
        #expect(Config.isSecretName("EMBEDDINGS_API_KEY"))
        #expect(Config(["EMBEDDINGS_API_KEY": "sk-embeddings-secret"]).secretValues.contains("sk-embeddings-secret"))
    }
}

/// Vectors whose squared length overflows or underflows a Float still come back at unit length.
@Suite struct EmbeddingsExtremeValuesTests {
    @Test func hugeAndTinyComponentsAreNormalisedNotPassedThrough() async throws {
        let server = try LoopbackServer.sequence([.json(200, ["data": [
            ["index": 0, "embedding": EmbeddingsTests.floats([3e30, -4e30, 0])],
            ["index": 1, "embedding": EmbeddingsTests.floats([3e-30, 4e-30, 0])],
        ]])])
        let embedder = OpenAIEmbedder(baseURL: server.baseURL, apiKey: nil, model: "m", transport: CurlTransport())
        let vectors = try await embedder.embed(["huge", "tiny"], deadline: Deadline(seconds: 10))
        #expect(vectors.count == 2)
        for (vector, expected) in zip(vectors, [[Float(0.6), -0.8, 0], [0.6, 0.8, 0]]) {
            #expect(vector.count == expected.count && zip(vector, expected).allSatisfy { abs($0 - $1) < 1e-6 }, "\(vector)")
        }
    }
}
