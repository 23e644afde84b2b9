//! Enums that are stored as text and shown as JSON strings: the text of every variant is its
//! name in snake_case, derived once by strum (`IntoStaticStr`, `EnumString`, `EnumIter`) for
//! storage and query parameters, and by serde (`rename_all`) for JSON. A test holds the two
//! equal for every such enum. `enum_text!` adds the two names callers use.

/// `as_str` (the stored text, also the JSON string) and `parse` (its inverse) over strum's
/// derives, for each enum named.
macro_rules! enum_text {
    ($($name:ty),+ $(,)?) => {$(
        impl $name {
            /// The stored text, which is also the JSON string.
            pub fn as_str(self) -> &'static str {
                self.into()
            }

            /// The variant stored as `s`.
            pub fn parse(s: &str) -> Option<Self> {
                s.parse().ok()
            }
        }
    )+};
}
pub(crate) use enum_text;

#[cfg(test)]
mod tests {
    use std::str::FromStr;

    use serde::Serialize;
    use serde::de::DeserializeOwned;
    use strum::IntoEnumIterator;

    use crate::access::Role;
    use crate::accession::{
        AccessionState, Channel, EndReason, HistoryEvent, SignatoryKind, SignatoryStatus,
    };
    use crate::agreement::{
        AgreementState, ApprovalMode, CivilSocietyPartyKind, CommitmentParty, DueKind, PeriodUnit,
        RequestingSide, ReviewKind, Scope, ShownStatus, VersionStatus,
    };
    use crate::party::{LegalForm, PublicBodyKind};
    use crate::steering::{AppointerKind, DecisionKind, GroupKind, MemberRole, Seat, Side};

    /// strum's text is what the database stores and serde's what the API shows: for every
    /// variant they are the same string, and each reads back to the variant.
    fn agree<T>()
    where
        T: IntoEnumIterator + Copy + PartialEq + std::fmt::Debug,
        T: Serialize + DeserializeOwned + Into<&'static str> + FromStr,
    {
        let mut count = 0;
        for v in T::iter() {
            let text: &'static str = v.into();
            let json = serde_json::to_string(&v).expect("serializes");
            assert_eq!(json, format!("\"{text}\""), "{v:?}");
            assert_eq!(serde_json::from_str::<T>(&json).ok(), Some(v));
            assert!(T::from_str(text).is_ok_and(|back| back == v), "{text}");
            count += 1;
        }
        assert!(count > 0);
        assert!(T::from_str("no_such_variant").is_err());
    }

    #[test]
    fn serde_and_strum_agree_for_every_stored_enum() {
        agree::<Role>();
        agree::<AccessionState>();
        agree::<Channel>();
        agree::<EndReason>();
        agree::<HistoryEvent>();
        agree::<SignatoryKind>();
        agree::<SignatoryStatus>();
        agree::<AgreementState>();
        agree::<ApprovalMode>();
        agree::<CivilSocietyPartyKind>();
        agree::<CommitmentParty>();
        agree::<DueKind>();
        agree::<PeriodUnit>();
        agree::<RequestingSide>();
        agree::<ReviewKind>();
        agree::<Scope>();
        agree::<ShownStatus>();
        agree::<VersionStatus>();
        agree::<LegalForm>();
        agree::<PublicBodyKind>();
        agree::<AppointerKind>();
        agree::<DecisionKind>();
        agree::<GroupKind>();
        agree::<MemberRole>();
        agree::<Seat>();
        agree::<Side>();
        agree::<crate::change::ChangeType>();
        agree::<crate::action_plan::PlanState>();
        agree::<crate::action_plan::ActivityStatus>();
    }
}
