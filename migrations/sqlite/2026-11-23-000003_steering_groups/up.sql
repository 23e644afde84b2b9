-- Steering groups (styrgrupp, partnerskap, samverkansgrupp): one per agreement, with its
-- members' terms, meetings, attendance and decisions. Parity and quorum are derived in the
-- domain from these rows; the database keeps what it can check on its own.

CREATE TABLE steering_groups (
    id TEXT PRIMARY KEY,
    agreement_id TEXT NOT NULL UNIQUE REFERENCES agreements (id),
    name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    kind TEXT NOT NULL CHECK (kind IN ('steering_group', 'partnership', 'collaboration_group')),
    ordinary_seats_per_side INTEGER CHECK (ordinary_seats_per_side BETWEEN 1 AND 50),
    deputies_allowed BOOLEAN NOT NULL,
    chair_and_vice_chair_from_different_sides BOOLEAN NOT NULL,
    default_term_months INTEGER CHECK (default_term_months BETWEEN 1 AND 120),
    row_version BIGINT NOT NULL DEFAULT 1 CHECK (row_version >= 1),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

CREATE TABLE steering_memberships (
    id TEXT PRIMARY KEY,
    group_id TEXT NOT NULL REFERENCES steering_groups (id),
    person_name TEXT NOT NULL CHECK (length(person_name) >= 1),
    -- The member's login subject; never published.
    person_ref TEXT,
    title TEXT,
    side TEXT NOT NULL CHECK (side IN ('public_sector', 'civil_society')),
    seat TEXT NOT NULL CHECK (seat IN ('ordinary', 'deputy', 'adjunct')),
    role TEXT NOT NULL CHECK (role IN ('chair', 'vice_chair', 'member')),
    appointer_kind TEXT NOT NULL CHECK (appointer_kind IN ('public_body', 'organization', 'network')),
    appointer_id TEXT,
    appointer_name TEXT,
    term_start DATE NOT NULL,
    term_end DATE,
    created_at TIMESTAMP NOT NULL,
    CHECK (term_end IS NULL OR term_end >= term_start),
    CHECK ((appointer_kind = 'network') = (appointer_name IS NOT NULL AND appointer_id IS NULL))
);
CREATE INDEX steering_memberships_group ON steering_memberships (group_id, term_start);

CREATE TABLE steering_meetings (
    id TEXT PRIMARY KEY,
    group_id TEXT NOT NULL REFERENCES steering_groups (id),
    date DATE NOT NULL,
    minutes_reference TEXT,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX steering_meetings_group ON steering_meetings (group_id, date);

CREATE TABLE steering_attendance (
    meeting_id TEXT NOT NULL REFERENCES steering_meetings (id),
    membership_id TEXT NOT NULL REFERENCES steering_memberships (id),
    PRIMARY KEY (meeting_id, membership_id)
);

CREATE TABLE steering_decisions (
    id TEXT PRIMARY KEY,
    group_id TEXT NOT NULL REFERENCES steering_groups (id),
    agreement_id TEXT NOT NULL REFERENCES agreements (id),
    meeting_id TEXT NOT NULL REFERENCES steering_meetings (id),
    kind TEXT NOT NULL CHECK (kind IN ('approve_accession', 'reject_accession', 'adopt_action_plan', 'approve_follow_up', 'other')),
    subject TEXT NOT NULL CHECK (length(subject) >= 1),
    subject_id TEXT,
    text TEXT NOT NULL CHECK (length(text) >= 1),
    created_at TIMESTAMP NOT NULL,
    CHECK (kind NOT IN ('approve_accession', 'reject_accession') OR subject_id IS NOT NULL)
);
CREATE INDEX steering_decisions_meeting ON steering_decisions (meeting_id, id);
CREATE INDEX steering_decisions_subject ON steering_decisions (subject_id) WHERE subject_id IS NOT NULL;
