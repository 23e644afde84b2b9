-- Secrets of the server, shared by every instance and kept across restarts: the key that
-- authenticates list cursors (HMAC-SHA-256), made here once from the database's random
-- source. Later signed links can keep their keys here too.
CREATE TABLE server_keys (
    name TEXT PRIMARY KEY NOT NULL,
    secret TEXT NOT NULL CHECK (length(secret) >= 64)
);

INSERT INTO server_keys (name, secret) VALUES ('cursor', lower(hex(randomblob(32))));
