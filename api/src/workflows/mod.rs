//! What spans areas, as plain functions over a connection inside the caller's transaction:
//! a termination ends the accessions, an adopted revision carries them over, the sweep ends
//! those not reconfirmed, the public list of signatories is loaded and drawn. No HTTP here
//! (nothing of actix), so routes, the sweep and the demo share one version of each.

pub mod accessions;
pub mod agreements;
pub mod applications;
pub mod changes;
pub mod open_data;
pub mod signatories;
