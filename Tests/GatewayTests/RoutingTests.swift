import Core
import Gateway
import Testing

@Suite struct RoutingTests {
    let table = RouteTable([
        FunctionManifest(name: "get-job", summary: "", routes: [Route("GET", "/jobs/{id:int}"), .alias("/old/jobs/{id:int}", of: Route("GET", "/jobs/{id:int}"))],
                         input: [:], output: [:]),
        FunctionManifest(name: "list-jobs", summary: "", routes: [Route("GET", "/jobs"), .alias("/api/v1/jobs", of: Route("GET", "/jobs"))],
                         input: [:], output: [:]),
        FunctionManifest(name: "enqueue", summary: "", routes: [Route("POST", "/jobs")], input: [:], output: [:]),
        FunctionManifest(name: "job-stats", summary: "", routes: [Route("GET", "/jobs/stats")], input: [:], output: [:]),
        FunctionManifest(name: "feedback", summary: "", routes: [Route("POST", "/meetings/{id:int}/feedback/{kind}")],
                         input: [:], output: [:]),
    ])

    func name(_ method: String, _ path: String) -> String? {
        if case .success(let match) = table.match(method: method, path: path) { return match.manifest.name }
        return nil
    }

    @Test func methodAndPathPickTheFunction() {
        #expect(name("GET", "/jobs") == "list-jobs")
        #expect(name("POST", "/jobs") == "enqueue")
        #expect(name("GET", "/jobs/") == "list-jobs", "a trailing slash is the same path")
        #expect(name("HEAD", "/jobs") == "list-jobs", "HEAD is served as GET")
    }

    @Test func literalSegmentsWinOverParameters() {
        #expect(name("GET", "/jobs/stats") == "job-stats")
        #expect(name("GET", "/jobs/42") == "get-job")
    }

    @Test func parametersAreTyped() throws {
        guard case .success(let match) = table.match(method: "POST", path: "/meetings/7/feedback/thumbs-up") else {
            Issue.record("no match")
            return
        }
        #expect(match.parameters["id"] == 7)
        #expect(match.parameters["kind"] == "thumbs-up")
        #expect(name("GET", "/jobs/abc") == nil, "an {id:int} segment must be a number")
        #expect(name("GET", "/jobs/99999999999999999999") == nil)
    }

    @Test func unknownPathsAndWrongMethodsAreTold() {
        guard case .failure(.notFound) = table.match(method: "GET", path: "/nothing") else {
            Issue.record("expected not found")
            return
        }
        guard case .failure(.methodNotAllowed(let allowed)) = table.match(method: "DELETE", path: "/jobs") else {
            Issue.record("expected 405")
            return
        }
        #expect(Set(allowed) == ["GET", "POST", "HEAD"])
    }

    @Test func patternsRenderForOpenAPIAndNginx() {
        let pattern = RoutePattern("/meetings/{id:int}/feedback/{kind}")
        #expect(pattern.openAPIPath == "/meetings/{id}/feedback/{kind}")
        #expect(pattern.regularExpression == "^/meetings/[0-9]+/feedback/[^/]+$")
        #expect(RoutePattern("/openapi.json").regularExpression == "^/openapi\\.json$")
    }

    @Test func aliasesRouteToTheSameFunctionWithTheSameParameters() throws {
        #expect(name("GET", "/api/v1/jobs") == "list-jobs")
        guard case .success(let match) = table.match(method: "GET", path: "/old/jobs/12") else {
            Issue.record("the alias did not match")
            return
        }
        #expect(match.manifest.name == "get-job")
        #expect(match.parameters["id"] == 12)
        #expect(match.route.aliasOf == "GET /jobs/{id:int}")
        guard case .failure(.methodNotAllowed(let allowed)) = table.match(method: "POST", path: "/api/v1/jobs") else {
            Issue.record("expected 405 on an alias path with another method")
            return
        }
        #expect(allowed == ["GET", "HEAD"])
    }

    @Test(arguments: ["01", "+1", "-1", "1.0", "1e3", " 1", "9007199254740992", "12345678901234567", "99999999999999999999"])
    func anIntegerSegmentIsACanonicalDecimalOrNotThisRoute(segment: String) {
        #expect(name("GET", "/jobs/\(segment)") == nil)
        #expect(RoutePattern.canonicalInteger(segment) == nil)
    }

    @Test func canonicalDecimalsUpToTwoToTheFiftyThreeMatch() {
        #expect(RoutePattern.canonicalInteger("0") == 0)
        #expect(RoutePattern.canonicalInteger("") == nil)
        #expect(RoutePattern.canonicalInteger("9007199254740991") == 9_007_199_254_740_991)
        #expect(name("GET", "/jobs/9007199254740991") == "get-job")
    }
}
