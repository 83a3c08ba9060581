import Core
import Synchronization

/// One progress figure for a match job, which only ever goes up: each step owns a share of 100
/// (scoring most of it, invitations the next), a step's share fills as its candidates are
/// scored or its invitations drafted, and a finished step jumps to the end of its share. A
/// report lower than one already made (a late completion, a step reused) is not passed on.
package final class EventMatchProgress: Sendable {
    /// Each step's share, in the workflow's order (they add up to 100).
    package static let weights: [(step: String, share: Int)] = [
        ("find_candidates", 10), ("score_relevance", 60), ("select_top_matches", 2), ("generate_invitations", 28),
    ]

    let sink: @Sendable (Int, String) -> Void
    let reported: Mutex<Int>

    /// `floor` is a figure already reported elsewhere, below which nothing is passed on.
    package init(floor: Int = 0, sink: @escaping @Sendable (Int, String) -> Void = { _, _ in }) {
        self.sink = sink
        self.reported = Mutex(max(0, min(100, floor)))
    }

    /// Where `step`'s share starts and how big it is.
    static func share(of step: String) -> (start: Int, size: Int) {
        var start = 0
        for weight in weights {
            if weight.step == step { return (start, weight.share) }
            start += weight.share
        }
        return (start, 0)
    }

    /// `done` of `total` items of `step` are finished.
    package func advance(_ step: String, done: Int, total: Int, message: String) {
        let (start, size) = Self.share(of: step)
        report(start + size * min(done, max(1, total)) / max(1, total), message)
    }

    /// `step` has finished.
    package func finished(_ step: String) {
        let (start, size) = Self.share(of: step)
        report(start + size, "event match: \(step) done")
    }

    /// Passes `percent` on when it is higher than anything reported so far.
    func report(_ percent: Int, _ message: String) {
        // Told under the lock, so two reports can never reach the sink out of order.
        reported.withLock { last in
            guard percent > last else { return }
            last = percent
            sink(percent, message)
        }
    }

    /// The highest figure reported.
    package var current: Int { reported.withLock { $0 } }
}
