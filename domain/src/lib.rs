//! The domain of Samverkan: local agreements (överenskommelser) between public bodies and
//! the civil-society sector. Pure Rust: no I/O, no clock (callers pass `today`), no database.
//!
//! Where each rule lives:
//! - `party`: the register of public bodies and organisations; `org_number`, `scb`.
//! - `agreement`: the agreement lifecycle, versions, settings, the follow-up calendar.
//! - `steering`: steering groups, parity, quorum, meetings and decisions.
//! - `accession`: the accession state machine and who may drive it.
//! - `action_plan`: action plans, their activities, statuses and participation.
//! - `partnership`: IOP partnerships, their assessment against the agreement's criteria.
//! - `election`: the sector electing its steering-group members (approval voting); domain only so far.
//! - `access`: the caller and its roles.
//! - `consultation`: the remiss's setup, responses and the report of how they were weighed.
//! - `capability`: capability links, a link instead of a login for applicants without an
//!   account (scoped to one organisation and one agreement).
//! - `change`: the catalogue of changes the feed and webhooks publish.
//! - `collation`: Swedish alphabetical order.
//! - `dates`: the calendar dates accepted (1900-01-01 to 2199-12-31, strictly `YYYY-MM-DD`).

pub mod access;
pub mod accession;
pub mod action_plan;
pub mod agreement;
pub mod capability;
pub mod change;
pub mod collation;
pub mod consultation;
pub mod dates;
pub mod dialogue;
pub mod election;

mod enum_text;
pub mod error;
pub mod org_number;
pub mod partnership;
pub mod party;
pub mod scb;
pub mod service_account;
pub mod steering;

pub use error::{DomainError, FieldError, Rule, Validator};
