DROP INDEX accessions_signatory;
DROP INDEX accessions_list_order;
