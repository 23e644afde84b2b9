//! The API's own JSON forms of the domain's aggregates and their records: the request bodies,
//! each converted into the domain's input, and the views, each built from the domain's read
//! methods. With the endpoint bodies and views of `routes`, these are the only `ToSchema`
//! types of the contract for agreements, accessions and steering groups; the domain declares
//! schemas only for its small value enums (states, kinds, channels, roles, `Signatory`).
//!
//! Every constraint a request schema states sits at its field and is drawn from the domain's
//! own limit or predicate (`crate::schemas`), never restated by name elsewhere.

pub mod accessions;
pub mod agreements;
pub mod changes;
pub mod consultation;
pub mod steering;
