import Core
import HTTPTransport

/// One property of a Notion database row, by the kind of column it fills. Which columns a row
/// has and what goes in them is the caller's rule; how each kind is written is the client's.
package struct NotionProperty: Sendable, Equatable {
    /// The column's kind and what goes in it.
    package enum Value: Sendable, Equatable {
        case title(String)
        case text(String)
        /// A person: `Name <email>` in a Notion text column; Composio's row tool gets the address alone.
        case contact(name: String?, email: String)
        case date(start: String, end: String?)
        case select(String)
    }

    package var name: String
    package var value: Value

    package init(_ name: String, _ value: Value) {
        self.name = name
        self.value = value
    }
}

/// Rows in a Notion database: created once, updated after by their page id. Notion's API, or
/// Notion through Composio.
package protocol NotionRows: Sendable {
    /// `notion` or `composio`.
    var name: String { get }
    /// Creates the row, or updates it when `pageID` is known; returns the page id.
    func upsert(_ properties: [NotionProperty], pageID: String?, deadline: Deadline) async throws -> (pageID: String, created: Bool)
}

/// Chooses the Notion client: `NOTION_PROVIDER` = `notion`, `composio` or `none`; unset, `notion`
/// when `NOTION_TOKEN` is set, else `none` (nil: nothing is written).
package enum NotionSelection {
    package static func make(_ config: Config, transport: () throws -> any Transport) throws -> (any NotionRows)? {
        let provider = config["NOTION_PROVIDER"]?.lowercased() ?? (config["NOTION_TOKEN"] == nil ? "none" : "notion")
        switch provider {
        case "none":
            return nil
        case "notion":
            return NotionClient(baseURL: config["NOTION_BASE_URL"] ?? NotionClient.defaultBaseURL,
                                token: try config.require("NOTION_TOKEN", for: "the Notion provider"),
                                databaseID: try config.require("NOTION_DATABASE_ID", for: "the Notion provider"), transport: try transport())
        case "composio":
            let composio = try ComposioClient(config: config, transport: try transport(), purpose: "Notion through Composio")
            return ComposioNotionRows(composio: composio, databaseID: try config.require("NOTION_DATABASE_ID", for: "Notion through Composio"))
        default:
            throw BundleError.misconfigured(variable: "NOTION_PROVIDER", "must be notion, composio or none, got \"\(provider.prefix(40))\"")
        }
    }
}
