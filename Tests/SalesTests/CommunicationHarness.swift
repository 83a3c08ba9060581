import Core
import Foundation
import Providers
import Runtime
import Sales
import Store
import TestSupport
import Testing

/// What the communication suites share: the solution-search harness's database (Sales, jobs and
/// vectors), a prospect to attach communications to, uploads as the runtime calls them, and
/// files written by independent writers (Python's `email` package, python-docx).
struct CommunicationHarness: SolutionSearchHarness {
    let directory: TemporaryDirectory
    let database: any Database

    init() throws {
        (directory, database) = try Self.makeDatabase()
    }

    /// Runs a handler on JSON input checked against its manifest first, as the runtime does.
    func run<H: FunctionHandler>(_ handler: H, _ input: JSONValue, embedder: any Embedder = OfflineEmbedder()) async throws -> JSONValue {
        let problems = SchemaValidator.validate(input, against: H.manifest.inputSchema, at: "")
        if !problems.isEmpty { throw BundleError.validation(problems) }
        let output = try JSONValue(encoding: try await handler.handle(try input.decode(as: H.Input.self), context: context(embedder)))
        let outputProblems = SchemaValidator.validate(output, against: H.manifest.outputSchema, at: "")
        #expect(outputProblems.isEmpty, "\(H.manifest.name): \(outputProblems)")
        return output
    }

    func upload(_ bytes: [UInt8], name: String, _ fields: [String: JSONValue] = [:], embedder: any Embedder = OfflineEmbedder()) async throws -> JSONValue {
        var input = fields
        input["file_name"] = .string(name)
        input["content_base64"] = .string(Data(bytes).base64EncodedString())
        return try await run(UploadCommunicationsHandler(), .object(input), embedder: embedder)
    }

    func error(_ body: () async throws -> Void) async -> BundleError? {
        do { try await body() } catch let error as BundleError { return error } catch { Issue.record("unexpected \(error)") }
        return nil
    }

    @discardableResult
    func prospect(_ name: String = "Maria Okafor", company: String = "Northwind Logistics") async throws -> Int {
        let created = try await run(CreateProspectHandler(), ["linkedin_url": .string("https://www.linkedin.com/in/\(name.lowercased().replacing(" ", with: "-"))"),
                                                              "full_name": .string(name), "title": "CTO", "company_name": .string(company)])
        return try #require(created["id"]?.intValue)
    }

    func count(_ sql: String, _ arguments: any SQLBindable...) throws -> Int {
        try database.read { try $0.queryOne(sql, arguments)?.int("n") ?? 0 }
    }

    /// Bytes a Python snippet writes to `out` (sys.stdout.buffer).
    static func python(_ code: String) throws -> [UInt8] {
        let script = "import sys, io\nout = sys.stdout.buffer\n" + code
        let result = try Binaries.run("/usr/bin/env", arguments: ["python3", "-c", script],
                                      environment: ["PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"],
                                      workingDirectory: NSTemporaryDirectory())
        #expect(result.exitCode == 0, "\(result.stderr)")
        return result.stdout
    }

    /// Whether python-docx is importable; when `BUNDLE_REQUIRE_PYTHON_PACKAGES=1` its absence fails the test.
    static let docxInstalled: Bool = {
        let result = try? Binaries.run("/usr/bin/env", arguments: ["python3", "-c", "import docx"],
                                       environment: ["PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"],
                                       workingDirectory: NSTemporaryDirectory())
        return result?.exitCode == 0
    }()

    static var docxEnabled: Bool { docxInstalled || ProcessInfo.processInfo.environment["BUNDLE_REQUIRE_PYTHON_PACKAGES"] == "1" }
    static let docxMissing = "the PyPI package python-docx is not installed (python3 -m pip install python-docx; infra/dev test installs it)"
}

extension JSONValue {
    /// An array's element, nil past its end (as the other suites' tests read arrays).
    subscript(index: Int) -> JSONValue? { arrayValue.flatMap { index < $0.count ? $0[index] : nil } }
}
