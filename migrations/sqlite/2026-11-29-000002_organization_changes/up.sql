-- Who changed an organisation's record, and when: one row per change, by the row version
-- the change made.
CREATE TABLE organization_changes (
    organization_id TEXT NOT NULL REFERENCES organizations (id),
    row_version BIGINT NOT NULL,
    changed_at TIMESTAMP NOT NULL,
    changed_by TEXT NOT NULL,
    PRIMARY KEY (organization_id, row_version)
);
