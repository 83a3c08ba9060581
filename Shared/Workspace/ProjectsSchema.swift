import Store

/// Project drafts with numbered versions, and the Linear projects made from them. All of it goes
/// with its conversation (cascading foreign keys, so `ConversationStore.delete` needs no step).
///
/// `workspace_project_drafts`: one per conversation (`UNIQUE conversation_id`), pointing at its
/// active version. `active_version_id` has no foreign key: the versions' table is created after
/// this one (it references it) and PostgreSQL refuses a reference to a table that does not exist
/// yet; the code sets the pointer only to a version of the same draft in the transaction that
/// writes or checks it, versions are never deleted on their own (only with their draft), and a
/// pointer to nothing would read as the newest version (`ProjectDraftStore.draft`). `workspace_project_draft_versions`: every title and description the draft
/// had, numbered from 1 per draft; `UNIQUE (draft_id, version_number)` is what keeps two racing
/// writers from taking one number (`ProjectDraftStore.addVersion`). `source` says how a version
/// came to be; generated ones record the provider, model and prompt version that wrote them.
///
/// `workspace_projects`: the conversation's Linear project, one at most (`UNIQUE
/// conversation_id`). A request claims the row (`status = 'creating'`) with the project id it
/// asks Linear to use (`linear_project_id`, a UUID v4) before it calls Linear, so two racing
/// requests cannot both create a project; the call's answer fills `linear_url` and sets
/// `status = 'created'`, and a failure sets `status = 'failed'`, keeping the id for the next
/// request. A `creating` claim older than `ProjectCreation.claimLifetime` (its process died)
/// may be taken over, with its id too.
package enum ProjectsSchema {
    package static let migrations: [Migration] = [projects]

    static let projects = Migration("workspace.projects", """
        CREATE TABLE workspace_project_drafts (
            id INTEGER PRIMARY KEY,
            conversation_id INTEGER NOT NULL UNIQUE REFERENCES workspace_conversations (id) ON DELETE CASCADE,
            active_version_id INTEGER,
            created_by TEXT,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );
        CREATE TABLE workspace_project_draft_versions (
            id INTEGER PRIMARY KEY,
            draft_id INTEGER NOT NULL REFERENCES workspace_project_drafts (id) ON DELETE CASCADE,
            version_number INTEGER NOT NULL CHECK (version_number >= 1),
            title TEXT NOT NULL,
            description TEXT NOT NULL,
            source TEXT NOT NULL CHECK (source IN ('generated', 'manual_edit', 'chat')),
            created_by TEXT,
            provider TEXT,
            model TEXT,
            prompt_version TEXT,
            created_at TEXT NOT NULL,
            UNIQUE (draft_id, version_number)
        );
        CREATE TABLE workspace_projects (
            id INTEGER PRIMARY KEY,
            conversation_id INTEGER NOT NULL UNIQUE REFERENCES workspace_conversations (id) ON DELETE CASCADE,
            status TEXT NOT NULL CHECK (status IN ('creating', 'failed', 'created')),
            linear_project_id TEXT,
            title TEXT NOT NULL,
            description TEXT NOT NULL,
            linear_url TEXT,
            created_by TEXT,
            claimed_at TEXT NOT NULL,
            created_at TEXT NOT NULL
        );
        """)
}
