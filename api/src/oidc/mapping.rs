//! The claims mapping (`SAMVERKAN_CLAIMS_MAP`, TOML): which issuers are trusted, with which
//! audience, and how a token of each becomes Samverkan's caller — the subject from a stable
//! pseudonymous claim (Entra `oid`, Keycloak `sub`; never an e-mail address), roles from the
//! provider's own claims (`roles`, `groups`, `wids`, …) for a public body named by its id,
//! SCB code or organisation number.
//!
//! Read in two steps, both at start-up: [`ClaimsMap::parse`] checks the file on its own
//! (unknown roles, a body where none belongs, an e-mail as subject), [`ClaimsMap::resolve`]
//! finds every named body and organisation in the register.

use std::collections::BTreeSet;

use samverkan_domain::access::{Principal, Role};
use serde::Deserialize;
use serde_json::{Map, Value};
use uuid::Uuid;

use crate::problem::Unauthenticated;

/// Claims that carry contact data: never a subject (`sub` is stored as the actor of every
/// act).
const PERSONAL_CLAIMS: &[&str] = &[
    "email",
    "mail",
    "upn",
    "preferred_username",
    "unique_name",
    "phone_number",
    "name",
    "given_name",
    "family_name",
];

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileV1 {
    #[serde(default, rename = "issuer")]
    issuers: Vec<IssuerEntry>,
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct IssuerEntry {
    issuer: String,
    audience: OneOrMany,
    #[serde(default)]
    subject_claim: Option<String>,
    #[serde(default)]
    name_claim: Option<String>,
    #[serde(default, rename = "role")]
    roles: Vec<RuleEntry>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleEntry {
    claim: String,
    value: String,
    role: String,
    #[serde(default)]
    public_body: Option<String>,
    #[serde(default)]
    organizations: Vec<String>,
}

/// How a public body or an organisation is named in the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PartyRef {
    Id(Uuid),
    /// A municipality's (4 digits) or county's (2 digits) SCB code.
    ScbCode(String),
    /// `NNNNNN-NNNN`, its check digit valid.
    OrgNumber(String),
}

impl PartyRef {
    fn parse(text: &str) -> Result<Self, String> {
        let text = text.trim();
        if let Ok(id) = Uuid::parse_str(text) {
            return Ok(Self::Id(id));
        }
        if (text.len() == 4 || text.len() == 2) && text.chars().all(|c| c.is_ascii_digit()) {
            return Ok(Self::ScbCode(text.to_owned()));
        }
        samverkan_domain::org_number::OrgNumber::parse(text)
            .map(|n| Self::OrgNumber(n.as_str().to_owned()))
            .map_err(|_| {
                format!("{text:?} is neither an id, an SCB code nor an organisation number (NNNNNN-NNNN)")
            })
    }
}

impl std::fmt::Display for PartyRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Id(id) => write!(f, "{id}"),
            Self::ScbCode(c) | Self::OrgNumber(c) => f.write_str(c),
        }
    }
}

/// The file, checked on its own: every issuer once, every role known, a public body exactly
/// where `agreement_admin` needs one, organisations exactly where `organization_rep` does.
#[derive(Debug, Clone)]
pub struct ClaimsMap {
    pub issuers: Vec<IssuerRules>,
}

#[derive(Debug, Clone)]
pub struct IssuerRules {
    pub issuer: String,
    pub audiences: Vec<String>,
    pub subject_claim: String,
    pub name_claim: Option<String>,
    pub rules: Vec<Rule<PartyRef>>,
}

/// A token whose claim `claim` is `value` (or a list holding it) gets `role`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rule<P> {
    pub claim: String,
    pub value: String,
    pub role: Role,
    pub public_body: Option<P>,
    pub organizations: Vec<P>,
}

/// An issuer's mapping with every party found in the register.
pub type IssuerMapping = IssuerRulesOf<Uuid>;

#[derive(Debug, Clone)]
pub struct IssuerRulesOf<P> {
    pub issuer: String,
    pub audiences: Vec<String>,
    pub subject_claim: String,
    pub name_claim: Option<String>,
    pub rules: Vec<Rule<P>>,
}

/// An issuer must be an `https://` address; `http://` only on the loopback (tests, a local
/// provider).
fn check_issuer(issuer: &str) -> Result<(), String> {
    let loopback = ["http://127.0.0.1", "http://localhost", "http://[::1]"];
    let rest = issuer.strip_prefix("https://").or_else(|| {
        loopback
            .iter()
            .any(|p| {
                issuer
                    .strip_prefix(p)
                    .is_some_and(|r| r.is_empty() || r.starts_with([':', '/']))
            })
            .then_some(issuer)
    });
    match rest {
        Some(r) if !r.is_empty() && !issuer.contains(['?', '#', ' ']) => Ok(()),
        _ => Err(format!(
            "issuer {issuer:?}: expected an https:// address (http:// only on the loopback), exactly as the provider's tokens carry it in `iss`"
        )),
    }
}

impl ClaimsMap {
    /// Parses and checks the file's text; every error names the issuer and the rule.
    pub fn parse(text: &str) -> Result<Self, String> {
        let file: FileV1 = toml::from_str(text).map_err(|e| e.to_string())?;
        if file.issuers.is_empty() {
            return Err("no [[issuer]] table: name at least one issuer".into());
        }
        let mut seen = BTreeSet::new();
        let mut issuers = Vec::new();
        for entry in file.issuers {
            let issuer = entry.issuer.trim().to_owned();
            check_issuer(&issuer)?;
            if !seen.insert(issuer.clone()) {
                return Err(format!("issuer {issuer:?} is named twice"));
            }
            let audiences: Vec<String> = match entry.audience {
                OneOrMany::One(a) => vec![a],
                OneOrMany::Many(a) => a,
            }
            .into_iter()
            .map(|a| a.trim().to_owned())
            .filter(|a| !a.is_empty())
            .collect();
            if audiences.is_empty() {
                return Err(format!(
                    "issuer {issuer:?}: `audience` is required (the `aud` its tokens carry for Samverkan)"
                ));
            }
            let subject_claim = entry.subject_claim.unwrap_or_else(|| "sub".to_owned());
            if PERSONAL_CLAIMS.contains(&subject_claim.as_str()) {
                return Err(format!(
                    "issuer {issuer:?}: subject_claim {subject_claim:?} is personal contact data; use the provider's stable pseudonymous id (Entra `oid`, Keycloak `sub`)"
                ));
            }
            let mut rules = Vec::new();
            for (n, rule) in entry.roles.into_iter().enumerate() {
                let at = format!(
                    "issuer {issuer:?}, role rule {} ({} = {:?})",
                    n + 1,
                    rule.claim,
                    rule.value
                );
                let role = Role::parse(rule.role.trim()).ok_or_else(|| {
                    format!(
                        "{at}: unknown role {:?}; the roles are platform_admin, agreement_admin, steering_member, organization_rep",
                        rule.role
                    )
                })?;
                let public_body = rule
                    .public_body
                    .as_deref()
                    .map(PartyRef::parse)
                    .transpose()
                    .map_err(|e| format!("{at}: public_body {e}"))?;
                let organizations = rule
                    .organizations
                    .iter()
                    .map(|o| PartyRef::parse(o))
                    .collect::<Result<Vec<_>, _>>()
                    .map_err(|e| format!("{at}: organizations: {e}"))?;
                match (role, &public_body, organizations.is_empty()) {
                    (Role::AgreementAdmin, None, _) => {
                        return Err(format!(
                            "{at}: agreement_admin needs public_body (an id, SCB code or organisation number)"
                        ));
                    }
                    (Role::OrganizationRep, _, true) => {
                        return Err(format!("{at}: organization_rep needs organizations"));
                    }
                    (r, Some(_), _) if r != Role::AgreementAdmin => {
                        return Err(format!("{at}: public_body belongs to agreement_admin only"));
                    }
                    (r, _, false) if r != Role::OrganizationRep => {
                        return Err(format!(
                            "{at}: organizations belong to organization_rep only"
                        ));
                    }
                    _ => {}
                }
                if organizations
                    .iter()
                    .any(|o| matches!(o, PartyRef::ScbCode(_)))
                {
                    return Err(format!(
                        "{at}: an organisation is named by its id or organisation number"
                    ));
                }
                rules.push(Rule {
                    claim: rule.claim.trim().to_owned(),
                    value: rule.value,
                    role,
                    public_body,
                    organizations,
                });
            }
            issuers.push(IssuerRules {
                issuer,
                audiences,
                subject_claim,
                name_claim: entry.name_claim,
                rules,
            });
        }
        Ok(Self { issuers })
    }

    /// Finds every public body (`body`) and organisation (`organization`) in the register;
    /// a party that is not there is an error naming the rule.
    pub fn resolve(
        self,
        mut body: impl FnMut(&PartyRef) -> Result<Option<Uuid>, String>,
        mut organization: impl FnMut(&PartyRef) -> Result<Option<Uuid>, String>,
    ) -> Result<Vec<IssuerMapping>, String> {
        let mut out = Vec::new();
        for issuer in self.issuers {
            let mut rules = Vec::new();
            for (n, rule) in issuer.rules.into_iter().enumerate() {
                let at = format!(
                    "issuer {:?}, role rule {} ({} = {:?})",
                    issuer.issuer,
                    n + 1,
                    rule.claim,
                    rule.value
                );
                let public_body =
                    match &rule.public_body {
                        None => None,
                        Some(r) => Some(body(r)?.ok_or_else(|| {
                            format!("{at}: public body {r} is not in the register")
                        })?),
                    };
                let organizations = rule
                    .organizations
                    .iter()
                    .map(|r| {
                        organization(r)?
                            .ok_or_else(|| format!("{at}: organisation {r} is not in the register"))
                    })
                    .collect::<Result<Vec<_>, _>>()?;
                rules.push(Rule {
                    claim: rule.claim,
                    value: rule.value,
                    role: rule.role,
                    public_body,
                    organizations,
                });
            }
            out.push(IssuerRulesOf {
                issuer: issuer.issuer,
                audiences: issuer.audiences,
                subject_claim: issuer.subject_claim,
                name_claim: issuer.name_claim,
                rules,
            });
        }
        Ok(out)
    }
}

/// Whether the claim is this value, or a list holding it.
fn claim_has(claims: &Map<String, Value>, claim: &str, value: &str) -> bool {
    match claims.get(claim) {
        Some(Value::String(s)) => s == value,
        Some(Value::Array(items)) => items.iter().any(|i| i.as_str() == Some(value)),
        _ => false,
    }
}

impl IssuerMapping {
    /// The caller a verified token's claims make: the subject from `subject_claim`, and every
    /// role whose rule matches. The first matching rule with a public body names the body an
    /// `agreement_admin` acts for. A token matching no rule has no role: it reads what
    /// anyone reads, and every write is 403.
    pub fn principal(&self, claims: &Map<String, Value>) -> Result<Principal, Unauthenticated> {
        let sub = match claims.get(&self.subject_claim) {
            Some(Value::String(s)) if !s.trim().is_empty() => s.clone(),
            Some(Value::String(_)) => return Err(Unauthenticated::EmptySubject),
            _ => return Err(Unauthenticated::MissingClaim),
        };
        let name = self
            .name_claim
            .as_ref()
            .and_then(|c| claims.get(c))
            .and_then(Value::as_str)
            .map(str::to_owned);
        let mut principal = Principal {
            sub,
            name,
            roles: BTreeSet::new(),
            public_body_id: None,
            organization_ids: BTreeSet::new(),
        };
        for rule in &self.rules {
            if !claim_has(claims, &rule.claim, &rule.value) {
                continue;
            }
            principal.roles.insert(rule.role);
            if principal.public_body_id.is_none() {
                principal.public_body_id = rule.public_body;
            }
            principal
                .organization_ids
                .extend(rule.organizations.iter().copied());
        }
        Ok(principal)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FILE: &str = r#"
[[issuer]]
issuer = "https://login.microsoftonline.com/0a1b2c3d-0000-4000-8000-000000000001/v2.0"
audience = "api://samverkan"
subject_claim = "oid"
name_claim = "name"

[[issuer.role]]
claim = "roles"
value = "Samverkan.Admin"
role = "agreement_admin"
public_body = "1285"

[[issuer.role]]
claim = "groups"
value = "8f0c2a9e-71d4-4f5b-b6a3-2e9d1c7f4a10"
role = "steering_member"

[[issuer.role]]
claim = "groups"
value = "ombud"
role = "organization_rep"
organizations = ["802000-0009"]
"#;

    fn body_1285() -> Uuid {
        Uuid::from_u128(1285)
    }

    fn resolved() -> IssuerMapping {
        ClaimsMap::parse(FILE)
            .unwrap()
            .resolve(
                |r| Ok((r == &PartyRef::ScbCode("1285".into())).then(body_1285)),
                |_| Ok(Some(Uuid::from_u128(9))),
            )
            .unwrap()
            .remove(0)
    }

    fn claims(v: serde_json::Value) -> Map<String, Value> {
        v.as_object().unwrap().clone()
    }

    #[test]
    fn roles_groups_and_the_subject_map() {
        let m = resolved();
        let p = m
            .principal(&claims(serde_json::json!({
                "sub": "parvis", "oid": "o-1", "name": "Åsa", "email": "asa@exempel.se",
                "roles": ["Samverkan.Admin", "Annat"], "groups": ["8f0c2a9e-71d4-4f5b-b6a3-2e9d1c7f4a10"]
            })))
            .unwrap();
        assert_eq!(p.sub, "o-1");
        assert_eq!(p.name.as_deref(), Some("Åsa"));
        assert!(p.has(Role::AgreementAdmin) && p.has(Role::SteeringMember));
        assert!(!p.has(Role::OrganizationRep));
        assert_eq!(p.public_body_id, Some(body_1285()));
        let nobody = m
            .principal(&claims(serde_json::json!({"oid": "o-2", "roles": "Annat"})))
            .unwrap();
        assert!(nobody.roles.is_empty() && nobody.public_body_id.is_none());
        assert_eq!(
            m.principal(&claims(serde_json::json!({"sub": "x"}))),
            Err(Unauthenticated::MissingClaim)
        );
        let rep = m
            .principal(&claims(
                serde_json::json!({"oid": "o-3", "groups": "ombud"}),
            ))
            .unwrap();
        assert!(rep.represents(Uuid::from_u128(9)));
    }

    #[test]
    fn the_file_is_checked_with_clear_errors() {
        let bad = |from: &str, to: &str| ClaimsMap::parse(&FILE.replacen(from, to, 1)).unwrap_err();
        let e = bad("role = \"agreement_admin\"", "role = \"superadmin\"");
        assert!(e.contains("unknown role \"superadmin\""), "{e}");
        assert!(e.contains("role rule 1"), "{e}");
        let e = bad("public_body = \"1285\"", "");
        assert!(e.contains("agreement_admin needs public_body"), "{e}");
        let e = bad("subject_claim = \"oid\"", "subject_claim = \"email\"");
        assert!(e.contains("personal contact data"), "{e}");
        let e = bad("public_body = \"1285\"", "public_body = \"Lund\"");
        assert!(e.contains("neither an id"), "{e}");
        let e = bad("https://login", "http://login");
        assert!(e.contains("https://"), "{e}");
        let e = bad("audience = \"api://samverkan\"", "audience = []");
        assert!(e.contains("audience"), "{e}");
        let e = bad(
            "role = \"steering_member\"",
            "role = \"steering_member\"\npublic_body = \"1285\"",
        );
        assert!(e.contains("agreement_admin only"), "{e}");
        let e = bad("name_claim", "namn_claim");
        assert!(e.contains("namn_claim"), "{e}");
        assert!(ClaimsMap::parse("").unwrap_err().contains("no [[issuer]]"));
    }

    #[test]
    fn a_body_missing_from_the_register_is_named() {
        let e = ClaimsMap::parse(FILE)
            .unwrap()
            .resolve(|_| Ok(None), |_| Ok(Some(Uuid::nil())))
            .unwrap_err();
        assert!(e.contains("public body 1285 is not in the register"), "{e}");
        assert!(e.contains("role rule 1"), "{e}");
    }
}
