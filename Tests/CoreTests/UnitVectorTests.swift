import Core
import Testing

/// The one normalisation embedders and the vector index share: ordinary vectors, squares that
/// overflow or underflow a Float, non-finite components, the zero vector.
@Suite struct UnitVectorTests {
    private func close(_ left: [Float], _ right: [Float]) -> Bool {
        left.count == right.count && zip(left, right).allSatisfy { abs($0 - $1) < 1e-6 }
    }

    @Test func scalesToLengthOneWhateverTheMagnitude() {
        #expect(UnitVector.normalized([3, 4]) == [0.6, 0.8])
        #expect(close(UnitVector.normalized([3e30, -4e30]), [0.6, -0.8]))
        #expect(close(UnitVector.normalized([.greatestFiniteMagnitude, .greatestFiniteMagnitude]), [0.70710677, 0.70710677]))
        #expect(close(UnitVector.normalized([3e-30, 4e-30, 0]), [0.6, 0.8, 0]))
        #expect(close(UnitVector.normalized([.leastNonzeroMagnitude, 0]), [1, 0]))
    }

    @Test func nonFiniteComponentsAreDroppedAndNothingMatchesNothing() {
        #expect(UnitVector.normalized([.nan, 3, .infinity, 4]) == [0, 0.6, 0, 0.8])
        #expect(UnitVector.normalized([0, 0, 0]) == [0, 0, 0])
        #expect(UnitVector.normalized([.nan, .infinity]) == [0, 0])
        #expect(UnitVector.normalized([]) == [])
    }
}
