import Core
import Gateway
import Runtime
import Store
#if canImport(Glibc)
import Glibc
#endif

/// The entry point of the one executable (the BusyBox pattern): the function is the name the
/// process was started under (`dist/bin/enrich` is a link to `bundle`), or the first argument
/// of `bundle <function>`. The launcher picks the adapter from how it was started: a CGI request
/// (nginx + fcgiwrap), the AWS Lambda Runtime API (`bundle --lambda`), or stdin/stdout.
package enum Launcher {
    package static var executableName: String { FunctionCatalog.executableName }
    /// The name the CGI site of earlier releases started; it routes every path, like `bundle`.
    static let dispatcherName = "dispatch"

    /// `migrations` is the bundle's schema (`Catalog.migrations`): every database this process
    /// opens is migrated to it.
    package static func main(_ catalog: FunctionCatalog, migrations: [Migration]) -> Never {
        var arguments = CommandLineArguments.all
        let invokedAs = arguments.isEmpty ? executableName : String(arguments.removeFirst().split(separator: "/").last ?? "")
        var name: String? = invokedAs
        if invokedAs == executableName || invokedAs == dispatcherName || catalog.function(named: invokedAs) == nil && isBundleBinary(invokedAs) {
            name = arguments.first.flatMap { $0.hasPrefix("-") ? nil : $0 }
            if name != nil { arguments.removeFirst() }
        }
        let flags = Set(arguments.filter { $0.hasPrefix("-") })
        let operands = arguments.filter { !$0.hasPrefix("-") }
        let config = Config.load()
        // Under CGI the request is in the environment; nothing on the command line changes it.
        let isCGI = CGIRequest.isCGI(config.all)

        if name == FastCGIMaster.command {
            FastCGIMaster.main(catalog, migrations: migrations, arguments: arguments, config: config)
        }
        guard let name else {
            // Started as `bundle` (or `dispatch`) with no function named.
            if isCGI { CGIAdapter.run(CGIAdapter.Site(catalog: catalog, only: nil), config: config, migrations: migrations) }
            if flags.contains("--list") { listFunctions(catalog) }
            if flags.contains("--describe") { answer(JSONValue.object(["functions": .array(catalog.manifests.map(\.document))])) }
            if flags.contains("--lambda") { LambdaAdapter.run(catalog, config: config, migrations: migrations) }
            Logger.standardError(usage(catalog) + "\n")
            refuse(BundleError(.invalidRequest, "name a function: `bundle <function>` reads its JSON input on stdin; `bundle --list` prints them"))
        }
        guard let function = catalog.function(named: name) else {
            if isCGI { CGIAdapter.refuse(catalog.unknown(name), config: config) }
            refuse(catalog.unknown(name))
        }
        if isCGI { CGIAdapter.run(CGIAdapter.Site(catalog: catalog, only: function), config: config, migrations: migrations) }
        if flags.contains("--describe") { answer(function.manifest.document) }
        if flags.contains("--help") || flags.contains("-h") {
            // Text for people goes to stderr: stdout only ever carries one JSON document.
            Logger.standardError(help(function.manifest) + "\n")
            _exit(0)
        }
        if let unknown = flags.subtracting(["--describe", "--help", "-h"]).sorted().first {
            refuse(BundleError(.invalidRequest, "\(unknown) is not an option of \(name); it takes --describe or --help"))
        }
        if let extra = operands.first {
            refuse(BundleError(.invalidRequest, "\(name) takes no arguments (got \"\(extra)\"); its input is one JSON object on stdin"))
        }
        StdioAdapter.run(function, config: config, migrations: migrations)
    }

    /// A name that is none of the catalog's and that nginx or a person may have given the binary
    /// itself (`bundle-1.4`, a renamed copy): treated as `bundle`, never as an unknown function,
    /// when it starts with the executable's name.
    private static func isBundleBinary(_ name: String) -> Bool {
        name.hasPrefix(executableName)
    }

    private static func listFunctions(_ catalog: FunctionCatalog) -> Never {
        let text = catalog.functions.map(\.name).joined(separator: "\n") + "\n"
        ProcessAnswer.emit(Array(text.utf8), exitCode: 0)
    }

    private static func answer(_ document: JSONValue) -> Never {
        ProcessAnswer.emit(Array((JSONCoding.text(document, pretty: true) + "\n").utf8), exitCode: 0)
    }

    private static func refuse(_ error: BundleError) -> Never {
        ProcessAnswer.emit(Array((error.document.jsonText + "\n").utf8), exitCode: error.code.exitCode)
    }

    private static func usage(_ catalog: FunctionCatalog) -> String {
        ["bundle: every function of the bundle in one executable.", "",
         "  bundle <function> [--describe | --help]   runs a function: JSON on stdin, one JSON document on stdout",
         "  bin/<function>                            the same, through a link named after the function",
         "  bundle --list                             prints the \(catalog.functions.count) functions, one per line",
         "  bundle --describe                         prints every function's manifest entry",
         "  bundle --lambda                           serves the AWS Lambda Runtime API (the handler setting names the function)",
         "  bundle serve-fastcgi [--socket PATH] [--workers N] [--max-requests N]",
         "                                            the warm mode: a FastCGI master and its workers, for nginx's fastcgi_pass",
         "  as a CGI program (nginx + fcgiwrap)       routes the request to its function"].joined(separator: "\n")
    }

    private static func help(_ manifest: FunctionManifest) -> String {
        var lines = ["\(manifest.name): \(manifest.summary)", ""]
        lines += manifest.routes.map { "  route:    \($0)" }
        if let schedule = manifest.schedule { lines.append("  schedule: \(schedule)") }
        lines += ["", "Reads one JSON object on stdin and writes one JSON document on stdout.",
                  "  echo '{}' | \(manifest.name)", "  \(manifest.name) --describe   prints the manifest entry with input and output schemas"]
        return lines.joined(separator: "\n")
    }
}

/// The command line, read from argv directly: `CommandLine.arguments` builds its array eagerly
/// at first use, which shows at process start.
enum CommandLineArguments {
    static var all: [String] {
        (0..<Int(CommandLine.argc)).compactMap { index in CommandLine.unsafeArgv[index].map { String(cString: $0) } }
    }
}
