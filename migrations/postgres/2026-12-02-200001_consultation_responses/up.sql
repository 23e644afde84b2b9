-- Consultation responses (remissvar, issue 20): one per organisation and consultation (the
-- agreement's version on consultation), as a JSON document (storage's own form,
-- `consultation::ResponseDocumentV1`) holding the text in force and the texts it replaced.
CREATE TABLE consultation_responses (
    id TEXT PRIMARY KEY,
    agreement_id TEXT NOT NULL REFERENCES agreements (id),
    version_number INTEGER NOT NULL,
    organization_id TEXT NOT NULL REFERENCES organizations (id),
    document TEXT NOT NULL,
    row_version BIGINT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX consultation_responses_one_per_organization
    ON consultation_responses (agreement_id, version_number, organization_id);
