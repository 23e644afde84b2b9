//! Which rule and field codes each operation can answer with: its 409's `code` and its
//! 422's `errors[].code`, as enums drawn from the `rules!` and `field_errors!` lists (never
//! restated by hand), named here per operation and per area.

use samverkan_domain::accession::{AccessionField, AccessionRule};
use samverkan_domain::action_plan::{ActionPlanField, ActionPlanRule};
use samverkan_domain::agreement::{AgreementField, AgreementRule};
use samverkan_domain::consultation::{ConsultationField, ConsultationRule};
use samverkan_domain::dialogue::{DialogueField, DialogueRule};
use samverkan_domain::error::{Catalogue, CommonField};
use samverkan_domain::org_number::OrgNumberError;
use samverkan_domain::partnership::{PartnershipField, PartnershipRule};
use samverkan_domain::party::PartyField;
use samverkan_domain::scb::ScbCodeError;
use samverkan_domain::service_account::{ServiceAccountField, ServiceAccountRule};
use samverkan_domain::steering::{SteeringField, SteeringRule};
use samverkan_persistence::parties::RegisterRule;
use samverkan_persistence::steering::GroupStorageRule;

use crate::problem::{RequestField, RequestRule};

/// A list of codes, each once, in the lists' order.
fn union(lists: &[&'static [&'static str]]) -> Vec<&'static str> {
    let mut out: Vec<&'static str> = Vec::new();
    for code in lists.iter().flat_map(|l| l.iter()) {
        if !out.contains(code) {
            out.push(code);
        }
    }
    out
}

/// The lists of rules (409) an operation can break: those of its area, and of the areas its
/// workflow reaches into (a termination ends the accessions, an adopted revision carries
/// them over). `keyed`: it takes an `Idempotency-Key`, which adds the API's own rule.
pub fn rule_codes(operation_id: &str, tag: &str, keyed: bool) -> Vec<&'static str> {
    let mut lists: Vec<&'static [&'static str]> = match (tag, operation_id) {
        ("parties", "create_organization" | "update_organization") => {
            vec![&["org_number_taken"]]
        }
        // A public body is one per kind and SCB code, and one per organisation number.
        ("parties", "create_public_body" | "update_public_body") => {
            vec![&["scb_code_taken", "org_number_taken"]]
        }
        ("parties", _) => vec![&["scb_code_taken"]],
        ("agreements", "terminate_agreement" | "adopt_revision") => {
            vec![
                AgreementRule::CODES,
                AccessionRule::CODES,
                ConsultationRule::CODES,
            ]
        }
        // The consultation (remiss) is the agreement's: its rules come with the area's.
        ("agreements", _) => vec![AgreementRule::CODES, ConsultationRule::CODES],
        ("accessions", _) => vec![AccessionRule::CODES],
        ("steering", "create_steering_group") => vec![GroupStorageRule::CODES],
        ("steering", _) => vec![SteeringRule::CODES],
        ("action-plans", _) => vec![ActionPlanRule::CODES],
        ("dialogue", _) => vec![DialogueRule::CODES],
        ("partnerships", _) => vec![PartnershipRule::CODES],
        ("service-accounts", _) => vec![ServiceAccountRule::CODES],
        _ => vec![],
    };
    if keyed {
        lists.push(RequestRule::CODES);
    }
    let codes = union(&lists);
    debug_assert!(
        codes.iter().all(|c| all_rule_codes().contains(c)),
        "{operation_id}: a code outside every rules! list"
    );
    codes
}

/// The lists of field errors (422) an operation of an area can report: the request's own
/// (a missing field, a wrong type, an unknown id), every text's, and the area's values.
pub fn field_codes(tag: &str) -> Vec<&'static str> {
    let mut lists: Vec<&'static [&'static str]> = vec![RequestField::CODES, CommonField::CODES];
    lists.extend(match tag {
        "parties" => vec![
            PartyField::CODES,
            OrgNumberError::CODES,
            ScbCodeError::CODES,
        ],
        "agreements" => vec![
            AgreementField::CODES,
            PartyField::CODES,
            ScbCodeError::CODES,
            ConsultationField::CODES,
        ],
        "accessions" => vec![AccessionField::CODES],
        "steering" => vec![SteeringField::CODES],
        "action-plans" => vec![ActionPlanField::CODES],
        "dialogue" => vec![DialogueField::CODES],
        "partnerships" => vec![PartnershipField::CODES],
        "service-accounts" => vec![ServiceAccountField::CODES],
        _ => vec![],
    });
    union(&lists)
}

/// Every rule code: `Problem.code`.
pub fn all_rule_codes() -> Vec<&'static str> {
    union(&[
        AgreementRule::CODES,
        AccessionRule::CODES,
        SteeringRule::CODES,
        ActionPlanRule::CODES,
        RegisterRule::CODES,
        GroupStorageRule::CODES,
        RequestRule::CODES,
        DialogueRule::CODES,
        ConsultationRule::CODES,
        PartnershipRule::CODES,
        ServiceAccountRule::CODES,
    ])
}

/// Every field code: `errors[].code`.
pub fn all_field_codes() -> Vec<&'static str> {
    union(&[
        RequestField::CODES,
        CommonField::CODES,
        PartyField::CODES,
        OrgNumberError::CODES,
        ScbCodeError::CODES,
        AgreementField::CODES,
        AccessionField::CODES,
        SteeringField::CODES,
        ActionPlanField::CODES,
        DialogueField::CODES,
        ConsultationField::CODES,
        PartnershipField::CODES,
        ServiceAccountField::CODES,
    ])
}
