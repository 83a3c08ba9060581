import Core
import Providers
import Runtime

/// Removing a deleted conversation's files from storage. It runs after the rows are gone (a
/// file must never be listed whose bytes are missing), so it is best-effort: each failure is a
/// logged warning naming the key, the deletion itself has succeeded, and an orphaned object costs
/// only space (an operator can find it by its `conversations/{id}/` prefix).
package enum ConversationFileCleanup {
    package static func removeStored(_ keys: [String], context: FunctionContext) async {
        guard !keys.isEmpty else { return }
        let storage: any FileStorage
        do {
            storage = try context.fileStorage()
        } catch {
            context.logger.warning("workspace.file_storage_unavailable", ["files": .number(Double(keys.count))])
            return
        }
        var removed = 0
        for key in keys {
            do {
                try await storage.delete(key: key, deadline: context.deadline)
                removed += 1
            } catch {
                context.logger.warning("workspace.file_delete_failed", ["key": .string(key), "backend": .string(storage.backend)])
            }
        }
        context.logger.info("workspace.files_removed", ["removed": .number(Double(removed)), "files": .number(Double(keys.count))])
    }
}
