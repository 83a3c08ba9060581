import Core

/// The embedder that needs no server: deterministic feature hashing of lower-cased word unigrams,
/// word bigrams and character trigrams (of each word with boundary marks, so "database" and
/// "databases" share most features) into `dimensions` buckets with a hashed sign, L2-normalised.
/// It finds shared words and word parts, not meaning; results label it `offline`. The model name
/// carries a version: changing the features must change it, so stored vectors are re-embedded.
package struct OfflineEmbedder: Embedder {
    package static let modelName = "offline-hash-ngrams-v1"
    package let provider = "offline"
    package let model: String
    package let dimensions: Int

    package init(dimensions: Int = 384) {
        self.dimensions = max(8, dimensions)
        self.model = dimensions == 384 ? Self.modelName : "\(Self.modelName)-\(dimensions)"
    }

    package func embed(_ texts: [String], deadline: Deadline) async throws -> [[Float]] {
        texts.map(vector)
    }

    /// Texts are read up to this many characters: the embedding of a longer text is its head's.
    static let maximumCharacters = 20_000

    package func vector(_ text: String) -> [Float] {
        var vector = [Float](repeating: 0, count: dimensions)
        let words = Words.split(text.prefix(Self.maximumCharacters)).map { $0.lowercased() }
        func add(_ feature: String, _ weight: Float) {
            let hash = Self.fnv1a(feature)
            let index = Int(hash % UInt64(dimensions))
            vector[index] += (hash >> 63) == 0 ? weight : -weight
        }
        var previous: String?
        for word in words {
            add("w:" + word, 1)
            if let previous { add("b:" + previous + " " + word, 0.5) }
            previous = word
            let characters = Array("<" + word + ">")
            if characters.count > 3 {
                for start in 0...(characters.count - 3) { add("c:" + String(characters[start..<start + 3]), 0.25) }
            }
        }
        return UnitVector.normalized(vector)
    }

    /// 64-bit FNV-1a: stable across processes and platforms (Swift's `Hasher` is seeded per run).
    static func fnv1a(_ text: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01B3
        }
        // FNV's low bits mix poorly for short keys: fold the high half in.
        return hash ^ (hash >> 29)
    }
}
