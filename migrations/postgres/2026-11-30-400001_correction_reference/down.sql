ALTER TABLE accession_history DROP CONSTRAINT accession_history_corrects_earlier;
ALTER TABLE accession_history DROP COLUMN corrects_seq;
