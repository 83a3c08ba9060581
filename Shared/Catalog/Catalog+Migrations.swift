import Candidates
import Gateway
import Interviews
import Jobs
import Meetings
import Providers
import Retrieval
import Sales
import Store
import Workflows
import Workspace

extension Catalog {
    /// The bundle's schema: each module's migrations (`<Module>Schema.swift`, next to the code
    /// that owns the tables), applied in this order to a new database. The launcher hands it to
    /// the runtime, which imports no domain. A module's new step goes at the end of its own list;
    /// a new module's list goes at the end here. Ids are checked unique when a database migrates.
    package static let migrations: [Migration] =
        ProvidersSchema.migrations
        + GatewaySchema.migrations
        + JobsSchema.migrations
        + MeetingsSchema.migrations
        + InterviewsSchema.migrations
        + CandidatesSchema.migrations
        + SalesSchema.migrations
        + WorkflowsSchema.migrations
        + RetrievalSchema.migrations
        + WorkspaceSchema.migrations
}
