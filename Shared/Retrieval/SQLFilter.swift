import Store

/// A condition a caller adds to a search, as SQL with `?` arguments, written against the column
/// the search names (`item_id` for vectors, `rowid` for full text), for example
/// `item_id IN (SELECT id FROM sales_solutions WHERE category = ?)`. The SQL text comes from code,
/// never from a user; user values go in `arguments`.
package struct SQLFilter: Sendable {
    package var sql: String
    package var arguments: [any SQLBindable]

    package init(_ sql: String, _ arguments: [any SQLBindable] = []) {
        self.sql = sql
        self.arguments = arguments
    }
}
