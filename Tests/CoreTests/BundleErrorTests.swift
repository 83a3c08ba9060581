import Core
import Testing

@Suite struct BundleErrorTests {
    /// A 401 means a wrong value; a 403 usually one without access to what is asked.
    @Test func aRefusedCredentialSaysWhetherItIsWrongOrLacksAccess() {
        let wrong = BundleError.credentialsRefused(variable: "NOTION_TOKEN", by: "Notion", status: 401)
        #expect(wrong.code == .misconfigured)
        #expect(wrong.message == "NOTION_TOKEN was refused by Notion (HTTP 401); set a valid value")
        let denied = BundleError.credentialsRefused(variable: "NOTION_TOKEN", by: "Notion", status: 403, access: "share the database")
        #expect(denied.code == .misconfigured)
        #expect(denied.message == "NOTION_TOKEN was not allowed access by Notion (HTTP 403): the value was accepted but lacks access; share the database")
        #expect(denied.details?.first?.field == "NOTION_TOKEN")
        #expect(BundleError.credentialsRefused(variable: "K", by: "S", status: 403).message.contains("lacks access"))
    }
}
