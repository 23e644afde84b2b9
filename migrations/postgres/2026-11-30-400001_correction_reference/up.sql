-- A correction names the history entry it corrects by its number (issue 11): always an
-- earlier entry of the same accession.
ALTER TABLE accession_history ADD COLUMN corrects_seq INTEGER;
ALTER TABLE accession_history ADD CONSTRAINT accession_history_corrects_earlier
    CHECK (corrects_seq IS NULL OR (corrects_seq >= 0 AND corrects_seq < seq));
