ALTER TABLE accession_history DROP COLUMN corrects_seq;
