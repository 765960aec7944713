-- Routing: campaigns, their members, named breaks, agents' states, the live fields of
-- conversations, their timers, notes and the supervisor's chat. Times are ms since the epoch.
-- (0004 is the users migration: agents, supervisors and admins are users.)

-- A WhatsApp/SMS channel configuration. The switches the store itself needs (enabled, the
-- blacklist switches intake and the gate read) are columns; every other setting is one JSON
-- document validated by `routing::campaign::CampaignSettings`.
CREATE TABLE campaigns (
    id                 INTEGER NOT NULL PRIMARY KEY,
    name               TEXT    NOT NULL UNIQUE COLLATE NOCASE,
    enabled            INTEGER NOT NULL DEFAULT 1,
    incoming_blacklist INTEGER NOT NULL DEFAULT 1,
    outgoing_blacklist INTEGER NOT NULL DEFAULT 1,
    settings           TEXT    NOT NULL,
    created_ms         INTEGER NOT NULL,
    updated_ms         INTEGER NOT NULL
) STRICT;

-- Each business number answers into at most one campaign.
ALTER TABLE numbers ADD COLUMN campaign_id INTEGER REFERENCES campaigns(id);

-- Agents of a campaign: penalty (lower first) and skills (names from the campaign's skills).
CREATE TABLE campaign_members (
    campaign_id INTEGER NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
    user_id     INTEGER NOT NULL,
    penalty     INTEGER NOT NULL DEFAULT 0,
    skills      TEXT    NOT NULL DEFAULT '[]',
    PRIMARY KEY (campaign_id, user_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX campaign_members_user ON campaign_members(user_id);

-- Named breaks, global.
CREATE TABLE breaks (
    id         INTEGER NOT NULL PRIMARY KEY,
    name       TEXT    NOT NULL UNIQUE COLLATE NOCASE,
    created_ms INTEGER NOT NULL
) STRICT;

-- The last known state of each agent, with when it changed; rebuilt into the router at start.
CREATE TABLE agent_states (
    user_id     INTEGER NOT NULL PRIMARY KEY,
    state       TEXT    NOT NULL,
    break_name  TEXT,
    paused      INTEGER NOT NULL DEFAULT 0,
    since_ms    INTEGER NOT NULL,
    completed   INTEGER NOT NULL DEFAULT 0
) STRICT;

-- The live fields of a conversation. `state`: new, idle (opened by an outbound send), bot,
-- queued, assigned, transferring, closing, closed, abandoned, rejected.
ALTER TABLE conversations ADD COLUMN campaign_id INTEGER;
ALTER TABLE conversations ADD COLUMN agent_id INTEGER;
ALTER TABLE conversations ADD COLUMN queued_ms INTEGER;
ALTER TABLE conversations ADD COLUMN priority INTEGER NOT NULL DEFAULT 0;
ALTER TABLE conversations ADD COLUMN skills TEXT NOT NULL DEFAULT '[]';
ALTER TABLE conversations ADD COLUMN attributes TEXT NOT NULL DEFAULT '{}';
ALTER TABLE conversations ADD COLUMN assigned_ms INTEGER;
ALTER TABLE conversations ADD COLUMN first_reply_ms INTEGER;
ALTER TABLE conversations ADD COLUMN previous_agent_id INTEGER;
ALTER TABLE conversations ADD COLUMN transfer_from_agent_id INTEGER;
ALTER TABLE conversations ADD COLUMN transfer_to_agent_id INTEGER;
ALTER TABLE conversations ADD COLUMN bot TEXT;
ALTER TABLE conversations ADD COLUMN bot_stage TEXT;
ALTER TABLE conversations ADD COLUMN bot_variables TEXT NOT NULL DEFAULT '{}';
ALTER TABLE conversations ADD COLUMN bot_seen_message_id INTEGER NOT NULL DEFAULT 0;
ALTER TABLE conversations ADD COLUMN last_inbound_ms INTEGER;
ALTER TABLE conversations ADD COLUMN end_reason TEXT;
ALTER TABLE conversations ADD COLUMN disposition TEXT;
ALTER TABLE conversations ADD COLUMN csat INTEGER;
ALTER TABLE conversations ADD COLUMN tags TEXT NOT NULL DEFAULT '[]';
CREATE INDEX conversations_live ON conversations(state) WHERE open = 1;
CREATE INDEX conversations_agent ON conversations(agent_id, created_ms);
CREATE INDEX conversations_campaign ON conversations(campaign_id, created_ms);
CREATE INDEX conversations_created ON conversations(created_ms);

-- Pending deadlines of open conversations, one per kind (queue, abandon, chat_limit, transfer,
-- window, bot). Rebuilt into the router's deadline queue at start.
CREATE TABLE timers (
    conversation_id INTEGER NOT NULL,
    kind            TEXT    NOT NULL,
    due_ms          INTEGER NOT NULL,
    data            TEXT    NOT NULL DEFAULT '',
    PRIMARY KEY (conversation_id, kind)
) STRICT, WITHOUT ROWID;

-- Internal notes on a conversation (never sent to the customer).
CREATE TABLE notes (
    id              INTEGER NOT NULL PRIMARY KEY,
    conversation_id INTEGER NOT NULL REFERENCES conversations(id),
    user_id         INTEGER NOT NULL,
    text            TEXT    NOT NULL,
    created_ms      INTEGER NOT NULL
) STRICT;
CREATE INDEX notes_conversation ON notes(conversation_id, id);

-- The supervisor's chat with agents: internal messages between users.
CREATE TABLE internal_messages (
    id         INTEGER NOT NULL PRIMARY KEY,
    from_user  INTEGER NOT NULL,
    to_user    INTEGER NOT NULL,
    text       TEXT    NOT NULL,
    created_ms INTEGER NOT NULL
) STRICT;
CREATE INDEX internal_messages_pair ON internal_messages(to_user, id);

CREATE INDEX events_at ON events(at_ms);
