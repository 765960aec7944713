-- What a conversation search matches in each message: its words, lowercased and without
-- accents (the engine computes it; SQLite's own LIKE folds only ASCII). NULL until filled:
-- the engine fills the rows of earlier releases at open.
ALTER TABLE messages ADD COLUMN search_text TEXT;
