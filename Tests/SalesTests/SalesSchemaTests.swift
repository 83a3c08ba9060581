import Providers
import Sales
import Store
import TestSupport
import Testing

@Suite struct SalesSchemaTests {
    @Test func migratesAFreshDatabaseAndKeepsCompaniesUniqueByKey() throws {
        let directory = try TemporaryDirectory()
        let database = try TestDatabase.open(directory.file("bundle.sqlite"), migrations: ProvidersSchema.migrations + SalesSchema.migrations)
        try database.write { db in
            try db.execute("INSERT INTO sales_companies (name, name_key, created_at, updated_at) VALUES ('Acme Corp', 'acme', 'x', 'x')")
        }
        #expect(throws: (any Error).self) {
            try database.write { db in
                try db.execute("INSERT INTO sales_companies (name, name_key, created_at, updated_at) VALUES ('ACME Corp.', 'acme', 'x', 'x')")
            }
        }
    }
}
