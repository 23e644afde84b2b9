DELETE FROM server_keys WHERE name = 'form';
DROP TABLE capability_links;
ALTER TABLE organizations DROP COLUMN pending_verification;
DROP INDEX accessions_pending_verification;
DROP INDEX accessions_one_open;
CREATE UNIQUE INDEX accessions_one_open ON accessions (agreement_id, signatory_id)
    WHERE state IN ('submitted', 'approved');
ALTER TABLE accessions DROP COLUMN verify_by;
