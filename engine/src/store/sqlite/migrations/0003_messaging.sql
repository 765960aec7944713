-- Messaging: connectors and their numbers, contacts, conversations, messages (also the outbox),
-- statuses that came before their send answer, media, templates, the blacklist, API tokens and
-- the event log. Times are ms since the Unix epoch.

-- A provider plugin bound to a config. Secrets (the config fields the plugin's schema marks
-- `writeOnly`) and the webhook URL secret are sealed with the engine's key, never stored plain.
CREATE TABLE connectors (
    id             INTEGER NOT NULL PRIMARY KEY,
    name           TEXT    NOT NULL UNIQUE,
    plugin         TEXT    NOT NULL,
    config         TEXT    NOT NULL,
    secrets        BLOB    NOT NULL,
    webhook_secret BLOB    NOT NULL,
    allow_ips      TEXT    NOT NULL DEFAULT '[]',
    enabled        INTEGER NOT NULL DEFAULT 1,
    paused_reason  TEXT,
    poll_cursor    TEXT,
    created_ms     INTEGER NOT NULL,
    updated_ms     INTEGER NOT NULL
) STRICT;

-- Business numbers (or sender ids) and the connector that carries each.
CREATE TABLE numbers (
    id           INTEGER NOT NULL PRIMARY KEY,
    connector_id INTEGER NOT NULL REFERENCES connectors(id),
    number       TEXT    NOT NULL UNIQUE,
    created_ms   INTEGER NOT NULL
) STRICT;
CREATE INDEX numbers_connector ON numbers(connector_id);

-- Customers: by E.164 number, or by the provider's user id when the number is hidden.
CREATE TABLE contacts (
    id           INTEGER NOT NULL PRIMARY KEY,
    number       TEXT UNIQUE,
    user_id      TEXT UNIQUE,
    name         TEXT,
    attributes   TEXT    NOT NULL DEFAULT '{}',
    opted_out_ms INTEGER,
    opted_in_ms  INTEGER,
    created_ms   INTEGER NOT NULL,
    updated_ms   INTEGER NOT NULL,
    CHECK (number IS NOT NULL OR user_id IS NOT NULL)
) STRICT;

-- At most one open conversation per (business number, contact): a unique partial index, so
-- concurrent first messages cannot open two.
CREATE TABLE conversations (
    id              INTEGER NOT NULL PRIMARY KEY,
    number_id       INTEGER NOT NULL REFERENCES numbers(id),
    contact_id      INTEGER NOT NULL REFERENCES contacts(id),
    state           TEXT    NOT NULL,
    open            INTEGER NOT NULL DEFAULT 1,
    last_message_ms INTEGER NOT NULL,
    created_ms      INTEGER NOT NULL,
    updated_ms      INTEGER NOT NULL,
    closed_ms       INTEGER
) STRICT;
CREATE UNIQUE INDEX conversations_one_open ON conversations(number_id, contact_id) WHERE open = 1;
CREATE INDEX conversations_contact ON conversations(contact_id, id);

-- The customer-service window: the last inbound message per (business number, contact). It
-- outlives conversations: closing one does not close the window.
CREATE TABLE windows (
    number_id       INTEGER NOT NULL,
    contact_id      INTEGER NOT NULL,
    last_inbound_ms INTEGER NOT NULL,
    PRIMARY KEY (number_id, contact_id)
) STRICT, WITHOUT ROWID;

-- Every message both ways. An outbound row is its own outbox entry: `queued` rows with a due
-- `next_attempt_ms` are what the sender claims.
CREATE TABLE messages (
    id                  INTEGER NOT NULL PRIMARY KEY,
    connector_id        INTEGER NOT NULL,
    number_id           INTEGER NOT NULL,
    contact_id          INTEGER NOT NULL,
    conversation_id     INTEGER REFERENCES conversations(id),
    direction           TEXT    NOT NULL CHECK (direction IN ('in', 'out')),
    origin              TEXT    NOT NULL,
    provider_message_id TEXT,
    kind                TEXT    NOT NULL,
    content             TEXT    NOT NULL,
    raw                 TEXT,
    status              TEXT    NOT NULL,
    status_rank         INTEGER NOT NULL DEFAULT 0,
    error_code          TEXT,
    error_message       TEXT,
    sms_encoding        TEXT,
    sms_segments        INTEGER,
    attempts            INTEGER NOT NULL DEFAULT 0,
    next_attempt_ms     INTEGER,
    provider_at_ms      INTEGER,
    sent_ms             INTEGER,
    delivered_ms        INTEGER,
    read_ms             INTEGER,
    created_ms          INTEGER NOT NULL,
    updated_ms          INTEGER NOT NULL
) STRICT;
-- Deduplication: the same provider id on one connector is one message (insert-or-ignore).
CREATE UNIQUE INDEX messages_provider_id ON messages(connector_id, provider_message_id)
    WHERE provider_message_id IS NOT NULL;
CREATE INDEX messages_outbox ON messages(connector_id, next_attempt_ms) WHERE status = 'queued';
CREATE INDEX messages_sending ON messages(connector_id) WHERE status = 'sending';
CREATE INDEX messages_conversation ON messages(conversation_id, id);

-- Statuses that arrived before the send answer recorded the provider id; applied then.
CREATE TABLE parked_statuses (
    connector_id        INTEGER NOT NULL,
    provider_message_id TEXT    NOT NULL,
    status              TEXT    NOT NULL,
    status_rank         INTEGER NOT NULL,
    at_ms               INTEGER NOT NULL,
    error_code          TEXT,
    error_message       TEXT,
    received_ms         INTEGER NOT NULL,
    PRIMARY KEY (connector_id, provider_message_id, status)
) STRICT, WITHOUT ROWID;

-- Attachments of messages. Inbound media is fetched after the webhook is answered; the file
-- is stored content-addressed under the data directory by its sha256.
CREATE TABLE media (
    id              INTEGER NOT NULL PRIMARY KEY,
    message_id      INTEGER NOT NULL REFERENCES messages(id),
    position        INTEGER NOT NULL,
    locator         TEXT    NOT NULL,
    mime_type       TEXT,
    filename        TEXT,
    sha256          TEXT,
    size            INTEGER,
    state           TEXT    NOT NULL,
    error           TEXT,
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_ms INTEGER,
    created_ms      INTEGER NOT NULL,
    updated_ms      INTEGER NOT NULL,
    UNIQUE (message_id, position)
) STRICT;
CREATE INDEX media_pending ON media(next_attempt_ms) WHERE state = 'pending';
CREATE INDEX media_sha256 ON media(sha256);

-- Approved message templates (WhatsApp HSM) per connector.
CREATE TABLE templates (
    id            INTEGER NOT NULL PRIMARY KEY,
    connector_id  INTEGER NOT NULL REFERENCES connectors(id) ON DELETE CASCADE,
    code          TEXT    NOT NULL,
    language      TEXT    NOT NULL,
    body          TEXT    NOT NULL,
    provider_name TEXT    NOT NULL,
    namespace     TEXT,
    params        INTEGER NOT NULL,
    status        TEXT    NOT NULL,
    reason        TEXT,
    created_ms    INTEGER NOT NULL,
    updated_ms    INTEGER NOT NULL,
    UNIQUE (connector_id, code, language)
) STRICT;

-- Addresses that may not write in (`in`), be written to (`out`), or both. `scope` is '' for
-- global entries (campaign scopes come with campaigns).
CREATE TABLE blacklist (
    id         INTEGER NOT NULL PRIMARY KEY,
    address    TEXT    NOT NULL,
    direction  TEXT    NOT NULL CHECK (direction IN ('in', 'out', 'both')),
    scope      TEXT    NOT NULL DEFAULT '',
    reason     TEXT    NOT NULL,
    created_ms INTEGER NOT NULL,
    UNIQUE (address, direction, scope)
) STRICT;

-- Bearer tokens for integrators; only the sha256 is kept.
CREATE TABLE api_tokens (
    id           INTEGER NOT NULL PRIMARY KEY,
    name         TEXT    NOT NULL,
    hash         TEXT    NOT NULL UNIQUE,
    created_ms   INTEGER NOT NULL,
    revoked_ms   INTEGER
) STRICT;

-- What happened, in order: the history the API and the live views read.
CREATE TABLE events (
    id              INTEGER NOT NULL PRIMARY KEY,
    at_ms           INTEGER NOT NULL,
    kind            TEXT    NOT NULL,
    conversation_id INTEGER,
    message_id      INTEGER,
    data            TEXT    NOT NULL DEFAULT '{}'
) STRICT;
CREATE INDEX events_conversation ON events(conversation_id, id);
