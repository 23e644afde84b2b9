-- Service accounts (issue 22): a client id and secret for an integrator with no account at
-- the identity provider. The secret is stored only as its SHA-256 (hex); roles and
-- organisations as comma-separated lists.
CREATE TABLE service_accounts (
    client_id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    roles TEXT NOT NULL,
    public_body_id TEXT,
    organization_ids TEXT NOT NULL,
    secret_hash TEXT NOT NULL CHECK (length(secret_hash) = 64),
    created_at TIMESTAMP NOT NULL,
    created_by TEXT NOT NULL,
    secret_rotated_at TIMESTAMP NOT NULL,
    revoked_at TIMESTAMP
);

-- The key that signs the service accounts' tokens (HS256), made here once from the
-- database's random source.
INSERT INTO server_keys (name, secret)
VALUES ('service_token', replace(gen_random_uuid()::text, '-', '') || replace(gen_random_uuid()::text, '-', ''));
