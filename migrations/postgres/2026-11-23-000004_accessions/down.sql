DROP TRIGGER accession_history_no_update ON accession_history;
DROP FUNCTION accession_history_is_append_only();
DROP TABLE accession_history;
DROP TABLE accessions;
