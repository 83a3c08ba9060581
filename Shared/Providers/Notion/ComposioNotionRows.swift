import Core

/// Notion rows through Composio (`NOTION_INSERT_ROW_DATABASE`, then `NOTION_UPDATE_ROW_DATABASE`),
/// whose properties are `{name, type, value}` with the value as text.
package struct ComposioNotionRows: NotionRows {
    package let name = "composio"
    let composio: ComposioClient
    let databaseID: String

    package init(composio: ComposioClient, databaseID: String) {
        self.composio = composio
        self.databaseID = databaseID
    }

    package func upsert(_ properties: [NotionProperty], pageID: String?, deadline: Deadline) async throws -> (pageID: String, created: Bool) {
        let properties = Self.json(properties)
        if let pageID {
            _ = try await composio.execute("NOTION_UPDATE_ROW_DATABASE", arguments: ["row_id": .string(pageID), "properties": properties],
                                           deadline: deadline)
            return (pageID, false)
        }
        let data = try await composio.execute("NOTION_INSERT_ROW_DATABASE", arguments: ["database_id": .string(databaseID), "properties": properties],
                                              deadline: deadline)
        // The new page's id, wherever the tool's result puts it: a Notion page object has an id and an object kind.
        let page = ComposioClient.objects(in: data, having: ["id", "object"]).first { $0["object"] == "page" }
            ?? ComposioClient.objects(in: data, having: ["id"]).first
        guard let id = page?["id"]?.stringValue else {
            throw BundleError(.upstreamFailed, "Composio NOTION_INSERT_ROW_DATABASE answered without the new row's id")
        }
        return (id, true)
    }

    /// The tool's property list, in the order given.
    static func json(_ properties: [NotionProperty]) -> JSONValue {
        .array(properties.map { property in
            let (type, value): (String, String) = switch property.value {
            case .title(let value): ("title", value)
            case .text(let value): ("rich_text", value)
            case .contact(_, let email): ("rich_text", email)
            case .date(let start, _): ("date", start)
            case .select(let value): ("select", value)
            }
            return ["name": .string(property.name), "type": .string(type), "value": .string(String(value.prefix(2000)))]
        })
    }
}
