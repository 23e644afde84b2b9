//! Steering groups (styrgrupp, partnerskap, samverkansgrupp): seats, parity, quorum, decisions.

use serde::{Deserialize, Serialize};

/// What a recorded decision of the group is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DecisionKind {
    ApproveAccession,
    RejectAccession,
    AdoptActionPlan,
    ApproveFollowUp,
    Other,
}

impl DecisionKind {
    pub const ALL: [Self; 5] = [
        Self::ApproveAccession,
        Self::RejectAccession,
        Self::AdoptActionPlan,
        Self::ApproveFollowUp,
        Self::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::ApproveAccession => "approve_accession",
            Self::RejectAccession => "reject_accession",
            Self::AdoptActionPlan => "adopt_action_plan",
            Self::ApproveFollowUp => "approve_follow_up",
            Self::Other => "other",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
}
