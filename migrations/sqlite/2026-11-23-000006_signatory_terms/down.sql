DROP TABLE signatory_terms;
