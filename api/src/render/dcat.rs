//! The open-data catalogue (issue 14): every public agreement's signatory list as a
//! `dcat:Dataset` in a `dcat:Catalog`, with the mandatory and recommended properties of
//! DCAT-AP-SE (the Swedish profile of DCAT-AP, which dataportal.se harvests). The graph is
//! built from RDF terms (`oxrdf`) and written by the Oxigraph project's serialisers, never
//! from string templates: Turtle (`oxttl`), JSON-LD (`oxjsonld`) and RDF/XML (`oxrdfxml`, the
//! syntax the portal's harvester reads first).
//!
//! Identifiers (docs/open-data.md): everything minted here is a hash IRI of the catalogue's
//! own address (`{base}/api/v1/catalog#dataset-{agreement id}`), so that it resolves to the
//! document that describes it and stays the same whatever filter the catalogue was fetched
//! with. A publisher whose organisation number the register holds is
//! `http://dataportal.se/organisation/SE{digits}`, the portal's own form; otherwise its IRI
//! comes from its SCB code (`#publisher-scb-1285`).

use chrono::NaiveDate;
use oxrdf::vocab::{rdf, xsd};
use oxrdf::{Literal, NamedNode, Term, Triple};
use samverkan_domain::agreement::OpenDataLicence;
use samverkan_domain::party::PublicBodyKind;
use uuid::Uuid;

/// The RDF syntaxes the catalogue is served in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, strum::IntoStaticStr, strum::EnumIter)]
pub enum RdfFormat {
    #[strum(serialize = "turtle")]
    Turtle,
    #[strum(serialize = "jsonld")]
    JsonLd,
    #[strum(serialize = "rdfxml")]
    RdfXml,
}

impl RdfFormat {
    /// The media type the response carries.
    pub fn content_type(self) -> &'static str {
        match self {
            Self::Turtle => "text/turtle; charset=utf-8",
            Self::JsonLd => "application/ld+json",
            Self::RdfXml => "application/rdf+xml",
        }
    }

    /// The media types each syntax answers to, the first the one it is served as.
    pub fn media_types(self) -> &'static [&'static str] {
        match self {
            Self::Turtle => &["text/turtle", "application/x-turtle"],
            Self::JsonLd => &["application/ld+json", "application/json"],
            Self::RdfXml => &["application/rdf+xml", "application/xml", "text/xml"],
        }
    }

    /// The syntax an `Accept` header asks for: the highest `q` wins; among equals, the first
    /// listed. Absent, empty or `*/*` (or `text/*`): Turtle, the documented default. `None`
    /// when it accepts none of them (the caller answers 406).
    pub fn negotiate(accept: Option<&str>) -> Option<Self> {
        let Some(accept) = accept.map(str::trim).filter(|a| !a.is_empty()) else {
            return Some(Self::Turtle);
        };
        let mut best: Option<(f32, Self)> = None;
        for range in accept.split(',') {
            let mut parts = range.split(';');
            let media = parts.next().unwrap_or_default().trim().to_ascii_lowercase();
            let q = parts
                .filter_map(|p| p.trim().strip_prefix("q="))
                .find_map(|q| q.trim().parse::<f32>().ok())
                .unwrap_or(1.0);
            if q <= 0.0 {
                continue;
            }
            let format = match media.as_str() {
                "*/*" | "text/*" => Some(Self::Turtle),
                "application/*" => Some(Self::JsonLd),
                m => [Self::Turtle, Self::JsonLd, Self::RdfXml]
                    .into_iter()
                    .find(|f| f.media_types().contains(&m)),
            };
            if let Some(format) = format
                && best.is_none_or(|(b, _)| q > b)
            {
                best = Some((q, format));
            }
        }
        best.map(|(_, f)| f)
    }
}

/// A public body as the catalogue names it (the publisher of its agreements' lists).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublisherInfo {
    pub id: Uuid,
    pub name: String,
    pub kind: PublicBodyKind,
    pub scb_code: Option<String>,
    /// `NNNNNN-NNNN`, when the register has it.
    pub org_number: Option<String>,
    pub website: Option<String>,
}

/// A municipality or county a list covers, by its SCB code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Place {
    pub scb_code: String,
    pub name: String,
}

/// One public agreement's signatory list, as the catalogue describes it.
#[derive(Debug, Clone)]
pub struct DatasetInfo {
    pub agreement_id: Uuid,
    /// The title of the version in force (Swedish, as adopted).
    pub agreement_title: String,
    pub publisher: PublisherInfo,
    pub places: Vec<Place>,
    pub licence: OpenDataLicence,
    /// The functional mailbox of the agreement's settings; `None`: no contact point.
    pub contact_email: Option<String>,
    /// The first day the agreement applied (the list's first possible day).
    pub issued: Option<NaiveDate>,
    /// The last day it applied, for an ended agreement (the list no longer grows).
    pub ended: Option<NaiveDate>,
}

/// The whole catalogue: where it is served from and what it lists.
#[derive(Debug, Clone)]
pub struct CatalogInfo {
    /// The server's public address without a trailing slash (`https://samverkan.example`).
    pub base: String,
    /// The public body the catalogue was asked for (`?public_body=`): its publisher. `None`:
    /// the whole service's catalogue, published by the one public body all its lists share,
    /// else by the service.
    pub publisher: Option<PublisherInfo>,
    pub datasets: Vec<DatasetInfo>,
}

pub const DCAT: &str = "http://www.w3.org/ns/dcat#";
pub const DCTERMS: &str = "http://purl.org/dc/terms/";
pub const FOAF: &str = "http://xmlns.com/foaf/0.1/";
pub const VCARD: &str = "http://www.w3.org/2006/vcard/ns#";
pub const DCATAP: &str = "http://data.europa.eu/r5r/";
pub const SKOS: &str = "http://www.w3.org/2004/02/skos/core#";
const EU: &str = "http://publications.europa.eu/resource/authority/";

/// The prefixes the Turtle, JSON-LD and RDF/XML forms declare.
pub const PREFIXES: [(&str, &str); 8] = [
    ("dcat", DCAT),
    ("dcterms", DCTERMS),
    ("foaf", FOAF),
    ("vcard", VCARD),
    ("dcatap", DCATAP),
    ("skos", SKOS),
    ("xsd", "http://www.w3.org/2001/XMLSchema#"),
    ("rdf", "http://www.w3.org/1999/02/22-rdf-syntax-ns#"),
];

/// The EU Data Theme the lists are filed under: "Government and public sector".
pub const THEME_GOVE: &str = "http://publications.europa.eu/resource/authority/data-theme/GOVE";
/// How often the lists change: whenever an accession is approved or ends.
pub const FREQUENCY: &str =
    "http://publications.europa.eu/resource/authority/frequency/UPDATE_CONT";

fn iri(s: impl Into<String>) -> NamedNode {
    NamedNode::new_unchecked(s)
}

fn term(ns: &str, local: &str) -> NamedNode {
    iri(format!("{ns}{local}"))
}

/// Text in a language (`sv`, `en`).
fn text(value: &str, lang: &str) -> Term {
    Literal::new_language_tagged_literal_unchecked(value, lang).into()
}

fn plain(value: &str) -> Term {
    Literal::new_simple_literal(value).into()
}

fn date(d: NaiveDate) -> Term {
    Literal::new_typed_literal(d.format("%Y-%m-%d").to_string(), xsd::DATE).into()
}

/// A graph in the order it was built (so that equal data serialises to equal bytes).
#[derive(Default)]
struct Builder {
    triples: Vec<Triple>,
}

impl Builder {
    fn add(&mut self, s: &NamedNode, p: NamedNode, o: impl Into<Term>) {
        let t = Triple::new(s.clone(), p, o.into());
        if !self.triples.contains(&t) {
            self.triples.push(t);
        }
    }

    fn typed(&mut self, s: &NamedNode, class: NamedNode) {
        self.add(s, rdf::TYPE.into_owned(), class);
    }
}

/// Where a list and its distributions live.
pub struct Urls<'a> {
    base: &'a str,
}

impl<'a> Urls<'a> {
    pub fn new(base: &'a str) -> Self {
        Self { base }
    }

    pub fn catalog(&self) -> String {
        format!("{}/api/v1/catalog", self.base)
    }

    fn node(&self, fragment: &str) -> NamedNode {
        iri(format!("{}#{fragment}", self.catalog()))
    }

    pub fn dataset(&self, agreement: Uuid) -> NamedNode {
        self.node(&format!("dataset-{agreement}"))
    }

    pub fn json(&self, agreement: Uuid) -> String {
        format!("{}/api/v1/agreements/{agreement}/signatories", self.base)
    }

    pub fn csv(&self, agreement: Uuid) -> String {
        format!(
            "{}/api/v1/agreements/{agreement}/signatories.csv",
            self.base
        )
    }

    pub fn embed(&self, agreement: Uuid) -> String {
        format!("{}/embed/agreements/{agreement}/signatories", self.base)
    }

    pub fn agreement(&self, agreement: Uuid) -> String {
        format!("{}/api/v1/agreements/{agreement}", self.base)
    }

    /// `http://dataportal.se/organisation/SE{digits}` with the organisation number, else
    /// from the SCB code, else (a body without either) from its id.
    pub fn publisher(&self, p: &PublisherInfo) -> NamedNode {
        if let Some(number) = &p.org_number {
            let digits: String = number.chars().filter(char::is_ascii_digit).collect();
            return iri(format!("http://dataportal.se/organisation/SE{digits}"));
        }
        match &p.scb_code {
            Some(code) => self.node(&format!("publisher-scb-{code}")),
            None => self.node(&format!("publisher-{}", p.id)),
        }
    }

    pub fn place(&self, scb_code: &str) -> NamedNode {
        self.node(&format!("place-scb-{scb_code}"))
    }
}

/// The catalogue as RDF triples.
pub fn catalog_triples(info: &CatalogInfo) -> Vec<Triple> {
    let urls = Urls::new(&info.base);
    let mut g = Builder::default();
    let catalog = iri(urls.catalog());
    let dct = |l: &str| term(DCTERMS, l);
    let dcat = |l: &str| term(DCAT, l);

    g.typed(&catalog, dcat("Catalog"));
    g.add(
        &catalog,
        dct("title"),
        text(
            "Lokala överenskommelser med idéburen sektor: anslutna organisationer",
            "sv",
        ),
    );
    g.add(
        &catalog,
        dct("title"),
        text(
            "Local agreements with the civil-society sector: signatory organisations",
            "en",
        ),
    );
    g.add(
        &catalog,
        dct("description"),
        text(
            "Förteckningar över de idéburna organisationer som anslutit sig till offentliga aktörers lokala överenskommelser om samverkan med idéburen sektor.",
            "sv",
        ),
    );
    g.add(
        &catalog,
        dct("description"),
        text(
            "Lists of the civil-society organisations that have acceded to public bodies' local agreements on collaboration with the civil-society sector.",
            "en",
        ),
    );
    // The catalogue's own metadata is CC0 whatever the lists' licences are.
    g.add(&catalog, dct("license"), iri(OpenDataLicence::Cc0.uri()));
    g.add(&catalog, dct("language"), iri(format!("{EU}language/SWE")));
    g.add(&catalog, dct("language"), iri(format!("{EU}language/ENG")));
    g.add(
        &catalog,
        dcat("themeTaxonomy"),
        iri(format!("{EU}data-theme")),
    );
    g.add(
        &catalog,
        term(FOAF, "homepage"),
        iri(format!("{}/", info.base)),
    );

    let shared = info
        .datasets
        .first()
        .map(|d| &d.publisher)
        .filter(|first| info.datasets.iter().all(|d| d.publisher.id == first.id));
    match info.publisher.as_ref().or(shared) {
        Some(p) => {
            let node = publisher(&mut g, &urls, p);
            g.add(&catalog, dct("publisher"), node);
        }
        None => {
            let service = urls.node("publisher");
            g.typed(&service, term(FOAF, "Agent"));
            g.add(&service, term(FOAF, "name"), plain("Samverkan"));
            g.add(&catalog, dct("publisher"), service);
        }
    }
    // The catalogue covers what its lists cover, since the first of them was issued.
    if let Some(first) = info.datasets.iter().filter_map(|d| d.issued).min() {
        g.add(&catalog, dct("issued"), date(first));
    }
    for d in &info.datasets {
        for place in &d.places {
            g.add(&catalog, dct("spatial"), urls.place(&place.scb_code));
        }
    }
    for d in &info.datasets {
        let node = dataset(&mut g, &urls, d);
        g.add(&catalog, dcat("dataset"), node);
    }
    g.triples
}

fn publisher(g: &mut Builder, urls: &Urls, p: &PublisherInfo) -> NamedNode {
    let node = urls.publisher(p);
    g.typed(&node, term(FOAF, "Agent"));
    g.typed(&node, term(FOAF, "Organization"));
    g.add(&node, term(FOAF, "name"), plain(&p.name));
    // ADMS publisher types: kommuner and regioner are local and regional authorities.
    let kind = match p.kind {
        PublicBodyKind::Region => "RegionalAuthority",
        _ => "LocalAuthority",
    };
    g.add(
        &node,
        term(DCTERMS, "type"),
        iri(format!("http://purl.org/adms/publishertype/{kind}")),
    );
    if let Some(number) = &p.org_number {
        let digits: String = number.chars().filter(char::is_ascii_digit).collect();
        g.add(&node, term(DCTERMS, "identifier"), plain(&digits));
    } else if let Some(code) = &p.scb_code {
        g.add(&node, term(DCTERMS, "identifier"), plain(code));
    }
    if let Some(site) = p.website.as_deref().filter(|s| oxiri_ok(s)) {
        g.add(&node, term(FOAF, "homepage"), iri(site));
    }
    node
}

/// Whether a stored website is an absolute IRI the serialisers may write as one.
fn oxiri_ok(s: &str) -> bool {
    NamedNode::new(s).is_ok() && (s.starts_with("https://") || s.starts_with("http://"))
}

fn dataset(g: &mut Builder, urls: &Urls, d: &DatasetInfo) -> NamedNode {
    let node = urls.dataset(d.agreement_id);
    let dct = |l: &str| term(DCTERMS, l);
    let dcat = |l: &str| term(DCAT, l);
    let title = &d.agreement_title;
    let body = &d.publisher.name;
    g.typed(&node, dcat("Dataset"));
    g.add(
        &node,
        dct("title"),
        text(&format!("Anslutna organisationer: {title}"), "sv"),
    );
    g.add(
        &node,
        dct("title"),
        text(&format!("Signatory organisations: {title}"), "en"),
    );
    g.add(
        &node,
        dct("description"),
        text(
            &format!(
                "De idéburna organisationer som anslutit sig till överenskommelsen \"{title}\" mellan {body} och den idéburna sektorn: namn, organisationsnummer, juridisk form, kommuner, webbplats och datum för anslutning och utträde. Inga personuppgifter."
            ),
            "sv",
        ),
    );
    g.add(
        &node,
        dct("description"),
        text(
            &format!(
                "The civil-society organisations that have acceded to the agreement \"{title}\" between {body} and the civil-society sector: name, organisation number, legal form, municipalities, website and the dates they joined and left. No personal data."
            ),
            "en",
        ),
    );
    let publisher_node = publisher(g, urls, &d.publisher);
    g.add(&node, dct("publisher"), publisher_node);
    g.add(&node, dcat("theme"), iri(THEME_GOVE));
    for (word, lang) in [
        ("överenskommelse", "sv"),
        ("idéburen sektor", "sv"),
        ("civilsamhälle", "sv"),
        ("local agreement", "en"),
        ("civil society", "en"),
    ] {
        g.add(&node, dcat("keyword"), text(word, lang));
    }
    g.add(&node, dct("accrualPeriodicity"), iri(FREQUENCY));
    g.add(
        &node,
        dct("accessRights"),
        iri(format!("{EU}access-right/PUBLIC")),
    );
    g.add(&node, dct("language"), iri(format!("{EU}language/SWE")));
    g.add(
        &node,
        dct("identifier"),
        plain(&urls.agreement(d.agreement_id)),
    );
    g.add(&node, dcat("landingPage"), iri(urls.embed(d.agreement_id)));
    if let Some(issued) = d.issued {
        g.add(&node, dct("issued"), date(issued));
        let period = urls.node(&format!("period-{}", d.agreement_id));
        g.typed(&period, dct("PeriodOfTime"));
        g.add(&period, dcat("startDate"), date(issued));
        if let Some(ended) = d.ended {
            g.add(&period, dcat("endDate"), date(ended));
        }
        g.add(&node, dct("temporal"), period);
    }
    for place in &d.places {
        let p = urls.place(&place.scb_code);
        g.typed(&p, dct("Location"));
        g.add(&p, term(SKOS, "prefLabel"), text(&place.name, "sv"));
        g.add(&p, term(SKOS, "notation"), plain(&place.scb_code));
        g.add(&node, dct("spatial"), p);
    }
    if let Some(email) = &d.contact_email {
        let contact = urls.node(&format!("contact-{}", d.agreement_id));
        g.typed(&contact, term(VCARD, "Organization"));
        g.add(
            &contact,
            term(VCARD, "fn"),
            plain(&format!("{body}: {title}")),
        );
        g.add(
            &contact,
            term(VCARD, "hasEmail"),
            iri(format!("mailto:{email}")),
        );
        g.add(&node, dcat("contactPoint"), contact);
    }
    let distributions = [
        (
            "json",
            urls.json(d.agreement_id),
            "application/json",
            "JSON",
            (
                "Förteckningen som JSON, sida för sida (API)",
                "The list as JSON, page by page (API)",
            ),
            false,
        ),
        (
            "csv",
            urls.csv(d.agreement_id),
            "text/csv",
            "CSV",
            ("Hela förteckningen som CSV", "The whole list as CSV"),
            true,
        ),
        (
            "embed",
            urls.embed(d.agreement_id),
            "text/html",
            "HTML",
            (
                "Förteckningen som webbsida att bädda in",
                "The list as a web page to embed",
            ),
            false,
        ),
    ];
    for (key, url, media, format, (sv, en), download) in distributions {
        let dist = urls.node(&format!("distribution-{}-{key}", d.agreement_id));
        g.typed(&dist, dcat("Distribution"));
        g.add(&dist, dct("title"), text(sv, "sv"));
        g.add(&dist, dct("title"), text(en, "en"));
        g.add(&dist, dct("description"), text(sv, "sv"));
        g.add(&dist, dct("description"), text(en, "en"));
        g.add(&dist, dcat("accessURL"), iri(url.clone()));
        if download {
            g.add(&dist, dcat("downloadURL"), iri(url));
        }
        g.add(
            &dist,
            dcat("mediaType"),
            iri(format!(
                "http://www.iana.org/assignments/media-types/{media}"
            )),
        );
        g.add(&dist, dct("format"), iri(format!("{EU}file-type/{format}")));
        g.add(&dist, dct("license"), iri(d.licence.uri()));
        g.add(
            &dist,
            term(DCATAP, "availability"),
            iri(format!("{DCATAP}availability/stable")),
        );
        g.add(&node, dcat("distribution"), dist);
    }
    node
}

fn io_error(e: impl std::fmt::Display) -> std::io::Error {
    std::io::Error::other(e.to_string())
}

/// The catalogue in `format`: the triples grouped by subject (the catalogue first, then its
/// nodes in IRI order), each subject's in the order they were built.
pub fn catalog(info: &CatalogInfo, format: RdfFormat) -> std::io::Result<Vec<u8>> {
    let mut triples = catalog_triples(info);
    triples.sort_by_cached_key(|t| t.subject.to_string());
    match format {
        RdfFormat::Turtle => {
            let mut s = oxttl::TurtleSerializer::new();
            for (p, ns) in PREFIXES {
                s = s.with_prefix(p, ns).map_err(io_error)?;
            }
            let mut w = s.for_writer(Vec::new());
            for t in &triples {
                w.serialize_triple(t)?;
            }
            w.finish()
        }
        RdfFormat::JsonLd => {
            let mut s = oxjsonld::JsonLdSerializer::new();
            for (p, ns) in PREFIXES {
                s = s.with_prefix(p, ns).map_err(io_error)?;
            }
            let mut w = s.for_writer(Vec::new());
            for t in &triples {
                w.serialize_quad(t.as_ref().in_graph(oxrdf::GraphNameRef::DefaultGraph))?;
            }
            w.finish()
        }
        RdfFormat::RdfXml => {
            let mut s = oxrdfxml::RdfXmlSerializer::new();
            for (p, ns) in PREFIXES {
                s = s.with_prefix(p, ns).map_err(io_error)?;
            }
            let mut w = s.for_writer(Vec::new());
            for t in &triples {
                w.serialize_triple(t)?;
            }
            w.finish()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body() -> PublisherInfo {
        PublisherInfo {
            id: Uuid::nil(),
            name: "Ängby kommun".into(),
            kind: PublicBodyKind::Municipality,
            scb_code: Some("1299".into()),
            org_number: None,
            website: Some("https://angby.example".into()),
        }
    }

    fn info(contact: Option<&str>) -> CatalogInfo {
        CatalogInfo {
            base: "https://samverkan.example".into(),
            publisher: None,
            datasets: vec![DatasetInfo {
                agreement_id: Uuid::nil(),
                agreement_title: "Överenskommelse om samverkan i Ängby".into(),
                publisher: body(),
                places: vec![Place {
                    scb_code: "1299".into(),
                    name: "Ängby".into(),
                }],
                licence: OpenDataLicence::CcBy40,
                contact_email: contact.map(str::to_owned),
                issued: NaiveDate::from_ymd_opt(2019, 10, 1),
                ended: None,
            }],
        }
    }

    #[test]
    fn negotiation() {
        use RdfFormat::*;
        assert_eq!(RdfFormat::negotiate(None), Some(Turtle));
        assert_eq!(RdfFormat::negotiate(Some("*/*")), Some(Turtle));
        assert_eq!(
            RdfFormat::negotiate(Some("application/ld+json")),
            Some(JsonLd)
        );
        assert_eq!(
            RdfFormat::negotiate(Some("text/turtle;q=0.5, application/rdf+xml")),
            Some(RdfXml)
        );
        assert_eq!(RdfFormat::negotiate(Some("text/csv")), None);
        assert_eq!(RdfFormat::negotiate(Some("text/turtle;q=0")), None);
    }

    #[test]
    fn the_catalogue_names_the_lists_publisher_licence_and_contact() {
        let ttl = String::from_utf8(
            catalog(
                &info(Some("overenskommelse@angby.example")),
                RdfFormat::Turtle,
            )
            .expect("turtle"),
        )
        .expect("utf-8");
        for expected in [
            "dcat:Catalog",
            "\"Anslutna organisationer: Överenskommelse om samverkan i Ängby\"@sv",
            "<http://creativecommons.org/licenses/by/4.0/>",
            "<mailto:overenskommelse@angby.example>",
            "<http://publications.europa.eu/resource/authority/data-theme/GOVE>",
            "<https://samverkan.example/api/v1/catalog#publisher-scb-1299>",
            "<https://samverkan.example/api/v1/agreements/00000000-0000-0000-0000-000000000000/signatories.csv>",
        ] {
            assert!(ttl.contains(expected), "{expected} missing from\n{ttl}");
        }
        // No mailbox set: no contact point at all, never a guessed one.
        let ttl = String::from_utf8(catalog(&info(None), RdfFormat::Turtle).expect("turtle"))
            .expect("utf-8");
        assert!(!ttl.contains("contactPoint"));
        assert!(!ttl.contains("mailto:"));
    }

    #[test]
    fn an_organisation_number_gives_the_portals_publisher_uri() {
        let p = PublisherInfo {
            org_number: Some("212000-1231".into()),
            ..body()
        };
        assert_eq!(
            Urls::new("https://s.example").publisher(&p).as_str(),
            "http://dataportal.se/organisation/SE2120001231"
        );
    }

    #[test]
    fn equal_data_serialises_to_equal_bytes() {
        let i = info(Some("a@b.example"));
        for f in [RdfFormat::Turtle, RdfFormat::JsonLd, RdfFormat::RdfXml] {
            assert_eq!(catalog(&i, f).expect("one"), catalog(&i, f).expect("two"));
        }
    }
}
