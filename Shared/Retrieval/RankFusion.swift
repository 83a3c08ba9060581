/// Reciprocal rank fusion: each list contributes `weight / (k + rank)` for every item it ranks
/// (rank from 1), so lists with incomparable scores (BM25, cosine similarity) combine by position
/// alone. Each fused hit keeps, for every list that found it, its rank and raw score.
package enum RankFusion {
    package static let defaultK = 60.0

    /// One ranked list, best first.
    package struct List: Sendable {
        package var name: String
        package var weight: Double
        package var hits: [(id: Int, score: Double)]

        package init(name: String, weight: Double = 1, hits: [(id: Int, score: Double)]) {
            self.name = name
            self.weight = weight
            self.hits = hits
        }
    }

    package struct Appearance: Sendable, Equatable {
        package var list: String
        package var rank: Int
        package var score: Double

        package init(list: String, rank: Int, score: Double) {
            self.list = list
            self.rank = rank
            self.score = score
        }
    }

    package struct Hit: Sendable, Equatable {
        package var id: Int
        package var score: Double
        /// In the order the lists were given.
        package var foundBy: [Appearance]

        package func appearance(in list: String) -> Appearance? { foundBy.first { $0.list == list } }
    }

    /// Fused, best first; ties go to the better best rank, then the lower id (stable output).
    package static func fuse(_ lists: [List], k: Double = defaultK) -> [Hit] {
        var hits: [Int: Hit] = [:]
        var order: [Int] = []
        for list in lists {
            var seen: Set<Int> = []
            for (offset, hit) in list.hits.enumerated() where seen.insert(hit.id).inserted {
                let rank = offset + 1
                let appearance = Appearance(list: list.name, rank: rank, score: hit.score)
                if hits[hit.id] == nil {
                    hits[hit.id] = Hit(id: hit.id, score: 0, foundBy: [])
                    order.append(hit.id)
                }
                hits[hit.id]!.score += list.weight / (k + Double(rank))
                hits[hit.id]!.foundBy.append(appearance)
            }
        }
        return order.compactMap { hits[$0] }.sorted { left, right in
            if left.score != right.score { return left.score > right.score }
            let leftBest = left.foundBy.map(\.rank).min() ?? Int.max
            let rightBest = right.foundBy.map(\.rank).min() ?? Int.max
            if leftBest != rightBest { return leftBest < rightBest }
            return left.id < right.id
        }
    }
}
