import Core
import Runtime
import Store

/// The AWS Lambda Runtime API adapter (`bundle --lambda`, started once by `bootstrap`).
enum LambdaAdapter {
    static func run(_ catalog: FunctionCatalog, config: Config, migrations: [Migration]) -> Never {
        let error = BundleError(.misconfigured, "the Lambda adapter is not in this build yet")
        ProcessAnswer.emit(Array((error.document.jsonText + "\n").utf8), exitCode: error.code.exitCode)
    }
}
