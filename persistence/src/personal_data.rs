//! The register of processing (GDPR art. 30) as data: every table of the schema, what
//! personal data it holds, and what may be erased. `docs/personal-data.md` is the same
//! register in prose, for a municipality to adapt; the coverage test
//! (`tests/tests/backup.rs`) fails for a table of the database that is missing here.

/// What a table holds, as far as GDPR is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Holds {
    /// No personal data (organisations, public bodies, agreements' texts, keys).
    Nothing,
    /// Pseudonymous ids of actors only (a token's `sub`): kept, they name no one here.
    Pseudonyms,
    /// Contact data — names, e-mail addresses, phone numbers — erasable on request and by
    /// the retention period: no archive duty applies to them.
    ErasableContactData,
    /// Names in public records (allmänna handlingar): steering-group members as appointed,
    /// meeting attendance. Kept under the archive rules (GDPR art. 17(3)(b)); contact data in
    /// them is erasable.
    PublicRecord,
    /// Copies of other tables' data, derived and rebuilt from them.
    Derived,
}

/// One table of the register.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Entry {
    pub table: &'static str,
    pub holds: Holds,
    /// What personal data, in a few words (empty for `Holds::Nothing`).
    pub what: &'static str,
}

const fn entry(table: &'static str, holds: Holds, what: &'static str) -> Entry {
    Entry { table, holds, what }
}

/// Every table of the schema.
pub const REGISTER: &[Entry] = &[
    entry("public_bodies", Holds::Nothing, ""),
    entry("organizations", Holds::Nothing, ""),
    entry("organization_municipalities", Holds::Nothing, ""),
    entry(
        "organization_changes",
        Holds::Pseudonyms,
        "who changed an organisation (the token's sub)",
    ),
    entry("agreements", Holds::Nothing, ""),
    entry("agreement_parties", Holds::Nothing, ""),
    entry("agreement_municipalities", Holds::Nothing, ""),
    entry("steering_groups", Holds::Nothing, ""),
    entry(
        "steering_memberships",
        Holds::PublicRecord,
        "member's name, title and person reference; the appointer's name",
    ),
    entry("steering_meetings", Holds::Nothing, ""),
    entry(
        "steering_attendance",
        Holds::PublicRecord,
        "which member attended which meeting",
    ),
    entry("steering_decisions", Holds::Nothing, ""),
    entry(
        "accessions",
        Holds::ErasableContactData,
        "the contact person (name, e-mail, phone) and the submitter's sub, in the document",
    ),
    entry(
        "accession_history",
        Holds::Pseudonyms,
        "who recorded each event (the token's sub) and the reason given",
    ),
    entry("signatory_terms", Holds::Derived, ""),
    entry(
        "signatory_terms_search",
        Holds::Derived,
        "the trigram index of signatory_terms (SQLite only)",
    ),
    entry(
        "dialogue_events",
        Holds::ErasableContactData,
        "registrations: the names of those who come, per signatory",
    ),
    entry("dialogue_invitations", Holds::Nothing, ""),
    entry("action_plans", Holds::Nothing, ""),
    entry(
        "consultation_responses",
        Holds::ErasableContactData,
        "the respondent's contact person (name, e-mail); the response itself is a public record",
    ),
    entry(
        "capability_links",
        Holds::ErasableContactData,
        "the e-mail address a link was sent to (the token itself only as its hash)",
    ),
    entry(
        "service_accounts",
        Holds::Pseudonyms,
        "who created each account (the administrator's sub); the secret only as its hash",
    ),
    entry("partnerships", Holds::Nothing, ""),
    entry(
        "changes",
        Holds::Pseudonyms,
        "the change feed's payloads; contact persons never (private payloads leave them out)",
    ),
    entry(
        "idempotency_keys",
        Holds::ErasableContactData,
        "stored responses of creating requests, which can name a contact person",
    ),
    entry("server_keys", Holds::Nothing, ""),
];
