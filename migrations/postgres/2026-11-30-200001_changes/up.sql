-- The change feed (issue 14): a transactional outbox, written in the transaction of every
-- state change. The position is the writing transaction's id (xid8) shifted left 20 bits
-- plus the change's index within the transaction, so positions follow (txid, index). A
-- reader returns only changes of transactions below the visibility horizon
-- (pg_snapshot_xmin(pg_current_snapshot())): every transaction below it has ended, so no
-- change can later appear at a position it has already passed. Writers never lock anything
-- for this.
CREATE TABLE changes (
    position BIGINT PRIMARY KEY,
    txid xid8 NOT NULL DEFAULT pg_current_xact_id(),
    id TEXT NOT NULL UNIQUE,
    change_type TEXT NOT NULL,
    at TIMESTAMP NOT NULL,
    agreement_id TEXT NOT NULL,
    public BOOLEAN NOT NULL,
    payload TEXT NOT NULL,
    private_payload TEXT
);
CREATE INDEX changes_txid ON changes (txid);
CREATE INDEX changes_agreement ON changes (agreement_id, position);
CREATE INDEX changes_type ON changes (change_type, position);
