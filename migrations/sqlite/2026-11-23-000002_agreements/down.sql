DROP TABLE agreement_municipalities;
DROP TABLE agreement_parties;
DROP TABLE agreements;
