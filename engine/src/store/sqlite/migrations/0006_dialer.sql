-- Dialers: bulk sends from CSV lists (DESIGN §6).

CREATE TABLE dialers (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE COLLATE NOCASE,
    -- DialerSettings as JSON: connectors, campaign, schedule, channels, pacing, template...
    settings TEXT NOT NULL,
    -- Started by a user and not stopped: a restart resumes it.
    running INTEGER NOT NULL DEFAULT 0,
    -- Why the dialer halted itself (a provider limit); cleared by the next start.
    paused_reason TEXT,
    -- The position the next uploaded record gets.
    next_position INTEGER NOT NULL DEFAULT 1,
    created_ms INTEGER NOT NULL,
    updated_ms INTEGER NOT NULL
);

CREATE TABLE dialer_lists (
    id INTEGER PRIMARY KEY,
    dialer_id INTEGER NOT NULL REFERENCES dialers(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    accepted INTEGER NOT NULL DEFAULT 0,
    invalid INTEGER NOT NULL DEFAULT 0,
    duplicates INTEGER NOT NULL DEFAULT 0,
    uploaded_ms INTEGER NOT NULL
);

-- One row per destination of a list. `rank` orders states so a late status never moves a
-- record back: pending 0, sending/unknown 1, sent 2, delivered 3, read 4, and the ends
-- (failed, blocked, invalid, cancelled) 5.
CREATE TABLE dialer_records (
    id INTEGER PRIMARY KEY,
    dialer_id INTEGER NOT NULL REFERENCES dialers(id) ON DELETE CASCADE,
    list_id INTEGER,
    position INTEGER NOT NULL,
    line INTEGER,
    name TEXT,
    destination TEXT NOT NULL,
    message TEXT,
    extra TEXT,
    state TEXT NOT NULL,
    rank INTEGER NOT NULL,
    reason TEXT,
    message_id INTEGER,
    channel INTEGER,
    updated_ms INTEGER NOT NULL
);
-- The run takes pending records in position order; the monitor counts by state.
CREATE INDEX dialer_records_queue ON dialer_records (dialer_id, state, position);
CREATE UNIQUE INDEX dialer_records_position ON dialer_records (dialer_id, position);
-- Status webhooks find the record of a message.
CREATE INDEX dialer_records_message ON dialer_records (message_id) WHERE message_id IS NOT NULL;

-- Do-not-call numbers, global (campaign_id 0) or per campaign.
CREATE TABLE dnc (
    id INTEGER PRIMARY KEY,
    number TEXT NOT NULL,
    campaign_id INTEGER NOT NULL DEFAULT 0,
    added_ms INTEGER NOT NULL,
    UNIQUE (number, campaign_id)
);

-- A dialer's message puts an idle conversation in the dialer's campaign until then: a reply
-- before it lands there, a later one in the number's own campaign.
ALTER TABLE conversations ADD COLUMN campaign_until_ms INTEGER;
