-- Applications made without an account (the agreement's form), until verified: the last
-- day they can be (the sweep cancels them after it). They do not count as open for the
-- one-open-accession rule, so the unique index leaves them out.
ALTER TABLE accessions ADD COLUMN verify_by DATE;
DROP INDEX accessions_one_open;
CREATE UNIQUE INDEX accessions_one_open ON accessions (agreement_id, signatory_id)
    WHERE state IN ('submitted', 'approved') AND verify_by IS NULL;
CREATE INDEX accessions_pending_verification ON accessions (verify_by)
    WHERE state = 'submitted' AND verify_by IS NOT NULL;

-- An organisation created by an unverified application stays out of the public register
-- until one of its applications is verified.
ALTER TABLE organizations ADD COLUMN pending_verification BOOLEAN NOT NULL DEFAULT FALSE;

-- Capability links: a link instead of a login. Only the token's hash is stored.
CREATE TABLE capability_links (
    id TEXT PRIMARY KEY,
    token_hash TEXT NOT NULL UNIQUE CHECK (length(token_hash) = 64),
    organization_id TEXT NOT NULL REFERENCES organizations (id),
    agreement_id TEXT NOT NULL REFERENCES agreements (id),
    issued_to TEXT NOT NULL,
    issued_at TIMESTAMP NOT NULL,
    revoked_at TIMESTAMP,
    revocation_reason TEXT CHECK (revocation_reason IN ('contact_person_changed', 'replaced', 'revoked')),
    CHECK ((revoked_at IS NULL) = (revocation_reason IS NULL))
);
CREATE INDEX capability_links_scope ON capability_links (organization_id, agreement_id)
    WHERE revoked_at IS NULL;

-- The key that signs the form's tokens (HMAC-SHA-256).
INSERT INTO server_keys (name, secret)
VALUES ('form', replace(gen_random_uuid()::text, '-', '') || replace(gen_random_uuid()::text, '-', ''));
