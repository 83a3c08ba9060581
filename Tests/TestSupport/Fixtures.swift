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

/// The databases the released binaries left (`Tests/Fixtures/migrations`), as SQL scripts that
/// load into an empty file. Schema 8 is the dump itself; schema 7 is derived from it the way the
/// release before migration 8 (`job_lease_holder`) would have left it, rather than kept as a
/// second copy of the dump.
package enum ReleaseDatabase {
    package static let schemaVersions = [7, 8]

    package static func script(schemaVersion: Int) throws -> String {
        precondition(schemaVersions.contains(schemaVersion), "no release database at schema \(schemaVersion)")
        // A dump lists tables by name, children before parents: foreign keys wait until it is in.
        var script = "PRAGMA foreign_keys = OFF;\n" + (try Fixtures.text("migrations/release-v8.sql"))
        if schemaVersion == 7 {
            script += """

                ALTER TABLE jobs DROP COLUMN lease_host;
                ALTER TABLE jobs DROP COLUMN lease_pid;
                DELETE FROM schema_migrations WHERE version = 8;
                PRAGMA user_version = 7;
                """
        }
        return script + "\nPRAGMA foreign_keys = ON;"
    }
}
