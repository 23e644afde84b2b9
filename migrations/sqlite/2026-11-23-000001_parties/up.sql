-- The register of parties. Ids are UUID v7 stored as text so that one set of queries runs
-- on PostgreSQL and SQLite; sort keys are compared byte-wise (COLLATE "C") so both backends
-- sort the same Swedish order computed in Rust (SQLite: BINARY, the default).

CREATE TABLE public_bodies (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    sort_key TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('municipality', 'region', 'county_board', 'other')),
    scb_code TEXT CHECK (scb_code IS NULL OR length(scb_code) IN (2, 4)),
    website TEXT,
    row_version BIGINT NOT NULL DEFAULT 1 CHECK (row_version >= 1),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    CHECK (kind = 'other' OR scb_code IS NOT NULL),
    CHECK (kind <> 'municipality' OR length(scb_code) = 4),
    CHECK (kind NOT IN ('region', 'county_board') OR length(scb_code) = 2)
);
CREATE UNIQUE INDEX public_bodies_kind_scb_code ON public_bodies (kind, scb_code) WHERE kind <> 'other';
CREATE INDEX public_bodies_sort ON public_bodies (sort_key, id);

CREATE TABLE organizations (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    sort_key TEXT NOT NULL,
    org_number TEXT CHECK (org_number IS NULL OR length(org_number) = 11),
    legal_form TEXT NOT NULL CHECK (legal_form IN ('non_profit_association', 'economic_association', 'cooperative', 'foundation', 'religious_community', 'other')),
    website TEXT,
    description TEXT,
    row_version BIGINT NOT NULL DEFAULT 1 CHECK (row_version >= 1),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX organizations_org_number ON organizations (org_number) WHERE org_number IS NOT NULL;
CREATE INDEX organizations_sort ON organizations (sort_key, id);

CREATE TABLE organization_municipalities (
    organization_id TEXT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    municipality_code TEXT NOT NULL CHECK (length(municipality_code) = 4),
    PRIMARY KEY (organization_id, municipality_code)
);
CREATE INDEX organization_municipalities_code ON organization_municipalities (municipality_code, organization_id);

-- Client retries of creating POSTs (Idempotency-Key), per caller.
CREATE TABLE idempotency_keys (
    caller TEXT NOT NULL,
    key TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    response_status INTEGER NOT NULL,
    response_location TEXT,
    response_etag TEXT,
    response_body TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (caller, key)
);
