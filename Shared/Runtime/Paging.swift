import Core

/// The filter (`status`, or the name given as `field`), `limit` and `offset` of list endpoints,
/// checked once.
package struct Paging: Sendable {
    package var limit: Int
    package var offset: Int

    package init(status: String?, allowed: [String], limit: Int?, offset: Int?, field: String = "status") throws {
        var problems: [ErrorDetail] = []
        if let status, !allowed.contains(status) {
            problems.append(ErrorDetail(field: field, problem: "must be one of \(allowed.joined(separator: ", "))"))
        }
        self.limit = limit ?? 50
        self.offset = offset ?? 0
        if !(1...200).contains(self.limit) { problems.append(ErrorDetail(field: "limit", problem: "must be 1 to 200")) }
        if self.offset < 0 { problems.append(ErrorDetail(field: "offset", problem: "must not be negative")) }
        if !problems.isEmpty { throw BundleError.validation(problems) }
    }
}
