import Core
import HTTPTransport

/// Linear's GraphQL API (`POST https://api.linear.app/graphql`, the personal key in
/// `Authorization` without "Bearer"; `LINEAR_API_URL` overrides the endpoint).
///
/// SKELETON (drafts helper).
package struct LinearClient: Sendable {
    package struct Project: Sendable, Hashable {
        package var id: String
        package var url: String
    }
}
