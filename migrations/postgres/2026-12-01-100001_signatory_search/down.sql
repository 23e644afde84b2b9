DROP INDEX signatory_terms_search;
-- The extension stays: other objects of the database may use it.
