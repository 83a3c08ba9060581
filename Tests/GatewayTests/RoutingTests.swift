import Core
import Gateway
import Testing

@Suite struct RoutingTests {
    let table = RouteTable([
        FunctionManifest(name: "get-job", summary: "", routes: [Route("GET", "/jobs/{id:int}")], input: [:], output: [:]),
        FunctionManifest(name: "list-jobs", summary: "", routes: [Route("GET", "/jobs")], input: [:], output: [:]),
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
        #expect(pattern.regularExpression == "^/meetings/-?[0-9]+/feedback/[^/]+$")
        #expect(RoutePattern("/openapi.json").regularExpression == "^/openapi\\.json$")
    }
}
