/// A scripted stdio MCP server (plain `sh`, no SDK) whose one tool is named after every variable
/// of its environment, space-separated: tests read it to see exactly what a server inherits.
package enum MCPEnvironmentServer {
    package static let script = #"""
        read init
        echo '{"jsonrpc":"2.0","id":1,"result":{"protocolVersion":"2025-11-25","capabilities":{"tools":{}}}}'
        read initialized
        read list
        names=$(/usr/bin/env | /usr/bin/cut -d= -f1 | /usr/bin/sort | /usr/bin/tr '\n' ' ')
        echo '{"jsonrpc":"2.0","id":2,"result":{"tools":[{"name":"'"$names"'"}]}}'
        read ignored
        """#

    /// What the shell itself sets in any environment.
    package static let shellVariables: Set<String> = ["PWD", "SHLVL", "_"]

    /// The variable names a server reported as its tool's name.
    package static func names(_ toolName: String?) -> Set<String> {
        Set((toolName ?? "").split(separator: " ").map(String.init)).subtracting(shellVariables)
    }
}
