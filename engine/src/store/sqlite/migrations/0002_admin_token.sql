-- The admin token's hash: at most one row, written once.

CREATE TABLE admin_token (
    id            INTEGER NOT NULL PRIMARY KEY CHECK (id = 1),
    hash          TEXT    NOT NULL,
    created_at_ms INTEGER NOT NULL
) STRICT;
