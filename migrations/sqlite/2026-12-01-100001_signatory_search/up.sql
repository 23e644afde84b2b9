-- Substring search on the public list (`?q=` of three characters or more) through an FTS5
-- table with the trigram tokenizer over the stored Swedish sort key, which is what `?q=`
-- compares (the name lower-cased, å/ä/ö and accents mapped by `swedish_sort_key`).
-- `case_sensitive 1`: the key is already folded by Rust, so the index matches its exact
-- characters, as PostgreSQL's LIKE on the same key does. A phrase of trigrams matches
-- exactly the rows holding it as a substring. External content: the text lives once, in
-- `signatory_terms`, and the triggers keep the index in step with every write of it.
-- Rows are found by rowid; `rebuild_signatory_terms` also rebuilds this index (a VACUUM may
-- renumber the rowids of a table without an INTEGER PRIMARY KEY).
-- Shorter queries are served by prefix on `signatory_terms_list` (no trigram to look up).
CREATE VIRTUAL TABLE signatory_terms_search USING fts5(
    signatory_sort_key,
    content = 'signatory_terms',
    content_rowid = 'rowid',
    tokenize = 'trigram case_sensitive 1'
);
INSERT INTO signatory_terms_search (signatory_terms_search) VALUES ('rebuild');
CREATE TRIGGER signatory_terms_search_insert AFTER INSERT ON signatory_terms BEGIN
    INSERT INTO signatory_terms_search (rowid, signatory_sort_key)
    VALUES (new.rowid, new.signatory_sort_key);
END;
CREATE TRIGGER signatory_terms_search_delete AFTER DELETE ON signatory_terms BEGIN
    INSERT INTO signatory_terms_search (signatory_terms_search, rowid, signatory_sort_key)
    VALUES ('delete', old.rowid, old.signatory_sort_key);
END;
CREATE TRIGGER signatory_terms_search_update AFTER UPDATE OF signatory_sort_key ON signatory_terms BEGIN
    INSERT INTO signatory_terms_search (signatory_terms_search, rowid, signatory_sort_key)
    VALUES ('delete', old.rowid, old.signatory_sort_key);
    INSERT INTO signatory_terms_search (rowid, signatory_sort_key)
    VALUES (new.rowid, new.signatory_sort_key);
END;
