/// A point in monotonic time by which work must finish. The runtime sets one per invocation and
/// every upstream call takes its timeout from what is left.
package struct Deadline: Sendable {
    package let instant: ContinuousClock.Instant

    package init(after duration: Duration) {
        instant = ContinuousClock.now.advanced(by: duration)
    }

    package init(seconds: Double) {
        self.init(after: .milliseconds(Int64(seconds * 1000)))
    }

    package static var distantFuture: Deadline { Deadline(after: .seconds(86_400 * 365)) }

    package var remaining: Duration {
        let left = ContinuousClock.now.duration(to: instant)
        return left < .zero ? .zero : left
    }

    package var remainingSeconds: Double {
        let components = remaining.components
        return Double(components.seconds) + Double(components.attoseconds) / 1e18
    }

    package var hasPassed: Bool { remaining == .zero }
}

extension Duration {
    package var milliseconds: Int64 {
        let components = self.components
        return components.seconds * 1000 + components.attoseconds / 1_000_000_000_000_000
    }
}
