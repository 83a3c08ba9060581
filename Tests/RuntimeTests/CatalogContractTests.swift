import Catalog
import Core
import FoundationEssentials
import Gateway
import Testing

/// What every manifest must hold now that the runtime checks each input against its schema:
/// path parameters and legitimate inputs (the fixtures) pass, aliases point at real routes, and the
/// OpenAPI document shows aliases and other content types.
@Suite struct CatalogContractTests {
    static let fixtures = URL(filePath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appending(path: "Fixtures")

    @Test func everyPathParameterIsAnInputProperty() {
        for manifest in Catalog.manifests {
            let properties = manifest.inputSchema["properties"]?.objectValue ?? [:]
            let open = manifest.inputSchema["additionalProperties"] != false
            for route in manifest.routes {
                for parameter in RoutePattern(route.path).parameters {
                    #expect(open || properties[parameter.name] != nil, "\(manifest.name): \(route) has {\(parameter.name)} that its schema refuses")
                }
            }
        }
    }

    /// No function ignores a field it was sent: every input schema is closed, but the webhooks'
    /// (Twilio posts fields of its own choosing, which the signature covers) and the sign-in
    /// callback's (providers add parameters of their own, which OAuth 2.0 says clients ignore).
    @Test func everyInputSchemaRefusesUnknownFields() {
        let webhooks: Set<String> = ["inbound-message", "message-status", "auth-callback"]
        for manifest in Catalog.manifests where !webhooks.contains(manifest.name) {
            #expect(manifest.inputSchema["additionalProperties"] == false, "\(manifest.name) accepts unknown fields")
        }
        let health = Catalog.manifests.first { $0.name == "health" }!
        #expect(throws: BundleError.self) { try InputContract.prepare(["bogus": 1], schema: health.inputSchema) }
    }

    /// Thousands of unknown fields get an answer of bounded size that still counts them.
    @Test func manyProblemsAreCountedButListedInPart() throws {
        let steering = Catalog.manifests.first { $0.name == "put-steering" }!
        var fields: [String: JSONValue] = [:]
        for index in 0..<5_000 { fields["weights_news_\(index)"] = .number(Double(index)) }
        do {
            _ = try InputContract.prepare(.object(fields), schema: steering.inputSchema)
            Issue.record("5,000 unknown fields were accepted")
        } catch {
            #expect(error.details?.count == BundleError.listedProblems)
            #expect(error.message.hasPrefix("5000 fields are invalid: "))
            #expect(error.message.hasSuffix(" and \(5_000 - BundleError.listedProblems) more"))
        }
    }

    @Test func everyIdAndPageSizeInAnInputHasItsMinimum() {
        for manifest in Catalog.manifests {
            for (name, property) in manifest.inputSchema["properties"]?.objectValue ?? [:] where property["x-alias-of"] == nil {
                let types = property["type"]?.arrayValue?.compactMap(\.stringValue) ?? property["type"]?.stringValue.map { [$0] } ?? []
                guard types.contains("integer") else { continue }
                if name == "id" || name.hasSuffix("_id") || name == "limit" {
                    #expect((property["minimum"]?.doubleValue ?? 0) >= 1, "\(manifest.name).\(name) needs minimum 1")
                } else {
                    #expect(property["minimum"] != nil, "\(manifest.name).\(name) documents no minimum")
                }
            }
        }
    }

    @Test func everyAliasNamesACanonicalRouteOfTheSameFunction() {
        var aliases = 0
        for manifest in Catalog.manifests {
            for route in manifest.routes where route.isAlias {
                aliases += 1
                let canonical = manifest.routes.first { $0.description == route.aliasOf && !$0.isAlias }
                #expect(canonical != nil, "\(manifest.name): \(route) is an alias of \(route.aliasOf ?? "") which it does not serve")
                #expect(canonical?.method == route.method)
                #expect(canonical.map { RoutePattern($0.path).parameters.map(\.name) } == RoutePattern(route.path).parameters.map(\.name))
            }
        }
        #expect(aliases >= 6, "candidate scoring's /api/pluto routes")
    }

    @Test func theOriginalsRoutesReachTheSameFunctions() {
        let table = RouteTable(Catalog.manifests)
        for (method, path, function) in [
            ("POST", "/api/pluto/upload", "upload-candidates"), ("GET", "/api/pluto/status", "candidate-status"),
            ("GET", "/api/pluto/results", "list-candidates"), ("GET", "/api/pluto/candidates/7", "get-candidate"),
            ("PATCH", "/api/pluto/candidates/7", "update-candidate"), ("POST", "/api/pluto/candidates/7/interview", "start-interview"),
        ] {
            guard case .success(let match) = table.match(method: method, path: path) else {
                Issue.record("\(method) \(path) is not routed")
                continue
            }
            #expect(match.manifest.name == function)
            #expect(match.route.isAlias)
        }
    }

    @Test func everyFixtureInputPassesItsFunctionsSchema() throws {
        var checked = 0
        for folder in try FileManager.default.contentsOfDirectory(atPath: Self.fixtures.path) {
            guard let manifest = Catalog.manifest(named: folder) else { continue }
            for file in try FileManager.default.contentsOfDirectory(atPath: Self.fixtures.appending(path: folder).path)
            where file.hasSuffix(".json") && file != "corpus.json" {
                let value = try JSONParser.parse(Array(try Data(contentsOf: Self.fixtures.appending(path: folder).appending(path: file))))
                var input = value
                let problems = InputContract.check(&input, schema: manifest.inputSchema)
                #expect(problems.isEmpty, "\(folder)/\(file): \(problems)")
                checked += 1
            }
        }
        #expect(checked >= 8)
    }

    @Test func theOriginalsFieldNamesAreAccepted() throws {
        let campaign = try #require(Catalog.manifest(named: "create-campaign"))
        let prepared = try InputContract.prepare([
            "name": "Gas station", "research_brief": "Refuelling habits of commuters on Yas Island.",
            "extraction_schema": ["age_range": ["type": "string", "description": "Age bracket"]], "phone_numbers": ["+971501234567"],
        ], schema: campaign.inputSchema)
        #expect(prepared["brief"] == "Refuelling habits of commuters on Yas Island.")
        #expect(prepared["phones"] == ["+971501234567"])
        #expect(prepared["schema"]?["age_range"]?["type"] == "string")
        #expect(prepared["research_brief"] == nil)
        #expect(throws: BundleError.self) {
            try InputContract.prepare(["name": "x", "brief": "one brief here", "research_brief": "another brief", "schema": [:], "phones": []],
                                      schema: campaign.inputSchema)
        }
        let steering = try #require(Catalog.manifest(named: "put-steering"))
        let weights = try InputContract.prepare(["weight_news": 0.5, "weight_role_pains": 0.3, "weight_competitors": 0.2,
                                                 "competitor_list": ["Acme"]], schema: steering.inputSchema)
        #expect(weights == ["weights": ["news": 0.5, "role_pains": 0.3, "competitors": 0.2], "competitors": ["Acme"]])
    }

    /// Shapes the handlers always took and their schemas now say: lists as one string (forms),
    /// webhook parameters as numbers (JSON webhooks), null for an optional field.
    @Test(arguments: [
        ("create-campaign", #"{"name": "n", "brief": "A brief of some length.", "schema": {}, "phones": "+4915112345678, +4915112345679"}"#),
        ("put-role", #"{"id": 1, "title": "Engineer", "required_skills": "Python; Go", "industries": null, "weights": null}"#),
        ("update-candidate", #"{"id": 1, "skills": "Python | Go", "email": null}"#),
        ("inbound-message", #"{"MessageSid": "SM1", "From": "whatsapp:+4915112345678", "NumMedia": 0, "WaId": 4915112345678}"#),
        ("message-status", #"{"MessageSid": "SM1", "MessageStatus": "failed", "ErrorCode": 63016}"#),
        ("list-meetings", #"{"status": null, "limit": null, "offset": 0}"#),
    ])
    func inputsTheHandlersTakePassTheirSchema(function: String, input: String) throws {
        let manifest = try #require(Catalog.manifest(named: function))
        var value = try JSONParser.parse(input)
        #expect(InputContract.check(&value, schema: manifest.inputSchema).isEmpty)
    }

    @Test(arguments: [("list-meetings", "status", "FeedbackGiven", "feedback_given"), ("list-meetings", "status", "Drafted", "drafted"),
                      ("list-conversations", "status", "Completed", "completed"), ("list-jobs", "status", "DEAD", "dead"),
                      ("list-candidates", "tier", "Top", "top")])
    func statusFiltersMatchInAnyCase(function: String, field: String, sent: String, stored: String) throws {
        let manifest = try #require(Catalog.manifest(named: function))
        var input: [String: JSONValue] = [field: .string(sent)]
        if function == "list-conversations" { input["id"] = 1 }
        let prepared = try InputContract.prepare(.object(input), schema: manifest.inputSchema)
        #expect(prepared[field] == .string(stored))
    }

    @Test func openAPIMarksAliasesAndOtherContentTypes() throws {
        let document = OpenAPIDocument.build(Catalog.manifests)
        let results = try #require(document["paths"]?["/api/pluto/results"]?["get"])
        #expect(results["x-alias-of"] == "GET /candidates")
        #expect(results["description"]?.stringValue?.contains("alias of GET /candidates") == true)
        #expect(document["paths"]?["/candidates"]?["get"]?["x-alias-of"] == nil)
        var ids: [String] = []
        for (_, item) in document["paths"]?.objectValue ?? [:] {
            for (_, operation) in item.objectValue ?? [:] { ids.append(operation["operationId"]?.stringValue ?? "") }
        }
        #expect(Set(ids).count == ids.count, "operation ids are unique")
        let extractions = try #require(document["paths"]?["/campaigns/{id}/extractions"]?["get"])
        #expect(extractions["responses"]?["200"]?["content"]?["text/csv"] != nil)
        let steeringBody = document["paths"]?["/steering"]?["put"]?["requestBody"]?["content"]?["application/json"]?["schema"]
        #expect(steeringBody?["properties"]?["weight_news"]?["x-alias-of"] == "weights.news")
    }

    /// A request written with only the original's names validates against the published schema,
    /// and one with neither spelling does not; an optional field may be null (taken as left out).
    @Test func openAPIRequiresEitherSpellingAndAllowsNullForOptionalFields() throws {
        let document = OpenAPIDocument.build(Catalog.manifests)
        let campaign = try #require(document["paths"]?["/campaigns"]?["post"]?["requestBody"]?["content"]?["application/json"]?["schema"])
        let original: JSONValue = ["name": "Gas station", "research_brief": "Refuelling habits of commuters on Yas Island.",
                                   "extraction_schema": ["age_range": ["type": "string", "description": "Age bracket"]],
                                   "phone_numbers": ["+971501234567"]]
        #expect(SchemaValidator.validate(original, against: campaign).isEmpty, "\(SchemaValidator.validate(original, against: campaign))")
        let neither: JSONValue = ["name": "Gas station", "schema": [:], "phones": []]
        #expect(!SchemaValidator.validate(neither, against: campaign).isEmpty)
        let poll = try #require(document["paths"]?["/calendar/poll"]?["post"]?["requestBody"]?["content"]?["application/json"]?["schema"])
        #expect(SchemaValidator.validate(["run_pipeline": .null], against: poll).isEmpty)
        #expect(!SchemaValidator.validate(["run_pipeline": "yes"], against: poll).isEmpty)
    }
}
