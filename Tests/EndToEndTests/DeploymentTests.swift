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

    @Test func cronSchedulesBecomeSystemdCalendars() {
        #expect(CronSchedule.onCalendar("* * * * *") == "*-*-* *:*:00")
        #expect(CronSchedule.onCalendar("*/5 * * * *") == "*-*-* *:00/5:00")
        #expect(CronSchedule.onCalendar("30 7 * * 1-5") == "Mon..Fri *-*-* 7:30:00")
        #expect(CronSchedule.onCalendar("0 9 1 * *") == "*-*-1 9:0:00")
        #expect(CronSchedule.onCalendar("bad") == nil)
    }
}

/// What only the dispatcher does: kill a function past its deadline, and refuse garbled output.
@Suite(.serialized) struct DispatcherTests {
    /// A bin directory of the real binaries with one function replaced by a shell script.
    func binaries(replacing name: String, with script: String) throws -> TemporaryDirectory {
        let directory = try TemporaryDirectory()
        for entry in try FileManager.default.contentsOfDirectory(atPath: Binaries.directory) {
            try? FileManager.default.createSymbolicLink(atPath: directory.file(entry), withDestinationPath: Binaries.directory + "/" + entry)
        }
        try? FileManager.default.removeItem(atPath: directory.file(name))
        try directory.write(name, "#!/bin/sh\n" + script + "\n")
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: directory.file(name))
        return directory
    }

    @Test func aFunctionPastItsDeadlineIsKilledWith504() throws {
        let bin = try binaries(replacing: "health", with: "sleep 30")
        let server = try NginxServer(mode: .dispatch, binaries: bin.path, environment: ["FUNCTION_TIMEOUT_S": "1"])
        let started = ContinuousClock.now
        let reply = try server.send("GET", "/health")
        #expect(reply.status == 504)
        #expect(reply.json?["error"]?["code"] == "timeout")
        #expect(started.duration(to: .now) < .seconds(10))
    }

    @Test func garbledOutputIsA500() throws {
        let bin = try binaries(replacing: "health", with: "cat >/dev/null; echo 'Segmentation fault?'")
        let server = try NginxServer(mode: .dispatch, binaries: bin.path)
        let reply = try server.send("GET", "/health")
        #expect(reply.status == 500)
        #expect(reply.json?["error"]?["code"] == "internal")
        let silent = try binaries(replacing: "health", with: "kill -9 $$")
        let crashed = try NginxServer(mode: .dispatch, binaries: silent.path)
        #expect(try crashed.send("GET", "/health").json?["error"]?["code"] == "internal")
    }
}
