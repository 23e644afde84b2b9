-- Substring search on the public list (`?q=` of three characters or more) through a trigram
-- index. It indexes the stored Swedish sort key, which is what `?q=` compares (the name
-- lower-cased, å/ä/ö and accents mapped by `swedish_sort_key`), so the index answers the
-- same question on both backends; LIKE rechecks every candidate, so the result is exact.
-- Shorter queries are served by prefix on `signatory_terms_list` (no trigram to look up).
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX signatory_terms_search ON signatory_terms USING gin (signatory_sort_key gin_trgm_ops);
