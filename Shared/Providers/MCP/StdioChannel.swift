import Core
import Processes
import Synchronization

/// MCP over stdio: the server is a child process (`MCP_SERVER_COMMAND`) reading newline-delimited
/// JSON-RPC on stdin and answering on stdout; its stderr (its log) is discarded so it can never
/// block on it. It sees only `environment` (by default the minimal one: no secret of the
/// bundle's reaches it). Each exchange waits on its own thread and gives up at the deadline; `close`
/// (and the deadline's caller, through `close`) kills the child. Exchanges that overlap take
/// turns (one pipe, one reader).
package final class StdioChannel: MCPChannel {
    package let command: [String]
    private let process: PipedProcess
    private let turn = Mutex(())
    /// A line (one message) may be this long; server logs and notifications in between are
    /// skipped, at most `maxSkipped` of them per answer.
    private let maxLineBytes: Int
    private let maxSkipped: Int

    package init(command: [String], environment: [String: String] = PipedProcess.minimalEnvironment(), maxLineBytes: Int = 8 << 20, maxSkipped: Int = 1_000) throws {
        self.command = command
        self.maxLineBytes = maxLineBytes
        self.maxSkipped = maxSkipped
        process = try PipedProcess(arguments: command, environment: environment)
    }

    package func established(protocolVersion: String) {}
    package func reset() {}

    package func request(_ message: JSONValue, id: Int, deadline: Deadline) async throws -> JSONValue {
        let process = self.process, limit = maxLineBytes, maxSkipped = self.maxSkipped
        let method = message["method"]?.stringValue ?? "request"
        let line = Array(message.jsonText.utf8) + [10]
        return try await OwnThread.run { [self] in
            try self.turn.withLock { _ in try Self.exchange(process, line, id: id, method: method, limit: limit, maxSkipped: maxSkipped, deadline: deadline) }
        }
    }

    private static func exchange(_ process: PipedProcess, _ line: [UInt8], id: Int, method: String, limit: Int, maxSkipped: Int,
                                 deadline: Deadline) throws -> JSONValue {
        do {
            try process.write(line, deadline: deadline)
            var skipped = 0
            while true {
                let bytes = try process.readLine(limit: limit, deadline: deadline)
                if let parsed = try? JSONValue(parsing: bytes) {
                    if JSONRPCMessage.isResponse(parsed, to: id) { return parsed }
                    // A request from the server would wait for us forever: answer it (ping
                    // with an empty result, anything else as not offered).
                    if let reply = JSONRPCMessage.reply(toServerRequest: parsed) {
                        try process.write(Array(reply.jsonText.utf8) + [10], deadline: deadline)
                    }
                }
                skipped += 1
                guard skipped <= maxSkipped else {
                    throw MCPError(.malformed, "the MCP server wrote more than \(maxSkipped) other lines before answering \(method)")
                }
            }
        } catch let failure as PipedProcess.Failure {
            throw Self.error(failure, method: method)
        }
    }

    package func notify(_ message: JSONValue, deadline: Deadline) async throws {
        let process = self.process
        let method = message["method"]?.stringValue ?? "notification"
        let line = Array(message.jsonText.utf8) + [10]
        try await OwnThread.run { [self] in
            try self.turn.withLock { _ in
                do { try process.write(line, deadline: deadline) } catch let failure as PipedProcess.Failure { throw Self.error(failure, method: method) }
            }
        }
    }

    package func close(deadline: Deadline) async {
        // An exchange still waiting holds the turn: killing the child first ends it at once (its
        // read sees the pipe close), then the pipes are closed and the child reaped in turn.
        let process = self.process
        process.kill()
        _ = try? await OwnThread.run { [self] in self.turn.withLock { _ in process.terminate() } }
    }

    private static func error(_ failure: PipedProcess.Failure, method: String) -> MCPError {
        switch failure {
        case .timedOut: MCPError(.timeout, "the MCP server did not answer \(method) in time")
        case .closed: MCPError(.unreachable, "the MCP server process ended before answering \(method)")
        case .lineTooLong: MCPError(.malformed, "the MCP server wrote a line longer than the limit")
        }
    }
}
