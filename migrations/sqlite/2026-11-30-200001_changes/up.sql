-- The change feed (issue 14): a transactional outbox, written in the transaction of every
-- state change. SQLite has one writer at a time (BEGIN IMMEDIATE), so the position in
-- commit order is the row id, never reused (AUTOINCREMENT).
CREATE TABLE changes (
    position INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    change_type TEXT NOT NULL,
    at TIMESTAMP NOT NULL,
    agreement_id TEXT NOT NULL,
    public BOOLEAN NOT NULL,
    payload TEXT NOT NULL,
    private_payload TEXT
);
CREATE INDEX changes_agreement ON changes (agreement_id, position);
CREATE INDEX changes_type ON changes (change_type, position);
