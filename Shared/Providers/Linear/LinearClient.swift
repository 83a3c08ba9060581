import Core
import HTTPTransport

/// Linear's GraphQL API (`POST https://api.linear.app/graphql`, the personal key in
/// `Authorization` without "Bearer"; `LINEAR_API_URL` overrides the endpoint).
///
/// Queries are constants and every value travels in `variables`, never in the query text.
/// Linear reports most failures in `errors[]`, with HTTP 200 or 400 and a code in
/// `extensions.code` (`RATELIMITED`, `AUTHENTICATION_ERROR`, `FORBIDDEN`, `INVALID_INPUT`, …);
/// `failure(_:)` maps them, and plain HTTP failures, to the contract's codes. Messages carry
/// Linear's own words (cut short), never the key.
package struct LinearClient: Sendable {
    package struct Project: Sendable, Hashable {
        package var id: String
        package var url: String

        package init(id: String, url: String) {
            self.id = id
            self.url = url
        }
    }

    package static let defaultEndpoint = "https://api.linear.app/graphql"
    /// Linear keeps a project's `description` to a short summary (255 characters); the Markdown
    /// goes in `content`.
    package static let summaryLimit = 255

    let endpoint: String
    let apiKey: String
    let transport: any Transport

    package init(endpoint: String = LinearClient.defaultEndpoint, apiKey: String, transport: any Transport) {
        self.endpoint = endpoint
        self.apiKey = apiKey
        self.transport = transport
    }

    /// The client `LINEAR_API_KEY` and `LINEAR_API_URL` configure; a missing key is
    /// `misconfigured` naming it.
    package init(config: Config, transport: any Transport) throws {
        self.init(endpoint: config.string("LINEAR_API_URL", default: Self.defaultEndpoint),
                  apiKey: try config.require("LINEAR_API_KEY", for: "creating Linear projects"), transport: transport)
    }

    static let projectCreate = """
        mutation ProjectCreate($input: ProjectCreateInput!) {
          projectCreate(input: $input) { success project { id url } }
        }
        """

    static let projectByID = """
        query Project($id: String!) {
          project(id: $id) { id url }
        }
        """

    /// Linear refuses longer project names ("name must be shorter than or equal to 80
    /// characters"); callers check it before they call (`ProjectDraftLimits.title`).
    package static let nameLimit = 80

    /// Creates a project in the team: `name`, a short `description` (the Markdown's first
    /// paragraph, cut to `summaryLimit`) and the whole Markdown as `content`.
    ///
    /// `id` is the project's id chosen by the caller (a UUID v4; Linear's create inputs take
    /// one): sent again (the transport's retry after a timeout, or a later request with the same
    /// claim) it cannot make a second project. Linear then refuses the id as taken, which means
    /// the project exists: it is fetched and answered as created. An answer whose
    /// `projectCreate` says `success` with a project id is a success even when `errors[]` comes
    /// with it.
    package func createProject(id: String? = nil, name: String, description: String, teamID: String,
                               deadline: Deadline = Deadline(seconds: 30)) async throws -> Project {
        var input: [String: JSONValue] = [
            "name": .string(name), "teamIds": [.string(teamID)],
            "description": .string(Self.summary(of: description)), "content": .string(description),
        ]
        if let id { input["id"] = .string(id) }
        let response = try await post(Self.projectCreate, variables: ["input": .object(input)], deadline: deadline)
        let result = response.json?["data"]?["projectCreate"]
        if result?["success"]?.boolValue == true, let createdID = result?["project"]?["id"]?.stringValue, !createdID.isEmpty {
            if let url = result?["project"]?["url"]?.stringValue, !url.isEmpty { return Project(id: createdID, url: url) }
            return try await project(id: createdID, deadline: deadline)
        }
        if let id, Self.refusesTakenID(response) { return try await project(id: id, deadline: deadline) }
        if let failure = Self.failure(response, operation: "projectCreate") { throw failure }
        guard let result, result != .null else {
            throw BundleError(.upstreamFailed, "Linear answered projectCreate with HTTP \(response.status) and no data")
        }
        guard result["success"]?.boolValue == true else {
            throw BundleError(.upstreamFailed, "Linear did not create the project (projectCreate answered success: false)")
        }
        throw BundleError(.upstreamFailed, "Linear's projectCreate answer has no project id and url")
    }

    /// The project with this id (`project(id:)`); a project Linear does not have is
    /// `upstream_failed`.
    package func project(id: String, deadline: Deadline = Deadline(seconds: 30)) async throws -> Project {
        let data = try await call(Self.projectByID, variables: ["id": .string(id)], operation: "project", deadline: deadline)
        guard let found = data["project"]?["id"]?.stringValue, !found.isEmpty, let url = data["project"]?["url"]?.stringValue else {
            throw BundleError(.upstreamFailed, "Linear's answer for project \(id) has no project id and url")
        }
        return Project(id: found, url: url)
    }

    /// Whether Linear refused a create because the id is taken (the project exists already):
    /// its `errors[]` say "already exists" or "duplicate".
    static func refusesTakenID(_ response: HTTPResponse) -> Bool {
        guard case .array(let errors)? = response.json?["errors"] else { return false }
        return errors.prefix(20).contains { error in
            let said = ((error["message"]?.stringValue ?? "") + " " + (error["extensions"]?["userPresentableMessage"]?.stringValue ?? ""))
                .prefix(2_000).lowercased()
            return said.contains("already exists") || said.contains("duplicate")
        }
    }

    /// Posts one operation and answers its `data`, or throws what its failure means.
    func call(_ query: String, variables: JSONValue, operation: String, deadline: Deadline) async throws -> JSONValue {
        let response = try await post(query, variables: variables, deadline: deadline)
        if let failure = Self.failure(response, operation: operation) { throw failure }
        guard let data = response.json?["data"], data != .null else {
            throw BundleError(.upstreamFailed, "Linear answered \(operation) with HTTP \(response.status) and no data")
        }
        return data
    }

    func post(_ query: String, variables: JSONValue, deadline: Deadline) async throws -> HTTPResponse {
        let request = HTTPRequest.json("POST", url: endpoint, body: ["query": .string(query), "variables": variables],
                                       headers: [("Authorization", apiKey)])
        return try await transport.send(request, deadline: deadline)
    }

    /// The error an answer means, nil when it is a success: `errors[]` first (whatever the
    /// status), then the HTTP status.
    static func failure(_ response: HTTPResponse, operation: String) -> BundleError? {
        let document = response.json
        if case .array(let errors)? = document?["errors"], let first = errors.first {
            let code = first["extensions"]?["code"]?.stringValue ?? ""
            let message = String((first["message"]?.stringValue ?? "no message").prefix(300))
            let said = "Linear refused \(operation): \(message)"
            switch code {
            case "RATELIMITED":
                return BundleError(.rateLimited, "Linear's rate limit was reached; try again later (\(said))")
            case "AUTHENTICATION_ERROR":
                return BundleError.credentialsRefused(variable: "LINEAR_API_KEY", by: "Linear", status: response.status == 403 ? 403 : 401)
            case "FORBIDDEN":
                return BundleError(.misconfigured, "\(said); check that LINEAR_API_KEY's user may create projects in LINEAR_TEAM_ID's team",
                                   details: [ErrorDetail(field: "LINEAR_TEAM_ID", problem: "not allowed for this key")])
            case "INVALID_INPUT", "GRAPHQL_VALIDATION_FAILED", "BAD_USER_INPUT":
                // A team id Linear does not know is the usual cause: it is the one value the
                // configuration, not the caller, supplies.
                if message.lowercased().contains("team") {
                    return BundleError(.misconfigured, "\(said); check LINEAR_TEAM_ID (a team's UUID, not its key)",
                                       details: [ErrorDetail(field: "LINEAR_TEAM_ID", problem: "refused by Linear")])
                }
                return BundleError(.validationFailed, said, details: [ErrorDetail(field: "title", problem: message)], retryable: false)
            default:
                if message.lowercased().contains("entity not found") && message.lowercased().contains("team") {
                    return BundleError(.misconfigured, "\(said); check LINEAR_TEAM_ID",
                                       details: [ErrorDetail(field: "LINEAR_TEAM_ID", problem: "refused by Linear")])
                }
                return BundleError(.upstreamFailed, said + (code.isEmpty ? "" : " (\(code))"))
            }
        }
        switch response.status {
        case 200..<300: return nil
        case 401, 403: return BundleError.credentialsRefused(variable: "LINEAR_API_KEY", by: "Linear", status: response.status)
        case 429: return BundleError(.rateLimited, "Linear's rate limit was reached (HTTP 429); try again later")
        default: return BundleError(.upstreamFailed, "Linear answered \(operation) with HTTP \(response.status)")
        }
    }

    /// The first paragraph of Markdown that is not a heading, cut to `summaryLimit` characters.
    static func summary(of markdown: String) -> String {
        let paragraphs = markdown.split(separator: "\n\n").map { $0.trimmingWhitespace() }
        let text = paragraphs.first { !$0.isEmpty && !$0.hasPrefix("#") } ?? ""
        return text.count <= summaryLimit ? text : String(text.prefix(summaryLimit - 1)) + "…"
    }
}
