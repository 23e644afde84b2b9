//! Open data for dataportal.se (issue 14): the DCAT-AP-SE catalogue, negotiated by `Accept`
//! and parsed back with the Oxigraph parsers (the CI's .ci/opendata parses it again with
//! Python's rdflib), and the bulk download, unzipped.

use std::collections::BTreeSet;
use std::io::{Cursor, Read};

use samverkan_e2e::*;
use serde_json::json;
use uuid::Uuid;

const DCAT: &str = "http://www.w3.org/ns/dcat#";
const DCT: &str = "http://purl.org/dc/terms/";
const VCARD: &str = "http://www.w3.org/2006/vcard/ns#";
const RDF_TYPE: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type";

/// Triples as (subject, predicate, object) in N-Triples term syntax.
type Graph = BTreeSet<(String, String, String)>;

fn turtle(text: &str) -> Graph {
    oxttl::TurtleParser::new()
        .for_slice(text.as_bytes())
        .map(|t| {
            let t = t.expect("valid Turtle");
            (
                t.subject.to_string(),
                t.predicate.to_string(),
                t.object.to_string(),
            )
        })
        .collect()
}

fn json_ld(text: &str) -> Graph {
    oxjsonld::JsonLdParser::new()
        .for_slice(text.as_bytes())
        .map(|q| {
            let q = q.expect("valid JSON-LD");
            (
                q.subject.to_string(),
                q.predicate.to_string(),
                q.object.to_string(),
            )
        })
        .collect()
}

fn iri(s: &str) -> String {
    format!("<{s}>")
}

fn objects(g: &Graph, subject: &str, predicate: &str) -> Vec<String> {
    g.iter()
        .filter(|(s, p, _)| s == subject && *p == iri(predicate))
        .map(|(_, _, o)| o.clone())
        .collect()
}

fn subjects_of_type(g: &Graph, class: &str) -> Vec<String> {
    g.iter()
        .filter(|(_, p, o)| *p == iri(RDF_TYPE) && *o == iri(class))
        .map(|(s, _, _)| s.clone())
        .collect()
}

fn get_accept(app: &TestApp, path: &str, accept: &str) -> Resp {
    app.send("GET", path, &[("accept", accept)], None)
}

/// An adopted agreement of Eslöv with its open-data settings, and a draft of Lund's that no
/// catalogue may show.
fn agreements(app: &TestApp) -> (Uuid, Uuid, Uuid) {
    let eslov = app.public_body("municipality", "1285");
    let admin = app.agreement_admin(eslov);
    let listed = app.adopted_agreement(
        &admin,
        eslov,
        "1285",
        json!({"open_data_licence": "cc_by_4_0", "open_data_contact_email": " overenskommelse@eslov.example "}),
    );
    let lund = app.public_body("municipality", "1281");
    let draft = app.create_agreement(&app.agreement_admin(lund), lund, "1281", json!({}));
    (eslov, listed, draft)
}

fn approve(app: &TestApp, agreement: Uuid, name: &str) {
    let admin = {
        let r = app.get(&format!("/api/v1/agreements/{agreement}"));
        let owner: Uuid = r.json["owner_public_body_id"]
            .as_str()
            .expect("owner")
            .parse()
            .expect("uuid");
        app.agreement_admin(owner)
    };
    let org = app.create_organization(name, None);
    let id = app
        .post(
            &format!("/api/v1/agreements/{agreement}/accessions"),
            Some(&app.organization_rep(org)),
            &json!({
                "signatory": {"kind": "organization", "id": org}, "channel": "form", "board_decision": null,
                "affirmed_statements": [], "contact_person": {"name": "Kim Ek", "email": "kim@exempel.example", "phone": null}
            }),
        )
        .id();
    let r = app.post(
        &format!("/api/v1/accessions/{id}/approval"),
        Some(&admin),
        &json!({"approved_on": "2024-01-01", "decision_id": null}),
    );
    assert_eq!(r.status, 200, "{}", r.text);
}

e2e!(
    the_catalogue_describes_each_public_list_in_turtle_and_json_ld,
    |app| {
        let (eslov, listed, draft) = agreements(app);

        // No Accept: Turtle, the documented default.
        let r = app.get("/api/v1/catalog");
        assert_eq!(r.status, 200, "{}", r.text);
        assert!(
            r.header("content-type")
                .is_some_and(|c| c.starts_with("text/turtle")),
            "{:?}",
            r.header("content-type")
        );
        assert!(r.header("vary").is_some_and(|v| v.contains("Accept")));
        let g = turtle(&r.text);

        let catalogs = subjects_of_type(&g, &format!("{DCAT}Catalog"));
        assert_eq!(catalogs, [iri(&app.url("/api/v1/catalog"))]);
        let catalog = &catalogs[0];
        let datasets = subjects_of_type(&g, &format!("{DCAT}Dataset"));
        assert_eq!(datasets.len(), 1, "only the public agreement: {datasets:?}");
        let dataset = &datasets[0];
        assert!(dataset.contains(&listed.to_string()));
        assert!(
            !r.text.contains(&draft.to_string()),
            "the draft is not shown"
        );
        assert_eq!(
            objects(&g, catalog, &format!("{DCAT}dataset")),
            std::slice::from_ref(dataset)
        );

        // Title and description in Swedish and English.
        let titles = objects(&g, dataset, &format!("{DCT}title"));
        assert!(
            titles
                .iter()
                .any(|t| t.ends_with("@sv") && t.contains("Anslutna organisationer"))
        );
        assert!(titles.iter().any(|t| t.ends_with("@en")));
        let descriptions = objects(&g, dataset, &format!("{DCT}description"));
        assert!(descriptions.iter().any(|t| t.ends_with("@sv")));
        assert!(descriptions.iter().any(|t| t.ends_with("@en")));

        // The publisher: Eslöv, by its SCB code (the register has no organisation number).
        let publisher = objects(&g, dataset, &format!("{DCT}publisher"));
        assert_eq!(
            publisher,
            [iri(&app.url("/api/v1/catalog#publisher-scb-1285"))]
        );
        assert!(
            objects(&g, &publisher[0], "http://xmlns.com/foaf/0.1/name")
                .iter()
                .any(|n| n.contains("Eslöv"))
        );
        // The catalogue's publisher: the one body all its lists share.
        assert_eq!(objects(&g, catalog, &format!("{DCT}publisher")), publisher);

        // The contact point: the functional mailbox of the settings, trimmed.
        let contact = objects(&g, dataset, &format!("{DCAT}contactPoint"));
        assert_eq!(contact.len(), 1);
        assert_eq!(
            objects(&g, &contact[0], &format!("{VCARD}hasEmail")),
            [iri("mailto:overenskommelse@eslov.example")]
        );
        assert_eq!(
            objects(&g, &contact[0], RDF_TYPE),
            [iri(&format!("{VCARD}Organization"))]
        );

        // Theme, update frequency, spatial coverage.
        assert_eq!(
            objects(&g, dataset, &format!("{DCAT}theme")),
            [iri(
                "http://publications.europa.eu/resource/authority/data-theme/GOVE"
            )]
        );
        assert_eq!(
            objects(&g, dataset, &format!("{DCT}accrualPeriodicity")).len(),
            1
        );
        let spatial = objects(&g, dataset, &format!("{DCT}spatial"));
        assert_eq!(spatial, [iri(&app.url("/api/v1/catalog#place-scb-1285"))]);

        // Three distributions, each with its media type, access URL and the chosen licence.
        let distributions = objects(&g, dataset, &format!("{DCAT}distribution"));
        assert_eq!(distributions.len(), 3);
        let mut media = BTreeSet::new();
        for d in &distributions {
            let access = objects(&g, d, &format!("{DCAT}accessURL"));
            assert_eq!(access.len(), 1, "{d}");
            let m = objects(&g, d, &format!("{DCAT}mediaType"));
            assert_eq!(m.len(), 1, "{d}");
            media.insert(m[0].clone());
            assert_eq!(
                objects(&g, d, &format!("{DCT}license")),
                [iri("http://creativecommons.org/licenses/by/4.0/")]
            );
            // The access URL answers.
            let url = access[0].trim_matches(['<', '>']);
            let path = url.strip_prefix(&app.url("")).expect("on this server");
            assert_eq!(app.get(path).status, 200, "{url}");
        }
        assert_eq!(
            media,
            BTreeSet::from([
                iri("http://www.iana.org/assignments/media-types/application/json"),
                iri("http://www.iana.org/assignments/media-types/text/csv"),
                iri("http://www.iana.org/assignments/media-types/text/html"),
            ])
        );

        // JSON-LD: the same graph (no blank nodes, so equal sets of triples).
        let r = get_accept(app, "/api/v1/catalog", "application/ld+json");
        assert_eq!(r.status, 200, "{}", r.text);
        assert_eq!(r.header("content-type"), Some("application/ld+json"));
        assert_eq!(json_ld(&r.text), g);

        // RDF/XML, the portal's harvesting syntax; q-values choose.
        let r = get_accept(
            app,
            "/api/v1/catalog",
            "text/turtle;q=0.5, application/rdf+xml",
        );
        assert_eq!(r.status, 200);
        assert_eq!(r.header("content-type"), Some("application/rdf+xml"));
        assert!(r.text.contains("dcat:Dataset") || r.text.contains(DCAT));

        // Anything else: 406 as problem+json.
        let r = get_accept(app, "/api/v1/catalog", "text/csv");
        r.assert_problem(406);

        // Cacheable: the ETag answers 304.
        let r = app.get("/api/v1/catalog");
        let etag = r.header("etag").expect("etag").to_owned();
        let r = app.send(
            "GET",
            "/api/v1/catalog",
            &[("if-none-match", etag.as_str())],
            None,
        );
        assert_eq!(r.status, 304);

        // One public body's catalogue, the address it registers with dataportal.se.
        let r = app.get(&format!("/api/v1/catalog?public_body={eslov}"));
        assert_eq!(r.status, 200);
        assert_eq!(
            subjects_of_type(&turtle(&r.text), &format!("{DCAT}Dataset")).len(),
            1
        );
        let lund = app.public_body("municipality", "1281");
        let r = app.get(&format!("/api/v1/catalog?public_body={lund}"));
        assert_eq!(r.status, 200);
        let g = turtle(&r.text);
        assert!(subjects_of_type(&g, &format!("{DCAT}Dataset")).is_empty());
        assert_eq!(
            objects(
                &g,
                &iri(&app.url("/api/v1/catalog")),
                &format!("{DCT}publisher")
            ),
            [iri(&app.url("/api/v1/catalog#publisher-scb-1281"))]
        );
        app.get(&format!("/api/v1/catalog?public_body={}", Uuid::now_v7()))
            .assert_problem(404);
    }
);

e2e!(
    the_open_data_settings_are_checked_and_change_the_catalogue,
    |app| {
        let eslov = app.public_body("municipality", "1285");
        let admin = app.agreement_admin(eslov);
        let id = app.adopted_agreement(&admin, eslov, "1285", json!({}));
        let r = app.get(&format!("/api/v1/agreements/{id}"));
        assert_eq!(r.json["settings"]["open_data_licence"], "cc0");
        assert_eq!(r.json["settings"]["open_data_contact_email"], json!(null));
        let etag = r.header("etag").expect("etag").to_owned();

        // By default: CC0 and no contact point (never a guessed mailbox).
        let ttl = app.get("/api/v1/catalog").text;
        assert!(ttl.contains("<http://creativecommons.org/publicdomain/zero/1.0/>"));
        assert!(!ttl.contains("contactPoint"), "{ttl}");

        let r = app.patch(
            &format!("/api/v1/agreements/{id}"),
            &admin,
            Some(&etag),
            &json!({"settings": {"open_data_contact_email": "Kim Ek på kommunen"}}),
        );
        r.assert_problem(422);
        assert_eq!(r.error_fields(), ["settings.open_data_contact_email"]);
        let r = app.patch(
            &format!("/api/v1/agreements/{id}"),
            &admin,
            Some(&etag),
            &json!({"settings": {"open_data_licence": "cc_by_5_0"}}),
        );
        r.assert_problem(422);
        assert_eq!(r.error_fields(), ["settings.open_data_licence"]);

        let r = app.patch(
            &format!("/api/v1/agreements/{id}"),
            &admin,
            Some(&etag),
            &json!({"settings": {"open_data_licence": "cc_by_4_0", "open_data_contact_email": "samverkan@eslov.example"}}),
        );
        assert_eq!(r.status, 200, "{}", r.text);
        assert_eq!(r.json["settings"]["open_data_licence"], "cc_by_4_0");
        let ttl = app.get("/api/v1/catalog").text;
        assert!(ttl.contains("<http://creativecommons.org/licenses/by/4.0/>"));
        assert!(ttl.contains("<mailto:samverkan@eslov.example>"), "{ttl}");
    }
);

/// The archive as bytes, with its ETag, status and content type.
fn download(app: &TestApp, if_none_match: Option<&str>) -> (u16, Option<String>, Vec<u8>) {
    let agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .new_agent();
    let mut req = agent.get(app.url("/api/v1/open-data.zip"));
    if let Some(tag) = if_none_match {
        req = req.header("if-none-match", tag);
    }
    let mut res = req.call().expect("request");
    let status = res.status().as_u16();
    let etag = res
        .headers()
        .get("etag")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    if status == 200 {
        assert_eq!(
            res.headers()
                .get("content-type")
                .and_then(|v| v.to_str().ok()),
            Some("application/zip")
        );
    }
    let bytes = res
        .body_mut()
        .with_config()
        .limit(64 * 1024 * 1024)
        .read_to_vec()
        .expect("body");
    (status, etag, bytes)
}

fn entry(archive: &mut zip::ZipArchive<Cursor<Vec<u8>>>, name: &str) -> String {
    let mut text = String::new();
    archive
        .by_name(name)
        .unwrap_or_else(|_| panic!("{name} in the archive"))
        .read_to_string(&mut text)
        .expect("utf-8");
    text
}

e2e!(
    the_bulk_download_holds_every_public_list_and_text_and_changes_with_them,
    |app| {
        let (_, listed, draft) = agreements(app);
        approve(app, listed, "Föreningen Ängsblomman");

        let (status, etag, bytes) = download(app, None);
        assert_eq!(status, 200);
        let etag = etag.expect("etag");
        let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).expect("a ZIP archive");
        let mut names: Vec<String> = archive.file_names().map(str::to_owned).collect();
        names.sort();
        assert_eq!(
            names,
            [
                format!("{listed}/agreement.json"),
                format!("{listed}/signatories.csv"),
                "README.txt".to_owned(),
                "agreements.json".to_owned(),
            ],
            "the draft {draft} is not in it"
        );
        for i in 0..archive.len() {
            assert_eq!(
                archive.by_index(i).expect("entry").compression(),
                zip::CompressionMethod::Deflated
            );
        }
        let readme = entry(&mut archive, "README.txt");
        assert!(readme.contains("Öppna data") && readme.contains("Open data"));
        assert!(readme.contains(&app.url("/api/v1/open-data.zip")));

        // The same CSV as the export.
        let csv = entry(&mut archive, &format!("{listed}/signatories.csv"));
        assert_eq!(
            csv,
            app.get(&format!("/api/v1/agreements/{listed}/signatories.csv"))
                .text
        );
        assert!(csv.contains("Föreningen Ängsblomman"));
        assert!(!csv.contains("kim@exempel.example"), "no personal data");

        let texts: serde_json::Value =
            serde_json::from_str(&entry(&mut archive, &format!("{listed}/agreement.json")))
                .expect("JSON");
        assert_eq!(texts["id"], listed.to_string());
        assert_eq!(texts["licence"], "cc_by_4_0");
        assert_eq!(
            texts["versions"][0]["content"]["title"],
            "Överenskommelse om samverkan"
        );
        assert_eq!(
            texts["versions"][0]["adoption"]["diary_number"],
            "KS 2020/1"
        );
        let index: serde_json::Value =
            serde_json::from_str(&entry(&mut archive, "agreements.json")).expect("JSON");
        assert_eq!(index["agreements"][0]["id"], listed.to_string());
        assert_eq!(index["agreements"][0]["signatories"], 1);

        // Unchanged: 304 on the ETag, and the same bytes again.
        let (status, _, body) = download(app, Some(&etag));
        assert_eq!(status, 304);
        assert!(body.is_empty());

        // A new accession: a new archive with a new ETag.
        approve(app, listed, "Idrottsföreningen Örnen");
        let (status, new_etag, bytes) = download(app, Some(&etag));
        assert_eq!(status, 200);
        assert_ne!(new_etag.as_deref(), Some(etag.as_str()));
        let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).expect("a ZIP archive");
        let csv = entry(&mut archive, &format!("{listed}/signatories.csv"));
        assert!(csv.contains("Idrottsföreningen Örnen"), "{csv}");
    }
);
