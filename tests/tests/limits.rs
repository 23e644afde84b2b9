//! Resource limits (issue 6): the page size is capped, the body size is capped, a query string
//! of absurd length or shape is refused cleanly, deep JSON is refused, and slow clients are
//! timed out while everyone else is served. Never a 500, and the server stays up.
//!
//! The harness runs the server with a 64 KiB body limit and a 3 s client timeout. Some of
//! these requests cannot be made with an HTTP client (a stalled head, a lying
//! `Content-Length`), so they go over a raw TCP socket.

use std::io::{ErrorKind, Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use samverkan_e2e::*;
use serde_json::json;

const BODY_LIMIT: usize = 64 * 1024;
/// The harness's client timeout (3 s) with room for a loaded machine.
const TIMED_OUT_WITHIN: Duration = Duration::from_secs(8);

/// What came back on a raw connection.
#[derive(Debug)]
struct Raw {
    status: Option<u16>,
    text: String,
    /// The server closed the connection (EOF or reset) before our read timeout.
    closed: bool,
    elapsed: Duration,
}

fn connect(app: &TestApp) -> TcpStream {
    TcpStream::connect(app.socket_addr()).expect("connect")
}

/// Reads until the server closes the connection or `wait` passes without a byte.
fn read_answer(stream: &mut TcpStream, started: Instant, wait: Duration) -> Raw {
    stream.set_read_timeout(Some(wait)).expect("read timeout");
    let mut out = Vec::new();
    let mut buf = [0u8; 8192];
    let closed = loop {
        match stream.read(&mut buf) {
            Ok(0) => break true,
            Ok(n) => out.extend_from_slice(&buf[..n]),
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
                break false;
            }
            Err(_) => break true,
        }
    };
    let text = String::from_utf8_lossy(&out).into_owned();
    let status = text
        .strip_prefix("HTTP/1.1 ")
        .and_then(|rest| rest.get(..3))
        .and_then(|code| code.parse().ok());
    Raw {
        status,
        text,
        closed,
        elapsed: started.elapsed(),
    }
}

/// Sends raw bytes (the server may close before reading them all) and reads the answer.
fn raw(app: &TestApp, bytes: &[u8], wait: Duration) -> Raw {
    let mut stream = connect(app);
    let started = Instant::now();
    let _ = stream.write_all(bytes);
    read_answer(&mut stream, started, wait)
}

fn assert_up(app: &TestApp) {
    let r = app.get("/health");
    assert_eq!(r.status, 200, "the server is still up: {}", r.text);
}

/// Not a 5xx; a 4xx carries a problem document.
fn assert_clean(r: &Resp, what: &str) {
    assert!(r.status < 500, "{what}: {} {}", r.status, r.text);
    if r.status >= 400 {
        r.assert_problem(r.status);
    }
}

e2e!(page_size_is_capped, |app| {
    let body = app.public_body("municipality", "1285");
    let admin = app.agreement_admin(body);
    let agreement = app.adopted_agreement(&admin, body, "1285", json!({}));
    let lists = [
        "/api/v1/public-bodies".to_owned(),
        "/api/v1/organizations".to_owned(),
        "/api/v1/agreements".to_owned(),
        format!("/api/v1/agreements/{agreement}/signatories"),
        format!("/api/v1/agreements/{agreement}/accessions"),
    ];
    for list in &lists {
        let r = app.get_as(&format!("{list}?limit=200"), &admin);
        assert_eq!(r.status, 200, "{list}: {}", r.text);
        for bad in ["201", "1000000", "0", "-1"] {
            let r = app.get_as(&format!("{list}?limit={bad}"), &admin);
            r.assert_problem(400);
            assert_eq!(
                r.error_fields(),
                ["limit"],
                "{list}?limit={bad}: {}",
                r.text
            );
        }
        // Not a number at all: a 400 too (actix's parser does not always name the field).
        for bad in ["abc", "1.5", "99999999999999999999999999", "", "1e3"] {
            app.get_as(&format!("{list}?limit={bad}"), &admin)
                .assert_problem(400);
        }
    }
    // The cap is applied, not just checked: 290 municipalities come 200 at a time.
    let r = app.get("/api/v1/public-bodies?kind=municipality&limit=200");
    assert_eq!(r.json["items"].as_array().expect("items").len(), 200);
    assert!(r.json["next_cursor"].is_string());
    let r = app.get("/api/v1/public-bodies?kind=municipality");
    assert_eq!(
        r.json["items"].as_array().expect("items").len(),
        50,
        "the default page"
    );
});

e2e!(body_size_is_capped, |app| {
    let admin = format!("Bearer {}", app.platform_admin());
    let post = |bytes: Vec<u8>| {
        app.send(
            "POST",
            "/api/v1/organizations",
            &[("authorization", &admin)],
            Some(("application/json", bytes)),
        )
    };
    // Exactly at the limit passes (whitespace is JSON); one byte more is 413.
    let padded = |total: usize| {
        let mut body = json!({"name": "Föreningen Gränsfall", "legal_form": "other"})
            .to_string()
            .into_bytes();
        body.resize(total, b' ');
        body
    };
    let r = post(padded(BODY_LIMIT));
    assert_eq!(r.status, 201, "{}", r.text);
    post(padded(BODY_LIMIT + 1)).assert_problem(413);
    post(padded(10 * BODY_LIMIT)).assert_problem(413);

    // Every kind of write: a PATCH and a nested create too.
    let org = app.create_organization("Föreningen Storpratare", None);
    let etag = app
        .get(&format!("/api/v1/organizations/{org}"))
        .header("etag")
        .expect("etag")
        .to_owned();
    let long = "ä".repeat(BODY_LIMIT);
    app.patch(
        &format!("/api/v1/organizations/{org}"),
        &app.platform_admin(),
        Some(&etag),
        &json!({"description": long}),
    )
    .assert_problem(413);
    let body = app.public_body("municipality", "1285");
    let agreement_admin = app.agreement_admin(body);
    let agreement = app.adopted_agreement(&agreement_admin, body, "1285", json!({}));
    app.post(
        &format!("/api/v1/agreements/{agreement}/accessions"),
        Some(&app.organization_rep(org)),
        &json!({"signatory": {"kind": "organization", "id": org}, "channel": "board_minutes", "contact_person": {"name": long, "email": "a@b.example"}}),
    )
    .assert_problem(413);

    // Without a Content-Length (chunked), the limit holds while reading.
    let token = app.platform_admin();
    let mut request = format!(
        "POST /api/v1/organizations HTTP/1.1\r\nHost: samverkan\r\nAuthorization: Bearer {token}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
    )
    .into_bytes();
    for _ in 0..20 {
        request.extend_from_slice(format!("1000\r\n{}\r\n", " ".repeat(4096)).as_bytes());
    }
    request.extend_from_slice(b"0\r\n\r\n");
    let r = raw(app, &request, Duration::from_secs(10));
    assert_eq!(r.status, Some(413), "chunked: {r:?}");
    assert!(r.text.contains("application/problem+json"), "{r:?}");

    // A Content-Length that promises 100 MB is refused without waiting for the bytes.
    let request = format!(
        "POST /api/v1/organizations HTTP/1.1\r\nHost: samverkan\r\nAuthorization: Bearer {token}\r\nContent-Type: application/json\r\nContent-Length: 100000000\r\nConnection: close\r\n\r\n{{"
    );
    let r = raw(app, request.as_bytes(), Duration::from_secs(10));
    assert_eq!(r.status, Some(413), "lying Content-Length: {r:?}");
    assert!(r.closed, "and the connection is closed: {r:?}");
    assert_up(app);
    let names = app.get("/api/v1/organizations?q=Gr%C3%A4nsfall");
    assert_eq!(
        names.json["items"].as_array().expect("items").len(),
        1,
        "only the body at the limit was stored"
    );
});

e2e!(absurd_query_strings_are_refused_cleanly, |app| {
    // 100 000 characters: the request head is over actix's limit. What comes back must be
    // a 4xx (or the connection closed), never a 5xx, and the server serves the next one.
    for (what, target) in [
        (
            "a long unknown parameter",
            format!("/api/v1/organizations?x={}", "a".repeat(100_000)),
        ),
        (
            "a long known parameter",
            format!("/api/v1/organizations?q={}", "å".repeat(50_000)),
        ),
        ("a long path", format!("/api/v1/{}", "a/".repeat(50_000))),
    ] {
        let request =
            format!("GET {target} HTTP/1.1\r\nHost: samverkan\r\nConnection: close\r\n\r\n");
        let r = raw(app, request.as_bytes(), Duration::from_secs(10));
        assert!(
            r.status.map_or(r.closed, |s| (400..500).contains(&s)),
            "{what}: {r:?}"
        );
        eprintln!("{what}: {:?}, closed: {}", r.status, r.closed);
        assert_up(app);
    }
    // Shorter but still silly ones go through the application: 4xx problems or ignored.
    let many: String = (0..2000).map(|i| format!("p{i}=x&")).collect();
    let cases = [
        format!("/api/v1/organizations?x={}", "a".repeat(20_000)),
        "/api/v1/organizations?q[a][b][c]=x".to_owned(),
        "/api/v1/organizations?q[]=x&q[]=y".to_owned(),
        "/api/v1/organizations?limit[]=5".to_owned(),
        "/api/v1/organizations?limit[a][b]=5".to_owned(),
        "/api/v1/organizations?limit=1&limit=2".to_owned(),
        "/api/v1/organizations?q=%FF%FE".to_owned(),
        "/api/v1/organizations?q=%ZZ".to_owned(),
        "/api/v1/organizations?q=%00".to_owned(),
        "/api/v1/organizations?&&&&=&=&==".to_owned(),
        format!("/api/v1/organizations?{many}"),
        format!("/api/v1/organizations?cursor={}", "Q".repeat(10_000)),
        format!("/api/v1/public-bodies?kind={}", "x".repeat(5_000)),
        "/api/v1/agreements?state[0]=adopted".to_owned(),
        format!("/api/v1/agreements?municipality={}", "[".repeat(1_000)),
        "/api/v1/agenda?horizon_days=99999999999999999999".to_owned(),
    ];
    for path in &cases {
        let r = app.get(path);
        assert_clean(&r, &path.chars().take(80).collect::<String>());
    }
    assert_eq!(
        app.get("/api/v1/organizations?q[a][b][c]=x").status,
        200,
        "unknown query parameters are ignored"
    );
    app.get("/api/v1/organizations?limit=1&limit=2")
        .assert_problem(400);
    // Too many or too large headers: 431, and the server stays up.
    let mut request = "GET /health HTTP/1.1\r\nHost: samverkan\r\n".to_owned();
    for i in 0..500 {
        request.push_str(&format!("X-Falsk-{i}: värde\r\n"));
    }
    request.push_str("Connection: close\r\n\r\n");
    let r = raw(app, request.as_bytes(), Duration::from_secs(10));
    assert!(
        r.status.map_or(r.closed, |s| (400..500).contains(&s)),
        "many headers: {r:?}"
    );
    assert_up(app);
});

e2e!(deep_json_is_refused, |app| {
    let admin = format!("Bearer {}", app.platform_admin());
    let post = |path: &str, body: String| {
        app.send(
            "POST",
            path,
            &[("authorization", &admin)],
            Some(("application/json", body.into_bytes())),
        )
    };
    let depth = 30_000;
    let arrays = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
    let objects = format!("{}1{}", "{\"a\":".repeat(depth / 5), "}".repeat(depth / 5));
    let body = app.public_body("municipality", "1285");
    let agreement = app.adopted_agreement(&app.agreement_admin(body), body, "1285", json!({}));
    let submit = format!("/api/v1/agreements/{agreement}/accessions");
    for (what, path, body) in [
        (
            "a body of nested arrays",
            "/api/v1/organizations",
            arrays.clone(),
        ),
        (
            "a body of nested objects",
            "/api/v1/organizations",
            objects.clone(),
        ),
        (
            "nested arrays in a string field",
            "/api/v1/organizations",
            format!("{{\"name\": {arrays}, \"legal_form\": \"other\"}}"),
        ),
        (
            "nested objects in an unknown field",
            "/api/v1/organizations",
            format!("{{\"name\": \"X\", \"legal_form\": \"other\", \"extra\": {objects}}}"),
        ),
        (
            "nested objects where an object belongs",
            submit.as_str(),
            format!(
                "{{\"signatory\": {objects}, \"channel\": \"board_minutes\", \"contact_person\": {{\"name\": \"Kim\"}}}}"
            ),
        ),
        (
            "an unterminated nesting",
            "/api/v1/organizations",
            "[".repeat(60_000),
        ),
    ] {
        let r = post(path, body);
        assert!(
            (400..500).contains(&r.status) && r.status != 413,
            "{what}: {} {}",
            r.status,
            r.text
        );
        r.assert_problem(r.status);
        assert_up(app);
    }
    assert!(
        app.get("/api/v1/organizations").json["items"]
            .as_array()
            .expect("items")
            .is_empty(),
        "nothing was stored"
    );
});

/// A request head cut off halfway.
const HALF_HEAD: &[u8] = b"GET /api/v1/organizations HTTP/1.1\r\nHost: samverkan\r\nAccept: appl";

e2e!(slow_request_heads_are_timed_out, |app| {
    // Fifty clients that never finish their request head.
    let mut stalled: Vec<(TcpStream, Instant)> = (0..50)
        .map(|_| {
            let mut s = connect(app);
            s.write_all(HALF_HEAD).expect("half a head");
            (s, Instant::now())
        })
        .collect();
    // Meanwhile everyone else is served, promptly.
    for _ in 0..10 {
        let started = Instant::now();
        assert_up(app);
        assert!(
            started.elapsed() < Duration::from_secs(2),
            "served while slow clients wait: {:?}",
            started.elapsed()
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    // Each stalled connection is answered 408 or closed, after the client timeout.
    for (i, (stream, started)) in stalled.iter_mut().enumerate() {
        let r = read_answer(stream, *started, TIMED_OUT_WITHIN);
        assert!(
            r.closed || r.status == Some(408),
            "stalled head {i} was not timed out within {TIMED_OUT_WITHIN:?}: {r:?}"
        );
        assert!(r.status.is_none_or(|s| s == 408), "stalled head {i}: {r:?}");
        assert!(
            r.elapsed >= Duration::from_secs(2),
            "not before the client timeout: {r:?}"
        );
    }
    // A client that connects and sends nothing at all is timed out the same way.
    let mut silent = connect(app);
    let r = read_answer(&mut silent, Instant::now(), TIMED_OUT_WITHIN);
    assert!(r.closed, "a silent connection is closed: {r:?}");
    assert_up(app);
});

e2e!(slow_request_bodies_are_timed_out, |app| {
    // The head arrives whole and promises 100 bytes; the body never comes.
    let token = app.platform_admin();
    let head = format!(
        "POST /api/v1/organizations HTTP/1.1\r\nHost: samverkan\r\nAuthorization: Bearer {token}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{{\"name\": "
    );
    let mut stalled: Vec<(TcpStream, Instant)> = (0..20)
        .map(|_| {
            let mut s = connect(app);
            s.write_all(head.as_bytes()).expect("head");
            (s, Instant::now())
        })
        .collect();
    for _ in 0..5 {
        let started = Instant::now();
        assert_up(app);
        assert!(started.elapsed() < Duration::from_secs(2));
    }
    for (i, (stream, started)) in stalled.iter_mut().enumerate() {
        let r = read_answer(stream, *started, TIMED_OUT_WITHIN);
        assert!(
            r.closed && r.status.is_none_or(|s| (400..500).contains(&s)),
            "a request whose body stalls is still held open after {:?} (the client timeout \
             covers only the head): stalled body {i}: {r:?}",
            r.elapsed
        );
    }
    assert_up(app);
});

e2e!(nul_characters_are_refused_cleanly, |app| {
    // U+0000 is valid JSON and valid percent-encoding, and PostgreSQL cannot store it in
    // text: it must be refused as bad input (or handled), never a 500.
    for path in [
        "/api/v1/organizations?q=%00",
        "/api/v1/organizations?q=f%C3%B6r%00ening",
        "/api/v1/public-bodies?q=a%00b",
        "/api/v1/agreements?municipality=12%0085",
    ] {
        assert_clean(&app.get(path), path);
    }
    let admin = app.platform_admin();
    for body in [
        json!({"name": "Nul\u{0}föreningen", "legal_form": "other"}),
        json!({"name": "Föreningen Nollan", "legal_form": "other", "description": "före\u{0}efter"}),
        json!({"name": "Föreningen Nollan", "legal_form": "other", "website": "https://noll.example/\u{0}"}),
    ] {
        let r = app.post("/api/v1/organizations", Some(&admin), &body);
        assert_clean(&r, &body.to_string());
    }
    assert_up(app);
});

// Issue 13: a NUL in `q` or inside a cursor is a 400 naming the parameter on both backends
// (PostgreSQL answered 500: its text cannot hold NUL).
e2e!(
    nul_in_query_and_cursor_is_a_400_naming_the_parameter,
    |app| {
        use base64::Engine;
        let body = app.public_body("municipality", "1285");
        let admin = app.agreement_admin(body);
        let agreement = app.adopted_agreement(&admin, body, "1285", json!({}));
        let id = uuid::Uuid::nil().to_string();
        let cursor = |parts: &[&str]| {
            let raw: String = parts.iter().map(|p| format!("{}:{p}", p.len())).collect();
            base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(raw)
        };
        let two = cursor(&["a\0b", &id]);
        let one = cursor(&["a\0b"]);
        let lists = [
            ("/api/v1/public-bodies".to_owned(), &two),
            ("/api/v1/organizations".to_owned(), &two),
            ("/api/v1/agreements".to_owned(), &one),
            (format!("/api/v1/agreements/{agreement}/signatories"), &two),
            (format!("/api/v1/agreements/{agreement}/accessions"), &two),
        ];
        for (list, cursor) in &lists {
            let path = format!("{list}?cursor={cursor}");
            let r = app.get_as(&path, &admin);
            r.assert_problem(400);
            assert!(
                r.text.contains("\"cursor\""),
                "{path}: names the parameter: {}",
                r.text
            );
        }
        for path in [
            "/api/v1/organizations?q=%00".to_owned(),
            "/api/v1/public-bodies?q=a%00b".to_owned(),
            format!("/api/v1/agreements/{agreement}/signatories?q=%00"),
            format!("/api/v1/agreements/{agreement}/signatories?q=a%00b"),
            format!("/api/v1/agreements/{agreement}/signatories.csv?q=%00"),
        ] {
            let r = app.get(&path);
            r.assert_problem(400);
            assert!(r.text.contains("\"q\""), "{path}: {}", r.text);
        }
    }
);

// Issue 13: names and public free text refuse what cannot be shown (control characters,
// direction overrides, invisible characters at the edges): 422 naming the field.
e2e!(names_refuse_control_characters, |app| {
    let admin = app.platform_admin();
    for name in [
        "Eslöv\u{202E}kommun",
        "Föreningen\u{7}Klocka",
        "\u{200B}Föreningen Åker",
        "Föreningen\u{85}Ny rad",
        "Föreningen\nTvå rader",
    ] {
        let r = app.post(
            "/api/v1/organizations",
            Some(&admin),
            &json!({"name": name, "legal_form": "other"}),
        );
        r.assert_problem(422);
        assert_eq!(r.error_fields(), ["name"], "{name:?}: {}", r.text);
    }
    let r = app.post(
        "/api/v1/organizations",
        Some(&admin),
        &json!({"name": "Föreningen Öppen", "legal_form": "other", "description": "Om oss\u{202E}"}),
    );
    r.assert_problem(422);
    assert_eq!(r.error_fields(), ["description"], "{}", r.text);
    let r = app.post(
        "/api/v1/public-bodies",
        Some(&admin),
        &json!({"name": "Exempelverket\u{1b}[31m", "kind": "other"}),
    );
    r.assert_problem(422);
    assert_eq!(r.error_fields(), ["name"], "{}", r.text);
    // A line break stays allowed in a description.
    let r = app.post(
        "/api/v1/organizations",
        Some(&admin),
        &json!({"name": "Föreningen Öppen", "legal_form": "other", "description": "Rad ett\nrad två"}),
    );
    assert_eq!(r.status, 201, "{}", r.text);
});

// Issue 13: unknown fields inside tagged objects are refused, a duplicate key is refused,
// and a date is `YYYY-MM-DD` only.
e2e!(bodies_are_read_strictly_to_the_last_field, |app| {
    let body = app.public_body("municipality", "1285");
    let admin = app.agreement_admin(body);
    let agreement = app.adopted_agreement(&admin, body, "1285", json!({}));
    let org = app.create_organization("Föreningen Strikt", None);
    let rep = app.organization_rep(org);
    let path = format!("/api/v1/agreements/{agreement}/accessions");
    let submit = |signatory: serde_json::Value, decided_on: &str| {
        json!({
            "signatory": signatory,
            "channel": "board_minutes",
            "board_decision": {"decided_on": decided_on, "minutes_reference": "§ 3", "received_on": "2026-01-10", "diary_number": null},
            "contact_person": {"name": "Kim Exempelsson", "email": "kim@strikt.example", "phone": null}
        })
    };
    let r = app.post(
        &path,
        Some(&rep),
        &submit(
            json!({"kind": "organization", "id": org, "name": "Eslövs kommun"}),
            "2026-01-05",
        ),
    );
    r.assert_problem(400);
    assert_eq!(r.error_fields(), ["signatory.name"], "{}", r.text);
    for date in ["+10000-01-01", "-0001-01-01", "2026-1-1"] {
        let r = app.post(
            &path,
            Some(&rep),
            &submit(json!({"kind": "organization", "id": org}), date),
        );
        r.assert_problem(422);
        assert!(
            r.error_fields().iter().any(|f| f.contains("decided_on")),
            "{date}: {}",
            r.text
        );
    }
    let duplicate =
        r#"{"name": "Föreningen Ett", "name": "Föreningen Två", "legal_form": "other"}"#.to_owned();
    let r = app.send(
        "POST",
        "/api/v1/organizations",
        &[("authorization", &format!("Bearer {}", app.platform_admin()))],
        Some(("application/json", duplicate.into_bytes())),
    );
    r.assert_problem(400);
    assert!(r.text.contains("duplicate"), "{}", r.text);
    let group = app.post(
        &format!("/api/v1/agreements/{agreement}/steering-group"),
        Some(&admin),
        &json!({"name": "Styrgruppen", "kind": "steering_group", "ordinary_seats_per_side": 1, "deputies_allowed": false, "chair_and_vice_chair_from_different_sides": false, "default_term_months": null}),
    );
    assert_eq!(group.status, 201, "{}", group.text);
    let r = app.post(
        &format!("/api/v1/agreements/{agreement}/steering-group/memberships"),
        Some(&admin),
        &json!({"person_name": "Alva Exempelsson", "side": "public_sector", "seat": "ordinary", "role": "chair", "appointed_by": {"type": "public_body", "id": body, "name": "Eslövs kommun"}, "term_start": "2024-01-01"}),
    );
    r.assert_problem(400);
    assert_eq!(r.error_fields(), ["appointed_by.name"], "{}", r.text);
});

// Issue 13: a cursor is sealed with the server's key (HMAC, kept in the database): a cursor
// made or changed by hand, or taken from another list, is a 400 naming `cursor`; the key
// survives a restart, so a cursor issued before it still pages.
e2e!(
    cursors_are_sealed_with_a_key_that_survives_restarts,
    |app| {
        use base64::Engine;
        let first = app.get("/api/v1/public-bodies?limit=2");
        assert_eq!(first.status, 200, "{}", first.text);
        let cursor = first.json["next_cursor"]
            .as_str()
            .expect("a next page")
            .to_owned();
        let second = app.get(&format!("/api/v1/public-bodies?limit=2&cursor={cursor}"));
        assert_eq!(second.status, 200, "{}", second.text);
        // What an unsealed cursor of the same position looks like: refused.
        let last = &first.json["items"][1];
        let name = last["name"].as_str().unwrap();
        let id = last["id"].as_str().unwrap();
        let key = samverkan_domain::collation::swedish_sort_key(name);
        let raw = format!("{}:{key}{}:{id}", key.len(), id.len());
        let unsealed = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(raw);
        let mut changed = cursor.clone().into_bytes();
        let i = changed.len() / 2;
        changed[i] = if changed[i] == b'A' { b'B' } else { b'A' };
        let changed = String::from_utf8(changed).unwrap();
        for (what, path) in [
            (
                "unsealed",
                format!("/api/v1/public-bodies?limit=2&cursor={unsealed}"),
            ),
            (
                "changed",
                format!("/api/v1/public-bodies?limit=2&cursor={changed}"),
            ),
            (
                "another list's",
                format!("/api/v1/organizations?limit=2&cursor={cursor}"),
            ),
        ] {
            let r = app.get(&path);
            r.assert_problem(400);
            assert_eq!(r.error_fields(), ["cursor"], "{what}: {}", r.text);
        }
        let mut app = TestApp::spawn(app.backend);
        let first = app.get("/api/v1/public-bodies?limit=2");
        let cursor = first.json["next_cursor"].as_str().unwrap().to_owned();
        let before = app.get(&format!("/api/v1/public-bodies?limit=2&cursor={cursor}"));
        app.restart();
        let after = app.get(&format!("/api/v1/public-bodies?limit=2&cursor={cursor}"));
        assert_eq!(
            after.status, 200,
            "a cursor from before the restart: {}",
            after.text
        );
        assert_eq!(after.json["items"], before.json["items"]);
    }
);

// Issue 13: storage that cannot be written makes the server not ready (`/ready` 503), and a
// write that fails for it answers 503 with `Retry-After`, not 500; `/health` stays 200.
// SQLite: the database file made immutable (`chattr +i`, as root); PostgreSQL: the database
// made read-only (`default_transaction_read_only`), as a standby would be.
e2e!(
    storage_that_cannot_be_written_is_not_ready_and_writes_answer_503,
    |app| {
        let mut app = TestApp::spawn(app.backend);
        assert_eq!(app.get("/ready").status, 200);
        let admin = app.platform_admin();
        struct Immutable(Vec<std::path::PathBuf>);
        impl Drop for Immutable {
            fn drop(&mut self) {
                for f in &self.0 {
                    let _ = std::process::Command::new("chattr")
                        .arg("-i")
                        .arg(f)
                        .status();
                }
            }
        }
        let mut _guard = Immutable(Vec::new());
        match &app.database_url {
            samverkan_persistence::db::DatabaseUrl::Sqlite(file) => {
                // Not the shared-memory file: SQLite maps it, and a write to an immutable
                // mapping is SIGBUS.
                for f in [
                    file.clone(),
                    std::path::PathBuf::from(format!("{}-wal", file.display())),
                ] {
                    if !f.exists() {
                        continue;
                    }
                    let ok = std::process::Command::new("chattr")
                        .arg("+i")
                        .arg(&f)
                        .status()
                        .is_ok_and(|s| s.success());
                    assert!(
                        ok,
                        "this test makes the SQLite file immutable with `chattr +i`: it needs root \
                     and a file system with the immutable attribute (ext4, xfs, btrfs)"
                    );
                    _guard.0.push(f);
                }
            }
            samverkan_persistence::db::DatabaseUrl::Postgres(url) => {
                use diesel::Connection;
                use diesel::connection::SimpleConnection;
                let name = url.rsplit('/').next().unwrap().split('?').next().unwrap();
                let mut admin_conn =
                    diesel::pg::PgConnection::establish(&postgres_admin_url()).expect("admin");
                admin_conn
                    .batch_execute(&format!(
                        "ALTER DATABASE \"{name}\" SET default_transaction_read_only = on"
                    ))
                    .expect("read-only");
                // New connections see it.
                app.restart();
            }
        }
        let ready = app.get("/ready");
        ready.assert_problem(503);
        assert!(ready.header("retry-after").is_some(), "{:?}", ready.headers);
        let r = app.post(
            "/api/v1/organizations",
            Some(&admin),
            &json!({"name": "Föreningen Skrivskydd", "legal_form": "other"}),
        );
        r.assert_problem(503);
        assert!(r.header("retry-after").is_some(), "{}", r.text);
        assert_eq!(app.get("/health").status, 200);
    }
);

// Issue 13: when every connection of the pool is taken and the pool's wait runs out, a
// request answers 503 with `Retry-After` (not 500, not a hang), and `/health`, which needs no
// connection, still answers at once. A pool of two connections (the cache watcher keeps one
// for the server's life), every free one taken by the test.
e2e!(an_exhausted_pool_answers_503_with_retry_after, |app| {
    let mut app = TestApp::spawn(app.backend);
    let admin = app.platform_admin();
    let org = app.create_organization("Föreningen Väntrummet i Hörby", None);
    let path = format!("/api/v1/organizations/{org}");
    let pool = app.restart_with_pool(2, Duration::from_millis(300));
    let read = app.get_as(&path, &admin);
    assert_eq!(read.status, 200, "{}", read.text);
    let etag = read.header("etag").expect("an ETag").to_owned();
    let mut held = Vec::new();
    while let Ok(conn) = pool.get_timeout(Duration::from_millis(500)) {
        held.push(conn);
    }
    assert!(!held.is_empty(), "the test holds the free connections");
    for r in [
        app.get_as(&path, &admin),
        app.get_as("/api/v1/organizations", &admin),
        app.patch(
            &path,
            &admin,
            Some(&etag),
            &json!({"name": "Föreningen Kön"}),
        ),
    ] {
        r.assert_problem(503);
        let after: u32 = r
            .header("retry-after")
            .expect("a 503 says when to retry")
            .parse()
            .expect("Retry-After in seconds");
        assert!(after > 0, "Retry-After: {after}");
    }
    app.get("/ready").assert_problem(503);
    let health = app.get("/health");
    assert_eq!(health.status, 200, "{}", health.text);
    drop(held);
    let r = app.get_as(&path, &admin);
    assert_eq!(r.status, 200, "the connection is back: {}", r.text);
    assert_eq!(r.json["name"], "Föreningen Väntrummet i Hörby");
});
