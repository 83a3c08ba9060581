import Candidates
import Core
import Testing

/// Roles keep the ids their callers name (`PUT /roles/{id}`), and the default role takes the next
/// free one: on PostgreSQL the identity sequence never learns of named ids, so a generated id
/// would collide with them.
@Suite struct RoleIdentityTests {
    let now = Timestamp.parse("2026-05-04T10:00:00Z")!

    @Test func theDefaultRoleTakesTheIdAfterTheNamedOnes() throws {
        let harness = try Harness()
        let roles = RoleStore(database: harness.database)
        _ = try roles.put(1, RoleDefinition(title: "Backend Engineer"), now: now)
        _ = try roles.put(7, RoleDefinition(title: "Data Engineer"), now: now)

        let fallback = try roles.defaultRole(now: now)
        #expect(fallback.id == 8)
        #expect(fallback.isDefault)
        #expect(try roles.defaultRole(now: now).id == 8, "asked again, the same role")
        #expect(try roles.role(1)?.title == "Backend Engineer", "the named roles are untouched")
        #expect(try roles.role(7)?.title == "Data Engineer")

        let named = try roles.put(9, RoleDefinition(title: "Platform Engineer"), now: now)
        #expect(named.created && named.role.id == 9 && !named.role.isDefault)
    }

    @Test func aRoleNamedAfterTheDefaultReplacesNothing() throws {
        let harness = try Harness()
        let roles = RoleStore(database: harness.database)
        let fallback = try roles.defaultRole(now: now)
        #expect(fallback.id == 1)
        let named = try roles.put(2, RoleDefinition(title: "Backend Engineer"), now: now)
        #expect(named.created)
        #expect(try roles.role(1)?.isDefault == true)
        #expect(try roles.defaultRole(now: now).id == 1)
    }
}
