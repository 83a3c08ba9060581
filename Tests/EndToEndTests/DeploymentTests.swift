import Catalog
import Core
import Foundation
import TestSupport
import Testing

/// What the manifests generate: the OpenAPI document (checked by openapi-spec-validator) and the
/// checked-in deployment files, which must match what `infra/dev generate` would write.
@Suite struct DeploymentTests {
    @Test func theOpenAPIDocumentValidates() throws {
        let directory = try TemporaryDirectory()
        let result = try Binaries.run("openapi", stdin: "{}", workingDirectory: directory.path)
        #expect(result.exitCode == 0)
        let document = try #require(result.json)
        #expect(document["openapi"] == "3.1.0")
        #expect(document["paths"]?["/jobs/{id}"]?["get"]?["parameters"]?.arrayValue?.first?["schema"]?["type"] == "integer")
        #expect(document["paths"]?["/health"]?["get"]?["security"] == [], "public routes need no key")
        #expect(document["paths"]?["/jobs"]?["post"]?["responses"]?["202"] != nil)
        try directory.write("openapi.json", result.stdoutText)
        let validation = try Binaries.run("/usr/bin/env", arguments: [
            "python3", "-c", "import json, sys; from openapi_spec_validator import validate; validate(json.load(open(sys.argv[1]))); print('valid')",
            directory.file("openapi.json"),
        ], environment: ["PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"], workingDirectory: directory.path)
        #expect(validation.exitCode == 0, "\(validation.stderr)")
        #expect(validation.stdoutText.contains("valid"))
    }

    @Test func checkedInDeploymentFilesMatchTheManifests() throws {
        let root = NginxServer.repositoryRoot
        for file in DeploymentFiles.render() {
            let onDisk = try? String(contentsOf: root.appendingPathComponent(file.path), encoding: .utf8)
            #expect(onDisk == file.content, "\(file.path) is out of date: run infra/dev generate")
        }
        let crontab = try String(contentsOf: root.appendingPathComponent("infra/cron/crontab"), encoding: .utf8)
        for manifest in Catalog.manifests where manifest.schedule != nil {
            #expect(crontab.contains("flock -n var/lock/\(manifest.name).lock bin/\(manifest.name)"))
        }
        let direct = try String(contentsOf: root.appendingPathComponent("infra/nginx/bundle-direct.conf"), encoding: .utf8)
        for manifest in Catalog.manifests where !manifest.routes.isEmpty {
            #expect(direct.contains(" \(manifest.name);"), "\(manifest.name) has a line in the direct-mode map")
        }
    }

    /// The sites, the OpenFaaS stack and its image all run the one executable: the dispatch site
    /// `bin/bundle`, the direct site `bin/<function>` with `bin/bundle` for anything unrouted, every
    /// OpenFaaS function `bin/<function>` (a link to it) with stderr kept out of the body.
    @Test func everySiteAndTheOpenFaaSImageRunTheOneExecutable() throws {
        let files = Dictionary(uniqueKeysWithValues: DeploymentFiles.render().map { ($0.path, $0.content) })
        let bin = DeploymentFiles.installDirectory + "/bin/"
        for site in ["infra/nginx/bundle-dispatch.conf", "infra/nginx/bundle-direct.conf", "infra/nginx/bundle-fastcgi.conf"] {
            let text = try #require(files[site])
            #expect(!text.contains("BUNDLE_TEST_BIN_DIR"), "\(site): the worker runs its own executable, no directory setting")
            #expect(!text.contains("bin/dispatch"), "\(site)")
        }
        #expect(files["infra/nginx/bundle-dispatch.conf"]?.contains("fastcgi_param SCRIPT_FILENAME \(bin)bundle;\n") == true)
        #expect(files["infra/nginx/bundle-direct.conf"]?.contains("fastcgi_param SCRIPT_FILENAME \(bin)$bundle_function;\n") == true)
        #expect(files["infra/nginx/bundle-direct.conf"]?.contains("\n    default bundle;\n") == true)

        let stack = try #require(files["infra/openfaas/stack.yml"])
        let deployed = Catalog.manifests.filter { !Catalog.isLocalOnly($0) }
        #expect(stack.components(separatedBy: "\n      combine_output: false\n").count - 1 == deployed.count)
        #expect(stack.components(separatedBy: "\n    image: function-bundle:latest\n").count - 1 == deployed.count)
        let bundle = URL(fileURLWithPath: Binaries.path("bundle")).resolvingSymlinksInPath()
        for manifest in deployed {
            #expect(stack.contains("\n      fprocess: \(bin)\(manifest.name)\n"), "\(manifest.name)")
            let link = URL(fileURLWithPath: Binaries.path(manifest.name)).resolvingSymlinksInPath()
            #expect(link == bundle, "bin/\(manifest.name) is a link to bundle")
        }
        let image = try #require(files["infra/openfaas/Containerfile"])
        #expect(image.contains("\nCOPY dist/bin \(DeploymentFiles.installDirectory)/bin\n"))
        #expect(image.contains("\nENV combine_output=false\n"))
    }

    /// Warm mode's site is the dispatch site over another runner: the same error pages, body limits
    /// and streaming locations, each passed over a kept connection to the master's upstream, with
    /// no fcgiwrap settings (the unit gives the configuration); its unit drains for as long as the
    /// longest routed function may run.
    @Test func theFastCGISiteIsTheDispatchSiteOverKeptConnectionsToTheWarmWorkers() throws {
        let files = Dictionary(uniqueKeysWithValues: DeploymentFiles.render().map { ($0.path, $0.content) })
        let dispatch = try #require(files["infra/nginx/bundle-dispatch.conf"])
        let warm = try #require(files["infra/nginx/bundle-fastcgi.conf"])
        func lines(_ text: String, _ keep: (String) -> Bool) -> [String] {
            text.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.filter(keep)
        }
        let shared = { (line: String) in
            ["location ", "error_page ", "return ", "client_max_body_size ", "fastcgi_buffering ", "fastcgi_param NO_BUFFERING ",
             "fastcgi_param PATH_INFO ", "fastcgi_param HTTP_X_REQUEST_ID ", "fastcgi_read_timeout ", "add_header ", "gzip "]
                .contains { line.hasPrefix($0) }
        }
        #expect(lines(warm, shared) == lines(dispatch, shared))
        let passes = lines(dispatch) { $0.hasPrefix("fastcgi_pass ") }.count
        #expect(passes > 1)
        #expect(lines(warm) { $0.hasPrefix("fastcgi_pass ") } == Array(repeating: "fastcgi_pass bundle_fastcgi;", count: passes))
        #expect(lines(warm) { $0 == "fastcgi_keep_conn on;" }.count == passes)
        #expect(warm.contains("\nupstream bundle_fastcgi {\n    server unix:\(DeploymentFiles.fastCGISocket);\n    keepalive 32;\n}\n"))
        for fcgiwrapOnly in ["SCRIPT_FILENAME", "DATABASE_URL", "FILE_STORAGE_DIR", "BUNDLE_ENV_FILE"] {
            #expect(lines(warm) { $0.hasPrefix("fastcgi_param \(fcgiwrapOnly) ") }.isEmpty, "\(fcgiwrapOnly)")
        }
        #expect(!warm.contains("fcgiwrap.sock"))

        let longestTimeout = try #require(Catalog.manifests.filter { !$0.routes.isEmpty }.map(\.timeoutSeconds).max())
        let longest = Int(longestTimeout.rounded(.up))
        #expect(dispatch.contains("fastcgi_read_timeout \(longest + 60)s;\n"), "nginx waits for the longest routed function")
        let service = try #require(files["infra/systemd/bundle-fastcgi.service"])
        let fcgiwrap = try #require(files["infra/systemd/bundle-fcgiwrap.service"])
        for line in ["Type=notify", "ExecStart=\(DeploymentFiles.installDirectory)/bin/bundle serve-fastcgi --workers 8 --max-requests 10000",
                     "ExecReload=/bin/kill -HUP $MAINPID", "KillMode=mixed", "TimeoutStopSec=\(longest + 60)", "Restart=on-failure",
                     "Requires=bundle-fastcgi.socket", "After=bundle-fastcgi.socket pgbouncer.service", "Wants=pgbouncer.service",
                     "User=www-data", "Group=www-data", "WorkingDirectory=\(DeploymentFiles.installDirectory)"] {
            #expect(lines(service) { $0 == line }.count == 1, "\(line)")
        }
        let environment = { (line: String) in line.hasPrefix("Environment=") || line.hasPrefix("EnvironmentFile=") }
        #expect(lines(service, environment) == lines(fcgiwrap, environment))
        #expect(lines(service, environment).count == 2)
        let socket = try #require(files["infra/systemd/bundle-fastcgi.socket"])
        for line in ["ListenStream=\(DeploymentFiles.fastCGISocket)", "SocketUser=www-data", "SocketGroup=www-data", "SocketMode=0660"] {
            #expect(lines(socket) { $0 == line }.count == 1, "\(line)")
        }
    }

    @Test func cronSchedulesBecomeSystemdCalendars() {
        #expect(CronSchedule.onCalendar("* * * * *") == "*-*-* *:*:00")
        #expect(CronSchedule.onCalendar("*/5 * * * *") == "*-*-* *:00/5:00")
        #expect(CronSchedule.onCalendar("30 7 * * 1-5") == "Mon..Fri *-*-* 7:30:00")
        #expect(CronSchedule.onCalendar("0 9 1 * *") == "*-*-1 9:0:00")
        #expect(CronSchedule.onCalendar("bad") == nil)
    }
}

/// A handler that overruns or crashes while serving HTTP: with the handler in the CGI process
/// itself, the watchdog and the crash guard answer in its place, as JSON with the right status.
@Suite struct InProcessCGITests {
    func post(_ body: String, environment: [String: String] = [:]) throws -> ProcessResult {
        let directory = try TemporaryDirectory()
        var cgi = ["GATEWAY_INTERFACE": "CGI/1.1", "REQUEST_METHOD": "POST", "REQUEST_URI": "/probe", "PATH_INFO": "/probe",
                   "CONTENT_TYPE": "application/json", "CONTENT_LENGTH": String(body.utf8.count),
                   "DATABASE_URL": try TestDatabase.url(directory.file("bundle.sqlite"))]
        cgi.merge(environment) { $1 }
        return try Binaries.run(Binaries.buildDirectory + "/runtime-probe", stdin: body, environment: cgi, workingDirectory: directory.path)
    }

    @Test func aHandlerPastItsDeadlineIsAnsweredWith504() throws {
        let started = ContinuousClock.now
        let result = try post(#"{"action": "hang"}"#, environment: ["FUNCTION_TIMEOUT_S": "1"])
        #expect(result.stdoutText.hasPrefix("Status: 504"), "\(result.stdoutText)")
        #expect(result.stdoutText.contains(#""code":"timeout""#))
        #expect(started.duration(to: .now) < .seconds(60))
    }

    @Test func aCrashingHandlerIsA500WithAJSONError() throws {
        for action in ["crash", "segv"] {
            let result = try post(#"{"action": "\#(action)"}"#)
            #expect(result.stdoutText.hasPrefix("Status: 500"), "\(action): \(result.stdoutText)")
            #expect(result.stdoutText.contains(#""code":"internal""#), "\(action)")
        }
    }

    @Test func theHandlerRunsInTheCGIProcessItself() throws {
        let directory = try TemporaryDirectory()
        let body = #"{"action": "echo", "count": 3}"#
        let started = try Binaries.start(Binaries.buildDirectory + "/runtime-probe", stdinBytes: Array(body.utf8), environment: [
            "GATEWAY_INTERFACE": "CGI/1.1", "REQUEST_METHOD": "POST", "REQUEST_URI": "/probe", "PATH_INFO": "/probe",
            "CONTENT_TYPE": "application/json", "CONTENT_LENGTH": String(body.utf8.count), "DATABASE_URL": try TestDatabase.url(directory.file("bundle.sqlite")),
        ], workingDirectory: directory.path)
        let result = try started.wait()
        #expect(result.stdoutText.hasPrefix("Status: 200"), "\(result.stdoutText)")
        #expect(result.stdoutText.contains(#""count":3"#))
        // The answer names the process that ran the handler: the one nginx (here, the test) started.
        #expect(result.stdoutText.contains("\"pid\":\(started.processIdentifier)"), "\(result.stdoutText)")
        #expect(result.logLines.contains { $0["msg"] == "request.done" && $0["status"]?.intValue == 200 })
    }
}
