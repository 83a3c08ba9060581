import Core
import Runtime

extension FunctionContext {
    /// The outreach workflow, run in this process (for event invitations).
    package func outreachDrafting() throws -> any OutreachDrafting {
        throw BundleError(.unavailable, "outreach drafting is not built yet")  // placeholder
    }
}
