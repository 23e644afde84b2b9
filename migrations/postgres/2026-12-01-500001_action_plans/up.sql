-- Action plans (issue 17). The plan with its activities, status notes and participants is a
-- JSON document written only through the domain's operations; the columns beside it are
-- what lists filter and sort on. Only one adopted plan covers any day: adoption locks the
-- agreement's row and checks the agreement's plans in the same transaction.
CREATE TABLE action_plans (
    id TEXT PRIMARY KEY,
    agreement_id TEXT NOT NULL REFERENCES agreements (id),
    state TEXT NOT NULL CHECK (state IN ('draft', 'adopted', 'closed')),
    period_from DATE NOT NULL,
    period_to DATE NOT NULL,
    document TEXT NOT NULL,
    row_version BIGINT NOT NULL DEFAULT 1 CHECK (row_version >= 1),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    CHECK (period_to >= period_from)
);
CREATE INDEX action_plans_of_agreement ON action_plans (agreement_id, period_from, id);
