//! The foundation through HTTP: errors, auth, the register of parties, pagination, caching.

use samverkan_domain::access::Role;
use samverkan_e2e::*;
use serde_json::json;

e2e!(health_and_readiness, |app| {
    assert_eq!(app.get("/health").json["status"], "ok");
    assert_eq!(app.get("/ready").json["status"], "ok");
});

e2e!(
    reference_data_has_290_municipalities_and_21_regions,
    |app| {
        for (kind, expected) in [("municipality", 290), ("region", 21)] {
            let mut seen = Vec::new();
            let mut path = format!("/api/v1/public-bodies?kind={kind}&limit=200");
            loop {
                let r = app.get(&path);
                assert_eq!(r.status, 200, "{}", r.text);
                for item in r.json["items"].as_array().unwrap() {
                    seen.push(item["scb_code"].as_str().unwrap().to_owned());
                }
                match r.json["next_cursor"].as_str() {
                    Some(c) => {
                        assert!(r.header("link").unwrap().contains("rel=\"next\""));
                        path = format!("/api/v1/public-bodies?kind={kind}&limit=200&cursor={c}");
                    }
                    None => break,
                }
            }
            let mut unique = seen.clone();
            unique.sort();
            unique.dedup();
            assert_eq!((seen.len(), unique.len()), (expected, expected), "{kind}");
        }
    }
);

e2e!(organization_lifecycle_with_etags, |app| {
    let admin = app.platform_admin();
    let r = app.post(
        "/api/v1/organizations",
        Some(&admin),
        &json!({"name": "Föreningen Ängsblomman", "org_number": "8020024280", "legal_form": "non_profit_association", "municipality_codes": ["1285", "1281"]}),
    );
    assert_eq!(r.status, 201, "{}", r.text);
    let id = r.id();
    assert_eq!(
        r.header("location"),
        Some(format!("/api/v1/organizations/{id}").as_str())
    );
    assert_eq!(r.json["org_number"], "802002-4280", "normalised");
    assert_eq!(r.json["municipality_codes"], json!(["1281", "1285"]));
    let etag = r.header("etag").unwrap().to_owned();

    app.hold_at_noon();
    let got = app.get(&format!("/api/v1/organizations/{id}"));
    assert_eq!(got.status, 200);
    assert_eq!(got.json["name"], "Föreningen Ängsblomman");
    assert_eq!(got.header("etag"), Some(etag.as_str()));
    assert_eq!(got.header("access-control-allow-origin"), Some("*"));
    assert_eq!(got.header("cache-control"), Some("public, max-age=60"));
    let not_modified = app.send(
        "GET",
        &format!("/api/v1/organizations/{id}"),
        &[("if-none-match", &etag)],
        None,
    );
    assert_eq!(not_modified.status, 304);

    let path = format!("/api/v1/organizations/{id}");
    app.patch(
        &path,
        &admin,
        None,
        &json!({"website": "https://angsblomman.example"}),
    )
    .assert_problem(428);
    let changed = app.patch(
        &path,
        &admin,
        Some(&etag),
        &json!({"website": "https://angsblomman.example", "description": null}),
    );
    assert_eq!(changed.status, 200, "{}", changed.text);
    assert_eq!(changed.json["website"], "https://angsblomman.example");
    assert_eq!(
        changed.json["org_number"], "802002-4280",
        "absent fields stay"
    );
    assert_ne!(changed.header("etag"), Some(etag.as_str()));
    app.patch(
        &path,
        &admin,
        Some(&etag),
        &json!({"name": "Sent för sent"}),
    )
    .assert_problem(412);
    assert_eq!(
        app.get(&path).json["name"],
        "Föreningen Ängsblomman",
        "a stale write changes nothing"
    );
    assert!(
        changed.header("access-control-allow-origin").is_none(),
        "no CORS on writes"
    );
});

e2e!(organization_validation_and_rules, |app| {
    let admin = app.platform_admin();
    let r = app.post(
        "/api/v1/organizations",
        Some(&admin),
        &json!({"name": " ", "org_number": "811218-9876", "legal_form": "foundation", "municipality_codes": ["9999"], "website": "ftp://x"}),
    );
    r.assert_problem(422);
    assert_eq!(
        r.error_fields(),
        ["name", "org_number", "municipality_codes[0]", "website"]
    );
    assert!(
        r.json["errors"][1]["message"]
            .as_str()
            .unwrap()
            .contains("personal identity number")
    );

    app.create_organization("Åby IF", Some("802100-1238"));
    let dup = app.post(
        "/api/v1/organizations",
        Some(&admin),
        &json!({"name": "Annan förening", "org_number": "16802100-1238", "legal_form": "other"}),
    );
    dup.assert_problem(409);
    assert_eq!(dup.json["code"], "org_number_taken");
    app.post(
        "/api/v1/organizations",
        Some(&admin),
        &json!({"name": "Utan nummer", "legal_form": "other"}),
    );
    let second = app.post(
        "/api/v1/organizations",
        Some(&admin),
        &json!({"name": "Också utan", "legal_form": "other"}),
    );
    assert_eq!(
        second.status, 201,
        "many organisations without a number: {}",
        second.text
    );
});

e2e!(malformed_requests_get_problem_details, |app| {
    let admin = app.platform_admin();
    let auth = format!("Bearer {admin}");
    let h = [("authorization", auth.as_str())];
    let bad_json = app.send(
        "POST",
        "/api/v1/organizations",
        &h,
        Some(("application/json", b"{\"name\": ".to_vec())),
    );
    bad_json.assert_problem(400);
    let unknown = app.post(
        "/api/v1/organizations",
        Some(&admin),
        &json!({"name": "X", "legal_form": "other", "status": "approved"}),
    );
    unknown.assert_problem(400);
    assert_eq!(unknown.error_fields(), ["status"]);
    let wrong_type = app.post(
        "/api/v1/organizations",
        Some(&admin),
        &json!({"name": 5, "legal_form": "other"}),
    );
    wrong_type.assert_problem(422);
    assert_eq!(wrong_type.error_fields(), ["name"]);
    let missing = app.post("/api/v1/organizations", Some(&admin), &json!({"name": "X"}));
    assert_eq!(missing.assert_problem(422).error_fields(), ["legal_form"]);
    app.send(
        "POST",
        "/api/v1/organizations",
        &h,
        Some(("text/plain", b"name=x".to_vec())),
    )
    .assert_problem(415);
    let huge = format!(
        "{{\"name\": \"{}\", \"legal_form\": \"other\"}}",
        "å".repeat(40_000)
    );
    app.send(
        "POST",
        "/api/v1/organizations",
        &h,
        Some(("application/json", huge.into_bytes())),
    )
    .assert_problem(413);
    // Deep nesting is refused before any field is looked at: the body is read as JSON
    // first, with serde_json's recursion limit.
    let deep = format!(
        "{{\"name\": {}{}, \"legal_form\": \"other\"}}",
        "[".repeat(5000),
        "]".repeat(5000)
    );
    let r = app.send(
        "POST",
        "/api/v1/organizations",
        &h,
        Some(("application/json", deep.into_bytes())),
    );
    assert!(
        r.assert_problem(400).json["detail"]
            .as_str()
            .unwrap()
            .contains("recursion limit")
    );
    app.get("/api/v1/organizations/not-a-uuid")
        .assert_problem(400);
    app.get(&format!("/api/v1/organizations/{}", uuid::Uuid::now_v7()))
        .assert_problem(404);
    app.get("/api/v1/nowhere").assert_problem(404);
    let m = app.send("DELETE", "/api/v1/organizations", &h, None);
    m.assert_problem(405);
    assert_eq!(m.header("allow"), Some("GET, POST"));
    app.get("/api/v1/organizations?limit=201")
        .assert_problem(400);
    app.get("/api/v1/organizations?limit=0").assert_problem(400);
    app.get("/api/v1/organizations?cursor=garbage")
        .assert_problem(400);
    app.get("/api/v1/organizations?municipality=12")
        .assert_problem(400);
    let explained = app.get("/problems/validation");
    assert_eq!(explained.status, 200);
    assert!(explained.text.contains("errors"));
});

e2e!(authentication_and_authorisation, |app| {
    let body = json!({"name": "Ny förening", "legal_form": "other"});
    let none = app.post("/api/v1/organizations", None, &body);
    none.assert_problem(401);
    assert!(
        none.header("www-authenticate")
            .unwrap()
            .starts_with("Bearer")
    );
    app.post("/api/v1/organizations", Some("not.a.token"), &body)
        .assert_problem(401);
    let org = app.create_organization("Östra Föreningen", None);
    let other = app.create_organization("Västra Föreningen", None);
    let rep = app.organization_rep(org);
    app.post("/api/v1/organizations", Some(&rep), &body)
        .assert_problem(403);
    let etag = app
        .get(&format!("/api/v1/organizations/{other}"))
        .header("etag")
        .unwrap()
        .to_owned();
    app.patch(
        &format!("/api/v1/organizations/{other}"),
        &rep,
        Some(&etag),
        &json!({"description": "x"}),
    )
    .assert_problem(403);
    let etag = app
        .get(&format!("/api/v1/organizations/{org}"))
        .header("etag")
        .unwrap()
        .to_owned();
    let own = app.patch(
        &format!("/api/v1/organizations/{org}"),
        &rep,
        Some(&etag),
        &json!({"description": "Vi odlar ärtor."}),
    );
    assert_eq!(own.status, 200, "{}", own.text);
    let admin = app.agreement_admin(app.public_body("municipality", "1285"));
    app.post(
        "/api/v1/public-bodies",
        Some(&admin),
        &json!({"name": "Högskolan", "kind": "other"}),
    )
    .assert_problem(403);
    let steering = app.token("ledamot", &[Role::SteeringMember], None, &[]);
    app.post("/api/v1/organizations", Some(&steering), &body)
        .assert_problem(403);
    let swedish = app.send(
        "POST",
        "/api/v1/organizations",
        &[("accept-language", "sv-SE,sv;q=0.9")],
        Some(("application/json", body.to_string().into_bytes())),
    );
    assert_eq!(swedish.json["title"], "Inloggning krävs");
    assert_eq!(swedish.json["detail"], "åtgärden kräver en bearer-token");
    // The API's own problems speak Swedish too: one language per request, codes English.
    let sv = [("accept-language", "sv")];
    let missing = app.send(
        "GET",
        &format!("/api/v1/organizations/{}", uuid::Uuid::now_v7()),
        &sv,
        None,
    );
    assert_eq!(missing.assert_problem(404).json["title"], "Hittades inte");
    assert_eq!(missing.json["detail"], "resursen finns inte");
    let bad = app.send("GET", "/api/v1/organizations?limit=0", &sv, None);
    assert_eq!(
        bad.assert_problem(400).json["errors"][0]["code"],
        "invalid_parameter"
    );
    assert_eq!(bad.json["title"], "Felaktig begäran");
    assert_eq!(
        bad.json["detail"],
        "parametern `limit`: måste vara mellan 1 och 200"
    );
    // A date or a value of a list's enum that the API words itself is Swedish as a whole,
    // not serde's English inside a Swedish sentence.
    let agreement = uuid::Uuid::now_v7();
    let date = app.send(
        "GET",
        &format!("/api/v1/agreements/{agreement}/signatories?as_of=2026-13-01"),
        &sv,
        None,
    );
    assert_eq!(
        date.assert_problem(400).json["errors"][0]["code"],
        "invalid_parameter"
    );
    assert_eq!(date.json["errors"][0]["field"], "as_of");
    assert_eq!(
        date.json["detail"],
        "parametern `as_of`: måste vara ett datum skrivet ÅÅÅÅ-MM-DD, från 1900-01-01 till 2199-12-31"
    );
    let state = app.send("GET", "/api/v1/agreements?state=f%C3%B6rslag", &sv, None);
    assert_eq!(
        state.assert_problem(400).json["errors"][0]["field"],
        "state"
    );
    let detail = state.json["detail"].as_str().unwrap_or_default();
    assert!(
        detail.starts_with("parametern `state`: okänt värde `förslag`; tillåtna värden är `"),
        "{detail}"
    );
    let english = app.send("GET", "/api/v1/organizations?limit=0", &[], None);
    assert_eq!(
        english.assert_problem(400).json["detail"],
        "parameter `limit`: must be between 1 and 200"
    );
});

e2e!(idempotent_creates, |app| {
    let admin = format!("Bearer {}", app.platform_admin());
    let body = json!({"name": "Retry-föreningen", "legal_form": "cooperative"})
        .to_string()
        .into_bytes();
    let send = |key: &str, body: Vec<u8>| {
        app.send(
            "POST",
            "/api/v1/organizations",
            &[("authorization", &admin), ("idempotency-key", key)],
            Some(("application/json", body)),
        )
    };
    let first = send("nyckel-1", body.clone());
    assert_eq!(first.status, 201, "{}", first.text);
    let again = send("nyckel-1", body.clone());
    assert_eq!(again.status, 201);
    assert_eq!(again.id(), first.id());
    assert_eq!(again.header("location"), first.header("location"));
    let list = app.get("/api/v1/organizations?q=retry");
    assert_eq!(
        list.json["items"].as_array().unwrap().len(),
        1,
        "one organisation, not two"
    );
    let other = send(
        "nyckel-1",
        json!({"name": "Annat", "legal_form": "cooperative"})
            .to_string()
            .into_bytes(),
    );
    assert_eq!(
        other.assert_problem(422).error_fields(),
        ["Idempotency-Key"]
    );
});

e2e!(swedish_order_search_and_filters, |app| {
    for name in [
        "Örkelljunga IF",
        "Ängby SK",
        "Zonta",
        "Åby IF",
        "abc-föreningen",
    ] {
        app.create_organization(name, None);
    }
    let names = |path: &str| -> Vec<String> {
        let r = app.get(path);
        assert_eq!(r.status, 200, "{}", r.text);
        r.json["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["name"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(
        names("/api/v1/organizations"),
        [
            "abc-föreningen",
            "Zonta",
            "Åby IF",
            "Ängby SK",
            "Örkelljunga IF"
        ]
    );
    assert_eq!(names("/api/v1/organizations?q=%C3%85BY"), ["Åby IF"]);
    assert_eq!(names("/api/v1/organizations?q=by"), ["Åby IF", "Ängby SK"]);
    assert_eq!(names("/api/v1/organizations?q=50%25"), Vec::<String>::new());
    assert_eq!(
        names("/api/v1/organizations?municipality=1281"),
        Vec::<String>::new()
    );
    assert_eq!(names("/api/v1/organizations?municipality=1285").len(), 5);
    // Pages of two walk the same order without gaps or repeats.
    let mut walked = Vec::new();
    let mut path = "/api/v1/organizations?limit=2".to_owned();
    loop {
        let r = app.get(&path);
        walked.extend(
            r.json["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|i| i["name"].as_str().unwrap().to_owned()),
        );
        match r.json["next_cursor"].as_str() {
            Some(c) => path = format!("/api/v1/organizations?limit=2&cursor={c}"),
            None => break,
        }
    }
    assert_eq!(walked, names("/api/v1/organizations"));
});

// Both backends page through names in exactly the order Rust's `swedish_sort_key` gives,
// ties broken by id: mixed case, å/ä/ö, accents, digits, punctuation, spaces, characters
// outside the alphabet and separators (which also travel inside page cursors: pages of one
// make every name a cursor). Names refuse control characters (issue 13); the cursor's
// round trip of any text is a property test of `persistence::page`.
e2e!(swedish_order_in_sql_is_the_order_in_rust, |app| {
    use samverkan_domain::collation::swedish_sort_key;

    const PARTS: [&str; 24] = [
        "å", "Å", "ä", "Ä", "ö", "Ö", "a", "A", "z", "Z", "é", "ü", "w", "v", "1", "9", " ", "-",
        "ß", "π", "~", "'", "&", ":",
    ];
    // A fixed pseudo-random sequence, so a failure reproduces.
    let mut state: u32 = 0x5a3d_9e11;
    let mut next = |n: usize| {
        state ^= state << 13;
        state ^= state >> 17;
        state ^= state << 5;
        state as usize % n
    };
    let mut created: Vec<(String, String)> = Vec::new();
    for i in 0..40 {
        let len = 1 + next(6);
        let name: String = (0..len).map(|_| PARTS[next(PARTS.len())]).collect();
        // Every name has a letter, and some differ from another only in case.
        let name = if i % 7 == 6 {
            created[i - 1].0.to_uppercase()
        } else {
            format!("F{name}")
        };
        let id = app.create_organization(&name, None);
        let r = app.get(&format!("/api/v1/organizations/{id}"));
        created.push((
            r.json["name"].as_str().expect("name").to_owned(),
            id.to_string(),
        ));
    }
    created.sort_by(|a, b| (swedish_sort_key(&a.0), &a.1).cmp(&(swedish_sort_key(&b.0), &b.1)));
    let mut walked: Vec<(String, String)> = Vec::new();
    let mut path = "/api/v1/organizations?limit=1".to_owned();
    loop {
        let r = app.get(&path);
        assert_eq!(r.status, 200, "{path}: {}", r.text);
        for item in r.json["items"].as_array().expect("items") {
            walked.push((
                item["name"].as_str().expect("name").to_owned(),
                item["id"].as_str().expect("id").to_owned(),
            ));
        }
        match r.json["next_cursor"].as_str() {
            Some(c) => path = format!("/api/v1/organizations?limit=1&cursor={c}"),
            None => break,
        }
    }
    assert_eq!(walked, created);

    // The reference data too: 311 public bodies, in the same order as in Rust.
    let mut bodies: Vec<(String, String)> = Vec::new();
    let mut path = "/api/v1/public-bodies?limit=200".to_owned();
    loop {
        let r = app.get(&path);
        assert_eq!(r.status, 200, "{path}: {}", r.text);
        for item in r.json["items"].as_array().expect("items") {
            bodies.push((
                item["name"].as_str().expect("name").to_owned(),
                item["id"].as_str().expect("id").to_owned(),
            ));
        }
        match r.json["next_cursor"].as_str() {
            Some(c) => path = format!("/api/v1/public-bodies?limit=200&cursor={c}"),
            None => break,
        }
    }
    assert_eq!(bodies.len(), 311);
    let mut expected = bodies.clone();
    expected.sort_by(|a, b| (swedish_sort_key(&a.0), &a.1).cmp(&(swedish_sort_key(&b.0), &b.1)));
    assert_eq!(bodies, expected);
});

e2e!(request_ids_are_echoed, |app| {
    let r = app.send("GET", "/health", &[("x-request-id", "spår-abc")], None);
    assert_ne!(
        r.header("x-request-id"),
        Some("spår-abc"),
        "non-ASCII ids are replaced"
    );
    let r = app.send("GET", "/health", &[("x-request-id", "trace-123")], None);
    assert_eq!(r.header("x-request-id"), Some("trace-123"));
    let p = app.get("/nope");
    assert_eq!(p.json["request_id"].as_str(), p.header("x-request-id"));
});

e2e!(head_is_get_without_a_body, |app| {
    let head = app.send("HEAD", "/api/v1/public-bodies?kind=region", &[], None);
    assert_eq!(head.status, 200);
    assert!(head.text.is_empty());
    let get = app.get("/api/v1/public-bodies?kind=region");
    assert_eq!(head.header("etag"), get.header("etag"));
    assert_eq!(app.send("HEAD", "/api/v1/nowhere", &[], None).status, 404);
    // Issue 13: the same headers as GET, `Content-Length` included (it was 0), whether the
    // answer is computed or comes from the cache of public lists (asked twice), and for an
    // error too.
    let body = app.public_body("municipality", "1285");
    let admin = app.agreement_admin(body);
    let agreement = app.adopted_agreement(&admin, body, "1285", json!({}));
    for path in [
        "/api/v1/public-bodies?kind=region".to_owned(),
        format!("/api/v1/agreements/{agreement}"),
        format!("/api/v1/agreements/{agreement}/signatories"),
        format!("/api/v1/agreements/{agreement}/signatories"),
        format!("/api/v1/agreements/{agreement}/signatories.csv"),
        "/api/v1/nowhere".to_owned(),
    ] {
        let get = app.get(&path);
        let head = app.send("HEAD", &path, &[], None);
        assert!(head.text.is_empty(), "{path}");
        let length = get.header("content-length");
        assert!(length.is_some_and(|l| l != "0"), "{path}: GET has a length");
        assert_eq!(head.header("content-length"), length, "{path}");
        assert_eq!(
            head.header("content-type"),
            get.header("content-type"),
            "{path}"
        );
    }
});
