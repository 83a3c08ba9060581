import Catalog
import Foundation

// Writes the deployment files generated from the manifests (`infra/dev generate` runs this from
// the repository root). `--check` only compares, exiting 1 when a file is out of date.
let check = CommandLine.arguments.contains("--check")
var stale: [String] = []
for file in DeploymentFiles.render() {
    let current = try? String(contentsOfFile: file.path, encoding: .utf8)
    guard current != file.content else { continue }
    stale.append(file.path)
    if !check {
        try FileManager.default.createDirectory(atPath: (file.path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try file.content.write(toFile: file.path, atomically: true, encoding: .utf8)
        if file.path.hasSuffix("bootstrap") {
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: file.path)
        }
    }
}
if check && !stale.isEmpty {
    FileHandle.standardError.write(Data("out of date: \(stale.joined(separator: ", ")); run infra/dev generate\n".utf8))
    exit(1)
}
print(stale.isEmpty ? "infra files are up to date" : "wrote \(stale.joined(separator: ", "))")
