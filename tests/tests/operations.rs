//! Running it in production: the metrics move as the traffic implies (read back with an
//! independent parser of the Prometheus text format, the `prometheus-parse` crate), they are
//! not on the public port, and no personal data or token reaches the log.

use std::sync::{Mutex, OnceLock};

use prometheus_parse::{Scrape, Value as Metric};
use samverkan_e2e::*;
use serde_json::json;

fn scrape(app: &TestApp) -> (String, Scrape) {
    let agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .new_agent();
    let mut res = agent
        .get(format!("{}/metrics", app.metrics_base))
        .call()
        .expect("metrics server answers");
    assert_eq!(res.status().as_u16(), 200);
    let text = res.body_mut().read_to_string().expect("metrics text");
    let parsed = Scrape::parse(text.lines().map(|l| Ok(l.to_owned()))).expect("parses");
    (text, parsed)
}

/// The sum of the samples of `name` whose labels include `labels` (a histogram counts its
/// observations: its `+Inf` bucket).
fn value(s: &Scrape, name: &str, labels: &[(&str, &str)]) -> f64 {
    s.samples
        .iter()
        .filter(|x| x.metric == name)
        .filter(|x| labels.iter().all(|(k, v)| x.labels.get(k) == Some(*v)))
        .map(|x| match &x.value {
            Metric::Counter(v) | Metric::Gauge(v) | Metric::Untyped(v) => *v,
            Metric::Histogram(b) => b
                .iter()
                .find(|c| c.less_than.is_infinite())
                .map_or(0.0, |c| c.count),
            Metric::Summary(_) => 0.0,
        })
        .sum()
}

/// The value of the exposition line that starts with `series` exactly.
fn line_value(text: &str, series: &str) -> Option<f64> {
    text.lines()
        .find_map(|l| l.strip_prefix(series)?.trim().parse().ok())
}

const SIGNATORIES: &str = "/api/v1/agreements/{id}/signatories";

e2e!(metrics_move_as_the_traffic_implies, |app| {
    let (_, before) = scrape(app);
    let body = app.public_body("municipality", "1285");
    let admin = app.agreement_admin(body);
    let agreement = app.adopted_agreement(&admin, body, "1285", json!({}));
    let list = format!("/api/v1/agreements/{agreement}/signatories");
    for _ in 0..3 {
        assert_eq!(app.get(&list).status, 200);
    }
    let missing = uuid::Uuid::new_v4();
    assert_eq!(
        app.get(&format!("/api/v1/agreements/{missing}")).status,
        404
    );
    assert_eq!(app.get("/ingenstans/alls").status, 404);
    assert_eq!(
        app.get("/metrics").status,
        404,
        "the metrics are not on the public port"
    );
    let (text, after) = scrape(app);
    let moved = |name: &str, labels: &[(&str, &str)]| {
        value(&after, name, labels) - value(&before, name, labels)
    };

    // Requests by route template, method and status class; never by raw path. The
    // parser splits label values at `}`, which route templates contain: these series are
    // read from their exposition lines (a fresh server: their counts are this test's).
    assert_eq!(
        line_value(
            &text,
            &format!(
                r#"samverkan_http_requests_total{{method="GET",route="{SIGNATORIES}",status="2xx"}}"#
            )
        ),
        Some(3.0),
        "{text}"
    );
    assert_eq!(
        line_value(
            &text,
            r#"samverkan_http_requests_total{method="GET",route="/api/v1/agreements/{id}",status="4xx"}"#
        ),
        Some(1.0),
        "{text}"
    );
    assert_eq!(
        line_value(
            &text,
            r#"samverkan_http_requests_total{method="POST",route="/api/v1/agreements/{id}/adoption",status="2xx"}"#
        ),
        Some(1.0),
        "{text}"
    );
    assert!(
        moved(
            "samverkan_http_requests_total",
            &[("route", "unmatched"), ("status", "4xx")]
        ) >= 2.0,
        "the unknown path and /metrics on the public port: {text}"
    );
    assert!(
        !text.contains(&agreement.to_string()) && !text.contains(&missing.to_string()),
        "no ids in labels"
    );
    assert!(!text.contains("ingenstans"), "no raw paths in labels");
    // The latency histogram, with a bucket under a millisecond.
    assert_eq!(
        line_value(
            &text,
            &format!(
                r#"samverkan_http_request_duration_seconds_count{{method="GET",route="{SIGNATORIES}"}}"#
            )
        ),
        Some(3.0),
        "{text}"
    );
    assert!(text.contains(&format!(
        "samverkan_http_request_duration_seconds_bucket{{method=\"GET\",route=\"{SIGNATORIES}\",le=\"0.0001\"}}"
    )));

    // The first read of the list computed it, the others came from the cache — but for one
    // more miss if the watcher cleared the cache on noticing the adoption's commit late.
    let misses = moved("samverkan_cache_misses_total", &[]);
    let hits = moved("samverkan_cache_hits_total", &[]);
    assert_eq!(hits + misses, 3.0, "{text}");
    assert!((1.0..=2.0).contains(&misses), "{text}");
    // The watcher may have cleared the cache since (it notices this test's own commits a
    // moment late): entries and bytes are read, and agree.
    let entries = value(&after, "samverkan_cache_entries", &[]);
    let bytes = value(&after, "samverkan_cache_bytes", &[]);
    assert!(text.contains("\nsamverkan_cache_entries "), "{text}");
    assert_eq!(
        entries == 0.0,
        bytes == 0.0,
        "{entries} entries, {bytes} bytes"
    );
    assert_eq!(value(&after, "samverkan_cache_evictions_total", &[]), 0.0);

    // Creating and adopting the agreement committed; the reads waited for connections.
    assert!(
        moved("samverkan_db_transactions_total", &[("outcome", "commit")]) >= 2.0,
        "{text}"
    );
    assert!(
        moved("samverkan_db_pool_wait_seconds_count", &[])
            + moved("samverkan_db_pool_wait_seconds", &[])
            >= 5.0,
        "{text}"
    );
    assert_eq!(value(&after, "samverkan_db_pool_timeouts_total", &[]), 0.0);
    assert_eq!(value(&after, "samverkan_db_pool_max_connections", &[]), 6.0);
    assert!(value(&after, "samverkan_db_pool_connections", &[]) >= 1.0);
    assert_eq!(
        value(&after, "samverkan_db_transaction_retries_total", &[]),
        0.0
    );

    // The process and the build.
    assert!(value(&after, "process_start_time_seconds", &[]) > 1.7e9);
    assert_eq!(
        value(
            &after,
            "samverkan_build_info",
            &[("version", env!("CARGO_PKG_VERSION"))]
        ),
        1.0,
        "{text}"
    );
});

// ---------------------------------------------------------------- no personal data in logs

/// Every record of the server, in the JSON form `SAMVERKAN_LOG_FORMAT=json` writes, at every
/// level. The HTTP client of the tests (ureq) is not the server and is left out.
struct Capture(Mutex<Vec<String>>);

impl log::Log for Capture {
    fn enabled(&self, _: &log::Metadata<'_>) -> bool {
        true
    }

    fn log(&self, record: &log::Record<'_>) {
        if record.target().starts_with("ureq") {
            return;
        }
        let line = samverkan_api::logging::json_line(record, chrono::Utc::now());
        if let Ok(mut lines) = self.0.lock() {
            lines.push(line);
        }
    }

    fn flush(&self) {}
}

fn captured() -> &'static Capture {
    static CAPTURE: OnceLock<&'static Capture> = OnceLock::new();
    CAPTURE.get_or_init(|| {
        let capture: &'static Capture = Box::leak(Box::new(Capture(Mutex::new(Vec::new()))));
        let _ = log::set_logger(capture);
        log::set_max_level(log::LevelFilter::Trace);
        capture
    })
}

const MARK_NAME: &str = "Åsa Märkesdotter-PII";
const MARK_EMAIL: &str = "asa.pii-markor@forening.example";
const MARK_PHONE: &str = "+46 70 111 22 33";

e2e!(personal_data_and_tokens_never_reach_the_log, |app| {
    let capture = captured();
    let body = app.public_body("municipality", "1285");
    let admin = app.agreement_admin(body);
    let agreement = app.adopted_agreement(&admin, body, "1285", json!({}));
    let org = app.create_organization("Föreningen Loggfri", None);
    let rep = app.organization_rep(org);
    let contact = json!({"name": MARK_NAME, "email": MARK_EMAIL, "phone": MARK_PHONE});
    let application = json!({
        "signatory": {"kind": "organization", "id": org}, "channel": "form", "board_decision": null,
        "affirmed_statements": [], "contact_person": contact
    });
    let accessions = format!("/api/v1/agreements/{agreement}/accessions");
    // The same personal data in refused requests: invalid (422), unreadable (400), and with
    // a forged token carrying a marker (401).
    let mut invalid = application.clone();
    invalid["contact_person"]["email"] = json!(format!("inte-en-adress {MARK_EMAIL}"));
    assert_eq!(app.post(&accessions, Some(&rep), &invalid).status, 422);
    let broken = format!("{{\"contact_person\": {{\"name\": \"{MARK_NAME}\"");
    let auth = format!("Bearer {rep}");
    assert_eq!(
        app.send(
            "POST",
            &accessions,
            &[("authorization", &auth)],
            Some(("application/json", broken.into_bytes()))
        )
        .status,
        400
    );
    let r = app.post(&accessions, Some(&rep), &application);
    assert_eq!(r.status, 201, "{}", r.text);
    let id = r.id();
    let forged = format!("{}.PIIMARKERTOKEN", &rep[..rep.len() - 10]);
    assert_eq!(app.get_as(&accessions, &forged).status, 401);
    // A read of the personal data, as the representative may.
    let r = app.get_as(&format!("/api/v1/accessions/{id}"), &rep);
    assert_eq!(r.status, 200, "{}", r.text);
    assert!(r.text.contains(MARK_EMAIL), "the read carries the marker");

    let lines = capture.0.lock().expect("log capture").clone();
    let signature = rep.rsplit('.').next().expect("a JWT has three parts");
    for line in &lines {
        for mark in [
            MARK_NAME,
            "Märkesdotter",
            MARK_EMAIL,
            "pii-markor",
            MARK_PHONE,
            "PIIMARKERTOKEN",
            signature,
            rep.as_str(),
        ] {
            assert!(!line.contains(mark), "{mark:?} in the log: {line}");
        }
    }
    // The request lines are there, with who asked and the route template.
    let sub = format!("ombud-{org}");
    let line = lines
        .iter()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .find(|l| {
            l["target"] == "samverkan::request" && l["sub"] == sub.as_str() && l["status"] == 201
        })
        .unwrap_or_else(|| panic!("no request line of {sub}: {lines:?}"));
    assert_eq!(line["route"], "/api/v1/agreements/{id}/accessions");
    assert_eq!(line["method"], "POST");
    assert_eq!(line["level"], "INFO");
    assert!(line["request_id"].as_str().is_some_and(|r| !r.is_empty()));
    assert!(line["duration_ms"].is_number());
    assert!(line["timestamp"].as_str().is_some_and(|t| t.ends_with('Z')));
});

// ---------------------------------------------------------------- several instances

const STATEMENT: &str = "Vi står för demokratiska värderingar och alla människors lika värde.";

// Two processes' sweeps at once on one database (each with its own pool, as two servers
// have) end every overdue accession once: each locks and re-checks the accession it ends.
e2e!(concurrent_sweeps_end_each_accession_once, |app| {
    let body = app.public_body("municipality", "1285");
    let admin = app.agreement_admin(body);
    let agreement = app.adopted_agreement(
        &admin,
        body,
        "1285",
        json!({"eligibility_statements": [STATEMENT], "reconfirmation_days": 30}),
    );
    let mut ids = Vec::new();
    for n in 0..6 {
        let org = app.create_organization(&format!("Föreningen Svepet {n} åäö"), None);
        let r = app.post(
            &format!("/api/v1/agreements/{agreement}/accessions"),
            Some(&app.organization_rep(org)),
            &json!({
                "signatory": {"kind": "organization", "id": org},
                "channel": "board_minutes",
                "board_decision": {"decided_on": "2024-02-01", "minutes_reference": "§ 7", "received_on": "2024-02-10", "diary_number": null},
                "affirmed_statements": [STATEMENT],
                "contact_person": {"name": "Kim Kontaktsson", "email": "kim@forening.example", "phone": null}
            }),
        );
        assert_eq!(r.status, 201, "{}", r.text);
        let id = r.id();
        let r = app.post(
            &format!("/api/v1/accessions/{id}/approval"),
            Some(&admin),
            &json!({"approved_on": "2024-03-01", "decision_id": null}),
        );
        assert_eq!(r.status, 200, "{}", r.text);
        ids.push(id);
    }
    let base = format!("/api/v1/agreements/{agreement}");
    let r = app.post(
        &format!("{base}/revision"),
        Some(&admin),
        &json!({"content": agreement_content("Reviderad")}),
    );
    assert!(r.status < 300, "{}", r.text);
    let r = app.post(&format!("{base}/revision/adoption"), Some(&admin), &json!({"decided_by": "Kommunfullmäktige", "decision_date": "2024-03-01", "diary_number": null, "valid_from": "2024-03-01", "valid_until": null}));
    assert_eq!(r.status, 200, "{}", r.text);

    let barrier = std::sync::Arc::new(std::sync::Barrier::new(2));
    let sweeps: Vec<_> = (0..2)
        .map(|_| {
            let url = app.database_url.clone();
            let barrier = barrier.clone();
            std::thread::spawn(move || {
                let pool = samverkan_persistence::db::build_pool(&url, &Default::default())
                    .expect("test setup");
                barrier.wait();
                samverkan_api::setup::sweep_reconfirmations(&pool, chrono::Utc::now())
            })
        })
        .collect();
    let ended: usize = sweeps
        .into_iter()
        .map(|s| s.join().expect("a sweep").expect("the sweep succeeds"))
        .sum();
    assert_eq!(ended, ids.len(), "each accession ended by one sweep");
    for id in ids {
        let a = app.get_as(&format!("/api/v1/accessions/{id}"), &admin);
        assert_eq!(a.json["state"], "ended", "{}", a.text);
        let endings = a.json["history"]
            .as_array()
            .expect("history")
            .iter()
            .filter(|h| h["event"] == "ended")
            .count();
        assert_eq!(endings, 1, "{}", a.text);
    }
});

e2e!(a_theme_never_makes_a_cache_entry_of_its_own, |app| {
    let body = app.public_body("municipality", "1285");
    let admin = app.agreement_admin(body);
    let agreement = app.adopted_agreement(&admin, body, "1285", json!({}));
    let page = format!("/embed/agreements/{agreement}/signatories");
    let (_, before) = scrape(app);
    assert_eq!(app.get(&page).status, 200);
    for theme in [
        "accent=006b3c",
        "font=serif&density=compact",
        "scheme=dark&heading=none",
        "scheme=auto&resize=1",
        "accent=7a1f5c&utm_source=nyhetsbrev",
    ] {
        let r = app.get(&format!("{page}?{theme}"));
        assert_eq!(r.status, 200, "{theme}: {}", r.text);
        assert!(r.text.contains("<style>"), "{theme}");
    }
    let (text, after) = scrape(app);
    // One page, one entry, however many themes (the watcher may have emptied the cache since
    // this test's own writes: then fewer, never more).
    assert!(
        value(&after, "samverkan_cache_entries", &[]) <= 1.0,
        "{text}"
    );
    // Every themed read was answered from the base page's entry but for a rebuild after such
    // a clearing: the list was built at most twice for six reads.
    let misses = value(&after, "samverkan_cache_misses_total", &[])
        - value(&before, "samverkan_cache_misses_total", &[]);
    let hits = value(&after, "samverkan_cache_hits_total", &[])
        - value(&before, "samverkan_cache_hits_total", &[]);
    assert_eq!(hits + misses, 6.0, "{text}");
    assert!(misses <= 2.0, "{text}");
});
