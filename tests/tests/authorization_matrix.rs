//! The authorisation matrix (issue 6): every operation of the published OpenAPI document,
//! called by six kinds of caller, answers as the table below says. An operation the table
//! does not list fails the test, and so does a listed one that the document lacks: every new
//! endpoint must declare here who may call it.
//!
//! The callers: anonymous; a representative of another organisation; an administrator of
//! another public body (Lunds kommun, 1281); a steering member whose token sits on no group;
//! the operation's rightful caller (the owning body's administrator, the organisation's own
//! representative, a member seated on the group, or the platform administrator for the
//! register of public bodies); and a platform administrator.
//!
//! Refused calls are made against one shared fixture world, which must be unchanged at the
//! end. Every allowed write gets a fresh target of its own, so that each allowed caller meets
//! the same state and the table can name the exact status.

use std::cell::Cell;
use std::collections::{BTreeMap, BTreeSet};

use samverkan_api::state::Clock;
use samverkan_domain::access::Role;
use samverkan_e2e::*;
use serde_json::{Value, json};
use uuid::Uuid;

const OPENAPI: &str = include_str!("../../openapi/openapi.json");

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Who {
    Anonymous,
    OtherRep,
    OtherAdmin,
    OtherSteering,
    Rightful,
    Platform,
    CoAdmin,
}

const CALLERS: [Who; 7] = [
    Who::Anonymous,
    Who::OtherRep,
    Who::OtherAdmin,
    Who::OtherSteering,
    Who::Rightful,
    Who::Platform,
    Who::CoAdmin,
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expect {
    /// The call passes: exactly this status.
    Allowed(u16),
    /// 401 problem with `WWW-Authenticate: Bearer`.
    Unauthorized,
    /// 403 problem.
    Forbidden,
    /// 404 problem: the caller must not learn that the resource exists.
    Hidden,
    /// Past authorisation, refused by this domain rule (409 naming it); nothing is written.
    Rule(&'static str),
}

const OK: Expect = Expect::Allowed(200);
const NEW: Expect = Expect::Allowed(201);
const U: Expect = Expect::Unauthorized;
const F: Expect = Expect::Forbidden;
const H: Expect = Expect::Hidden;
const NOT_IN_FORCE: Expect = Expect::Rule("agreement_not_in_force");
const NOT_PENDING: Expect = Expect::Rule("accession_not_pending_verification");

/// Open to everyone.
const OPEN: [Expect; 7] = [OK; 7];
/// Something not yet public (a draft agreement and what hangs on it): its administrators and
/// co-administrators only.
const PRIVATE: [Expect; 7] = [H, H, H, H, OK, OK, OK];

/// operationId, case, then the outcome for: anonymous, another organisation's
/// representative, another body's administrator, a steering member on no group, the
/// rightful caller, a platform administrator, and a co-administrator (issue 12: a
/// representative of the organisation that acts for the sector; it reads drafts, records
/// follow-ups and ends the terms of the sector's members, and nothing of the public side's).
const TABLE: &[(&str, &str, [Expect; 7])] = &[
    // ---- system
    ("health", "", OPEN),
    ("ready", "", OPEN),
    ("explain_problem", "", OPEN),
    // Any valid token may ask who it is; nobody without one.
    ("get_me", "", [U, OK, OK, OK, OK, OK, OK]),
    // The right of access (issue 24): administrators, each over the agreements they run.
    ("search_personal_data", "", [U, F, OK, F, OK, OK, F]),
    // ---- the register of parties
    ("list_public_bodies", "", OPEN),
    ("get_public_body", "", OPEN),
    ("create_public_body", "", [U, F, F, F, NEW, NEW, F]),
    ("update_public_body", "", [U, F, F, F, OK, OK, F]),
    ("list_organizations", "", OPEN),
    ("get_organization", "", OPEN),
    // Any administrator registers organisations (party::may_create_organization); a record is
    // edited by the organisation's representatives, a platform administrator, and an
    // administrator of a body party to an agreement it signed or applied to
    // (party::may_update_organization): not by another municipality's (issue 13).
    ("create_organization", "", [U, F, NEW, F, NEW, NEW, F]),
    ("update_organization", "", [U, F, F, F, OK, OK, F]),
    (
        "update_organization",
        "owner admin",
        [U, F, F, F, OK, OK, F],
    ),
    // ---- agreements
    ("list_agreements", "", OPEN),
    // The change feed: anyone reads it; what each caller sees is tested in changes.rs.
    ("list_changes", "", OPEN),
    ("create_agreement", "", [U, F, F, F, NEW, NEW, F]),
    // Every administrator has an agenda of their own.
    ("get_administrator_agenda", "", [U, F, OK, F, OK, OK, F]),
    ("get_agreement", "adopted", OPEN),
    ("get_agreement", "draft", PRIVATE),
    ("edit_agreement", "draft", [U, H, H, H, OK, OK, F]),
    ("open_consultation", "draft", [U, H, H, H, OK, OK, F]),
    ("adopt_agreement", "draft", [U, H, H, H, OK, OK, F]),
    // The consultation (issue 20): a draft on consultation is public, and so are its
    // responses; an organisation's representative responds for it, the administrator
    // registers responses received on paper.
    ("list_consultation_responses", "consultation", OPEN),
    ("export_consultation_responses_csv", "consultation", OPEN),
    ("get_consultation_summary", "consultation", OPEN),
    (
        "submit_consultation_response",
        "consultation",
        [U, F, F, F, NEW, NEW, F],
    ),
    ("abandon_agreement", "draft", [U, H, H, H, OK, OK, F]),
    ("terminate_agreement", "adopted", [U, F, F, F, OK, OK, F]),
    ("start_revision", "adopted", [U, F, F, F, OK, OK, F]),
    // A translation is the owner's publication: its administrators, not the sector's.
    (
        "translate_agreement_version",
        "adopted",
        [U, F, F, F, OK, OK, F],
    ),
    ("adopt_revision", "revising", [U, F, F, F, OK, OK, F]),
    ("abandon_revision", "revising", [U, F, F, F, OK, OK, F]),
    ("record_review", "adopted", [U, F, F, F, NEW, NEW, NEW]),
    // Reviews name who recorded them: the agreement's administrators and co-administrators.
    ("list_reviews", "adopted", [U, F, F, F, OK, OK, OK]),
    ("list_reviews", "draft", [U, H, H, H, OK, OK, OK]),
    ("get_review", "adopted", [U, F, F, F, OK, OK, OK]),
    // The history of settings changes: administrators and co-administrators.
    ("get_agreement_history", "adopted", [U, F, F, F, OK, OK, OK]),
    ("get_agreement_history", "draft", [U, H, H, H, OK, OK, OK]),
    (
        "file_renegotiation_request",
        "adopted",
        [U, F, F, F, NEW, NEW, F],
    ),
    ("get_renegotiation_request", "adopted", OPEN),
    // The other side answers: a request by the municipality, for the sector by the forum
    // acting for it (the rightful caller here).
    (
        "answer_renegotiation_request",
        "adopted",
        [U, F, F, F, OK, OK, OK],
    ),
    // The side that filed it withdraws it: the municipality's, not the sector's.
    (
        "withdraw_renegotiation_request",
        "adopted",
        [U, F, F, F, OK, OK, F],
    ),
    ("list_agreement_versions", "adopted", OPEN),
    ("list_agreement_versions", "draft", PRIVATE),
    ("get_agreement_version", "adopted", OPEN),
    ("get_agreement_version", "draft", PRIVATE),
    ("get_agreement_calendar", "adopted", OPEN),
    ("get_agreement_calendar", "draft", PRIVATE),
    ("list_renegotiation_requests", "adopted", OPEN),
    ("list_renegotiation_requests", "draft", PRIVATE),
    // ---- steering groups
    ("get_steering_group", "adopted", OPEN),
    ("get_steering_group", "draft", PRIVATE),
    ("list_steering_memberships", "adopted", OPEN),
    ("list_steering_memberships", "draft", PRIVATE),
    ("list_steering_meetings", "adopted", OPEN),
    ("list_steering_meetings", "draft", PRIVATE),
    ("get_steering_meeting", "adopted", OPEN),
    (
        "create_steering_group",
        "adopted",
        [U, F, F, F, NEW, NEW, F],
    ),
    ("create_steering_group", "draft", [U, H, H, H, NEW, NEW, F]),
    (
        "reconfigure_steering_group",
        "adopted",
        [U, F, F, F, OK, OK, F],
    ),
    (
        "appoint_steering_member",
        "adopted",
        [U, F, F, F, NEW, NEW, F],
    ),
    (
        "appoint_steering_member",
        "draft",
        [U, H, H, H, NEW, NEW, F],
    ),
    ("end_steering_term", "adopted", [U, F, F, F, OK, OK, OK]),
    // The rightful caller here is a steering member seated on the group.
    (
        "record_steering_meeting",
        "adopted",
        [U, F, F, F, NEW, NEW, F],
    ),
    (
        "record_steering_decision",
        "adopted",
        [U, F, F, F, NEW, NEW, F],
    ),
    (
        "record_steering_meeting",
        "owner admin",
        [U, F, F, F, NEW, NEW, F],
    ),
    (
        "plan_steering_meeting",
        "adopted",
        [U, F, F, F, NEW, NEW, F],
    ),
    (
        "record_steering_minutes",
        "adopted",
        [U, F, F, F, OK, OK, F],
    ),
    // ---- action plans (issue 17): administrators, co-administrators and seated steering
    // members edit (the rightful caller here is the seated member); a draft plan is theirs.
    ("list_action_plans", "adopted", OPEN),
    ("list_action_plans", "draft", PRIVATE),
    ("get_action_plan", "adopted", OPEN),
    ("get_action_plan", "draft plan", PRIVATE),
    ("create_action_plan", "adopted", [U, F, F, F, NEW, NEW, NEW]),
    ("adopt_action_plan", "adopted", [U, F, F, F, OK, OK, OK]),
    ("close_action_plan", "adopted", [U, F, F, F, OK, OK, OK]),
    (
        "add_action_plan_activity",
        "adopted",
        [U, F, F, F, NEW, NEW, NEW],
    ),
    (
        "change_action_plan_activity_status",
        "adopted",
        [U, F, F, F, OK, OK, OK],
    ),
    // Participation: the organisation's own representative (the rightful caller), or an
    // administrator on its behalf; never another organisation's representative.
    (
        "set_action_plan_participation",
        "adopted",
        [U, F, F, F, OK, OK, F],
    ),
    // ---- dialogue meetings and conferences (issue 17): reads follow the agreement; the
    // administrators and co-administrators organise; a signatory's representative registers
    // for its own organisation (the rightful caller), and a platform administrator may.
    ("list_dialogue_events", "adopted", OPEN),
    ("list_dialogue_events", "draft", PRIVATE),
    ("dialogue_events_calendar", "adopted", OPEN),
    ("dialogue_events_calendar", "draft", PRIVATE),
    ("get_dialogue_event", "adopted", OPEN),
    // Any token reads the registrations it acts for (none, for a stranger): never names of others.
    (
        "list_dialogue_registrations",
        "adopted",
        [U, OK, OK, OK, OK, OK, OK],
    ),
    (
        "announce_dialogue_event",
        "adopted",
        [U, F, F, F, NEW, NEW, NEW],
    ),
    (
        "reschedule_dialogue_event",
        "adopted",
        [U, F, F, F, OK, OK, OK],
    ),
    ("cancel_dialogue_event", "adopted", [U, F, F, F, OK, OK, OK]),
    (
        "register_for_dialogue_event",
        "adopted",
        [U, F, F, F, OK, OK, F],
    ),
    // The fixture's event lies ahead: an organiser gets past authorisation to the rule.
    (
        "record_dialogue_attendance",
        "adopted",
        [
            U,
            F,
            F,
            F,
            Expect::Rule("event_not_ended"),
            Expect::Rule("event_not_ended"),
            Expect::Rule("event_not_ended"),
        ],
    ),
    // ---- IOP partnerships (issue 21): the register is public (entered and ended); those who
    // run the agreement propose, assess and record non-entry; the public body's administrator
    // (the rightful caller) enters and ends; a proposal is hidden from everyone else, and
    // readable by the involved organisation's representative (the rightful caller of the read).
    ("list_partnerships", "adopted", OPEN),
    ("list_partnerships", "draft", PRIVATE),
    ("export_partnerships_csv", "adopted", OPEN),
    ("export_partnerships_csv", "draft", PRIVATE),
    ("get_partnership", "entered", OPEN),
    ("get_partnership", "proposed", PRIVATE),
    (
        "propose_partnership",
        "adopted",
        [U, F, F, F, NEW, NEW, NEW],
    ),
    ("assess_partnership", "proposed", [U, H, H, H, OK, OK, OK]),
    ("enter_partnership", "assessed", [U, H, H, H, OK, OK, F]),
    ("end_partnership", "entered", [U, F, F, F, OK, OK, F]),
    (
        "not_enter_partnership",
        "proposed",
        [U, H, H, H, OK, OK, OK],
    ),
    // ---- service accounts (issue 22): platform administrators only (the rightful caller);
    // the token endpoint authenticates the client by its own credentials, whoever calls.
    ("create_service_account", "", [U, F, F, F, NEW, NEW, F]),
    ("list_service_accounts", "", [U, F, F, F, OK, OK, F]),
    ("get_service_account", "", [U, F, F, F, OK, OK, F]),
    ("rotate_service_account_secret", "", [U, F, F, F, OK, OK, F]),
    ("revoke_service_account", "", [U, F, F, F, OK, OK, F]),
    ("oauth_token", "", OPEN),
    // ---- accessions
    ("list_signatories", "adopted", OPEN),
    ("list_signatories", "draft", PRIVATE),
    ("signatory_stats", "adopted", OPEN),
    ("signatory_stats", "draft", PRIVATE),
    ("export_signatories_csv", "adopted", OPEN),
    ("export_signatories_csv", "draft", PRIVATE),
    ("export_signatories_xlsx", "adopted", OPEN),
    ("export_signatories_xlsx", "draft", PRIVATE),
    // The page for an iframe reads no token: a draft is 404 whoever asks.
    ("embed_signatories", "adopted", OPEN),
    ("embed_signatories", "draft", [H; 7]),
    // The pages around it (issue 16): public, no token read.
    ("embed_stylesheet", "", OPEN),
    ("embed_snippet_builder", "", OPEN),
    ("embed_accessibility_statement", "", OPEN),
    // The accession form is for anyone (issue 19); a draft's is not there. A send without
    // a valid form token answers the form again with its error (422), whoever sends it.
    ("embed_apply_form", "adopted", OPEN),
    ("embed_apply_form", "draft", [H; 7]),
    ("embed_apply_send", "adopted", [Expect::Allowed(422); 7]),
    // ---- open data: public, whoever asks (a draft is simply not in them)
    ("get_catalog", "", OPEN),
    ("download_open_data", "", OPEN),
    ("list_accessions", "adopted", [U, F, F, F, OK, OK, F]),
    ("list_accessions", "draft", [U, H, H, H, OK, OK, F]),
    // Nothing exists yet to hide, and the register is public: a refusal is 403.
    ("submit_accession", "adopted", [U, F, F, F, NEW, NEW, F]),
    // A draft takes no accessions: the owner's administrator (registering paper minutes)
    // gets past visibility and authorisation, and then meets the rule.
    (
        "submit_accession",
        "draft",
        [U, H, H, H, NOT_IN_FORCE, NOT_IN_FORCE, F],
    ),
    // The rightful caller is the organisation's representative, then the owner's administrator.
    ("get_accession", "representative", [U, H, H, H, OK, OK, H]),
    ("get_accession", "owner admin", [U, H, H, H, OK, OK, H]),
    (
        "update_accession_contact_person",
        "representative",
        [U, H, H, H, OK, OK, H],
    ),
    ("approve_accession", "submitted", [U, H, H, H, OK, OK, H]),
    ("correct_accession", "approved", [U, H, H, H, OK, OK, H]),
    ("reject_accession", "submitted", [U, H, H, H, OK, OK, H]),
    ("cancel_accession", "submitted", [U, H, H, H, OK, OK, H]),
    // Verifying by hand is the administrators'; the shared submitted accession was made
    // with an account, so an allowed caller meets the rule.
    (
        "verify_accession",
        "submitted",
        [U, H, H, H, NOT_PENDING, NOT_PENDING, H],
    ),
    (
        "withdraw_accession",
        "representative",
        [U, H, H, H, OK, OK, H],
    ),
    ("withdraw_accession", "owner admin", [U, H, H, H, OK, OK, H]),
    (
        "reconfirm_accession",
        "reconfirmation pending",
        [U, H, H, H, OK, OK, H],
    ),
];

const STATEMENT: &str = "Vi står för demokratiska värderingar och alla människors lika värde.";
/// The `sub` of the steering member seated on every group the fixtures build.
const MEMBER_SUB: &str = "ledamot-matris";

/// Every operation of the document: operationId → (METHOD, path template, has a body).
fn operations() -> BTreeMap<String, (String, String, bool)> {
    let doc: Value = serde_json::from_str(OPENAPI).expect("openapi.json");
    let mut ops = BTreeMap::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for (method, op) in item.as_object().expect("path item") {
            if !["get", "put", "post", "patch", "delete", "head", "options"]
                .contains(&method.as_str())
            {
                continue;
            }
            let id = op["operationId"]
                .as_str()
                .unwrap_or_else(|| panic!("{method} {path} has no operationId"))
                .to_owned();
            let previous = ops.insert(
                id.clone(),
                (
                    method.to_ascii_uppercase(),
                    path.clone(),
                    op.get("requestBody").is_some(),
                ),
            );
            assert!(previous.is_none(), "operationId {id} appears twice");
        }
    }
    ops
}

#[test]
fn the_table_lists_every_operation_of_the_document_and_no_other() {
    assert_table_covers(&operations());
}

fn assert_table_covers(ops: &BTreeMap<String, (String, String, bool)>) {
    let in_doc: BTreeSet<String> = ops.keys().cloned().collect();
    let in_table: BTreeSet<String> = TABLE.iter().map(|(op, _, _)| (*op).to_owned()).collect();
    let missing: Vec<&String> = in_doc.difference(&in_table).collect();
    let stale: Vec<&String> = in_table.difference(&in_doc).collect();
    assert!(
        missing.is_empty(),
        "operations without a row in the authorisation matrix (declare who may call them in \
         tests/tests/authorization_matrix.rs): {missing:?}"
    );
    assert!(
        stale.is_empty(),
        "rows for operations the OpenAPI document no longer has: {stale:?}"
    );
    let mut seen = BTreeSet::new();
    for (op, case, _) in TABLE {
        assert!(seen.insert((op, case)), "{op} [{case}] is listed twice");
    }
}

/// What one call needs: the path parameters, the body, the `If-Match` and the rightful
/// caller's token (`None`: anonymous).
struct Call {
    params: Vec<(&'static str, String)>,
    body: Option<Value>,
    if_match: Option<String>,
    rightful: Option<String>,
    /// The body is a form (`application/x-www-form-urlencoded`): the text of `body`.
    form: bool,
}

impl Call {
    fn new(rightful: &str) -> Self {
        Self {
            params: Vec::new(),
            body: None,
            if_match: None,
            rightful: Some(rightful.to_owned()),
            form: false,
        }
    }

    fn anonymous() -> Self {
        Self {
            params: Vec::new(),
            body: None,
            if_match: None,
            rightful: None,
            form: false,
        }
    }

    fn param(mut self, name: &'static str, value: impl ToString) -> Self {
        self.params.push((name, value.to_string()));
        self
    }

    fn body(mut self, body: Value) -> Self {
        self.body = Some(body);
        self
    }

    fn form(mut self, text: String) -> Self {
        self.body = Some(Value::String(text));
        self.form = true;
        self
    }

    fn if_match(mut self, etag: String) -> Self {
        self.if_match = Some(etag);
        self
    }
}

struct World {
    body: Uuid,
    admin: String,
    platform: String,
    other_rep: String,
    other_admin: String,
    stranger: String,
    member: String,
    /// Acts for the sector: named in every fixture agreement's `acting_organization_ids`.
    acting_org: Uuid,
    co_admin: String,
    /// Adopted, registration mode, with a balanced group, a meeting and two accessions.
    adopted: Uuid,
    meeting: Uuid,
    membership: Uuid,
    /// A draft with a steering group.
    draft: Uuid,
    /// A draft on consultation, open to all until 2035.
    consulted: Uuid,
    /// Adopted: where the fresh accessions of allowed calls go.
    intake: Uuid,
    org: Uuid,
    rep: String,
    /// Submitted by `org` to `adopted`.
    submitted: Uuid,
    /// Approved on `adopted`, of another organisation.
    approved: Uuid,
    /// A public body created for the test (the reference data stays as it is).
    public_body: Uuid,
    /// A follow-up recorded on `adopted`.
    review: Uuid,
    /// A renegotiation request filed by the municipality on `adopted`.
    renegotiation: Uuid,
    /// On `adopted`: an adopted action plan with one activity, and a draft plan.
    plan: Uuid,
    activity: Uuid,
    draft_plan: Uuid,
    /// A dialogue event announced on `adopted`, to which `approved`'s organisation is invited.
    event: Uuid,
    /// `approved`'s organisation and its representative.
    approved_org: Uuid,
    approved_rep: String,
    /// IOP partnerships on `adopted` with `org`: one proposed, one assessed, one entered.
    proposed_iop: Uuid,
    assessed_iop: Uuid,
    entered_iop: Uuid,
    /// A service account (an agreement administrator of `body`) and its secret.
    service_account: String,
    service_secret: String,
    counter: Cell<u32>,
}

fn settings() -> Value {
    json!({"approval_mode": "registration", "eligibility_statements": [STATEMENT]})
}

fn application(org: Uuid) -> Value {
    json!({
        "signatory": {"kind": "organization", "id": org},
        "channel": "board_minutes",
        "board_decision": {"decided_on": "2024-02-01", "minutes_reference": "§ 7", "received_on": "2024-02-10", "diary_number": null},
        "affirmed_statements": [STATEMENT],
        "contact_person": {"name": "Kim Kontaktsson", "email": "kim@forening.example", "phone": null}
    })
}

fn group_config() -> Value {
    json!({"name": "Styrgruppen", "kind": "steering_group", "ordinary_seats_per_side": 1, "deputies_allowed": false, "chair_and_vice_chair_from_different_sides": false, "default_term_months": null})
}

fn dialogue_event(organiser: Uuid) -> Value {
    json!({"kind": "dialogue_meeting", "title": "Dialogmöte i Ödåkra", "starts_at": "2035-03-10T13:00:00Z", "ends_at": "2035-03-10T15:00:00Z", "time_zone": "Europe/Stockholm", "place": "Medborgarhuset", "online_link": null, "description": null, "organiser_party_id": organiser, "capacity": null, "registration_closes_at": "2035-03-09T12:00:00Z"})
}

fn adoption(date: &str) -> Value {
    json!({"decided_by": "Kommunfullmäktige", "decision_date": date, "diary_number": "KS 2025/7", "valid_from": date, "valid_until": null})
}

fn plan_adoption() -> Value {
    json!({"adopted_by": {"kind": "external_body", "name": "Kultur- och fritidsnämnden", "decision_date": "2024-01-20", "diary_number": "KFN 2024/12"}, "adopted_on": "2024-02-01"})
}

fn plan_activity() -> Value {
    json!({"title": "Dialogträff om lokaler", "description": "Föreningar och förvaltning ses.", "principles": [1], "responsible_parties": ["Kultur- och fritidsförvaltningen"], "due_on": "2024-06-30"})
}

fn iop_entry() -> Value {
    json!({"decision": {"body": "Kultur- och fritidsnämnden", "date": "2024-03-01", "diary_number": "KFN 2024/3"}, "entered_on": "2024-03-02"})
}

fn created(r: &Resp) -> Uuid {
    assert!(
        r.status == 201 || r.status == 200,
        "fixture: {} {}",
        r.status,
        r.text
    );
    r.id()
}

impl World {
    fn build(app: &TestApp) -> Self {
        let body = app.public_body("municipality", "1285");
        let admin = app.agreement_admin(body);
        let platform = app.platform_admin();
        let other_admin = app.agreement_admin(app.public_body("municipality", "1281"));
        let outsider = app.create_organization("Föreningen Utanför", None);
        let other_rep = app.organization_rep(outsider);
        let stranger = app.token("ledamot-utan-plats", &[Role::SteeringMember], None, &[]);
        let member = app.token(MEMBER_SUB, &[Role::SteeringMember], None, &[]);
        let public_body = created(&app.post(
            "/api/v1/public-bodies",
            Some(&platform),
            &json!({"name": "Exempelhögskolan i Östra Göinge", "kind": "other"}),
        ));
        let org = app.create_organization("Föreningen Ängsblomman", None);
        let rep = app.organization_rep(org);
        let acting_org = app.create_organization("Eslövs idéburna forum", None);
        let co_admin = app.token(
            "forum-samordnare",
            &[Role::OrganizationRep],
            None,
            &[acting_org],
        );
        let (service_account, service_secret) = app.service_account(
            &json!({"name": "Matrisens integration", "roles": ["agreement_admin"], "public_body_id": body}),
        );
        let mut w = Self {
            service_account,
            service_secret,
            body,
            admin,
            platform,
            other_rep,
            other_admin,
            stranger,
            member,
            acting_org,
            co_admin,
            adopted: Uuid::nil(),
            meeting: Uuid::nil(),
            membership: Uuid::nil(),
            draft: Uuid::nil(),
            consulted: Uuid::nil(),
            intake: Uuid::nil(),
            org,
            rep,
            submitted: Uuid::nil(),
            approved: Uuid::nil(),
            public_body,
            review: Uuid::nil(),
            renegotiation: Uuid::nil(),
            plan: Uuid::nil(),
            activity: Uuid::nil(),
            draft_plan: Uuid::nil(),
            event: Uuid::nil(),
            approved_org: Uuid::nil(),
            approved_rep: String::new(),
            proposed_iop: Uuid::nil(),
            assessed_iop: Uuid::nil(),
            entered_iop: Uuid::nil(),
            counter: Cell::new(0),
        };
        let (adopted, meeting, membership) = w.group_with_meeting(app);
        w.adopted = adopted;
        w.meeting = meeting;
        w.membership = membership;
        w.draft = app.create_agreement(&w.admin, body, "1285", w.settings());
        created(&app.post(
            &format!("/api/v1/agreements/{}/steering-group", w.draft),
            Some(&w.admin),
            &group_config(),
        ));
        w.consulted = w.consulting(app);
        w.intake = app.adopted_agreement(&w.admin, body, "1285", w.settings());
        w.submitted = created(&app.post(
            &format!("/api/v1/agreements/{adopted}/accessions"),
            Some(&w.rep),
            &application(org),
        ));
        let (approved, approved_rep) = w.approved_on(app, adopted);
        w.approved = approved;
        w.approved_rep = approved_rep;
        let r = app.get_as(&format!("/api/v1/accessions/{approved}"), &w.platform);
        w.approved_org =
            Uuid::parse_str(r.json["signatory"]["id"].as_str().expect("signatory")).expect("uuid");
        w.event = w.event_on(app, adopted);
        w.review = created(&app.post(
            &format!("/api/v1/agreements/{adopted}/reviews"),
            Some(&w.admin),
            &json!({"kind": "follow_up", "done_on": "2024-06-01", "summary": "Årlig uppföljning genomförd."}),
        ));
        w.renegotiation = w.renegotiation_on(app, adopted);
        (w.plan, w.activity) = w.plan_with_activity(app, adopted);
        w.draft_plan = w.draft_plan_on(app, adopted);
        w.proposed_iop = w.partnership_on(app, adopted, "proposed");
        w.assessed_iop = w.partnership_on(app, adopted, "assessed");
        w.entered_iop = w.partnership_on(app, adopted, "entered");
        w
    }

    /// An IOP partnership with `org` on `agreement`, taken to `state` (the fixture agreements
    /// list no criteria, so an empty assessment is complete).
    fn partnership_on(&self, app: &TestApp, agreement: Uuid, state: &str) -> Uuid {
        let base = format!("/api/v1/agreements/{agreement}/partnerships");
        let id = created(&app.post(
            &base,
            Some(&self.admin),
            &json!({"public_body_id": self.body, "organization_ids": [self.org], "title": "Läxhjälp i Ödåkra",
                    "purpose": "Stöd med skolarbetet.", "principles": [1], "period_from": "2025-01-01", "period_to": "2025-12-31",
                    "public_contribution": {"amount_ore": 1_000_000}, "organization_contribution": {"in_kind": "Ideella läxhjälpare"}}),
        ));
        if state != "proposed" {
            created(&app.post(
                &format!("{base}/{id}/assessment"),
                Some(&self.admin),
                &json!({"criteria": []}),
            ));
        }
        if state == "entered" {
            created(&app.post(
                &format!("{base}/{id}/entry"),
                Some(&self.admin),
                &iop_entry(),
            ));
        }
        id
    }

    /// A draft action plan on `agreement`, for 2025.
    fn draft_plan_on(&self, app: &TestApp, agreement: Uuid) -> Uuid {
        created(&app.post(
            &format!("/api/v1/agreements/{agreement}/action-plans"),
            Some(&self.admin),
            &json!({"title": "Handlingsplan 2025", "period_from": "2025-01-01", "period_to": "2025-12-31"}),
        ))
    }

    /// An action plan for 2024 on `agreement`, adopted by a committee, with one activity.
    fn plan_with_activity(&self, app: &TestApp, agreement: Uuid) -> (Uuid, Uuid) {
        let base = format!("/api/v1/agreements/{agreement}/action-plans");
        let plan = created(&app.post(
            &base,
            Some(&self.admin),
            &json!({"title": "Handlingsplan 2024", "period_from": "2024-01-01", "period_to": "2024-12-31"}),
        ));
        created(&app.post(
            &format!("{base}/{plan}/adoption"),
            Some(&self.admin),
            &plan_adoption(),
        ));
        let r = app.post(
            &format!("{base}/{plan}/activities"),
            Some(&self.admin),
            &plan_activity(),
        );
        assert_eq!(r.status, 201, "fixture: {}", r.text);
        let activity = r.json["activities"][0]["id"]
            .as_str()
            .and_then(|id| Uuid::parse_str(id).ok())
            .expect("an activity id");
        (plan, activity)
    }

    /// A renegotiation request filed by the municipality on `agreement`.
    fn renegotiation_on(&self, app: &TestApp, agreement: Uuid) -> Uuid {
        created(&app.post(
            &format!("/api/v1/agreements/{agreement}/renegotiation-requests"),
            Some(&self.admin),
            &json!({"filed_on": "2026-11-01", "requested_by": "public_body", "public_body_id": self.body, "reason": "Ändrade förutsättningar för föreningslivet.", "requested_date": "2027-03-01"}),
        ))
    }

    /// A dialogue event announced on `agreement`, far ahead.
    fn event_on(&self, app: &TestApp, agreement: Uuid) -> Uuid {
        created(&app.post(
            &format!("/api/v1/agreements/{agreement}/dialogue-events"),
            Some(&self.admin),
            &dialogue_event(self.body),
        ))
    }

    /// The fixtures' settings: the forum acts for the sector.
    fn settings(&self) -> Value {
        let mut s = settings();
        s["acting_organization_ids"] = json!([self.acting_org]);
        s
    }

    fn next(&self) -> u32 {
        self.counter.set(self.counter.get() + 1);
        self.counter.get()
    }

    /// An adopted agreement with a balanced group of one seat per side (the public seat held
    /// by `MEMBER_SUB`) and a quorate meeting: (agreement, meeting, civil-society membership).
    fn group_with_meeting(&self, app: &TestApp) -> (Uuid, Uuid, Uuid) {
        let agreement = app.adopted_agreement(&self.admin, self.body, "1285", self.settings());
        let base = format!("/api/v1/agreements/{agreement}/steering-group");
        created(&app.post(&base, Some(&self.admin), &group_config()));
        let public = created(&app.post(
            &format!("{base}/memberships"),
            Some(&self.admin),
            &json!({"person_name": "Alva Exempelsson", "person_ref": MEMBER_SUB, "side": "public_sector", "seat": "ordinary", "role": "chair", "appointed_by": {"type": "public_body", "id": self.body}, "term_start": "2024-01-01"}),
        ));
        // Each side appoints its own: the sector's member by the forum acting for it.
        let civil = created(&app.post(
            &format!("{base}/memberships"),
            Some(&self.co_admin),
            &json!({"person_name": "Bror Demoberg", "side": "civil_society", "seat": "ordinary", "role": "member", "appointed_by": {"type": "network", "name": "Idéburna nätverket"}, "term_start": "2024-01-01"}),
        ));
        let meeting = created(&app.post(
            &format!("{base}/meetings"),
            Some(&self.admin),
            &json!({"date": "2024-05-02", "present": [public, civil], "minutes_reference": "Protokoll 2024-05-02"}),
        ));
        (agreement, meeting, civil)
    }

    fn draft_with_group(&self, app: &TestApp) -> Uuid {
        let draft = app.create_agreement(&self.admin, self.body, "1285", self.settings());
        created(&app.post(
            &format!("/api/v1/agreements/{draft}/steering-group"),
            Some(&self.admin),
            &group_config(),
        ));
        draft
    }

    /// A new organisation and its representative's token.
    fn new_org(&self, app: &TestApp) -> (Uuid, String) {
        let org = app.create_organization(&format!("Matrisföreningen nr {}", self.next()), None);
        (org, app.organization_rep(org))
    }

    /// A new organisation's submitted accession to `agreement`, with its representative.
    fn submitted_on(&self, app: &TestApp, agreement: Uuid) -> (Uuid, String) {
        let (org, rep) = self.new_org(app);
        let id = created(&app.post(
            &format!("/api/v1/agreements/{agreement}/accessions"),
            Some(&rep),
            &application(org),
        ));
        (id, rep)
    }

    fn approved_on(&self, app: &TestApp, agreement: Uuid) -> (Uuid, String) {
        let (id, rep) = self.submitted_on(app, agreement);
        let r = app.post(
            &format!("/api/v1/accessions/{id}/approval"),
            Some(&self.admin),
            &json!({"approved_on": "2024-03-01", "decision_id": null}),
        );
        assert_eq!(r.status, 200, "fixture: {}", r.text);
        (id, rep)
    }

    /// An approved accession asked to reconfirm after a revision, with its representative.
    fn reconfirming(&self, app: &TestApp) -> (Uuid, String) {
        let agreement = app.adopted_agreement(
            &self.admin,
            self.body,
            "1285",
            json!({"approval_mode": "registration", "eligibility_statements": [STATEMENT], "reconfirmation_days": 365}),
        );
        let (id, rep) = self.approved_on(app, agreement);
        let base = format!("/api/v1/agreements/{agreement}");
        created(&app.post(
            &format!("{base}/revision"),
            Some(&self.admin),
            &json!({"content": agreement_content("Reviderad överenskommelse")}),
        ));
        let yesterday = (chrono::Utc::now().date_naive() - chrono::Days::new(1)).to_string();
        created(&app.post(
            &format!("{base}/revision/adoption"),
            Some(&self.admin),
            &adoption(&yesterday),
        ));
        (id, rep)
    }

    fn consulting(&self, app: &TestApp) -> Uuid {
        let agreement = app.create_agreement(&self.admin, self.body, "1285", self.settings());
        created(&app.post(
            &format!("/api/v1/agreements/{agreement}/consultation"),
            Some(&self.admin),
            &json!({"opened_on": "2026-11-01", "response_deadline": "2035-12-31", "questions": ["Ger principerna en bra grund?"]}),
        ));
        agreement
    }

    fn revising(&self, app: &TestApp) -> Uuid {
        let agreement = app.adopted_agreement(&self.admin, self.body, "1285", self.settings());
        created(&app.post(
            &format!("/api/v1/agreements/{agreement}/revision"),
            Some(&self.admin),
            &json!({"content": agreement_content("Reviderad överenskommelse")}),
        ));
        agreement
    }

    fn etag(&self, app: &TestApp, path: &str) -> String {
        let r = app.get_as(path, &self.platform);
        assert_eq!(r.status, 200, "fixture GET {path}: {}", r.text);
        r.header("etag").expect("an ETag").to_owned()
    }

    /// The call for `op` in `case`. With `fresh`, an allowed write gets a target of its own.
    fn call(&self, app: &TestApp, op: &str, case: &str, fresh: bool) -> Call {
        let admin = self.admin.as_str();
        match op {
            "health" | "ready" => Call::anonymous(),
            "explain_problem" => Call::anonymous().param("kind", "validation"),
            "get_me" => Call::new(admin),
            "search_personal_data" => {
                Call::new(admin).body(json!({"email": "kim@forening.example"}))
            }
            "list_public_bodies" | "list_organizations" | "list_agreements" | "list_changes" => {
                Call::anonymous()
            }
            "get_catalog" | "download_open_data" => Call::anonymous(),
            "embed_stylesheet" | "embed_snippet_builder" | "embed_accessibility_statement" => {
                Call::anonymous()
            }
            "get_public_body" => Call::anonymous().param("id", self.body),
            "get_organization" => Call::anonymous().param("id", self.org),
            "create_public_body" => Call::new(&self.platform).body(
                json!({"name": format!("Exempelhögskolan nr {}", self.next()), "kind": "other"}),
            ),
            "update_public_body" => {
                let id = if fresh {
                    created(&app.post(
                        "/api/v1/public-bodies",
                        Some(&self.platform),
                        &json!({"name": format!("Länsstyrelsen i Exempellän {}", self.next()), "kind": "other"}),
                    ))
                } else {
                    self.public_body
                };
                Call::new(&self.platform)
                    .param("id", id)
                    .body(json!({"website": "https://hogskolan.example"}))
                    .if_match(self.etag(app, &format!("/api/v1/public-bodies/{id}")))
            }
            "create_organization" => Call::new(admin).body(json!({
                "name": format!("Nya föreningen nr {}", self.next()),
                "legal_form": "other"
            })),
            "update_organization" => {
                let (id, rep) = if fresh {
                    self.new_org(app)
                } else {
                    (self.org, self.rep.clone())
                };
                // The owner's administrator: the organisation applied to an agreement of
                // their body.
                let rightful = if case == "owner admin" {
                    if fresh {
                        created(&app.post(
                            &format!("/api/v1/agreements/{}/accessions", self.intake),
                            Some(&rep),
                            &application(id),
                        ));
                    }
                    self.admin.clone()
                } else {
                    rep
                };
                Call::new(&rightful)
                    .param("id", id)
                    .body(json!({"description": "Vi spelar schack på äldreboendet i Ödåkra."}))
                    .if_match(self.etag(app, &format!("/api/v1/organizations/{id}")))
            }
            "create_agreement" => Call::new(admin).body(json!({
                "owner_public_body_id": self.body,
                "party_public_body_ids": [self.body],
                "civil_society_party": {"kind": "sector", "name": "Den idéburna sektorn"},
                "scope": "municipal",
                "municipality_codes": ["1285"],
                "settings": self.settings(),
                "content": agreement_content("Överenskommelse om samverkan")
            })),
            "get_administrator_agenda" => Call::new(admin),
            "list_reviews" | "get_agreement_history" => {
                Call::new(admin).param("id", self.agreement(case))
            }
            "get_renegotiation_request" => Call::new(admin)
                .param("id", self.adopted)
                .param("request_id", self.renegotiation),
            "answer_renegotiation_request" | "withdraw_renegotiation_request" => {
                let (id, request) = if fresh {
                    let id = app.adopted_agreement(admin, self.body, "1285", self.settings());
                    (id, self.renegotiation_on(app, id))
                } else {
                    (self.adopted, self.renegotiation)
                };
                let (rightful, body) = if op == "answer_renegotiation_request" {
                    (
                        self.co_admin.as_str(),
                        json!({"outcome": "declined", "answered_on": "2026-11-02", "decision": "Forumet ser inget behov av omförhandling i år."}),
                    )
                } else {
                    (admin, json!({"withdrawn_on": "2026-11-02"}))
                };
                Call::new(rightful)
                    .param("id", id)
                    .param("request_id", request)
                    .body(body)
            }
            "list_consultation_responses"
            | "export_consultation_responses_csv"
            | "get_consultation_summary" => Call::new(admin).param("id", self.consulted),
            "submit_consultation_response" => {
                let id = if fresh {
                    self.consulting(app)
                } else {
                    self.consulted
                };
                Call::new(&self.rep).param("id", id).body(
                    json!({"organization_id": self.org, "general_comments": "Vi stöder förslaget i stort."}),
                )
            }
            "get_review" => Call::new(admin)
                .param("id", self.adopted)
                .param("review_id", self.review),
            "get_agreement"
            | "list_agreement_versions"
            | "get_agreement_calendar"
            | "list_renegotiation_requests"
            | "get_steering_group"
            | "list_steering_memberships"
            | "list_steering_meetings"
            | "list_signatories"
            | "signatory_stats"
            | "export_signatories_csv"
            | "export_signatories_xlsx"
            | "embed_signatories"
            | "embed_apply_form"
            | "list_accessions" => Call::new(admin).param("id", self.agreement(case)),
            "embed_apply_send" => Call::new(admin)
                .param("id", self.agreement(case))
                .body(json!({})),
            "get_agreement_version" => Call::new(admin)
                .param("id", self.agreement(case))
                .param("number", 1),
            "get_steering_meeting" => Call::new(admin)
                .param("id", self.adopted)
                .param("meeting_id", self.meeting),
            "edit_agreement" => {
                let id = if fresh {
                    app.create_agreement(admin, self.body, "1285", self.settings())
                } else {
                    self.draft
                };
                Call::new(admin)
                    .param("id", id)
                    .body(json!({"content": agreement_content("Överenskommelse om samverkan i Eslöv")}))
                    .if_match(self.etag(app, &format!("/api/v1/agreements/{id}")))
            }
            "open_consultation" | "adopt_agreement" | "abandon_agreement" => {
                let id = if fresh {
                    app.create_agreement(admin, self.body, "1285", self.settings())
                } else {
                    self.draft
                };
                let body = match op {
                    "open_consultation" => {
                        json!({"opened_on": "2025-05-01", "response_deadline": "2025-06-30"})
                    }
                    "adopt_agreement" => adoption("2025-06-01"),
                    _ => json!({}),
                };
                Call::new(admin).param("id", id).body(body)
            }
            "terminate_agreement"
            | "start_revision"
            | "record_review"
            | "file_renegotiation_request" => {
                let id = if fresh {
                    app.adopted_agreement(admin, self.body, "1285", self.settings())
                } else {
                    self.adopted
                };
                let body = match op {
                    "terminate_agreement" => {
                        json!({"decided_by": "Kommunfullmäktige", "decision_date": "2025-01-10", "effective_on": "2025-02-01", "reason": "Ersätts av en regional överenskommelse."})
                    }
                    "start_revision" => {
                        json!({"content": agreement_content("Reviderad överenskommelse")})
                    }
                    "record_review" => {
                        json!({"kind": "follow_up", "done_on": "2024-06-01", "summary": "Årlig uppföljning genomförd."})
                    }
                    _ => {
                        json!({"filed_on": "2026-11-01", "requested_by": "public_body", "public_body_id": self.body, "reason": "Ändrade förutsättningar för föreningslivet.", "requested_date": "2027-03-01"})
                    }
                };
                Call::new(admin).param("id", id).body(body)
            }
            "translate_agreement_version" => {
                let id = if fresh {
                    app.adopted_agreement(admin, self.body, "1285", self.settings())
                } else {
                    self.adopted
                };
                Call::new(admin)
                    .param("id", id)
                    .param("number", 1)
                    .body(json!({"language": "fi", "title": "Yhteistyösopimus"}))
            }
            "adopt_revision" | "abandon_revision" => {
                let id = if fresh {
                    self.revising(app)
                } else {
                    self.adopted
                };
                let body = if op == "adopt_revision" {
                    adoption("2025-03-01")
                } else {
                    json!({})
                };
                Call::new(admin).param("id", id).body(body)
            }
            "create_steering_group" => {
                let id = match (fresh, case) {
                    (true, "draft") => {
                        app.create_agreement(admin, self.body, "1285", self.settings())
                    }
                    (true, _) => app.adopted_agreement(admin, self.body, "1285", self.settings()),
                    (false, _) => self.agreement(case),
                };
                Call::new(admin).param("id", id).body(group_config())
            }
            "reconfigure_steering_group" => {
                let id = if fresh {
                    self.group_with_meeting(app).0
                } else {
                    self.adopted
                };
                Call::new(admin)
                    .param("id", id)
                    .body(json!({"name": format!("Partnerskapet nr {}", self.next())}))
                    .if_match(self.etag(app, &format!("/api/v1/agreements/{id}/steering-group")))
            }
            "appoint_steering_member" => {
                let id = match (fresh, case) {
                    (true, "draft") => self.draft_with_group(app),
                    (true, _) => self.group_with_meeting(app).0,
                    (false, _) => self.agreement(case),
                };
                Call::new(admin).param("id", id).body(json!({
                    "person_name": format!("Cecilia Provlund {}", self.next()),
                    "side": "public_sector", "seat": "adjunct", "role": "member",
                    "appointed_by": {"type": "public_body", "id": self.body},
                    "term_start": "2024-01-01"
                }))
            }
            "end_steering_term" => {
                let (id, membership) = if fresh {
                    let (id, _, membership) = self.group_with_meeting(app);
                    (id, membership)
                } else {
                    (self.adopted, self.membership)
                };
                // The civil-society member's term: the sector's to end.
                Call::new(&self.co_admin)
                    .param("id", id)
                    .param("membership_id", membership)
                    .body(json!({"last_day": "2025-06-30"}))
            }
            "plan_steering_meeting" | "record_steering_minutes" => {
                let id = if fresh {
                    self.group_with_meeting(app).0
                } else {
                    self.adopted
                };
                let today = app.clock.today().format("%Y-%m-%d").to_string();
                let call = Call::new(self.member.as_str()).param("id", id);
                if op == "plan_steering_meeting" {
                    return call.body(json!({"date": today}));
                }
                // A refused call is refused before the meeting is looked at: it is given the
                // shared world's (held) meeting, which it must leave as it was.
                let planned = if fresh {
                    created(&app.post(
                        &format!("/api/v1/agreements/{id}/steering-group/planned-meetings"),
                        Some(admin),
                        &json!({"date": today}),
                    ))
                } else {
                    self.meeting
                };
                call.param("meeting_id", planned)
                    .body(json!({"present": [], "minutes_reference": "Protokoll § 1"}))
            }
            "record_steering_meeting" | "record_steering_decision" => {
                let (id, meeting) = if fresh {
                    let (id, meeting, _) = self.group_with_meeting(app);
                    (id, meeting)
                } else {
                    (self.adopted, self.meeting)
                };
                let rightful = if case == "owner admin" {
                    admin
                } else {
                    self.member.as_str()
                };
                let members = app.get(&format!(
                    "/api/v1/agreements/{id}/steering-group/memberships"
                ));
                let present: Vec<Value> = members.json["items"]
                    .as_array()
                    .expect("memberships")
                    .iter()
                    .filter(|m| m["seat"] == "ordinary")
                    .map(|m| m["id"].clone())
                    .collect();
                let call = Call::new(rightful).param("id", id);
                if op == "record_steering_meeting" {
                    call.body(json!({"date": "2024-09-12", "present": present, "minutes_reference": "Protokoll 2024-09-12"}))
                } else {
                    call.param("meeting_id", meeting).body(json!({"kind": "adopt_action_plan", "subject": "Handlingsplan 2024–2025", "subject_id": null, "text": "Styrgruppen antar handlingsplanen."}))
                }
            }
            "list_action_plans" => Call::new(admin).param("id", self.agreement(case)),
            "list_partnerships" | "export_partnerships_csv" => {
                Call::new(admin).param("id", self.agreement(case))
            }
            "get_partnership" => {
                let id = if case == "proposed" {
                    self.proposed_iop
                } else {
                    self.entered_iop
                };
                Call::new(&self.rep)
                    .param("id", self.adopted)
                    .param("partnership_id", id)
            }
            "propose_partnership" => {
                let id = if fresh {
                    app.adopted_agreement(&self.admin, self.body, "1285", self.settings())
                } else {
                    self.adopted
                };
                Call::new(admin).param("id", id).body(json!({"public_body_id": self.body, "organization_ids": [self.org], "title": "Läxhjälp i Ödåkra",
                    "purpose": "Stöd med skolarbetet.", "principles": [1], "period_from": "2025-01-01", "period_to": "2025-12-31",
                    "public_contribution": {"amount_ore": 1_000_000}, "organization_contribution": {"in_kind": "Ideella läxhjälpare"}}))
            }
            "assess_partnership"
            | "enter_partnership"
            | "end_partnership"
            | "not_enter_partnership" => {
                let (id, iop) = if fresh {
                    let id = app.adopted_agreement(&self.admin, self.body, "1285", self.settings());
                    (id, self.partnership_on(app, id, case))
                } else {
                    let iop = match case {
                        "proposed" => self.proposed_iop,
                        "assessed" => self.assessed_iop,
                        _ => self.entered_iop,
                    };
                    (self.adopted, iop)
                };
                let today = app.clock.today().format("%Y-%m-%d").to_string();
                let call = Call::new(admin)
                    .param("id", id)
                    .param("partnership_id", iop);
                match op {
                    "assess_partnership" => call.body(json!({"criteria": []})),
                    "enter_partnership" => call.body(iop_entry()),
                    "end_partnership" => call.body(json!({"ended_on": today})),
                    _ => call.body(json!({"reason": "Det finns en marknad att vårda."})),
                }
            }
            "get_action_plan" => {
                let plan = if case == "draft plan" {
                    self.draft_plan
                } else {
                    self.plan
                };
                Call::new(&self.member)
                    .param("id", self.adopted)
                    .param("plan_id", plan)
            }
            "create_action_plan" => {
                let id = if fresh {
                    self.group_with_meeting(app).0
                } else {
                    self.adopted
                };
                Call::new(&self.member).param("id", id).body(
                    json!({"title": "Handlingsplan 2026", "period_from": "2026-01-01", "period_to": "2026-12-31"}),
                )
            }
            "adopt_action_plan" => {
                let (id, plan) = if fresh {
                    let id = self.group_with_meeting(app).0;
                    (id, self.draft_plan_on(app, id))
                } else {
                    (self.adopted, self.draft_plan)
                };
                let mut body = plan_adoption();
                body["adopted_on"] = json!("2024-02-01");
                Call::new(&self.member)
                    .param("id", id)
                    .param("plan_id", plan)
                    .body(body)
            }
            "close_action_plan"
            | "add_action_plan_activity"
            | "change_action_plan_activity_status" => {
                let (id, (plan, activity)) = if fresh {
                    let id = self.group_with_meeting(app).0;
                    (id, self.plan_with_activity(app, id))
                } else {
                    (self.adopted, (self.plan, self.activity))
                };
                let today = app.clock.today().format("%Y-%m-%d").to_string();
                let call = Call::new(&self.member)
                    .param("id", id)
                    .param("plan_id", plan);
                match op {
                    "close_action_plan" => call.body(json!({"closed_on": today})),
                    "add_action_plan_activity" => call.body(plan_activity()),
                    _ => call.param("activity_id", activity).body(
                        json!({"status": "in_progress", "on": today, "note": "Arbetet har börjat."}),
                    ),
                }
            }
            "set_action_plan_participation" => {
                let (id, (plan, activity), org, rep) = if fresh {
                    let id = self.group_with_meeting(app).0;
                    let (org, rep) = self.new_org(app);
                    let accession = created(&app.post(
                        &format!("/api/v1/agreements/{id}/accessions"),
                        Some(&rep),
                        &application(org),
                    ));
                    let r = app.post(
                        &format!("/api/v1/accessions/{accession}/approval"),
                        Some(&self.admin),
                        &json!({"approved_on": "2024-03-01", "decision_id": null}),
                    );
                    assert_eq!(r.status, 200, "fixture: {}", r.text);
                    (id, self.plan_with_activity(app, id), org, rep)
                } else {
                    (
                        self.adopted,
                        (self.plan, self.activity),
                        self.org,
                        self.rep.clone(),
                    )
                };
                Call::new(&rep)
                    .param("id", id)
                    .param("plan_id", plan)
                    .param("activity_id", activity)
                    .body(json!({"organization_id": org, "participating": true}))
            }
            "submit_accession" => {
                if case == "draft" {
                    return Call::new(admin)
                        .param("id", self.draft)
                        .body(application(self.org));
                }
                let (id, org, rep) = if fresh {
                    let (org, rep) = self.new_org(app);
                    (self.intake, org, rep)
                } else {
                    (self.adopted, self.org, self.rep.clone())
                };
                Call::new(&rep).param("id", id).body(application(org))
            }
            "get_accession" | "update_accession_contact_person" => {
                let (id, rep) = if fresh {
                    self.submitted_on(app, self.intake)
                } else {
                    (self.submitted, self.rep.clone())
                };
                let rightful = if case == "owner admin" {
                    admin
                } else {
                    rep.as_str()
                };
                let call = Call::new(rightful).param("id", id);
                if op == "get_accession" {
                    call
                } else {
                    call.body(json!({"contact_person": {"name": "Ny Kontaktsdotter", "email": "ny@forening.example", "phone": null}}))
                        .if_match(self.etag(app, &format!("/api/v1/accessions/{id}")))
                }
            }
            "verify_accession" => Call::new(admin).param("id", self.submitted).body(json!({})),
            "approve_accession" | "reject_accession" | "cancel_accession" => {
                let (id, rep) = if fresh {
                    self.submitted_on(app, self.intake)
                } else {
                    (self.submitted, self.rep.clone())
                };
                let (rightful, body) = match op {
                    "approve_accession" => (
                        admin,
                        json!({"approved_on": "2024-03-01", "decision_id": null}),
                    ),
                    "reject_accession" => (
                        admin,
                        json!({"reason": "Föreningen verkar inte i kommunen.", "decision_id": null}),
                    ),
                    _ => (rep.as_str(), json!({})),
                };
                Call::new(rightful).param("id", id).body(body)
            }
            "withdraw_accession" => {
                let (id, rep) = if fresh {
                    self.approved_on(app, self.intake)
                } else {
                    (self.approved, String::new())
                };
                let rightful = if case == "owner admin" {
                    admin
                } else {
                    rep.as_str()
                };
                Call::new(rightful).param("id", id).body(json!({"received_on": "2025-05-20", "reference": "Styrelseprotokoll 2025-05-12 § 9", "effective_on": "2025-06-01"}))
            }
            "correct_accession" => {
                let (id, _) = if fresh {
                    self.approved_on(app, self.intake)
                } else {
                    (self.approved, String::new())
                };
                Call::new(admin).param("id", id).body(
                    json!({"corrects": 1, "approved_on": "2024-02-15", "reason": "Registrerad med fel datum."}),
                )
            }
            "reconfirm_accession" => {
                let (id, rep) = if fresh {
                    self.reconfirming(app)
                } else {
                    (self.approved, String::new())
                };
                Call::new(&rep).param("id", id).body(json!({}))
            }
            "list_dialogue_events" | "dialogue_events_calendar" => {
                Call::new(admin).param("id", self.agreement(case))
            }
            "get_dialogue_event" | "list_dialogue_registrations" => Call::new(admin)
                .param("id", self.adopted)
                .param("event_id", self.event),
            "announce_dialogue_event" => Call::new(admin)
                .param("id", self.adopted)
                .body(dialogue_event(self.body)),
            "reschedule_dialogue_event"
            | "cancel_dialogue_event"
            | "register_for_dialogue_event"
            | "record_dialogue_attendance" => {
                let event = if fresh {
                    self.event_on(app, self.adopted)
                } else {
                    self.event
                };
                let call = match op {
                    "register_for_dialogue_event" => Call::new(&self.approved_rep).body(
                        json!({"signatory_id": self.approved_org, "names": ["Ebba Ödman"], "count": 2}),
                    ),
                    "reschedule_dialogue_event" => Call::new(admin).body(json!({"starts_at": "2035-04-10T13:00:00Z", "ends_at": "2035-04-10T15:00:00Z", "registration_closes_at": "2035-04-09T12:00:00Z", "reason": "Lokalen är upptagen."})),
                    "cancel_dialogue_event" => Call::new(admin).body(json!({"reason": null})),
                    _ => Call::new(admin).body(json!({"attended": 10, "summary": "Samtal om lokaler.", "conclusions": null, "document_reference": null})),
                };
                call.param("id", self.adopted).param("event_id", event)
            }
            "create_service_account" => Call::new(&self.platform).body(json!({
                "name": format!("Regionens system nr {}", self.next()),
                "roles": ["organization_rep"],
                "organization_ids": [self.org]
            })),
            "list_service_accounts" => Call::new(&self.platform),
            "get_service_account" => {
                Call::new(&self.platform).param("client_id", &self.service_account)
            }
            "rotate_service_account_secret" | "revoke_service_account" => {
                let id = if fresh {
                    app.service_account(&json!({"name": format!("Utbytbart system nr {}", self.next()), "roles": ["steering_member"]})).0
                } else {
                    self.service_account.clone()
                };
                Call::new(&self.platform)
                    .param("client_id", id)
                    .body(json!({}))
            }
            // Any caller's bearer token is no client authentication: the form's credentials
            // count, and they are the shared account's.
            "oauth_token" => Call::anonymous().form(format!(
                "grant_type=client_credentials&client_id={}&client_secret={}",
                self.service_account, self.service_secret
            )),
            other => panic!(
                "no call is known for operation {other}: teach World::call how to fill its parameters"
            ),
        }
    }

    fn agreement(&self, case: &str) -> Uuid {
        if case == "draft" {
            self.draft
        } else {
            self.adopted
        }
    }

    fn token(&self, who: Who, call: &Call) -> Option<String> {
        match who {
            Who::Anonymous => None,
            Who::OtherRep => Some(self.other_rep.clone()),
            Who::OtherAdmin => Some(self.other_admin.clone()),
            Who::OtherSteering => Some(self.stranger.clone()),
            Who::Rightful => call.rightful.clone(),
            Who::Platform => Some(self.platform.clone()),
            Who::CoAdmin => Some(self.co_admin.clone()),
        }
    }

    /// The shared world as the platform administrator reads it.
    fn snapshot(&self, app: &TestApp) -> Vec<(String, u16, Value)> {
        let a = self.adopted;
        let d = self.draft;
        [
            format!("/api/v1/agreements/{a}"),
            format!("/api/v1/agreements/{a}/steering-group"),
            format!("/api/v1/agreements/{a}/steering-group/memberships"),
            format!("/api/v1/agreements/{a}/steering-group/meetings"),
            format!("/api/v1/agreements/{a}/renegotiation-requests"),
            format!("/api/v1/agreements/{a}/reviews"),
            format!("/api/v1/agreements/{a}/accessions"),
            format!("/api/v1/agreements/{a}/action-plans"),
            format!("/api/v1/agreements/{a}/partnerships"),
            format!("/api/v1/agreements/{a}/dialogue-events/{}", self.event),
            format!("/api/v1/agreements/{d}"),
            format!("/api/v1/agreements/{d}/steering-group"),
            format!("/api/v1/agreements/{d}/steering-group/memberships"),
            format!("/api/v1/agreements/{d}/accessions"),
            format!("/api/v1/accessions/{}", self.submitted),
            format!("/api/v1/accessions/{}", self.approved),
            format!("/api/v1/organizations/{}", self.org),
            format!("/api/v1/public-bodies/{}", self.public_body),
            format!("/api/v1/public-bodies/{}", self.body),
        ]
        .into_iter()
        .map(|path| {
            let r = app.get_as(&path, &self.platform);
            (path, r.status, r.json)
        })
        .collect()
    }
}

fn fill(template: &str, params: &[(&str, String)]) -> String {
    let mut path = template.to_owned();
    for (name, value) in params {
        let placeholder = format!("{{{name}}}");
        assert!(
            path.contains(&placeholder),
            "{template} has no parameter {name}"
        );
        path = path.replace(&placeholder, value);
    }
    assert!(
        !path.contains('{'),
        "{template}: a path parameter is not filled ({path})"
    );
    path
}

fn short(text: &str) -> &str {
    let end = text.char_indices().nth(200).map_or(text.len(), |(i, _)| i);
    &text[..end]
}

/// Why the response is not what the table says, if it is not.
fn mismatch(r: &Resp, want: Expect) -> Option<String> {
    let expected = match want {
        Expect::Allowed(s) => s,
        Expect::Rule(_) => 409,
        Expect::Unauthorized => 401,
        Expect::Forbidden => 403,
        Expect::Hidden => 404,
    };
    if r.status != expected {
        return Some(format!(
            "expected {want:?}, got {}: {}",
            r.status,
            short(&r.text)
        ));
    }
    if matches!(want, Expect::Allowed(_)) {
        return None;
    }
    // The page for an iframe answers a visitor with a page in the frame (issue 16), with
    // the same status.
    if r.header("content-type") == Some("text/html; charset=utf-8")
        && r.text.starts_with("<!DOCTYPE html>")
        && r.header("cache-control") == Some("no-store")
    {
        return None;
    }
    if r.header("content-type") != Some("application/problem+json") || r.json["status"] != expected
    {
        return Some(format!("not a problem document: {}", short(&r.text)));
    }
    if let Expect::Rule(code) = want
        && r.json["code"] != code
    {
        return Some(format!("expected rule {code}: {}", short(&r.text)));
    }
    if want == Expect::Unauthorized
        && !r
            .header("www-authenticate")
            .is_some_and(|v| v.starts_with("Bearer"))
    {
        return Some("401 without WWW-Authenticate: Bearer".into());
    }
    None
}

/// Issue 13: what a shared cache (a reverse proxy, a CDN) may do with a read. Every read can
/// differ by caller, so it says `Vary: Authorization`; one computed for a caller with a token
/// is `private` or `no-store`, never `public`, and not open to every origin.
fn shared_cache_leak(r: &Resp, with_token: bool) -> Option<String> {
    let vary = r.header("vary").unwrap_or_default();
    if !vary
        .split(',')
        .any(|v| v.trim().eq_ignore_ascii_case("authorization"))
    {
        return Some(format!("no `Vary: Authorization` (Vary: {vary:?})"));
    }
    if !with_token {
        return None;
    }
    let cache_control = r.header("cache-control").unwrap_or_default();
    let directives: Vec<&str> = cache_control.split(',').map(str::trim).collect();
    if directives.contains(&"public")
        || !(directives.contains(&"private") || directives.contains(&"no-store"))
    {
        return Some(format!(
            "a response for a token is shareable: Cache-Control {cache_control:?}"
        ));
    }
    if r.header("access-control-allow-origin").is_some() {
        return Some("a response for a token is open to every origin (CORS)".into());
    }
    None
}

fn run_matrix(app: &TestApp) {
    let ops = operations();
    assert_table_covers(&ops);
    let w = World::build(app);
    let before = w.snapshot(app);
    let mut failures = Vec::new();
    let mut calls = 0;
    for (op, case, expect) in TABLE {
        let (method, template, has_body) = ops
            .get(*op)
            .unwrap_or_else(|| panic!("{op} is not in the OpenAPI document"));
        for (who, want) in CALLERS.iter().zip(expect) {
            let fresh = matches!(want, Expect::Allowed(_)) && method != "GET";
            let call = w.call(app, op, case, fresh);
            assert_eq!(
                call.body.is_some(),
                *has_body,
                "{op}: the document and the call disagree on a request body"
            );
            let path = fill(template, &call.params);
            let auth = w.token(*who, &call).map(|t| format!("Bearer {t}"));
            let mut headers: Vec<(&str, &str)> = Vec::new();
            if let Some(a) = &auth {
                headers.push(("authorization", a));
            }
            if let Some(m) = &call.if_match {
                headers.push(("if-match", m));
            }
            let body = call.body.as_ref().map(|b| match b {
                Value::String(form) if call.form => (
                    "application/x-www-form-urlencoded",
                    form.clone().into_bytes(),
                ),
                _ => ("application/json", b.to_string().into_bytes()),
            });
            let r = app.send(method, &path, &headers, body);
            calls += 1;
            if let Some(why) = mismatch(&r, *want) {
                failures.push(format!("{op} [{case}] as {who:?}: {method} {path}: {why}"));
            }
            if method == "GET"
                && let Some(why) = shared_cache_leak(&r, auth.is_some())
            {
                failures.push(format!("{op} [{case}] as {who:?}: {method} {path}: {why}"));
            }
        }
    }
    let after = w.snapshot(app);
    for ((path, s0, v0), (_, s1, v1)) in before.iter().zip(&after) {
        assert_eq!(s0, &200, "snapshot {path}: {v0}");
        if (s0, v0) != (s1, v1) {
            failures.push(format!(
                "a refused call changed the shared world: {path}\n  before: {v0}\n  after:  {v1}"
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {calls} calls answered otherwise than the table says ({:?}):\n{}",
        failures.len(),
        app.backend,
        failures.join("\n")
    );
}

e2e!(
    every_operation_answers_every_caller_as_the_table_says,
    |app| {
        run_matrix(app);
    }
);

// Issue 13: organisation records belong to someone. Another municipality's administrator
// cannot rename a signatory; the owner's can, and the change is recorded with who and when;
// the accession history keeps the former name; a token whose public body is not in the
// register acts for nobody.
e2e!(
    one_municipality_cannot_edit_another_municipalitys_signatories,
    |app| {
        let eslov = app.public_body("municipality", "1285");
        let lund = app.public_body("municipality", "1281");
        let eslov_admin = app.agreement_admin(eslov);
        let lund_admin = app.agreement_admin(lund);
        let agreement = app.adopted_agreement(&eslov_admin, eslov, "1285", settings());
        let org = app.create_organization("Föreningen Ängsblomman", None);
        let rep = app.organization_rep(org);
        let accession = created(&app.post(
            &format!("/api/v1/agreements/{agreement}/accessions"),
            Some(&rep),
            &application(org),
        ));
        let path = format!("/api/v1/organizations/{org}");
        let etag = |app: &TestApp| app.get(&path).header("etag").unwrap().to_owned();
        let rename = json!({"name": "Föreningen Vandaliserad"});
        app.patch(&path, &lund_admin, Some(&etag(app)), &rename)
            .assert_problem(403);
        let nowhere = Uuid::new_v4();
        let invented = app.token(
            "processledare-påhittad",
            &[Role::AgreementAdmin],
            Some(nowhere),
            &[],
        );
        app.patch(&path, &invented, Some(&etag(app)), &rename)
            .assert_problem(403);
        let r = app.post(
            "/api/v1/agreements",
            Some(&invented),
            &json!({
                "owner_public_body_id": nowhere,
                "party_public_body_ids": [nowhere],
                "civil_society_party": {"kind": "sector", "name": "Den idéburna sektorn"},
                "scope": "municipal",
                "municipality_codes": ["1285"],
                "settings": settings(),
                "content": agreement_content("Påhittad överenskommelse")
            }),
        );
        r.assert_problem(403);
        assert_eq!(app.get(&path).json["name"], "Föreningen Ängsblomman");

        let r = app.patch(
            &path,
            &eslov_admin,
            Some(&etag(app)),
            &json!({"name": "Föreningen Ängsblomman i Eslöv"}),
        );
        assert_eq!(r.status, 200, "{}", r.text);
        let pool = samverkan_persistence::db::build_pool(&app.database_url, &Default::default())
            .expect("pool");
        let mut conn = pool.get().expect("conn");
        let (by, _at) = samverkan_persistence::parties::last_organization_change(&mut conn, org)
            .expect("read")
            .expect("the change is recorded");
        assert_eq!(by, format!("processledare-{eslov}"));
        let history = app.get_as(&format!("/api/v1/accessions/{accession}"), &eslov_admin);
        let last = history.json["history"]
            .as_array()
            .unwrap()
            .last()
            .unwrap()
            .clone();
        assert_eq!(last["event"], "signatory_renamed", "{last}");
        assert_eq!(
            last["reason"], "Föreningen Ängsblomman",
            "the name at the time"
        );
        assert_eq!(last["from"], last["to"]);
        // Once the organisation no longer applies to an Eslöv agreement, Eslöv's administrator
        // may not edit it either.
        let r = app.post(
            &format!("/api/v1/accessions/{accession}/cancellation"),
            Some(&rep),
            &json!({}),
        );
        assert_eq!(r.status, 200, "{}", r.text);
        app.patch(&path, &eslov_admin, Some(&etag(app)), &rename)
            .assert_problem(403);
    }
);
