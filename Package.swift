// swift-tools-version:6.2
import PackageDescription

// One package, one small executable per endpoint (see DESIGN.md). Swift 6.2 or later: the
// runtime starts handlers with Task.immediate. No third-party packages yet:
// JSON, logging and SQLite access are small enough to own, and every package costs CI build time.
let package = Package(
    name: "function-bundle",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "health", targets: ["health"]),
        .executable(name: "llm-usage", targets: ["llm-usage"]),
        .executable(name: "llm-check", targets: ["llm-check"]),
    ],
    targets: [
        // C libraries from the system.
        .systemLibrary(name: "CSQLite", path: "CModules/CSQLite", providers: [.apt(["libsqlite3-dev"])]),
        .systemLibrary(name: "CCurl", path: "CModules/CCurl", providers: [.apt(["libcurl4-openssl-dev"])]),
        .target(name: "CCurlShim", dependencies: ["CCurl"], path: "CModules/CCurlShim",
                linkerSettings: [.linkedLibrary("dl")]),
        .target(name: "CProcessShim", path: "CModules/CProcessShim"),

        // Shared library modules.
        .target(name: "Core", path: "Shared/Core"),
        // The system's static libsqlite3 (Debian's libsqlite3-dev ships it): no shared library to
        // load and bind at each process start. `-l:` makes the linker take the archive.
        .target(name: "Store", dependencies: ["Core", "CSQLite"], path: "Shared/Store",
                linkerSettings: [.unsafeFlags(["-Xlinker", "-l:libsqlite3.a"])]),
        .target(name: "HTTPTransport", dependencies: ["Core", "CCurlShim"], path: "Shared/HTTPTransport"),
        .target(name: "Providers", dependencies: ["Core", "Store", "HTTPTransport"], path: "Shared/Providers"),
        .target(name: "Runtime", dependencies: ["Core", "Store", "HTTPTransport", "Providers", "CProcessShim"],
                path: "Shared/Runtime"),
        .target(name: "Platform", dependencies: ["Runtime"], path: "Shared/Platform"),
        .target(name: "Catalog", dependencies: ["Platform"], path: "Shared/Catalog"),

        // Functions: one thin executable per endpoint.
        .executableTarget(name: "health", dependencies: ["Platform", "Runtime"], path: "Functions/health"),
        .executableTarget(name: "llm-usage", dependencies: ["Platform", "Runtime"], path: "Functions/llm-usage"),
        .executableTarget(name: "llm-check", dependencies: ["Platform", "Runtime"], path: "Functions/llm-check"),

        // Test support: a loopback HTTP server and helpers to run the built binaries.
        .target(name: "TestSupport", dependencies: ["Core"], path: "Tests/TestSupport"),
        .executableTarget(name: "store-stress-writer", dependencies: ["Store", "Core"],
                          path: "Tests/StoreStressWriter"),
        .executableTarget(name: "runtime-probe", dependencies: ["Runtime", "Core"], path: "Tests/RuntimeProbe"),

        .testTarget(name: "CoreTests", dependencies: ["Core"], path: "Tests/CoreTests"),
        .testTarget(name: "StoreTests", dependencies: ["Store", "TestSupport"], path: "Tests/StoreTests"),
        .testTarget(name: "HTTPTransportTests", dependencies: ["HTTPTransport", "TestSupport"],
                    path: "Tests/HTTPTransportTests"),
        .testTarget(name: "ProvidersTests", dependencies: ["Providers", "HTTPTransport", "Store", "TestSupport"], path: "Tests/ProvidersTests"),
        .testTarget(name: "RuntimeTests", dependencies: ["Runtime", "Platform", "Catalog", "HTTPTransport", "TestSupport"],
                    path: "Tests/RuntimeTests"),
        .testTarget(name: "EndToEndTests", dependencies: ["Core", "Catalog", "TestSupport"],
                    path: "Tests/EndToEndTests"),
    ]
)
