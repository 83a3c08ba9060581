// swift-tools-version:6.2
import PackageDescription

// One package, one executable (see DESIGN.md): `bundle` holds every function's handler and picks
// one from the name it was started under (`dist/bin/<function>` links to it) or from its first
// argument, the BusyBox pattern. Swift 6.2 or later: the runtime starts handlers with
// Task.immediate. No third-party packages: JSON, logging, SQLite access and SHA-256 are small
// enough to own. swift-crypto was tried for SHA-256: on Linux it links full Foundation and ICU.
// Each target lists exactly the modules it imports; `infra/dev` builds with
// `--explicit-target-dependency-import-check error` so that stays true.
let package = Package(
    name: "function-bundle",
    platforms: [.macOS(.v15)],
    products: [.executable(name: "bundle", targets: ["bundle"])],
    targets: [
        // C libraries from the system.
        .systemLibrary(name: "CSQLite", path: "CModules/CSQLite", providers: [.apt(["libsqlite3-dev"])]),
        .systemLibrary(name: "CCurl", path: "CModules/CCurl", providers: [.apt(["libcurl4-openssl-dev"])]),
        .target(name: "CCurlShim", dependencies: ["CCurl"], path: "CModules/CCurlShim",
                linkerSettings: [.linkedLibrary("dl")]),
        .target(name: "CProcessShim", path: "CModules/CProcessShim"),
        // libpq through dlopen on first use: SQLite deployments never load it (see CPQShim/include).
        .target(name: "CPQShim", path: "CModules/CPQShim", linkerSettings: [.linkedLibrary("dl")]),
        // SHA-256 blocks with the CPU's SHA instructions, for Core's SHA256.
        .target(name: "CHashShim", path: "CModules/CHashShim"),
        .systemLibrary(name: "CZlib", path: "CModules/CZlib", providers: [.apt(["zlib1g-dev"])]),

        // Shared library modules, lowest first.
        .target(name: "Core", dependencies: ["CHashShim"], path: "Shared/Core"),
        // The system's static libsqlite3 (Debian's libsqlite3-dev ships it): no shared library to
        // load and bind at each process start. `-l:` makes the linker take the archive.
        .target(name: "Store", dependencies: ["Core", "CSQLite", "CPQShim"], path: "Shared/Store",
                linkerSettings: [.unsafeFlags(["-Xlinker", "-l:libsqlite3.a"])]),
        .target(name: "HTTPTransport", dependencies: ["Core", "CCurlShim"], path: "Shared/HTTPTransport"),
        .target(name: "Processes", dependencies: ["Core", "CProcessShim"], path: "Shared/Processes"),
        .target(name: "Calendars", dependencies: ["Core"], path: "Shared/Calendars"),
        // ZIP reading (uploaded .docx files, chat exports) over the system's static libz, linked
        // like libsqlite3 above: nothing to load at start for functions that never open an archive.
        .target(name: "Archives", dependencies: ["Core", "CZlib"], path: "Shared/Archives",
                linkerSettings: [.unsafeFlags(["-Xlinker", "-l:libz.a"])]),
        // The invocation core: handlers, their context, and the one function that runs them.
        // It imports no provider, gateway or jobs module; those extend the context instead.
        .target(name: "Runtime", dependencies: ["Core", "Store", "CProcessShim"], path: "Shared/Runtime"),
        .target(name: "Providers", dependencies: ["Core", "Store", "HTTPTransport", "Runtime", "Calendars", "Processes"], path: "Shared/Providers"),
        .target(name: "Gateway", dependencies: ["Core", "Store"], path: "Shared/Gateway"),
        .target(name: "Jobs", dependencies: ["Core", "Store", "Processes", "Runtime"], path: "Shared/Jobs"),
        // Workflows of named steps, each recorded, retried and resumable, run by jobs (Sales research, outreach, event matching).
        .target(name: "Workflows", dependencies: ["Core", "Store", "Runtime", "Jobs"], path: "Shared/Workflows"),
        // Search by meaning and by words, for any domain: stored vectors, FTS5 queries, rank fusion.
        .target(name: "Retrieval", dependencies: ["Core", "Store"], path: "Shared/Retrieval"),

        // Domains and platform functions.
        .target(name: "Platform", dependencies: ["Core", "Store", "Runtime", "Providers", "Gateway", "Jobs", "Processes"],
                path: "Shared/Platform"),
        .target(name: "Meetings", dependencies: ["Core", "Store", "Runtime", "Providers", "Jobs", "Calendars"],
                path: "Shared/Meetings"),
        .target(name: "Interviews", dependencies: ["Core", "Store", "Runtime", "Providers", "Jobs"],
                path: "Shared/Interviews"),
        .target(name: "Candidates", dependencies: ["Core", "Store", "Runtime", "Providers", "Jobs"],
                path: "Shared/Candidates"),
        .target(name: "Sales", dependencies: ["Core", "Store", "Runtime", "Providers", "Jobs", "Workflows", "Retrieval", "Archives"],
                path: "Shared/Sales"),
        // The conversation workspace: chat imports, summaries, search (base path /api).
        .target(name: "Workspace", dependencies: ["Core", "Store", "Runtime", "Providers", "Jobs", "Retrieval", "Archives", "Processes"],
                path: "Shared/Workspace"),
        .target(name: "Catalog", dependencies: ["Core", "Store", "Runtime", "Providers", "Gateway", "Jobs", "Platform", "Meetings", "Interviews", "Candidates", "Sales", "Workspace", "Workflows", "Retrieval"],
                path: "Shared/Catalog"),

        // The adapters around the invocation core: stdin/stdout, CGI, the AWS Lambda Runtime API.
        .target(name: "Adapters", dependencies: ["Core", "Store", "Runtime", "Gateway", "HTTPTransport"], path: "Shared/Adapters"),

        // The one executable.
        .executableTarget(name: "bundle", dependencies: ["Adapters", "Catalog"], path: "Functions/bundle"),
        .executableTarget(name: "bundle-infra", dependencies: ["Catalog"], path: "Tools/bundle-infra"),
        // `infra/dev bench postgres`: the job queue's claim + finish from N processes, no function run.
        .executableTarget(name: "bench-claims", dependencies: ["Core", "Store", "Jobs", "Processes"], path: "Tools/bench-claims"),

        // Test support: a loopback HTTP server and helpers to run the built binaries.
        .target(name: "TestSupport", dependencies: ["Core", "Store", "HTTPTransport", "Providers"], path: "Tests/TestSupport"),
        .executableTarget(name: "store-stress-writer", dependencies: ["Store", "Core"],
                          path: "Tests/StoreStressWriter"),
        .executableTarget(name: "runtime-probe", dependencies: ["Adapters", "Runtime", "Core", "Store"], path: "Tests/RuntimeProbe"),

        .testTarget(name: "CoreTests", dependencies: ["Core"], path: "Tests/CoreTests"),
        .testTarget(name: "StoreTests", dependencies: ["Core", "Store", "TestSupport"], path: "Tests/StoreTests"),
        .testTarget(name: "HTTPTransportTests", dependencies: ["Core", "HTTPTransport", "TestSupport"],
                    path: "Tests/HTTPTransportTests"),
        .testTarget(name: "ProvidersTests", dependencies: ["Core", "Providers", "HTTPTransport", "Runtime", "Store", "TestSupport"], path: "Tests/ProvidersTests"),
        .testTarget(name: "RuntimeTests", dependencies: ["Core", "Store", "Runtime", "Gateway", "Adapters", "Providers", "Platform", "Catalog", "HTTPTransport", "Jobs", "TestSupport"],
                    path: "Tests/RuntimeTests"),
        .testTarget(name: "GatewayTests", dependencies: ["Core", "Gateway", "Store", "TestSupport"], path: "Tests/GatewayTests"),
        .testTarget(name: "MeetingsTests", dependencies: ["Core", "Meetings", "Calendars", "Runtime", "HTTPTransport", "Providers", "Jobs", "Store", "TestSupport"],
                    path: "Tests/MeetingsTests"),
        .testTarget(name: "InterviewsTests", dependencies: ["Core", "Interviews", "Runtime", "HTTPTransport", "Providers", "Jobs", "Store", "TestSupport"],
                    path: "Tests/InterviewsTests"),
        .testTarget(name: "CandidatesTests", dependencies: ["Core", "Candidates", "Runtime", "HTTPTransport", "Providers", "Store", "Jobs", "TestSupport"],
                    path: "Tests/CandidatesTests"),
        .testTarget(name: "SalesTests", dependencies: ["Core", "Sales", "Runtime", "HTTPTransport", "Providers", "Store", "Jobs", "Workflows", "Retrieval", "Archives", "TestSupport"],
                    path: "Tests/SalesTests"),
        .testTarget(name: "WorkspaceTests", dependencies: ["Core", "Workspace", "Runtime", "HTTPTransport", "Providers", "Store", "Jobs", "Retrieval", "Archives", "TestSupport"],
                    path: "Tests/WorkspaceTests"),
        .testTarget(name: "RetrievalTests", dependencies: ["Core", "Retrieval", "Store", "TestSupport"], path: "Tests/RetrievalTests"),
        .testTarget(name: "ArchivesTests", dependencies: ["Archives", "Core", "TestSupport"], path: "Tests/ArchivesTests"),
        .testTarget(name: "CalendarsTests", dependencies: ["Calendars", "Core"], path: "Tests/CalendarsTests"),
        .testTarget(name: "WorkflowsTests", dependencies: ["Core", "Store", "Workflows", "TestSupport"], path: "Tests/WorkflowsTests"),
        .testTarget(name: "JobsTests", dependencies: ["Core", "Jobs", "Store", "TestSupport"], path: "Tests/JobsTests"),
        .testTarget(name: "EndToEndTests", dependencies: ["Core", "Store", "Catalog", "Gateway", "Providers", "HTTPTransport", "Runtime", "Sales", "Workspace", "TestSupport"],
                    path: "Tests/EndToEndTests"),
    ]
)
