import Core

/// One named step of a workflow: a summary of what it starts from (recorded before it runs) and
/// the work, which sees only the outputs of the steps that succeeded before it.
package struct WorkflowStep: Sendable {
    package let name: String
    package let summarize: @Sendable (WorkflowOutputs) -> String
    package let run: @Sendable (WorkflowOutputs, StepAttempt) async throws -> JSONValue

    package init(_ name: String, summarize: @escaping @Sendable (WorkflowOutputs) -> String,
                 run: @escaping @Sendable (WorkflowOutputs, StepAttempt) async throws -> JSONValue) {
        self.name = name
        self.summarize = summarize
        self.run = run
    }

    /// A step whose output is a Codable value.
    package static func typed<Output: Encodable & Sendable>(
        _ name: String, summarize: @escaping @Sendable (WorkflowOutputs) -> String,
        run: @escaping @Sendable (WorkflowOutputs, StepAttempt) async throws -> Output
    ) -> WorkflowStep {
        WorkflowStep(name, summarize: summarize) { outputs, attempt in try JSONValue(encoding: try await run(outputs, attempt)) }
    }
}

/// Which try of a step this is (1-based), for steps that log or vary by attempt.
package struct StepAttempt: Sendable {
    package let number: Int
    package let runID: Int
}

/// The run's input and the outputs of the steps that succeeded (or were reused) so far. A failed
/// step's output never gets here, so no later step can build on it.
package struct WorkflowOutputs: Sendable {
    package let input: JSONValue
    package private(set) var outputs: [String: JSONValue] = [:]

    package init(input: JSONValue, outputs: [String: JSONValue] = [:]) {
        self.input = input
        self.outputs = outputs
    }

    package subscript(step: String) -> JSONValue? { outputs[step] }

    package func decode<T: Decodable>(_ step: String, as type: T.Type) throws -> T {
        guard let value = outputs[step] else { throw BundleError(.internal, "step \(step) has no output to build on") }
        do {
            return try value.decode(as: type)
        } catch {
            throw BundleError(.internal, "the output of step \(step) does not have its expected shape")
        }
    }

    mutating func set(_ step: String, _ output: JSONValue) { outputs[step] = output }
}
