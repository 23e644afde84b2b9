-- Agreements. The aggregate (versions with their texts, settings, reviews, renegotiation
-- requests) is one JSON document written only through the domain's operations; the columns
-- beside it are what lists filter and sort on, and what the database can check.

CREATE TABLE agreements (
    id TEXT PRIMARY KEY,
    owner_public_body_id TEXT NOT NULL REFERENCES public_bodies (id),
    state TEXT NOT NULL CHECK (state IN ('draft', 'consultation', 'adopted', 'terminated', 'abandoned')),
    scope TEXT NOT NULL CHECK (scope IN ('municipal', 'regional')),
    title TEXT NOT NULL CHECK (length(title) >= 1),
    document TEXT NOT NULL,
    row_version BIGINT NOT NULL DEFAULT 1 CHECK (row_version >= 1),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX agreements_owner ON agreements (owner_public_body_id, id);
CREATE INDEX agreements_state ON agreements (state, id);

CREATE TABLE agreement_parties (
    agreement_id TEXT NOT NULL REFERENCES agreements (id) ON DELETE CASCADE,
    public_body_id TEXT NOT NULL REFERENCES public_bodies (id),
    PRIMARY KEY (agreement_id, public_body_id)
);
CREATE INDEX agreement_parties_body ON agreement_parties (public_body_id, agreement_id);

CREATE TABLE agreement_municipalities (
    agreement_id TEXT NOT NULL REFERENCES agreements (id) ON DELETE CASCADE,
    municipality_code TEXT NOT NULL CHECK (length(municipality_code) = 4),
    PRIMARY KEY (agreement_id, municipality_code)
);
CREATE INDEX agreement_municipalities_code ON agreement_municipalities (municipality_code, agreement_id);
