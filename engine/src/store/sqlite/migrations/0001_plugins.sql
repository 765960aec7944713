-- The plugin registry: every uploaded version, and the version active per plugin.

CREATE TABLE plugin_versions (
    name            TEXT    NOT NULL,
    version         TEXT    NOT NULL,
    kind            TEXT    NOT NULL CHECK (kind IN ('strategy', 'bot', 'provider')),
    sha256          TEXT    NOT NULL,
    description     TEXT    NOT NULL,
    config_schema   TEXT    NOT NULL,
    installed_at_ms INTEGER NOT NULL,
    -- Last, so reading the other columns never touches the blob's overflow pages; its size is
    -- length(wasm), which SQLite reads from the record header.
    wasm            BLOB    NOT NULL,
    PRIMARY KEY (name, version)
) STRICT;

CREATE TABLE active_plugins (
    name            TEXT    NOT NULL PRIMARY KEY,
    version         TEXT    NOT NULL,
    -- NULL until a second version is activated; what a rollback returns to.
    previous        TEXT,
    -- No foreign key to plugin_versions: a version may be one bundled in the engine binary,
    -- which has no row there. The registry checks that a version exists before activating it.
    activated_at_ms INTEGER NOT NULL
) STRICT;
