-- The language each user's web client speaks (`en`, `es`).
ALTER TABLE users ADD COLUMN language TEXT NOT NULL DEFAULT 'en';
