//! Accessions (anslutningar): the state machine from application to signatory to withdrawal.
