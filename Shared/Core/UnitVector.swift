/// Scaling vectors to length 1, the one place it is done: embedders normalise what they return
/// and the vector index normalises what it stores and queries with, so both must agree, also on
/// vectors whose squared length overflows (huge components) or underflows (tiny ones).
package enum UnitVector {
    /// `vector` scaled to length 1. Non-finite components become 0; a vector with no finite
    /// non-zero component becomes zeros (it matches nothing).
    package static func normalized(_ vector: [Float]) -> [Float] {
        var sum: Float = 0
        for value in vector where value.isFinite { sum += value * value }
        if sum.isNormal {
            let scale = 1 / sum.squareRoot()
            return vector.map { $0.isFinite ? $0 * scale : 0 }
        }
        // The squares overflowed or underflowed: divide by the largest magnitude first, so every
        // square is at most 1 and the largest is exactly 1.
        var largest: Float = 0
        for value in vector where value.isFinite { largest = max(largest, value.magnitude) }
        guard largest > 0 else { return [Float](repeating: 0, count: vector.count) }
        var scaledSum: Float = 0
        for value in vector where value.isFinite {
            let scaled = value / largest
            scaledSum += scaled * scaled
        }
        let length = scaledSum.squareRoot()
        return vector.map { $0.isFinite ? $0 / largest / length : 0 }
    }
}
