import Catalog
import Core
import Foundation
import TestSupport
import Testing

/// The one executable: every function of the catalog is reachable by its name (a link to
/// `bundle`), by `bundle <name>`, by each of its routes, and, when scheduled, by its cron line;
/// a name that is no function is a JSON `not_found` with exit 66.
@Suite struct OneExecutableTests {
    let directory: TemporaryDirectory

    init() throws {
        directory = try TemporaryDirectory()
    }

    var bundle: String { Binaries.path("bundle") }

    @Test func listPrintsEveryFunctionOfTheCatalog() throws {
        let result = try Binaries.run(bundle, arguments: ["--list"], workingDirectory: directory.path)
        #expect(result.exitCode == 0)
        #expect(result.stdoutText.split(separator: "\n").map(String.init) == Catalog.manifests.map(\.name))
    }

    @Test func everyFunctionAnswersByItsLinkAndByBundleName() throws {
        for manifest in Catalog.manifests {
            let linked = try Binaries.run(manifest.name, arguments: ["--describe"], workingDirectory: directory.path)
            #expect(linked.exitCode == 0, "\(manifest.name)")
            #expect(linked.json?["name"] == .string(manifest.name))
            let named = try Binaries.run(bundle, arguments: [manifest.name, "--describe"], workingDirectory: directory.path)
            #expect(named.stdout == linked.stdout, "\(manifest.name)")
            var resolved = try FileManager.default.destinationOfSymbolicLink(atPath: Binaries.path(manifest.name))
            if !resolved.hasPrefix("/") { resolved = Binaries.directory + "/" + resolved }
            #expect(URL(fileURLWithPath: resolved).standardizedFileURL.lastPathComponent == "bundle", "\(manifest.name) links to bundle")
        }
    }

    /// Each route (aliases included) reaches its own function through `bundle` as a CGI program:
    /// a field no function takes is refused by that function's input check, which logs its name.
    @Test func everyRouteReachesItsFunctionInProcess() throws {
        let database = try TestDatabase.url(directory.file("bundle.sqlite"))
        let created = try Binaries.run("create-api-key", stdin: #"{"name": "routes", "scopes": ["read", "write", "admin"]}"#, environment: ["DATABASE_URL": database],
                                       workingDirectory: directory.path)
        let key = try #require(created.json?["key"]?.stringValue, "\(created.stdoutText)")
        for manifest in Catalog.manifests {
            for route in manifest.routes {
                let path = route.path.replacingOccurrences(of: #"\{[a-z_]+:int\}"#, with: "7", options: .regularExpression)
                    .replacingOccurrences(of: #"\{[a-z_]+\}"#, with: "x", options: .regularExpression)
                // `bundle` routes every path (the dispatch site); the link serves its own routes
                // (the direct site maps each route to `bin/<function>`).
                for executable in [bundle, Binaries.path(manifest.name)] {
                    let result = try Binaries.run(executable, environment: [
                        "GATEWAY_INTERFACE": "CGI/1.1", "REQUEST_METHOD": route.method, "REQUEST_URI": path + "?unknown_probe_field=1",
                        "PATH_INFO": path, "QUERY_STRING": "unknown_probe_field=1", "HTTP_X_API_KEY": key, "DATABASE_URL": database,
                        "TWILIO_SIGNATURE_CHECK": "off",
                    ], workingDirectory: directory.path)
                    #expect(!result.stdoutText.contains("no route for"), "\(route): \(result.stdoutText)")
                    let ran = result.logLines.first { ($0["msg"]?.stringValue ?? "").hasPrefix("invocation.") }
                    let function = ran?["fn"]?.stringValue
                    #expect(function == manifest.name, "\(route) through \(executable) ran \(function ?? "nothing"): \(result.stderr)")
                    #expect(!result.stdoutText.hasPrefix("Status: 5"), "\(route): \(result.stdoutText)")
                }
            }
        }
    }

    /// Each scheduled function's crontab line, run as cron would run it (its command, in a copy of
    /// the install directory whose `bin/` is this build's), starts that function.
    @Test func everyScheduledFunctionHasACronLineThatRunsIt() throws {
        let crontab = try String(contentsOf: NginxServer.repositoryRoot.appendingPathComponent("infra/cron/crontab"), encoding: .utf8)
        let scheduled = Catalog.manifests.filter { $0.schedule != nil }
        #expect(!scheduled.isEmpty)
        let root = try TemporaryDirectory()
        try FileManager.default.createSymbolicLink(atPath: root.file("bin"), withDestinationPath: Binaries.directory)
        for manifest in scheduled {
            let schedule = manifest.schedule ?? ""
            let line = try #require(crontab.split(separator: "\n").map(String.init).first { $0.contains("bin/\(manifest.name) ") && !$0.hasPrefix("#") },
                                    "\(manifest.name) has no cron line")
            #expect(line.hasPrefix(schedule + " "), "\(line)")
            let command = String(line.dropFirst(schedule.count + 1)).replacingOccurrences(of: "/opt/function-bundle", with: root.path)
            let ran = try Binaries.run("/bin/sh", arguments: ["-c", command], environment: [
                "DATABASE_URL": try TestDatabase.url(root.file("bundle.sqlite")), "LLM_PROVIDER": "offline", "WORK_BUDGET_S": "2",
            ], workingDirectory: root.path)
            #expect(ran.exitCode == 0 || ran.exitCode > 63, "\(manifest.name): exit \(ran.exitCode)")
            let log = (try? String(contentsOfFile: root.file("var/log/\(manifest.name).log"), encoding: .utf8)) ?? ""
            #expect(log.contains("\"fn\":\"\(manifest.name)\""), "\(manifest.name)'s cron line logged: \(log)")
        }
    }

    @Test func anUnknownNameIsAJSONNotFound() throws {
        let named = try Binaries.run(bundle, arguments: ["no-such-function"], workingDirectory: directory.path)
        #expect(named.exitCode == 66)
        #expect(named.errorCode == "not_found")
        #expect(named.stdout.filter { $0 == 10 }.count == 1)
        // A link with a name the catalog does not know, as a stale deployment might leave behind.
        try FileManager.default.createSymbolicLink(atPath: directory.file("helth"), withDestinationPath: bundle)
        let linked = try Binaries.run(directory.file("helth"), workingDirectory: directory.path)
        #expect(linked.exitCode == 66)
        #expect(linked.errorCode == "not_found")
        #expect(linked.json?["error"]?["message"]?.stringValue?.contains("did you mean health?") == true, "\(linked.stdoutText)")
        // Under CGI (a stale link in an nginx site): the contract's 404, with the body read.
        let body = String(repeating: "x", count: 200_000)
        let cgi = try Binaries.run(directory.file("helth"), stdin: body, environment: [
            "GATEWAY_INTERFACE": "CGI/1.1", "REQUEST_METHOD": "POST", "REQUEST_URI": "/health", "PATH_INFO": "/health",
            "CONTENT_TYPE": "text/plain", "CONTENT_LENGTH": String(body.utf8.count),
            "HTTP_ORIGIN": "https://app.example", "CORS_ORIGINS": "https://app.example",
        ], workingDirectory: directory.path)
        #expect(cgi.stdoutText.hasPrefix("Status: 404"), "\(cgi.stdoutText)")
        #expect(cgi.stdoutText.contains(#""code":"not_found""#))
        #expect(cgi.stdoutText.contains("Access-Control-Allow-Origin: https://app.example"), "\(cgi.stdoutText)")
        let bare = try Binaries.run(bundle, workingDirectory: directory.path)
        #expect(bare.exitCode == 64)
        #expect(bare.errorCode == "invalid_request")
    }

    @Test func aFunctionNamedAsAnArgumentReadsStdinLikeItsLink() throws {
        let environment = ["DATABASE_URL": try TestDatabase.url(directory.file("bundle.sqlite")), "BUNDLE_NOW": "2026-01-05T09:00:00Z"]
        let linked = try Binaries.run("health", stdin: "{}", environment: environment, workingDirectory: directory.path)
        let named = try Binaries.run(bundle, arguments: ["health"], stdin: "{}", environment: environment, workingDirectory: directory.path)
        #expect(linked.exitCode == 0)
        #expect(named.exitCode == 0)
        #expect(named.json == linked.json)
        let refused = try Binaries.run(bundle, arguments: ["health", "--frobnicate"], workingDirectory: directory.path)
        #expect(refused.errorCode == "invalid_request")
        let extra = try Binaries.run(bundle, arguments: ["health", "enrich"], workingDirectory: directory.path)
        #expect(extra.errorCode == "invalid_request")
        #expect(extra.exitCode == 64)
    }
}
