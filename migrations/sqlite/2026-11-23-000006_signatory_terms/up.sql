-- The public list of signatories as the domain defines it: one row per term of continuous
-- membership of a signatory in an agreement (the periods of its accessions that touch or
-- overlap, merged by `accession::merge_terms`). Every accession save rewrites the terms of
-- its signatory in the same transaction, so the list is the plain predicate
-- `since <= as_of AND (until IS NULL OR until > as_of)` (`SignatoryTerm::listed_on`).
-- Existing accessions are projected when the server prepares the database after this
-- migration, by the domain's own merge: the rule is not restated in SQL.
CREATE TABLE signatory_terms (
    -- The accession whose approval began the term.
    id TEXT PRIMARY KEY REFERENCES accessions (id),
    agreement_id TEXT NOT NULL REFERENCES agreements (id),
    signatory_kind TEXT NOT NULL CHECK (signatory_kind IN ('organization', 'public_body')),
    signatory_id TEXT NOT NULL,
    organization_id TEXT REFERENCES organizations (id),
    signatory_name TEXT NOT NULL,
    signatory_sort_key TEXT NOT NULL,
    since DATE NOT NULL,
    -- Exclusive: the first day no longer a signatory; null while the term lasts.
    until DATE,
    CHECK (until IS NULL OR until >= since)
);
-- The list in Swedish order with keyset paging, and the rewrite of one signatory's terms.
CREATE INDEX signatory_terms_list ON signatory_terms (agreement_id, signatory_sort_key, id);
CREATE INDEX signatory_terms_of ON signatory_terms (agreement_id, signatory_id);
CREATE INDEX signatory_terms_by_organization ON signatory_terms (organization_id)
    WHERE organization_id IS NOT NULL;
