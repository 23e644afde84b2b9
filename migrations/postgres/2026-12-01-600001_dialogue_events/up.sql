-- Dialogue meetings and conferences (issue 17). The event is a JSON document (storage's
-- own form, `dialogue::EventDocumentV1`) with its filter columns; its invitations are rows,
-- one per signatory of the announcement day, written in the announcing transaction.
CREATE TABLE dialogue_events (
    id TEXT PRIMARY KEY,
    agreement_id TEXT NOT NULL REFERENCES agreements (id),
    starts_at TIMESTAMP NOT NULL,
    document TEXT NOT NULL,
    row_version BIGINT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX dialogue_events_agreement ON dialogue_events (agreement_id, starts_at);
CREATE TABLE dialogue_invitations (
    event_id TEXT NOT NULL REFERENCES dialogue_events (id),
    signatory_kind TEXT NOT NULL,
    signatory_id TEXT NOT NULL,
    signatory_name TEXT NOT NULL,
    invited_at TIMESTAMP NOT NULL,
    PRIMARY KEY (event_id, signatory_id)
);
