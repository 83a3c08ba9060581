import Store

/// The tables Gateway owns: `api_keys`, which `APIKeys` checks on every authenticated request and
/// the key handlers write; `auth_users`, `auth_sessions` and `auth_login_states` for sign-in. Registered in `Catalog.migrations`; append new steps, never edit a released one.
/// Ids are `<module>.<what>` for new steps (the released ones keep the names, and the version
/// numbers, that databases already record); a new step goes at the end of the list.
package enum GatewaySchema {
    package static let migrations: [Migration] = [
        Migration("api_keys", legacyVersion: 2, """
            CREATE TABLE api_keys (
                id INTEGER PRIMARY KEY,
                name TEXT NOT NULL,
                prefix TEXT NOT NULL,
                key_hash TEXT NOT NULL UNIQUE,
                created_at TEXT NOT NULL,
                revoked_at TEXT
            );
            CREATE UNIQUE INDEX api_keys_active_name ON api_keys (name) WHERE revoked_at IS NULL;
            """),
        // People who sign in with OpenID Connect, their sessions (only a token's hash is kept),
        // the logins in flight (state, nonce and PKCE verifier until the callback), and scopes on
        // API keys (the keys made before scopes existed keep every scope).
        Migration("gateway.users_sessions_scopes", """
            CREATE TABLE auth_users (
                id INTEGER PRIMARY KEY,
                issuer TEXT NOT NULL,
                subject TEXT NOT NULL,
                email TEXT NOT NULL,
                name TEXT,
                picture_url TEXT,
                created_at TEXT NOT NULL,
                updated_at TEXT NOT NULL,
                last_login_at TEXT,
                UNIQUE (issuer, subject)
            );
            CREATE UNIQUE INDEX auth_users_email ON auth_users (email);
            CREATE TABLE auth_sessions (
                id INTEGER PRIMARY KEY,
                token_hash TEXT NOT NULL UNIQUE,
                user_id INTEGER NOT NULL REFERENCES auth_users (id) ON DELETE CASCADE,
                created_at TEXT NOT NULL,
                expires_at TEXT NOT NULL,
                user_agent TEXT
            );
            CREATE INDEX auth_sessions_user ON auth_sessions (user_id);
            CREATE INDEX auth_sessions_expires ON auth_sessions (expires_at);
            CREATE TABLE auth_login_states (
                state_hash TEXT PRIMARY KEY,
                nonce TEXT NOT NULL,
                code_verifier TEXT NOT NULL,
                return_to TEXT,
                created_at TEXT NOT NULL,
                expires_at TEXT NOT NULL
            );
            CREATE INDEX auth_login_states_expires ON auth_login_states (expires_at);
            ALTER TABLE api_keys ADD COLUMN scopes TEXT NOT NULL DEFAULT 'read write admin';
            """),
    ]
}
