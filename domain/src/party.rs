//! The register of parties: public bodies (kommuner, regioner, länsstyrelser) and
//! civil-society organisations (idéburna organisationer).

use serde::{Deserialize, Serialize};

use crate::access::Principal;
use crate::error::{DomainError, Validator};
use crate::org_number::OrgNumber;
use crate::scb::{MunicipalityCode, is_county_code, is_municipality_code};

pub const NAME_MAX: usize = 200;
pub const DESCRIPTION_MAX: usize = 2000;
pub const WEBSITE_MAX: usize = 500;
pub const MUNICIPALITIES_MAX: usize = 290;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
#[derive(strum::EnumIter, strum::IntoStaticStr, strum::EnumString, strum::Display)]
#[strum(serialize_all = "snake_case")]
pub enum PublicBodyKind {
    Municipality,
    Region,
    CountyBoard,
    Other,
}

crate::enum_text::enum_text!(PublicBodyKind);

/// A public body's validated fields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicBodyFields {
    pub name: String,
    pub kind: PublicBodyKind,
    /// Municipality: kommunkod (4 digits); region and county board: länskod (2 digits);
    /// other bodies (universities, agencies): optional, either form.
    pub scb_code: Option<String>,
    pub website: Option<String>,
    /// Its organisation number: municipalities and regions have one (`212000-…`,
    /// `232100-…`). `None` for the reference bodies until SCB's list is loaded.
    pub org_number: Option<OrgNumber>,
}

impl PublicBodyFields {
    pub fn parse(
        name: &str,
        kind: PublicBodyKind,
        scb_code: Option<&str>,
        website: Option<&str>,
    ) -> Result<Self, DomainError> {
        let mut v = Validator::new();
        let name = v.line("name", name, NAME_MAX);
        let scb_code = match (kind, scb_code.map(str::trim).filter(|s| !s.is_empty())) {
            (PublicBodyKind::Municipality, Some(code)) => v
                .check(MunicipalityCode::parse_field("scb_code", code))
                .map(|c| c.as_str().to_owned()),
            (PublicBodyKind::Region | PublicBodyKind::CountyBoard, Some(code)) => {
                if is_county_code(code) {
                    Some(code.to_owned())
                } else {
                    v.add("scb_code", PartyField::CountyCode);
                    None
                }
            }
            (PublicBodyKind::Other, Some(code)) => {
                if is_county_code(code) || MunicipalityCode::parse(code).is_ok() {
                    Some(code.to_owned())
                } else {
                    v.add("scb_code", PartyField::ScbCode);
                    None
                }
            }
            (PublicBodyKind::Other, None) => None,
            (_, None) => {
                v.add("scb_code", PartyField::ScbCodeRequired);
                None
            }
        };
        let website = website_field(&mut v, "website", website);
        v.finish()?;
        Ok(Self {
            name: name.unwrap_or_default(),
            kind,
            scb_code,
            website,
            org_number: None,
        })
    }

    /// The fields with this organisation number (blank: none), read as an organisation's
    /// is (`OrgNumber::parse_field`: form and check digit, no personal identity number). A
    /// municipality, region or county board is a legal person of group 2 (state, regions,
    /// municipalities): its number begins with 2.
    pub fn with_org_number(self, raw: Option<&str>) -> Result<Self, DomainError> {
        let org_number = match raw.map(str::trim).filter(|s| !s.is_empty()) {
            None => None,
            Some(raw) => {
                let number = OrgNumber::parse_field("org_number", raw)
                    .map_err(|e| DomainError::Invalid(vec![e]))?;
                if self.kind != PublicBodyKind::Other && !number.as_str().starts_with('2') {
                    return Err(DomainError::invalid(
                        "org_number",
                        PartyField::PublicSectorOrgNumber,
                    ));
                }
                Some(number)
            }
        };
        Ok(Self { org_number, ..self })
    }
}

impl PublicBodyFields {
    /// The municipality the body is, or is seated in where its code says so: its SCB code
    /// when that is a kommunkod (a municipality's; another body's may be either kind).
    pub fn municipality_code(&self) -> Option<&str> {
        self.scb_code.as_deref().filter(|c| is_municipality_code(c))
    }

    /// Applies a change: absent fields stay as they are, `Some(None)` clears an optional
    /// one. Values that do not fit together with what the body keeps (a kind whose SCB code
    /// the body does not have) break `scb_code_for_kind`; check the values sent on their own
    /// first with [`PublicBodyChange::check`].
    pub fn changed(&self, change: &PublicBodyChange) -> Result<Self, DomainError> {
        Self::parse(
            change.name.as_deref().unwrap_or(&self.name),
            change.kind.unwrap_or(self.kind),
            change
                .scb_code
                .clone()
                .unwrap_or_else(|| self.scb_code.clone())
                .as_deref(),
            change
                .website
                .clone()
                .unwrap_or_else(|| self.website.clone())
                .as_deref(),
        )
        .map_err(|_| {
            // The values fit on their own (`check`): it is the pair that does not. Name the
            // code when the change sent one, else the kind that no longer fits it.
            let field = if change.scb_code.is_some() {
                "scb_code"
            } else {
                "kind"
            };
            DomainError::invalid(field, PartyField::ScbCodeForKind)
        })?
        .with_org_number(
            change
                .org_number
                .clone()
                .unwrap_or_else(|| self.org_number.as_ref().map(|n| n.as_str().to_owned()))
                .as_deref(),
        )
    }
}

/// A change of a public body's fields, as a client sends it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PublicBodyChange {
    pub name: Option<String>,
    pub kind: Option<PublicBodyKind>,
    pub scb_code: Option<Option<String>>,
    pub website: Option<Option<String>>,
    pub org_number: Option<Option<String>>,
}

impl PublicBodyChange {
    /// The values sent, each on its own (invalid input names the field): any valid SCB code
    /// passes here, whether it fits the kind is decided against the body ([`PublicBodyFields::changed`]).
    pub fn check(&self) -> Result<(), DomainError> {
        PublicBodyFields::parse(
            self.name.as_deref().unwrap_or("-"),
            PublicBodyKind::Other,
            self.scb_code.clone().flatten().as_deref(),
            self.website.clone().flatten().as_deref(),
        )?
        .with_org_number(self.org_number.clone().flatten().as_deref())
        .map(|_| ())
    }
}

crate::field_errors! {
    /// What can be wrong with the values of the register (uniqueness is the database's, a
    /// 409 there); each is a 422 naming the field.
    pub enum PartyField {
        /// A municipality's, region's or county board's organisation number is of group 2.
        PublicSectorOrgNumber => "public_sector_org_number" {
            en: "a municipality, region or county board has an organisation number beginning with 2 (212000-…, 232100-…)",
            sv: "en kommun, region eller länsstyrelse har ett organisationsnummer som börjar med 2 (212000-…, 232100-…)",
        },
        CountyCode => "county_code" {
            en: "a region or county board has a two-digit county code (01, 03–10, 12–14, 17–25)",
            sv: "en region eller länsstyrelse har en tvåsiffrig länskod (01, 03–10, 12–14, 17–25)",
        },
        ScbCode => "scb_code" {
            en: "must be a county or municipality code",
            sv: "måste vara en länskod eller en kommunkod",
        },
        ScbCodeRequired => "required" {
            en: "municipalities, regions and county boards have an SCB code",
            sv: "kommuner, regioner och länsstyrelser har en SCB-kod",
        },
        /// Checked against the kind or code the body keeps.
        ScbCodeForKind => "scb_code_for_kind" {
            en: "the SCB code does not fit the kind: a municipality has its kommunkod, a region or county board its länskod",
            sv: "SCB-koden passar inte aktörens typ: en kommun har sin kommunkod, en region eller länsstyrelse sin länskod",
        },
        LegalFormRequired => "required" {
            en: "the organisation's legal form is required",
            sv: "organisationens juridiska form måste anges",
        },
        TooManyMunicipalities { max: usize } => "too_many" {
            en: "at most {max} municipalities",
            sv: "högst {max} kommuner",
        },
        WebsiteTooLong { max: usize } => "too_long" {
            en: "must be at most {max} characters",
            sv: "får vara högst {max} tecken långt",
        },
        Url => "url" {
            en: "must be an http:// or https:// address without spaces",
            sv: "måste vara en adress som börjar med http:// eller https://, utan mellanslag",
        },
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
#[derive(strum::EnumIter, strum::IntoStaticStr, strum::EnumString, strum::Display)]
#[strum(serialize_all = "snake_case")]
pub enum LegalForm {
    NonProfitAssociation,
    EconomicAssociation,
    Cooperative,
    Foundation,
    ReligiousCommunity,
    Other,
}

crate::enum_text::enum_text!(LegalForm);

impl LegalForm {
    /// Swedish label, for the embeddable page.
    pub fn label_sv(self) -> &'static str {
        match self {
            Self::NonProfitAssociation => "Ideell förening",
            Self::EconomicAssociation => "Ekonomisk förening",
            Self::Cooperative => "Kooperativ",
            Self::Foundation => "Stiftelse",
            Self::ReligiousCommunity => "Trossamfund",
            Self::Other => "Annan",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            Self::NonProfitAssociation => "Non-profit association",
            Self::EconomicAssociation => "Economic association",
            Self::Cooperative => "Cooperative",
            Self::Foundation => "Foundation",
            Self::ReligiousCommunity => "Religious community",
            Self::Other => "Other",
        }
    }

    /// Finnish, a national minority language (the embed page's third set of labels).
    pub fn label_fi(self) -> &'static str {
        match self {
            Self::NonProfitAssociation => "Aatteellinen yhdistys",
            Self::EconomicAssociation => "Taloudellinen yhdistys",
            Self::Cooperative => "Osuuskunta",
            Self::Foundation => "Säätiö",
            Self::ReligiousCommunity => "Uskonnollinen yhdyskunta",
            Self::Other => "Muu",
        }
    }
}

/// What the public list of signatories shows as a signatory's form: an organisation's legal
/// form, or that the signatory is a public body (Blekinge lets public bodies accede). The
/// CSV, the statistics and the embeddable page all name it from here.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SignatoryForm {
    Legal(LegalForm),
    PublicBody,
}

impl SignatoryForm {
    /// A signatory without a legal form is a public body.
    pub fn of(legal_form: Option<LegalForm>) -> Self {
        legal_form.map_or(Self::PublicBody, Self::Legal)
    }

    /// The machine value: the legal form's, or `public_body`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Legal(form) => form.as_str(),
            Self::PublicBody => "public_body",
        }
    }

    pub fn label_sv(self) -> &'static str {
        match self {
            Self::Legal(form) => form.label_sv(),
            Self::PublicBody => "Offentlig aktör",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            Self::Legal(form) => form.label_en(),
            Self::PublicBody => "Public body",
        }
    }

    pub fn label_fi(self) -> &'static str {
        match self {
            Self::Legal(form) => form.label_fi(),
            Self::PublicBody => "Julkinen toimija",
        }
    }
}

/// The raw fields of an organisation as a client sends them (create, or current record
/// merged with a patch), checked as a whole by `OrganizationFields::parse`.
#[derive(Debug, Clone, Default)]
pub struct OrganizationInput {
    pub name: String,
    pub org_number: Option<String>,
    pub legal_form: Option<LegalForm>,
    pub municipality_codes: Vec<String>,
    pub website: Option<String>,
    pub description: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrganizationFields {
    pub name: String,
    /// Optional: many small associations have none.
    pub org_number: Option<OrgNumber>,
    pub legal_form: LegalForm,
    /// Where the organisation has its seat or activity (Eslöv's eligibility rule).
    pub municipality_codes: Vec<MunicipalityCode>,
    pub website: Option<String>,
    pub description: Option<String>,
}

impl OrganizationFields {
    pub fn parse(input: &OrganizationInput) -> Result<Self, DomainError> {
        let mut v = Validator::new();
        let name = v.line("name", &input.name, NAME_MAX);
        let org_number = match input.org_number.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(raw) => v.check(OrgNumber::parse_field("org_number", raw)),
        };
        if input.legal_form.is_none() {
            v.add("legal_form", PartyField::LegalFormRequired);
        }
        let mut municipality_codes = Vec::new();
        if input.municipality_codes.len() > MUNICIPALITIES_MAX {
            v.add(
                "municipality_codes",
                PartyField::TooManyMunicipalities {
                    max: MUNICIPALITIES_MAX,
                },
            );
        } else {
            for (i, raw) in input.municipality_codes.iter().enumerate() {
                if let Some(code) = v.check(MunicipalityCode::parse_field(
                    &format!("municipality_codes[{i}]"),
                    raw,
                )) && !municipality_codes.contains(&code)
                {
                    municipality_codes.push(code);
                }
            }
        }
        municipality_codes.sort();
        let website = website_field(&mut v, "website", input.website.as_deref());
        let description =
            v.optional_text("description", input.description.as_deref(), DESCRIPTION_MAX);
        v.finish()?;
        Ok(Self {
            name: name.unwrap_or_default(),
            org_number,
            legal_form: input.legal_form.unwrap_or(LegalForm::Other),
            municipality_codes,
            website,
            description,
        })
    }
}

/// Who may add organisations to the register: administrators. Representatives get their
/// organisation ids from the identity provider, so they edit but do not create.
pub fn may_create_organization(principal: &Principal) -> bool {
    principal.is_administrator()
}

/// Who may edit an organisation's record: its own representatives; a platform administrator;
/// and an agreement administrator only while the organisation is a signatory or applicant
/// (`AccessionState::is_open`) of an agreement their public body is party to —
/// `bodies_of_its_agreements` lists the public bodies party to those agreements. One
/// municipality cannot rename another's signatories.
pub fn may_update_organization(
    principal: &Principal,
    organization_id: uuid::Uuid,
    bodies_of_its_agreements: &[uuid::Uuid],
) -> bool {
    principal.is_platform_admin()
        || principal.represents(organization_id)
        || (principal.has(crate::access::Role::AgreementAdmin)
            && principal
                .public_body_id
                .is_some_and(|body| bodies_of_its_agreements.contains(&body)))
}

/// The register of public bodies is reference data: only platform administrators change it.
pub fn may_write_public_body(principal: &Principal) -> bool {
    principal.is_platform_admin()
}

/// An optional http(s) address.
pub fn website_field(v: &mut Validator, field: &str, value: Option<&str>) -> Option<String> {
    let value = value.map(str::trim).filter(|s| !s.is_empty())?;
    match parse_website(value) {
        Ok(url) => Some(url),
        Err(e) => {
            v.add(field, e);
            None
        }
    }
}

fn parse_website(value: &str) -> Result<String, PartyField> {
    const BAD: PartyField = PartyField::Url;
    if value.chars().count() > WEBSITE_MAX {
        return Err(PartyField::WebsiteTooLong { max: WEBSITE_MAX });
    }
    let rest = value
        .strip_prefix("https://")
        .or_else(|| value.strip_prefix("http://"))
        .ok_or(BAD)?;
    let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
    if host.is_empty()
        || value
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || c == '<' || c == '>' || c == '"')
    {
        return Err(BAD);
    }
    Ok(value.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use strum::IntoEnumIterator;

    fn input() -> OrganizationInput {
        OrganizationInput {
            name: "Föreningen Ängsblomman".into(),
            org_number: Some("8020024280".into()),
            legal_form: Some(LegalForm::NonProfitAssociation),
            municipality_codes: vec!["1285".into(), "1285".into(), "1281".into()],
            website: Some("https://angsblomman.example".into()),
            description: None,
        }
    }

    #[test]
    fn organization_normalises_number_and_codes() {
        let f = OrganizationFields::parse(&input()).unwrap();
        assert_eq!(f.org_number.unwrap().as_str(), "802002-4280");
        assert_eq!(
            f.municipality_codes
                .iter()
                .map(|c| c.as_str())
                .collect::<Vec<_>>(),
            ["1281", "1285"]
        );
    }

    #[test]
    fn organization_reports_all_fields() {
        let bad = OrganizationInput {
            name: " ".into(),
            org_number: Some("811218-9876".into()),
            legal_form: None,
            municipality_codes: vec!["9999".into()],
            website: Some("javascript:alert(1)".into()),
            description: None,
        };
        let DomainError::Invalid(errors) = OrganizationFields::parse(&bad).unwrap_err() else {
            panic!()
        };
        let fields: Vec<_> = errors.iter().map(|e| (e.field.as_str(), e.code)).collect();
        assert_eq!(
            fields,
            [
                ("name", "required"),
                ("org_number", "personal_identity_number"),
                ("legal_form", "required"),
                ("municipality_codes[0]", "municipality_code"),
                ("website", "url"),
            ]
        );
    }

    #[test]
    fn organization_without_number_is_fine() {
        let mut i = input();
        i.org_number = Some("  ".into());
        assert_eq!(OrganizationFields::parse(&i).unwrap().org_number, None);
    }

    #[test]
    fn public_body_codes_follow_kind() {
        assert!(
            PublicBodyFields::parse(
                "Eslövs kommun",
                PublicBodyKind::Municipality,
                Some("1285"),
                None
            )
            .is_ok()
        );
        assert!(
            PublicBodyFields::parse("Region Blekinge", PublicBodyKind::Region, Some("10"), None)
                .is_ok()
        );
        assert!(
            PublicBodyFields::parse("Region X", PublicBodyKind::Region, Some("1285"), None)
                .is_err()
        );
        assert!(
            PublicBodyFields::parse("Region Y", PublicBodyKind::Region, Some("02"), None).is_err()
        );
        assert!(
            PublicBodyFields::parse("Kommun", PublicBodyKind::Municipality, None, None).is_err()
        );
        assert!(
            PublicBodyFields::parse(
                "Blekinge Tekniska Högskola",
                PublicBodyKind::Other,
                None,
                None
            )
            .is_ok()
        );
    }

    #[test]
    fn a_signatory_without_a_legal_form_is_a_public_body() {
        assert_eq!(SignatoryForm::of(None), SignatoryForm::PublicBody);
        assert_eq!(SignatoryForm::of(None).as_str(), "public_body");
        assert_eq!(SignatoryForm::of(None).label_sv(), "Offentlig aktör");
        for form in LegalForm::iter() {
            let shown = SignatoryForm::of(Some(form));
            assert_eq!(shown.as_str(), form.as_str());
            assert_ne!(shown.as_str(), "public_body");
            assert_eq!(shown.label_en(), form.label_en());
        }
    }

    fn eslov() -> PublicBodyFields {
        PublicBodyFields::parse(
            "Eslövs kommun",
            PublicBodyKind::Municipality,
            Some("1285"),
            None,
        )
        .expect("valid")
    }

    #[test]
    fn a_body_is_in_the_municipality_its_code_names() {
        assert_eq!(eslov().municipality_code(), Some("1285"));
        let region =
            PublicBodyFields::parse("Region Blekinge", PublicBodyKind::Region, Some("10"), None)
                .expect("valid");
        assert_eq!(region.municipality_code(), None);
        let university = PublicBodyFields::parse(
            "Blekinge Tekniska Högskola",
            PublicBodyKind::Other,
            Some("1080"),
            None,
        )
        .expect("valid");
        assert_eq!(university.municipality_code(), Some("1080"));
    }

    #[test]
    fn a_change_must_leave_the_code_fitting_the_kind() {
        let renamed = eslov()
            .changed(&PublicBodyChange {
                name: Some("Eslövs kommun (ny)".into()),
                ..PublicBodyChange::default()
            })
            .expect("a new name is fine");
        assert_eq!(renamed.name, "Eslövs kommun (ny)");
        assert_eq!(renamed.scb_code.as_deref(), Some("1285"));

        let region = PublicBodyChange {
            kind: Some(PublicBodyKind::Region),
            ..PublicBodyChange::default()
        };
        assert_eq!(region.check(), Ok(()), "each value is valid on its own");
        assert_eq!(
            eslov().changed(&region).unwrap_err().fields(),
            [("kind", "scb_code_for_kind")],
            "the kind sent no longer fits the code kept"
        );
        let cleared = PublicBodyChange {
            scb_code: Some(None),
            ..PublicBodyChange::default()
        };
        assert_eq!(
            eslov().changed(&cleared).unwrap_err().fields(),
            [("scb_code", "scb_code_for_kind")]
        );
        let became_other = PublicBodyChange {
            kind: Some(PublicBodyKind::Other),
            scb_code: Some(None),
            ..PublicBodyChange::default()
        };
        assert_eq!(eslov().changed(&became_other).expect("fits").scb_code, None);

        let bad = PublicBodyChange {
            scb_code: Some(Some("99".into())),
            website: Some(Some("ftp://x".into())),
            ..PublicBodyChange::default()
        };
        let DomainError::Invalid(errors) = bad.check().unwrap_err() else {
            panic!("invalid input")
        };
        assert_eq!(
            errors.iter().map(|e| e.field.as_str()).collect::<Vec<_>>(),
            ["scb_code", "website"]
        );
    }

    #[test]
    fn websites() {
        let mut v = Validator::new();
        assert_eq!(
            website_field(&mut v, "w", Some("http://a.se/x?y")).as_deref(),
            Some("http://a.se/x?y")
        );
        assert_eq!(website_field(&mut v, "w", Some("https://")), None);
        assert_eq!(website_field(&mut v, "w", Some("ftp://a.se")), None);
        assert_eq!(
            website_field(&mut v, "w", Some("https://a.se/<script>")),
            None
        );
        assert_eq!(v.into_errors().len(), 3);
    }

    // ------------------------------------------------------------ who may change the register

    use crate::access::Role;
    use crate::access::testing::principal;
    use uuid::Uuid;

    fn agreement_admin() -> Principal {
        Principal {
            public_body_id: Some(Uuid::from_u128(1)),
            ..principal(&[Role::AgreementAdmin])
        }
    }

    fn rep_of(organization: Uuid) -> Principal {
        Principal {
            organization_ids: [organization].into(),
            ..principal(&[Role::OrganizationRep])
        }
    }

    #[test]
    fn administrators_add_organisations_representatives_do_not() {
        assert!(may_create_organization(&principal(&[Role::PlatformAdmin])));
        assert!(may_create_organization(&agreement_admin()));
        // Representatives get their organisation ids from the identity provider.
        assert!(!may_create_organization(&rep_of(Uuid::from_u128(9))));
        assert!(!may_create_organization(&principal(&[
            Role::SteeringMember
        ])));
    }

    #[test]
    fn an_organisation_is_updated_by_its_representatives_and_the_bodies_it_deals_with() {
        let org = Uuid::from_u128(9);
        let own_body = Uuid::from_u128(1);
        let others = [Uuid::from_u128(2)];
        assert!(may_update_organization(
            &principal(&[Role::PlatformAdmin]),
            org,
            &[]
        ));
        assert!(may_update_organization(&rep_of(org), org, &[]));
        // An agreement administrator: only while the organisation signed or applied to an
        // agreement their body is party to.
        assert!(may_update_organization(
            &agreement_admin(),
            org,
            &[others[0], own_body]
        ));
        assert!(!may_update_organization(&agreement_admin(), org, &others));
        assert!(!may_update_organization(&agreement_admin(), org, &[]));
        // A token whose body is not in the register acts for nobody.
        assert!(!may_update_organization(
            &agreement_admin().with_registered_body(false),
            org,
            &[own_body]
        ));
        assert!(!may_update_organization(
            &rep_of(Uuid::from_u128(8)),
            org,
            &[own_body]
        ));
        assert!(!may_update_organization(
            &principal(&[Role::SteeringMember]),
            org,
            &[own_body]
        ));
    }

    #[test]
    fn public_bodies_are_reference_data_written_by_platform_admins_only() {
        assert!(may_write_public_body(&principal(&[Role::PlatformAdmin])));
        assert!(!may_write_public_body(&agreement_admin()));
        assert!(!may_write_public_body(&rep_of(Uuid::from_u128(9))));
    }

    // ------------------------------------------------------------ names on the wire

    #[test]
    fn kinds_and_legal_forms_have_one_snake_case_name_each() {
        for kind in PublicBodyKind::iter() {
            assert_eq!(PublicBodyKind::parse(kind.as_str()), Some(kind));
            assert_eq!(
                serde_json::to_value(kind).unwrap(),
                serde_json::Value::from(kind.as_str())
            );
        }
        assert_eq!(
            PublicBodyKind::parse("county_board"),
            Some(PublicBodyKind::CountyBoard)
        );
        assert_eq!(PublicBodyKind::parse("kommun"), None);
        for form in LegalForm::iter() {
            assert_eq!(LegalForm::parse(form.as_str()), Some(form));
            assert_eq!(
                serde_json::to_value(form).unwrap(),
                serde_json::Value::from(form.as_str())
            );
        }
        assert_eq!(LegalForm::parse("foundation"), Some(LegalForm::Foundation));
        assert_eq!(LegalForm::parse("stiftelse"), None);
    }

    #[test]
    fn every_legal_form_has_its_own_swedish_and_english_label() {
        let sv: std::collections::BTreeSet<_> =
            LegalForm::iter().map(LegalForm::label_sv).collect();
        let en: std::collections::BTreeSet<_> =
            LegalForm::iter().map(LegalForm::label_en).collect();
        assert_eq!(sv.len(), LegalForm::iter().count());
        assert_eq!(en.len(), LegalForm::iter().count());
        assert_eq!(
            LegalForm::NonProfitAssociation.label_sv(),
            "Ideell förening"
        );
        assert_eq!(
            LegalForm::NonProfitAssociation.label_en(),
            "Non-profit association"
        );
    }

    // ------------------------------------------------------------ public bodies

    fn scb_error(kind: PublicBodyKind, code: Option<&str>) -> Option<&'static str> {
        match PublicBodyFields::parse("Myndigheten", kind, code, None) {
            Ok(_) => None,
            Err(DomainError::Invalid(errors)) => {
                assert_eq!(errors.len(), 1, "{errors:?}");
                assert_eq!(errors[0].field, "scb_code");
                Some(errors[0].code)
            }
            Err(other) => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_public_bodys_scb_code_follows_its_kind() {
        use PublicBodyKind::*;
        // Municipalities have a kommunkod, regions and county boards a länskod.
        assert_eq!(scb_error(Municipality, Some("1285")), None);
        assert_eq!(
            scb_error(Municipality, Some("12")),
            Some("municipality_code")
        );
        assert_eq!(scb_error(Region, Some("10")), None);
        assert_eq!(scb_error(CountyBoard, Some("12")), None);
        assert_eq!(scb_error(CountyBoard, Some("1285")), Some("county_code"));
        for kind in [Municipality, Region, CountyBoard] {
            assert_eq!(scb_error(kind, None), Some("required"), "{kind:?}");
            assert_eq!(scb_error(kind, Some("  ")), Some("required"), "{kind:?}");
        }
        // Other bodies (universities, agencies) may have either code, or none.
        assert_eq!(scb_error(Other, None), None);
        assert_eq!(scb_error(Other, Some("10")), None);
        assert_eq!(scb_error(Other, Some("1285")), None);
        assert_eq!(scb_error(Other, Some("99")), Some("scb_code"));
        assert_eq!(scb_error(Other, Some("9999")), Some("scb_code"));
    }

    #[test]
    fn a_public_body_is_stored_trimmed_as_given() {
        let body = PublicBodyFields::parse(
            "  Region Skåne ",
            PublicBodyKind::Region,
            Some(" 12 "),
            Some(" https://skane.example/ "),
        )
        .unwrap();
        assert_eq!(
            body,
            PublicBodyFields {
                name: "Region Skåne".into(),
                kind: PublicBodyKind::Region,
                scb_code: Some("12".into()),
                website: Some("https://skane.example/".into()),
                org_number: None,
            }
        );
        let other =
            PublicBodyFields::parse("Högskolan", PublicBodyKind::Other, Some(""), None).unwrap();
        assert_eq!(other.scb_code, None);
    }

    #[test]
    fn a_public_body_carries_an_organisation_number_of_group_2() {
        // Invented numbers with valid check digits, not any body's real one.
        let body = PublicBodyFields::parse(
            "Exempelby kommun",
            PublicBodyKind::Municipality,
            Some("1285"),
            None,
        )
        .unwrap();
        let with = body.clone().with_org_number(Some(" 2999999994 ")).unwrap();
        assert_eq!(
            with.org_number.as_ref().map(OrgNumber::as_str),
            Some("299999-9994")
        );
        assert_eq!(
            with.clone().with_org_number(Some(" ")).unwrap().org_number,
            None
        );
        let codes = |r: Result<PublicBodyFields, DomainError>| match r {
            Err(DomainError::Invalid(errors)) => errors
                .iter()
                .map(|e| (e.field.clone(), e.code))
                .collect::<Vec<_>>(),
            other => panic!("{other:?}"),
        };
        assert_eq!(
            codes(body.clone().with_org_number(Some("802002-4280"))),
            [("org_number".to_owned(), "public_sector_org_number")]
        );
        assert_eq!(
            codes(body.clone().with_org_number(Some("299999-9995")))[0].0,
            "org_number"
        );
        // Another kind of body (a foundation's university) may have any organisation number.
        let other =
            PublicBodyFields::parse("Högskolan", PublicBodyKind::Other, None, None).unwrap();
        assert!(other.with_org_number(Some("802002-4280")).is_ok());
        // A change keeps the number unless it sends one; `Some(None)` clears it.
        let kept = with
            .changed(&PublicBodyChange {
                name: Some("Exempelby".into()),
                ..PublicBodyChange::default()
            })
            .unwrap();
        assert_eq!(kept.org_number, with.org_number);
        let cleared = with
            .changed(&PublicBodyChange {
                org_number: Some(None),
                ..PublicBodyChange::default()
            })
            .unwrap();
        assert_eq!(cleared.org_number, None);
    }

    // ------------------------------------------------------------ organisations

    fn field_codes(input: &OrganizationInput) -> Vec<(String, &'static str)> {
        match OrganizationFields::parse(input) {
            Ok(_) => Vec::new(),
            Err(DomainError::Invalid(errors)) => {
                errors.into_iter().map(|e| (e.field, e.code)).collect()
            }
            Err(other) => panic!("{other:?}"),
        }
    }

    /// `n` distinct municipality codes of the right form.
    fn municipality_codes(n: usize) -> Vec<String> {
        crate::scb::COUNTY_CODES
            .iter()
            .flat_map(|county| (1..=99).map(move |m| format!("{county}{m:02}")))
            .take(n)
            .collect()
    }

    #[test]
    fn an_organisation_may_be_active_in_every_municipality_of_sweden_but_no_more() {
        let mut every = input();
        every.municipality_codes = municipality_codes(MUNICIPALITIES_MAX);
        assert_eq!(
            OrganizationFields::parse(&every)
                .unwrap()
                .municipality_codes
                .len(),
            290
        );
        let mut more = input();
        more.municipality_codes = municipality_codes(MUNICIPALITIES_MAX + 1);
        assert_eq!(
            field_codes(&more),
            [("municipality_codes".to_owned(), "too_many")]
        );
    }

    #[test]
    fn an_organisation_keeps_what_it_was_given_normalised() {
        let f = OrganizationFields::parse(&OrganizationInput {
            name: "  Föreningen Ängsblomman ".into(),
            org_number: Some(" 8020024280 ".into()),
            legal_form: Some(LegalForm::Cooperative),
            municipality_codes: vec!["1285".into()],
            website: None,
            description: Some(" Vi odlar ängar i Eslöv. ".into()),
        })
        .unwrap();
        assert_eq!(f.name, "Föreningen Ängsblomman");
        assert_eq!(f.legal_form, LegalForm::Cooperative);
        assert_eq!(f.description.as_deref(), Some("Vi odlar ängar i Eslöv."));
        assert_eq!(f.website, None);
        assert_eq!(
            f.org_number.map(|n| n.to_string()).as_deref(),
            Some("802002-4280")
        );
    }

    #[test]
    fn an_organisations_texts_have_limits() {
        let mut long = input();
        long.name = "Å".repeat(NAME_MAX + 1);
        long.description = Some("ö".repeat(DESCRIPTION_MAX + 1));
        assert_eq!(
            field_codes(&long),
            [
                ("name".to_owned(), "too_long"),
                ("description".to_owned(), "too_long")
            ]
        );
        let mut at_limit = input();
        at_limit.name = "Å".repeat(NAME_MAX);
        at_limit.description = Some("ö".repeat(DESCRIPTION_MAX));
        assert_eq!(field_codes(&at_limit), []);
    }

    // ------------------------------------------------------------ websites

    fn website(value: &str) -> Result<String, &'static str> {
        let mut v = Validator::new();
        match website_field(&mut v, "website", Some(value)) {
            Some(url) => {
                assert!(v.is_empty());
                Ok(url)
            }
            None => Err(v.into_errors().first().map_or("none", |e| e.code)),
        }
    }

    #[test]
    fn a_website_is_an_http_or_https_address() {
        assert_eq!(
            website(" https://förening.example/ "),
            Ok("https://förening.example/".into())
        );
        assert_eq!(website("http://a.se"), Ok("http://a.se".into()));
        for bad in [
            "a.se",
            "mailto:info@a.se",
            "https:///path",
            "https://?q",
            "https://#x",
            "https://a.se/x y",
            "https://a.se/\u{7}",
            "https://a.se/<b",
            "https://a.se/>",
            "https://a.se/\"x",
        ] {
            assert_eq!(website(bad), Err("url"), "{bad:?}");
        }
    }

    #[test]
    fn a_blank_website_is_no_website() {
        let mut v = Validator::new();
        assert_eq!(website_field(&mut v, "website", Some("  ")), None);
        assert_eq!(website_field(&mut v, "website", None), None);
        assert!(v.is_empty());
    }

    #[test]
    fn a_website_is_at_most_500_characters() {
        let at_limit = format!("https://a.se/{}", "å".repeat(WEBSITE_MAX - 13));
        assert_eq!(at_limit.chars().count(), WEBSITE_MAX);
        assert_eq!(website(&at_limit), Ok(at_limit.clone()));
        assert_eq!(website(&format!("{at_limit}x")), Err("too_long"));
    }
}
