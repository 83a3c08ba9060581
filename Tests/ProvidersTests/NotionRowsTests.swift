import Core
import HTTPTransport
import Providers
import TestSupport
import Testing

/// One list of row properties, written as each Notion client's wire format wants it.
@Suite struct NotionRowsTests {
    let row = [
        NotionProperty("Name", .title("Discovery call")), NotionProperty("Attendee", .contact(name: "Dana Reyes", email: "dana@northwind.example")),
        NotionProperty("Insights", .text(String(repeating: "x", count: 2_500))),
        NotionProperty("Start", .date(start: "2026-01-06T09:00:00Z", end: "2026-01-06T09:45:00Z")), NotionProperty("Status", .select("enriched")),
    ]

    @Test func notionsPagesAPIGetsTypedProperties() async throws {
        let server = try LoopbackServer { _ in .json(200, ["object": "page", "id": "page-1"]) }
        let notion = NotionClient(baseURL: server.baseURL, token: "secret_n", databaseID: "db-1", transport: try CurlTransport(config: Config([:])))
        let created = try await notion.upsert(row, pageID: nil, deadline: Deadline(seconds: 5))
        #expect(created.pageID == "page-1" && created.created)
        let request = try #require(server.requests.first)
        #expect(request.path == "/v1/pages")
        #expect(request.header("Authorization") == "Bearer secret_n")
        #expect(request.header("Notion-Version") == NotionClient.version)
        let properties = try #require(request.json?["properties"])
        #expect(request.json?["parent"] == ["database_id": "db-1"])
        #expect(properties["Name"] == ["title": [["type": "text", "text": ["content": "Discovery call"]]]])
        #expect(properties["Attendee"]?["rich_text"]?.arrayValue?.first?["text"]?["content"] == "Dana Reyes <dana@northwind.example>")
        #expect(properties["Insights"]?["rich_text"]?.arrayValue?.first?["text"]?["content"]?.stringValue?.count == 2_000, "cut to Notion's limit")
        #expect(properties["Start"] == ["date": ["start": "2026-01-06T09:00:00Z", "end": "2026-01-06T09:45:00Z"]])
        #expect(properties["Status"] == ["select": ["name": "enriched"]])
        let updated = try await notion.upsert(row, pageID: "page-1", deadline: Deadline(seconds: 5))
        #expect(!updated.created)
        #expect(server.requests.last?.method == "PATCH" && server.requests.last?.path == "/v1/pages/page-1")
    }

    @Test func composioGetsNameTypeAndTextValues() async throws {
        let server = try LoopbackServer { _ in .json(200, ["successful": true, "data": ["response_data": ["object": "page", "id": "row-7"]]]) }
        let composio = ComposioClient(baseURL: server.baseURL, apiKey: "cmp", userID: "u", connectedAccountID: nil,
                                      transport: try CurlTransport(config: Config([:])))
        let rows = ComposioNotionRows(composio: composio, databaseID: "db-1")
        let created = try await rows.upsert(row, pageID: nil, deadline: Deadline(seconds: 5))
        #expect(created.pageID == "row-7" && created.created)
        let request = try #require(server.requests.first)
        #expect(request.path == "/api/v3/tools/execute/NOTION_INSERT_ROW_DATABASE")
        #expect(request.json?["arguments"]?["database_id"] == "db-1")
        let properties = try #require(request.json?["arguments"]?["properties"]?.arrayValue)
        #expect(properties.map { $0["name"]?.stringValue ?? "" } == ["Name", "Attendee", "Insights", "Start", "Status"])
        #expect(properties.map { $0["type"]?.stringValue ?? "" } == ["title", "rich_text", "rich_text", "date", "select"])
        #expect(properties[1]["value"] == "dana@northwind.example")
        #expect(properties[3]["value"] == "2026-01-06T09:00:00Z")
        #expect(properties[2]["value"]?.stringValue?.count == 2_000)
    }
}
