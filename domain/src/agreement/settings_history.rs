//! Settings changes are events (issue 12): changing the approval mode, the accepted channels
//! or the eligibility rules is recorded with who, when and why, and shown in the agreement's
//! history. The other settings (the calendar, the open-data contact) change without a trace
//! of their own.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::AgreementSettings;

/// A setting whose change is an event of the agreement's history.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
#[derive(strum::EnumIter, strum::IntoStaticStr, strum::EnumString, strum::Display)]
#[strum(serialize_all = "snake_case")]
pub enum RecordedSetting {
    ApprovalMode,
    AcceptedChannels,
    /// Who may accede: the eligible area and its municipalities, whether public bodies may,
    /// and the statements an applicant affirms.
    Eligibility,
}

crate::enum_text::enum_text!(RecordedSetting);

impl RecordedSetting {
    /// The recorded settings that differ between `before` and `after`, in a fixed order.
    pub fn changed(before: &AgreementSettings, after: &AgreementSettings) -> Vec<Self> {
        let mut changed = Vec::new();
        if before.approval_mode != after.approval_mode {
            changed.push(Self::ApprovalMode);
        }
        if before.accepted_channels != after.accepted_channels {
            changed.push(Self::AcceptedChannels);
        }
        if before.eligible_area != after.eligible_area
            || before.eligible_municipality_codes != after.eligible_municipality_codes
            || before.public_bodies_may_accede != after.public_bodies_may_accede
            || before.eligibility_statements != after.eligibility_statements
        {
            changed.push(Self::Eligibility);
        }
        changed
    }
}

/// Who changes the settings, when and why: the reason is required when a recorded setting
/// changes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SettingsActor {
    /// Chosen by the caller: the id of the history entry, if one is recorded.
    pub id: Uuid,
    /// The token's `sub`.
    pub by: String,
    /// When (the caller's clock: the domain reads none).
    pub at: DateTime<Utc>,
    pub reason: Option<String>,
}

/// One recorded change of the settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SettingsChange {
    pub id: Uuid,
    pub changed_at: DateTime<Utc>,
    pub changed_by: String,
    /// What changed (never empty).
    pub changed: Vec<RecordedSetting>,
    pub reason: String,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::accession::Channel;
    use crate::agreement::ApprovalMode;
    use crate::agreement::testing::*;
    use chrono::TimeZone;

    fn actor(reason: Option<&str>) -> SettingsActor {
        SettingsActor {
            id: Uuid::from_u128(77),
            by: "kommunens-handläggare".into(),
            at: Utc.with_ymd_and_hms(2026, 11, 23, 9, 30, 0).unwrap(),
            reason: reason.map(str::to_owned),
        }
    }

    #[test]
    fn a_recorded_setting_changes_only_with_a_reason_and_leaves_a_trace() {
        let mut a = draft();
        let before = a.settings().clone();
        let other_mode = match before.approval_mode {
            ApprovalMode::Registration => ApprovalMode::SteeringGroup,
            _ => ApprovalMode::Registration,
        };
        let changed = AgreementSettings {
            approval_mode: other_mode,
            accepted_channels: vec![Channel::Form],
            ..before.clone()
        };
        assert_eq!(
            invalid_fields(a.change_settings_by(changed.clone(), 0, actor(Some("  ")))),
            [("reason".into(), "required")]
        );
        assert_eq!(a.settings(), &before, "nothing changed");
        assert!(a.settings_history().is_empty());
        a.change_settings_by(
            changed,
            0,
            actor(Some(" Styrgruppen beslutar om anslutningar. ")),
        )
        .expect("with a reason");
        let [entry] = a.settings_history() else {
            panic!("one entry: {:?}", a.settings_history())
        };
        assert_eq!(
            entry.changed,
            [
                RecordedSetting::ApprovalMode,
                RecordedSetting::AcceptedChannels
            ]
        );
        assert_eq!(entry.reason, "Styrgruppen beslutar om anslutningar.");
        assert_eq!(entry.changed_by, "kommunens-handläggare");
        // The calendar is not a recorded setting.
        let calendar = AgreementSettings {
            follow_up_months: Some(6),
            ..a.settings().clone()
        };
        a.change_settings_by(calendar, 0, actor(None))
            .expect("no reason needed");
        assert_eq!(a.settings_history().len(), 1);
        assert_eq!(a.settings().follow_up_months, Some(6));
    }
}
