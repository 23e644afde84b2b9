//! Agreements (överenskommelser): lifecycle, versions, settings and the follow-up calendar.

use serde::{Deserialize, Serialize};

/// How an accession becomes active (per agreement).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ApprovalMode {
    /// An administrator registers the board decision it received (Eslöv, Lund, Södertälje).
    Registration,
    /// A valid decision of the agreement's steering group is required (Blekinge).
    SteeringGroup,
}

impl ApprovalMode {
    pub const ALL: [Self; 2] = [Self::Registration, Self::SteeringGroup];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Registration => "registration",
            Self::SteeringGroup => "steering_group",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
}
