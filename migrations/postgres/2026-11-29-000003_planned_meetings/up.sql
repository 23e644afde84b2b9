-- A meeting may be planned ahead (issue 11): no minutes until it is marked held.
ALTER TABLE steering_meetings
    ADD COLUMN planned BOOLEAN NOT NULL DEFAULT FALSE
    CHECK (NOT planned OR minutes_reference IS NULL);
