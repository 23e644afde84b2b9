-- IOP partnerships (issue 21). The partnership with its parties, contributions, assessment
-- and decision is a JSON document written only through the domain's operations; the
-- columns beside it are what the register filters and sorts on.
CREATE TABLE partnerships (
    id TEXT PRIMARY KEY,
    agreement_id TEXT NOT NULL REFERENCES agreements (id),
    public_body_id TEXT NOT NULL REFERENCES public_bodies (id),
    state TEXT NOT NULL CHECK (state IN ('proposed', 'assessed', 'entered', 'ended', 'not_entered')),
    period_from DATE NOT NULL,
    period_to DATE NOT NULL,
    document TEXT NOT NULL,
    row_version BIGINT NOT NULL DEFAULT 1 CHECK (row_version >= 1),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    CHECK (period_to >= period_from)
);
CREATE INDEX partnerships_of_agreement ON partnerships (agreement_id, period_from, id);
