DROP TRIGGER accession_history_no_delete;
DROP TRIGGER accession_history_no_update;
DROP TABLE accession_history;
DROP TABLE accessions;
