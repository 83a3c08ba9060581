import Core
import FoundationEssentials
import Gateway
import Store
import TestSupport
import Testing

@Suite struct APIKeysTests {
    let directory: TemporaryDirectory
    let database: any Database
    let keys: APIKeys
    let now = Date(timeIntervalSince1970: 1_780_000_000)

    init() throws {
        directory = try TemporaryDirectory()
        database = try TestDatabase.open(directory.file("bundle.sqlite"), migrations: GatewaySchema.migrations)
        keys = APIKeys(database: database)
    }

    @Test func aKeyIsShownOnceAndOnlyItsHashIsStored() throws {
        let (key, secret) = try keys.create(name: "zapier", now: now)
        #expect(secret.hasPrefix("fbk_"))
        #expect(secret.count > 40)
        #expect(secret.hasPrefix(key.prefix))
        let stored = try database.read { try $0.query("SELECT * FROM api_keys") }
        #expect(stored.count == 1)
        #expect(try stored[0].string("key_hash") == APIKeys.hash(secret))
        #expect(!(try stored[0].string("key_hash")).contains(secret))
        #expect(APIKeys.hash("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }

    @Test func verificationAcceptsOnlyActiveKeys() throws {
        let (_, secret) = try keys.create(name: "ci", now: now)
        #expect(try keys.verify(secret)?.name == "ci")
        #expect(try keys.verify(secret + "x") == nil)
        #expect(try keys.verify("fbk_unknown") == nil)
        let revoked = try keys.revoke(name: "ci", id: nil, now: now)
        #expect(revoked.revokedAt != nil)
        #expect(try keys.verify(secret) == nil)
        #expect(try keys.revoke(name: "ci", id: nil, now: now.addingTimeInterval(60)).revokedAt == revoked.revokedAt, "revoking twice changes nothing")
    }

    @Test func activeNamesAreUniqueButReusableAfterRevoking() throws {
        _ = try keys.create(name: "app", now: now)
        #expect(throws: BundleError.self) { try keys.create(name: "app", now: now) }
        _ = try keys.revoke(name: "app", id: nil, now: now)
        #expect(try keys.create(name: "app", now: now).key.name == "app")
        #expect(throws: BundleError.self) { try keys.revoke(name: "nobody", id: nil, now: now) }
    }

    @Test func theAuthenticatorReadsBothHeadersAndOnlyNamesCallersOfPublicRoutes() throws {
        let (_, secret) = try keys.create(name: "svc", now: now)
        let privateRoute = FunctionManifest(name: "p", summary: "", routes: [Route("GET", "/p")], input: [:], output: [:])
        let publicRoute = FunctionManifest(name: "h", summary: "", routes: [Route("GET", "/h")], input: [:], output: [:], isPublic: true)
        func principal(_ headers: [String: String], _ manifest: FunctionManifest) throws -> String? {
            try Authenticator.principal(for: GatewayRequest(method: "GET", path: "/p", headers: headers), manifest: manifest, database: { database })?.name
        }
        #expect(try principal(["x-api-key": secret], privateRoute) == "api_key:svc")
        #expect(try principal(["authorization": "Bearer \(secret)"], privateRoute) == "api_key:svc")
        #expect(try principal([:], publicRoute) == nil)
        // A public route learns who called when a valid key came along; a wrong key, or a database
        // that cannot be opened, leaves it anonymous (the route's own check decides).
        #expect(try principal(["x-api-key": secret], publicRoute) == "api_key:svc")
        #expect(try principal(["x-api-key": "fbk_wrong"], publicRoute) == nil)
        #expect(try Authenticator.principal(for: GatewayRequest(method: "GET", path: "/h", headers: ["x-api-key": secret]), manifest: publicRoute,
                                            database: { throw BundleError(.unavailable, "down") })?.name == nil)
        for headers in [[:], ["x-api-key": "fbk_wrong"], ["authorization": "Basic \(secret)"]] {
            do {
                _ = try principal(headers, privateRoute)
                Issue.record("expected unauthorized for \(headers.keys)")
            } catch let error as BundleError {
                #expect(error.code == .unauthorized)
                #expect(!error.message.contains(secret))
            }
        }
    }
}
