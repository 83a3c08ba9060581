import Store

/// Project drafts with numbered versions, and the Linear projects made from them.
///
/// SKELETON (drafts helper): `workspace_project_drafts`, `workspace_project_draft_versions`
/// (UNIQUE (draft_id, version_number)), `workspace_projects`.
package enum ProjectsSchema {
    package static let migrations: [Migration] = []
}
