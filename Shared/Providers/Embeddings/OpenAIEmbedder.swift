import Core
import FoundationEssentials
import HTTPTransport

/// Embeddings from any OpenAI-compatible `POST {base}/embeddings` (OpenAI, Ollama, llama.cpp with
/// `--embeddings`, text-embeddings-inference). Parsed defensively: results are placed by their
/// `index` (servers may answer out of order), `usage` may be missing, and each embedding may be a
/// float array or base64 of little-endian float32. Texts go in batches of at most `batchSize`;
/// every vector is normalised here, whatever the server did.
package struct OpenAIEmbedder: Embedder {
    package let provider = "openai"
    package let model: String
    package let baseURL: String
    private let apiKey: String?
    private let keyVariable: String
    private let transport: any Transport
    package let batchSize: Int

    package static let defaultModel = "text-embedding-3-small"
    /// Longer texts are cut before sending: servers reject inputs beyond their context.
    static let maximumCharacters = 8_000

    package init(baseURL: String, apiKey: String?, keyVariable: String = "EMBEDDINGS_API_KEY", model: String,
                 transport: any Transport, batchSize: Int = 64) {
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.apiKey = apiKey
        self.keyVariable = keyVariable
        self.model = model
        self.transport = transport
        self.batchSize = min(max(batchSize, 1), 2048)
    }

    private var host: String { HTTPRequest(url: baseURL).host }

    package func embed(_ texts: [String], deadline: Deadline) async throws -> [[Float]] {
        var vectors: [[Float]] = []
        vectors.reserveCapacity(texts.count)
        var start = 0
        while start < texts.count {
            let batch = Array(texts[start..<min(start + batchSize, texts.count)])
            vectors += try await embedBatch(batch, deadline: deadline)
            start += batch.count
        }
        return vectors
    }

    private func embedBatch(_ texts: [String], deadline: Deadline) async throws -> [[Float]] {
        // An empty string is refused by some servers; a space embeds as "nothing" everywhere.
        let inputs: [JSONValue] = texts.map { .string($0.isEmpty ? " " : String($0.prefix(Self.maximumCharacters))) }
        var headers: [(name: String, value: String)] = []
        if let apiKey { headers.append(("Authorization", "Bearer \(apiKey)")) }
        let request = HTTPRequest.json(url: baseURL + "/embeddings",
                                       body: ["model": .string(model), "input": .array(inputs), "encoding_format": "float"],
                                       headers: headers, timeout: .seconds(60))
        let response = try await transport.send(request, deadline: deadline)
        guard response.isSuccess else {
            let error = response.json?["error"]
            throw UpstreamFailure.error(provider: "the embeddings server at \(host)", keyVariable: keyVariable, modelVariable: "EMBEDDINGS_MODEL",
                                        baseURLVariable: "EMBEDDINGS_BASE_URL", response: response,
                                        upstreamMessage: error?["message"]?.stringValue ?? error?.stringValue ?? response.json?["detail"]?.stringValue,
                                        upstreamCode: error?["code"]?.stringValue ?? error?["type"]?.stringValue)
        }
        return try Self.parse(response.body, count: texts.count, host: host)
    }

    /// The vectors of one answer, in input order: every index from 0 to `count - 1` exactly once,
    /// all of one dimension.
    package static func parse(_ body: [UInt8], count: Int, host: String) throws -> [[Float]] {
        func failure(_ problem: String) -> BundleError {
            BundleError(.upstreamFailed, "the embeddings server at \(host) sent an unusable answer: \(problem)")
        }
        guard let json = try? JSONValue(parsing: body) else { throw failure("not JSON") }
        guard let data = json["data"]?.arrayValue else { throw failure("no data array") }
        guard data.count == count else { throw failure("\(data.count) embeddings for \(count) inputs") }
        var vectors = [[Float]?](repeating: nil, count: count)
        var dimensions: Int?
        for (position, item) in data.enumerated() {
            let index = item["index"]?.intValue ?? position
            guard (0..<count).contains(index), vectors[index] == nil else { throw failure("index \(index) is out of range or repeated") }
            let vector: [Float]
            if let numbers = item["embedding"]?.arrayValue {
                vector = try numbers.map { value in
                    guard let number = value.doubleValue, number.isFinite else { throw failure("an embedding holds a non-number") }
                    return Float(number)
                }
            } else if let text = item["embedding"]?.stringValue {
                guard let decoded = Data(base64Encoded: text), decoded.count % 4 == 0 else { throw failure("an embedding is not base64 float32") }
                vector = decodeFloat32LittleEndian(Array(decoded))
            } else {
                throw failure("an item has no embedding")
            }
            guard !vector.isEmpty, vector.count <= 16_384 else { throw failure("an embedding has \(vector.count) dimensions") }
            if let dimensions, dimensions != vector.count { throw failure("embeddings of different dimensions") }
            dimensions = vector.count
            vectors[index] = UnitVector.normalized(vector)
        }
        return vectors.map { $0 ?? [] }
    }

    package static func decodeFloat32LittleEndian(_ bytes: [UInt8]) -> [Float] {
        var vector = [Float](repeating: 0, count: bytes.count / 4)
        for index in vector.indices {
            let offset = index * 4
            let bits = UInt32(bytes[offset]) | UInt32(bytes[offset + 1]) << 8 | UInt32(bytes[offset + 2]) << 16 | UInt32(bytes[offset + 3]) << 24
            vector[index] = Float(bitPattern: bits)
        }
        return vector
    }
}
