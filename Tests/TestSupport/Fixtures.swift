import Foundation

/// The example inputs under `Tests/Fixtures/<function>/`, shared by the unit and end-to-end tests
/// (and piped into the binaries by people).
package enum Fixtures {
    package static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures")

    /// The path of `enrich/corpus.json`.
    package static func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

    /// The text of a fixture.
    package static func text(_ name: String) throws -> String {
        try String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8)
    }
}

/// Waiting for work that other processes do (the scheduled worker, a server), bounded so a
/// broken system fails the test instead of hanging it. The bound is not a timing assertion: it
/// is far above what the work takes.
package enum Eventually {
    /// Calls `probe` every 200 ms until it answers true or `seconds` have passed; its last answer.
    package static func holds(within seconds: Double = 60, _ probe: () throws -> Bool) rethrows -> Bool {
        let end = Date().addingTimeInterval(seconds)
        while Date() < end {
            if try probe() { return true }
            usleep(200_000)
        }
        return try probe()
    }
}
