//! The signatory list for people (issue 16): CSV with Swedish headers, the list as an Excel
//! workbook read back by an independent reader (calamine), and download names after the
//! agreement and the date.

use calamine::{Data, Reader, Xlsx};
use samverkan_e2e::*;
use serde_json::json;
use uuid::Uuid;

const STATEMENT: &str = "Vi står för demokratiska värderingar och alla människors lika värde.";
const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// An adopted agreement of Södertälje (kommunkod 0181) with one signatory active there.
fn agreement_with_a_signatory(app: &TestApp) -> Uuid {
    app.set_today("2026-11-30");
    let body = app.public_body("municipality", "0181");
    let admin = app.agreement_admin(body);
    let agreement = app.adopted_agreement(
        &admin,
        body,
        "0181",
        json!({"approval_mode": "registration", "eligibility_statements": [STATEMENT]}),
    );
    let org = app.post(
        "/api/v1/organizations",
        Some(&app.platform_admin()),
        &json!({"name": "Föreningen Älvängen", "org_number": "802002-4280", "legal_form": "non_profit_association", "municipality_codes": ["0181"]}),
    );
    assert_eq!(org.status, 201, "{}", org.text);
    let org = org.id();
    let submitted = app.post(
        &format!("/api/v1/agreements/{agreement}/accessions"),
        Some(&app.organization_rep(org)),
        &json!({
            "signatory": {"kind": "organization", "id": org},
            "channel": "board_minutes",
            "board_decision": {"decided_on": "2024-02-01", "minutes_reference": "§ 7", "received_on": "2024-02-10", "diary_number": null},
            "affirmed_statements": [STATEMENT],
            "contact_person": {"name": "Kim Kontaktsson", "email": "kim@forening.example", "phone": "+46 70 000 00 00"}
        }),
    );
    assert_eq!(submitted.status, 201, "{}", submitted.text);
    let approved = app.post(
        &format!("/api/v1/accessions/{}/approval", submitted.id()),
        Some(&admin),
        &json!({"approved_on": "2024-03-01", "decision_id": null}),
    );
    assert_eq!(approved.status, 200, "{}", approved.text);
    agreement
}

/// The raw bytes and headers of a GET (the workbook is not text).
fn get_bytes(
    app: &TestApp,
    path: &str,
    accept: Option<&str>,
) -> (u16, Vec<(String, String)>, Vec<u8>) {
    let mut request = ureq::get(app.url(path));
    if let Some(a) = accept {
        request = request.header("accept", a);
    }
    let mut response = request.call().expect("GET");
    let status = response.status().as_u16();
    let headers = response
        .headers()
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_str().unwrap_or_default().to_owned()))
        .collect();
    let body = response
        .body_mut()
        .with_config()
        .limit(16 * 1024 * 1024)
        .read_to_vec()
        .expect("body");
    (status, headers, body)
}

fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

fn sheet(bytes: Vec<u8>) -> Vec<Vec<Data>> {
    let mut workbook = Xlsx::new(std::io::Cursor::new(bytes)).expect("an XLSX workbook");
    let name = workbook.sheet_names()[0].clone();
    let range = workbook.worksheet_range(&name).expect("the first sheet");
    range.rows().map(<[Data]>::to_vec).collect()
}

e2e!(the_workbook_keeps_the_kommunkod_as_text, |app| {
    let agreement = agreement_with_a_signatory(app);
    let path = format!("/api/v1/agreements/{agreement}/signatories.xlsx");
    let (status, headers, bytes) = get_bytes(app, &path, None);
    assert_eq!(status, 200);
    assert_eq!(header(&headers, "content-type"), Some(XLSX));
    assert_eq!(
        header(&headers, "content-disposition"),
        Some(
            "attachment; filename=\"signatories-2026-11-30.xlsx\"; filename*=UTF-8''%C3%96verenskommelse%20om%20samverkan%202026-11-30.xlsx"
        )
    );
    let rows = sheet(bytes.clone());
    assert_eq!(
        rows[0],
        [
            "name",
            "org_number",
            "legal_form",
            "municipality_codes",
            "website",
            "signatory_since",
            "signatory_until"
        ]
        .map(|h| Data::String(h.into()))
    );
    assert_eq!(rows[1][0], Data::String("Föreningen Älvängen".into()));
    assert_eq!(rows[1][1], Data::String("802002-4280".into()));
    assert_eq!(
        rows[1][3],
        Data::String("0181".into()),
        "the leading zero is kept: a text cell, not the number 181"
    );
    assert_eq!(rows[1][5], Data::String("2024-03-01".into()));

    // Swedish headers and legal forms, for people.
    let (_, _, swedish) = get_bytes(app, &format!("{path}?labels=sv"), None);
    let rows = sheet(swedish);
    assert_eq!(rows[0][0], Data::String("Namn".into()));
    assert_eq!(rows[0][3], Data::String("Kommunkoder".into()));
    assert_eq!(rows[1][2], Data::String("Ideell förening".into()));

    // Negotiated on the list, the same workbook; a second read is the same bytes.
    let list = format!("/api/v1/agreements/{agreement}/signatories");
    let (status, headers, negotiated) = get_bytes(app, &list, Some(XLSX));
    assert_eq!(status, 200);
    assert_eq!(header(&headers, "content-type"), Some(XLSX));
    assert_eq!(negotiated, bytes);
    let json = app.get(&list);
    assert_eq!(json.header("content-type"), Some("application/json"));

    let etag = header(&headers, "etag").expect("an ETag").to_owned();
    let again = app.send("GET", &path, &[("if-none-match", &etag)], None);
    assert_eq!(again.status, 304);

    app.get(&format!("{path}?headers=de")).assert_problem(400);
});

e2e!(csv_for_people_has_swedish_headers_and_a_named_file, |app| {
    let agreement = agreement_with_a_signatory(app);
    let path = format!("/api/v1/agreements/{agreement}/signatories.csv");
    let api = app.get(&path);
    assert_eq!(api.status, 200, "{}", api.text);
    assert!(api.text.starts_with("name,org_number,legal_form,"));
    assert!(api.text.contains(",non_profit_association,"));
    assert_eq!(
        api.header("content-disposition"),
        Some(
            "inline; filename=\"signatories-2026-11-30.csv\"; filename*=UTF-8''%C3%96verenskommelse%20om%20samverkan%202026-11-30.csv"
        )
    );
    let sv = app.get(&format!("{path}?headers=sv&delimiter=semicolon"));
    assert_eq!(sv.status, 200, "{}", sv.text);
    let mut lines = sv.text.trim_start_matches('\u{feff}').lines();
    assert_eq!(
        lines.next(),
        Some(
            "Namn;Organisationsnummer;Organisationsform;Kommunkoder;Webbplats;Ansluten sedan;Utträde"
        )
    );
    assert!(
        lines
            .next()
            .is_some_and(|l| l.contains(";Ideell förening;0181;"))
    );
    // The cache keeps the two apart.
    assert_eq!(app.get(&path).text, api.text);
    app.get(&format!("{path}?headers=xx")).assert_problem(400);
    // `labels` is the declared name; `headers`, the first one, is the same.
    let labelled = app.get(&format!("{path}?labels=sv&delimiter=semicolon"));
    assert_eq!(labelled.text, sv.text);
    let bad = app.get(&format!("{path}?labels=xx"));
    assert_eq!(bad.assert_problem(400).error_fields(), ["labels"]);
});

/// A GET with `Accept-Encoding`, its status, headers and raw (still encoded) body.
fn get_encoded(
    app: &TestApp,
    path: &str,
    headers: &[(&str, &str)],
) -> (u16, Vec<(String, String)>, Vec<u8>) {
    let mut request = ureq::get(app.url(path));
    for (k, v) in headers {
        request = request.header(*k, *v);
    }
    let mut response = request.call().expect("GET");
    let status = response.status().as_u16();
    let headers = response
        .headers()
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_str().unwrap_or_default().to_owned()))
        .collect();
    let body = response.body_mut().read_to_vec().unwrap_or_default();
    (status, headers, body)
}

fn vary_names(headers: &[(String, String)]) -> Vec<String> {
    headers
        .iter()
        .filter(|(k, _)| k.eq_ignore_ascii_case("vary"))
        .flat_map(|(_, v)| v.split(',').map(|p| p.trim().to_ascii_lowercase()))
        .collect()
}

e2e!(public_reads_are_compressed_per_accept_encoding, |app| {
    use std::io::Read;
    let agreement = agreement_with_a_signatory(app);
    for path in [
        format!("/api/v1/agreements/{agreement}/signatories.csv"),
        format!("/api/v1/agreements/{agreement}/signatories"),
        format!("/api/v1/agreements/{agreement}"),
        format!("/embed/agreements/{agreement}/signatories"),
    ] {
        let (status, plain_headers, plain) = get_encoded(app, &path, &[]);
        assert_eq!(status, 200, "{path}");
        assert_eq!(header(&plain_headers, "content-encoding"), None);
        assert!(vary_names(&plain_headers).contains(&"accept-encoding".to_owned()));
        let plain_tag = header(&plain_headers, "etag").expect("ETag").to_owned();

        let (status, h, gz) = get_encoded(app, &path, &[("accept-encoding", "gzip")]);
        assert_eq!(status, 200);
        assert_eq!(header(&h, "content-encoding"), Some("gzip"), "{path}");
        let mut decoded = Vec::new();
        flate2::read::GzDecoder::new(&gz[..])
            .read_to_end(&mut decoded)
            .expect("gzip");
        assert_eq!(decoded, plain, "{path}");
        let gzip_tag = header(&h, "etag").expect("ETag").to_owned();
        assert_eq!(
            gzip_tag,
            format!("{}-gzip\"", plain_tag.trim_end_matches('"'))
        );
        assert!(vary_names(&h).contains(&"accept-encoding".to_owned()));

        let (status, h, br) = get_encoded(app, &path, &[("accept-encoding", "gzip, br")]);
        assert_eq!(status, 200);
        assert_eq!(header(&h, "content-encoding"), Some("br"), "{path}");
        let mut decoded = Vec::new();
        brotli_decompressor::Decompressor::new(&br[..], 4096)
            .read_to_end(&mut decoded)
            .expect("brotli");
        assert_eq!(decoded, plain, "{path}");
        let br_tag = header(&h, "etag").expect("ETag").to_owned();
        assert_ne!(br_tag, gzip_tag);

        // Conditional requests still answer 304, with the tag the client holds.
        for (coding, tag) in [
            ("gzip", &gzip_tag),
            ("br", &br_tag),
            ("identity", &plain_tag),
        ] {
            let (status, h, body) = get_encoded(
                app,
                &path,
                &[("accept-encoding", coding), ("if-none-match", tag)],
            );
            assert_eq!(status, 304, "{path} {coding}");
            assert!(body.is_empty());
            assert_eq!(header(&h, "etag"), Some(tag.as_str()), "{path} {coding}");
        }
    }
    // HEAD says what GET would send, coding and tag included.
    let path = format!("/api/v1/agreements/{agreement}/signatories.csv");
    let (_, get_headers, _) = get_encoded(app, &path, &[("accept-encoding", "gzip")]);
    let head = app.send("HEAD", &path, &[("accept-encoding", "gzip")], None);
    assert_eq!(head.status, 200);
    assert!(head.text.is_empty());
    assert_eq!(head.header("content-encoding"), Some("gzip"));
    assert_eq!(head.header("etag"), header(&get_headers, "etag"));
    // The embed page in Finnish, compressed like every other read.
    let (status, h, fi) = get_encoded(
        app,
        &format!("/embed/agreements/{agreement}/signatories?lang=fi"),
        &[("accept-encoding", "gzip")],
    );
    assert_eq!(
        (status, header(&h, "content-encoding")),
        (200, Some("gzip"))
    );
    let mut page = String::new();
    flate2::read::GzDecoder::new(&fi[..])
        .read_to_string(&mut page)
        .expect("gzip");
    assert!(page.contains("<html lang=\"fi\">"), "{page}");
    assert!(page.contains("Aatteellinen yhdistys"), "{page}");
    // A workbook is a ZIP already: sent as it is.
    let (status, h, _) = get_encoded(
        app,
        &format!("/api/v1/agreements/{agreement}/signatories.xlsx"),
        &[("accept-encoding", "gzip")],
    );
    assert_eq!((status, header(&h, "content-encoding")), (200, None));
    // A read with a token and a write are never compressed.
    let token = app.platform_admin();
    let (_, h, _) = get_encoded(
        app,
        &format!("/api/v1/agreements/{agreement}"),
        &[
            ("accept-encoding", "gzip"),
            ("authorization", &format!("Bearer {token}")),
        ],
    );
    assert_eq!(header(&h, "content-encoding"), None);
    // A coding the server does not offer is identity, not a 406.
    let (status, h, _) = get_encoded(
        app,
        &format!("/api/v1/agreements/{agreement}"),
        &[("accept-encoding", "zstd")],
    );
    assert_eq!((status, header(&h, "content-encoding")), (200, None));
});
