-- Indexes the benchmark showed missing. SQLite cannot use a partial index when the query
-- binds the states as parameters, so the public list also gets a plain index; submissions
-- look up a signatory's accessions to an agreement whatever their state.
CREATE INDEX accessions_list_order ON accessions (agreement_id, signatory_sort_key, id);
CREATE INDEX accessions_signatory ON accessions (agreement_id, signatory_id);
