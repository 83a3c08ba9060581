import Store

/// A trigger that refuses every row of one kind of statement on a table, as a failing disk or a
/// broken backend would, on the test run's backend: SQLite's `RAISE(ABORT, …)`, or on PostgreSQL
/// a PL/pgSQL function of the same name that raises. Names and messages come from the test.
enum FailingTrigger {
    static func create(_ sql: any SQLExecutor, _ name: String, before event: String, on table: String, message: String) throws {
        switch sql.dialect {
        case .sqlite:
            try sql.execute("CREATE TRIGGER \(name) BEFORE \(event) ON \(table) BEGIN SELECT RAISE(ABORT, '\(message)'); END", [])
        case .postgresql:
            try sql.execute("CREATE FUNCTION \(name)() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION '\(message)'; END $$", [])
            try sql.execute("CREATE TRIGGER \(name) BEFORE \(event) ON \(table) FOR EACH ROW EXECUTE FUNCTION \(name)()", [])
        }
    }

    static func drop(_ sql: any SQLExecutor, _ name: String, on table: String) throws {
        switch sql.dialect {
        case .sqlite:
            try sql.execute("DROP TRIGGER \(name)", [])
        case .postgresql:
            try sql.execute("DROP TRIGGER \(name) ON \(table)", [])
            try sql.execute("DROP FUNCTION \(name)()", [])
        }
    }
}
