-- What a conversation search matches in each message: its words, lowercased and without
-- accents (the engine computes it; SQLite's own LIKE folds only ASCII). NULL until filled:
-- the engine fills the rows of earlier releases at open.
ALTER TABLE messages ADD COLUMN search_text TEXT;
-- The rows still to fill, so the check at each open reads this (empty) index, not the table.
CREATE INDEX messages_search_pending ON messages (id) WHERE search_text IS NULL;
