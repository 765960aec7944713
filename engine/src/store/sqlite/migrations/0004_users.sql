-- People and their roles, their browser sessions, and the audit log. API tokens act as a user.

CREATE TABLE users (
    id             INTEGER NOT NULL PRIMARY KEY,
    -- `Alice` and `alice` are one user.
    username       TEXT    NOT NULL UNIQUE COLLATE NOCASE,
    display_name   TEXT    NOT NULL,
    role           TEXT    NOT NULL CHECK (role IN ('agent', 'supervisor', 'admin')),
    -- argon2id PHC string; NULL until a password is set (the bootstrap admin, token-only users).
    password_hash  TEXT,
    -- An agent's global maximum of concurrent conversations.
    max_concurrent INTEGER NOT NULL DEFAULT 5 CHECK (max_concurrent >= 0),
    -- JSON array of the campaign ids a supervisor is limited to; NULL = all.
    campaign_scope TEXT,
    disabled_ms    INTEGER,
    created_ms     INTEGER NOT NULL,
    updated_ms     INTEGER NOT NULL
) STRICT;

-- Cookie sessions. The key is the sha256 of the cookie's token, so a copy of the database
-- opens no session.
CREATE TABLE sessions (
    token_hash   TEXT    NOT NULL PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    csrf_token   TEXT    NOT NULL,
    created_ms   INTEGER NOT NULL,
    last_seen_ms INTEGER NOT NULL,
    -- The absolute end; the idle timeout is checked against last_seen_ms.
    expires_ms   INTEGER NOT NULL,
    ip           TEXT,
    user_agent   TEXT
) STRICT;
CREATE INDEX sessions_user ON sessions (user_id);
CREATE INDEX sessions_expiry ON sessions (expires_ms);

-- Who changed what. Never holds request bodies (they may carry secrets).
CREATE TABLE audit_log (
    id            INTEGER NOT NULL PRIMARY KEY,
    at_ms         INTEGER NOT NULL,
    -- No foreign key: the entry outlives any change to the user; the name is kept as it was.
    actor_user_id INTEGER,
    actor_name    TEXT    NOT NULL,
    action        TEXT    NOT NULL,
    target        TEXT    NOT NULL,
    data          TEXT    NOT NULL DEFAULT '{}',
    ip            TEXT
) STRICT;
CREATE INDEX audit_log_actor ON audit_log (actor_user_id, id);
CREATE INDEX audit_log_action ON audit_log (action, id);

ALTER TABLE api_tokens ADD COLUMN user_id INTEGER REFERENCES users (id);
CREATE INDEX api_tokens_user ON api_tokens (user_id);

-- Tokens made before users existed could call the integrator API (what a supervisor may call)
-- but not the admin API: they keep exactly that as a supervisor user of their own. The admin
-- token is bound to an admin user at start (server.rs), as on a new install.
INSERT INTO users (username, display_name, role, created_ms, updated_ms)
SELECT 'integrations', 'Integrations (API tokens made before users)', 'supervisor',
       (SELECT min(created_ms) FROM api_tokens), (SELECT min(created_ms) FROM api_tokens)
WHERE EXISTS (SELECT 1 FROM api_tokens);
UPDATE api_tokens SET user_id = (SELECT id FROM users WHERE username = 'integrations');
