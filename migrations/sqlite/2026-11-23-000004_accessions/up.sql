-- Accessions (anslutningar). The aggregate (board decision, statements, contact person,
-- decisions cited) is a JSON document written only through the domain's operations; the
-- columns beside it are what the public signatory list filters, sorts and pages on.

CREATE TABLE accessions (
    id TEXT PRIMARY KEY,
    agreement_id TEXT NOT NULL REFERENCES agreements (id),
    signatory_kind TEXT NOT NULL CHECK (signatory_kind IN ('organization', 'public_body')),
    signatory_id TEXT NOT NULL,
    organization_id TEXT REFERENCES organizations (id),
    public_body_id TEXT REFERENCES public_bodies (id),
    -- The signatory's name and Swedish sort key, kept in step with the register.
    signatory_name TEXT NOT NULL,
    signatory_sort_key TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('submitted', 'approved', 'rejected', 'cancelled', 'withdrawn', 'ended')),
    approved_on DATE,
    left_on DATE,
    -- A pending reconfirmation's deadline, for the sweep that ends unconfirmed ones.
    reconfirm_by DATE,
    document TEXT NOT NULL,
    row_version BIGINT NOT NULL DEFAULT 1 CHECK (row_version >= 1),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    CHECK ((signatory_kind = 'organization' AND organization_id = signatory_id AND public_body_id IS NULL)
        OR (signatory_kind = 'public_body' AND public_body_id = signatory_id AND organization_id IS NULL)),
    CHECK (state NOT IN ('approved', 'withdrawn', 'ended') OR approved_on IS NOT NULL),
    CHECK (left_on IS NULL OR left_on >= approved_on)
);
-- At most one open (submitted or approved) accession per signatory and agreement.
CREATE UNIQUE INDEX accessions_one_open ON accessions (agreement_id, signatory_id)
    WHERE state IN ('submitted', 'approved');
-- The public list: signatories of an agreement in Swedish order.
CREATE INDEX accessions_signatories ON accessions (agreement_id, signatory_sort_key, id)
    WHERE state IN ('approved', 'withdrawn', 'ended');
CREATE INDEX accessions_by_state ON accessions (agreement_id, state, id);
CREATE INDEX accessions_by_organization ON accessions (organization_id) WHERE organization_id IS NOT NULL;

-- Every transition of every accession; append-only (the triggers refuse changes).
CREATE TABLE accession_history (
    accession_id TEXT NOT NULL REFERENCES accessions (id),
    seq INTEGER NOT NULL CHECK (seq >= 0),
    event TEXT NOT NULL,
    from_state TEXT,
    to_state TEXT NOT NULL,
    at TIMESTAMP NOT NULL,
    by_sub TEXT NOT NULL,
    reason TEXT,
    PRIMARY KEY (accession_id, seq)
);

CREATE TRIGGER accession_history_no_update BEFORE UPDATE ON accession_history
BEGIN
    SELECT RAISE(ABORT, 'accession_history is append-only');
END;

CREATE TRIGGER accession_history_no_delete BEFORE DELETE ON accession_history
BEGIN
    SELECT RAISE(ABORT, 'accession_history is append-only');
END;
