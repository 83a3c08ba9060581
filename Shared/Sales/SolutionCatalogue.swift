import Core
import FoundationEssentials

/// The catalogue CSV read into drafts: the bundled one, or the file `SALES_SOLUTIONS_CSV` names.
/// Columns by header name (case and spacing ignored): name, category, description, use_cases,
/// industries, keywords, pricing_model, docs_url; list cells split on `;` (or `|`). A bad row
/// names its line; a file too large or too long is refused whole.
package enum SolutionCatalogue {
    package static let maximumBytes = 5 * 1024 * 1024
    package static let maximumRows = 10_000

    /// Where the catalogue comes from, for answers: `bundled` or the file's path.
    package static func source(_ config: Config) -> String {
        config["SALES_SOLUTIONS_CSV"] ?? "bundled"
    }

    package static func load(_ config: Config) throws -> [SolutionDraft] {
        guard let path = config["SALES_SOLUTIONS_CSV"] else { return try parse(SolutionCatalogueCSV.text) }
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw BundleError.misconfigured(variable: "SALES_SOLUTIONS_CSV", "names \(path), which cannot be read")
        }
        guard data.count <= maximumBytes else {
            throw BundleError.misconfigured(variable: "SALES_SOLUTIONS_CSV", "names a file over \(maximumBytes / 1024 / 1024) MB")
        }
        do {
            return try parse(String(decoding: data, as: UTF8.self))
        } catch let error as BundleError {
            throw BundleError(.misconfigured, "SALES_SOLUTIONS_CSV: \(error.message)", details: error.details)
        }
    }

    static let columns = ["name", "category", "description", "use_cases", "industries", "keywords", "pricing_model", "docs_url"]

    package static func parse(_ text: String) throws -> [SolutionDraft] {
        let table = CSVTable.parse(text)
        guard let header = table.records.first else { throw BundleError.validation(field: "catalogue", "is empty") }
        var index: [String: Int] = [:]
        for (position, name) in header.fields.enumerated() {
            let key = name.trimmingWhitespace().lowercased().replacing(" ", with: "_")
            if index[key] == nil { index[key] = position }
        }
        let missing = ["name", "category", "description", "pricing_model"].filter { index[$0] == nil }
        guard missing.isEmpty else { throw BundleError.validation(field: "catalogue", "has no column \(missing.joined(separator: ", "))") }
        guard table.records.count - 1 <= maximumRows else { throw BundleError.validation(field: "catalogue", "has more than \(maximumRows) rows") }
        var drafts: [SolutionDraft] = []
        var problems: [ErrorDetail] = []
        var names: Set<String> = []
        for record in table.records.dropFirst() {
            if record.fields.allSatisfy({ $0.trimmingWhitespace().isEmpty }) { continue }
            func cell(_ column: String) -> String {
                guard let position = index[column], position < record.fields.count else { return "" }
                return record.fields[position]
            }
            let docs = cell("docs_url").trimmingWhitespace()
            let draft = SolutionDraft(name: cell("name"), category: cell("category"), description: cell("description"),
                                      useCases: list(cell("use_cases")), industries: list(cell("industries")), keywords: list(cell("keywords")),
                                      pricingModel: cell("pricing_model"), docsURL: docs.isEmpty ? nil : docs).cleaned()
            let found = draft.problems(prefix: "line \(record.line): ")
            if !found.isEmpty { problems += found; continue }
            guard names.insert(draft.name.lowercased()).inserted else {
                problems.append(ErrorDetail(field: "line \(record.line): name", problem: "repeats \(draft.name)"))
                continue
            }
            drafts.append(draft)
        }
        guard problems.isEmpty else { throw BundleError.validation(problems) }
        return drafts
    }

    static func list(_ cell: String) -> [String] {
        cell.split(whereSeparator: { $0 == ";" || $0 == "|" }).map { String($0).trimmingWhitespace() }.filter { !$0.isEmpty }
    }
}
