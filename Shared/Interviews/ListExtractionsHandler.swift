import Core
import Runtime
import Store

/// `GET /campaigns/{id}/extractions`: the data of the campaign's completed conversations, as
/// JSON or, with `format=csv`, as CSV with one column per schema field.
package struct ListExtractionsHandler: FunctionHandler {
    package struct Input: Codable, Sendable {
        var id: Int
        var format: String?
    }

    package static let manifest = FunctionManifest(
        name: "list-extractions",
        summary: "Completed conversations' extracted data, as JSON or CSV (format=csv; one column per schema field, formulas neutralised).",
        routes: [Route("GET", "/campaigns/{id:int}/extractions")],
        input: Schema.object(["id": Schema.integer(minimum: 1), "format": Schema.string(enum: ["json", "csv"])], required: ["id"]),
        output: Schema.object([
            "campaign_id": Schema.integer(), "fields": Schema.array(Schema.string()),
            "rows": Schema.array(Schema.object([
                "conversation_id": Schema.integer(), "phone": Schema.string(), "completed_at": Schema.nullable(Schema.string(format: "date-time")),
                "end_reason": Schema.nullable(Schema.string()), "data": Schema.map(Schema.any),
            ])),
            "total": Schema.integer(minimum: 0),
        ], required: ["campaign_id", "fields", "rows", "total"], additionalProperties: true),
        timeoutSeconds: 30,
        otherContentTypes: ["text/csv"]
    )

    package init() {}

    package func handle(_ input: Input, context: FunctionContext) async throws -> JSONValue {
        let format = input.format?.lowercased() ?? "json"
        guard ["json", "csv"].contains(format) else { throw BundleError.validation(field: "format", "must be json or csv") }
        let (schema, rows) = try context.database().read { sql in
            guard let campaign = try sql.queryOne("SELECT fields FROM campaigns WHERE id = ?", input.id) else {
                throw BundleError(.notFound, "no campaign with id \(input.id)")
            }
            let rows = try sql.query("""
                SELECT c.id, c.extracted, c.ended_at, c.end_reason, u.phone FROM conversations c JOIN users u ON u.id = c.user_id
                WHERE c.campaign_id = ? AND c.status = 'completed' ORDER BY c.id
                """, input.id)
            return (try campaign.decode("fields", as: ExtractionSchema.self), rows)
        }
        let names = schema.fields.map(\.name)
        var records: [JSONValue] = []
        var table: [[String]] = [["conversation_id", "phone", "completed_at"] + names]
        for row in rows {
            let data = try row.json("extracted").objectValue ?? [:]
            let completed = row.optionalDate("ended_at").map { Timestamp.format($0) }
            records.append(["conversation_id": .number(Double(try row.int("id"))), "phone": .string(try row.string("phone")),
                            "completed_at": completed.map(JSONValue.string) ?? .null,
                            "end_reason": row.optionalString("end_reason").map(JSONValue.string) ?? .null, "data": .object(data)])
            table.append([String(try row.int("id")), CSVText.neutralised(try row.string("phone")), completed ?? ""] + names.map { CSVText.cell(data[$0]) })
        }
        if format == "csv" {
            return ["_http": ["content_type": "text/csv; charset=utf-8", "body": .string(CSVText.document(table)),
                              "headers": ["Content-Disposition": .string("attachment; filename=\"campaign-\(input.id)-extractions.csv\"")]],
                    "campaign_id": .number(Double(input.id)), "fields": .array(names.map(JSONValue.string)), "rows": .array(records),
                    "total": .number(Double(records.count))]
        }
        return ["campaign_id": .number(Double(input.id)), "fields": .array(names.map(JSONValue.string)), "rows": .array(records),
                "total": .number(Double(records.count))]
    }
}

/// CSV per RFC 4180 (CRLF, fields quoted when they hold a comma, quote or line break), with
/// spreadsheet formula injection neutralised: a text cell starting with `=`, `+`, `-`, `@`, a tab
/// or a carriage return gets a leading `'` so Excel, LibreOffice and Sheets show it as text.
package enum CSVText {
    package static func document(_ rows: [[String]]) -> String {
        rows.map { $0.map(quoted).joined(separator: ",") }.joined(separator: "\r\n") + "\r\n"
    }

    /// A JSON value as cell text: numbers plainly (stored numbers are not formulas), booleans as
    /// true/false, text neutralised, missing as empty.
    package static func cell(_ value: JSONValue?) -> String {
        switch value {
        case .number(let number)?: JSONValue.number(number).jsonText
        case .bool(let flag)?: flag ? "true" : "false"
        case .string(let text)?: neutralised(text)
        case nil, .null?: ""
        case let other?: neutralised(other.jsonText)
        }
    }

    package static func neutralised(_ text: String) -> String {
        guard let first = text.unicodeScalars.first, "=+-@\t\r".unicodeScalars.contains(first) else { return text }
        return "'" + text
    }

    static func quoted(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        return "\"" + text.replacing("\"", with: "\"\"") + "\""
    }
}
