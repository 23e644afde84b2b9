//! The cached public list stays correct: a change made through one server process is seen
//! by another that had the list cached.

use std::net::TcpListener;
use std::time::{Duration, Instant};

use samverkan_e2e::*;
use serde_json::json;

/// A second server process (here: a second server in this process, with its own cache and
/// its own watcher) on the same database.
fn second_server(
    app: &TestApp,
) -> (
    String,
    actix_web::dev::ServerHandle,
    std::thread::JoinHandle<()>,
) {
    let pool = samverkan_persistence::db::build_pool(&app.database_url, &Default::default())
        .expect("test setup");
    let listener = TcpListener::bind("127.0.0.1:0").expect("test setup");
    let base = format!("http://{}", listener.local_addr().expect("test setup"));
    let state = samverkan_api::state::AppState::new(
        pool,
        samverkan_api::auth::Authenticator::new(&samverkan_api::config::JwtSettings {
            key: Some(samverkan_api::config::JwtKey::Secret(TEST_SECRET.to_vec())),
            algorithm: samverkan_api::config::Algorithm::HS256,
            issuer: None,
            audience: None,
            leeway_seconds: 5,
            max_lifetime_seconds: samverkan_api::config::DEFAULT_JWT_MAX_LIFETIME,
            private_key_pem: None,
        })
        .expect("test setup"),
        64 * 1024,
    );
    let (tx, rx) = std::sync::mpsc::channel();
    let thread = std::thread::spawn(move || {
        actix_web::rt::System::new().block_on(async move {
            let srv = samverkan_api::server::server(listener, state, 1, Duration::from_secs(3))
                .expect("test setup");
            tx.send(srv.handle()).expect("test setup");
            let _ = srv.await;
        });
    });
    (base, rx.recv().expect("test setup"), thread)
}

fn count(url: &str) -> usize {
    let agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .new_agent();
    let mut res = agent.get(url).call().expect("test setup");
    let v: serde_json::Value = res.body_mut().read_json().expect("test setup");
    v["items"].as_array().expect("test setup").len()
}

e2e!(
    a_change_through_one_process_reaches_the_others_cache,
    |app| {
        let body = app.public_body("municipality", "1285");
        let admin = app.agreement_admin(body);
        let agreement = app.adopted_agreement(&admin, body, "1285", json!({}));
        let (other, handle, thread) = second_server(app);
        let list = format!("{other}/api/v1/agreements/{agreement}/signatories");
        assert_eq!(count(&list), 0);
        assert_eq!(count(&list), 0, "served from the other process's cache");

        let org = app.create_organization("Föreningen Cachad", None);
        let application = json!({
            "signatory": {"kind": "organization", "id": org}, "channel": "form", "board_decision": null,
            "affirmed_statements": [], "contact_person": {"name": "Kim", "email": "kim@exempel.example", "phone": null}
        });
        let id = app
            .post(
                &format!("/api/v1/agreements/{agreement}/accessions"),
                Some(&app.organization_rep(org)),
                &application,
            )
            .id();
        let r = app.post(
            &format!("/api/v1/accessions/{id}/approval"),
            Some(&admin),
            &json!({"approved_on": "2024-01-01", "decision_id": null}),
        );
        assert_eq!(r.status, 200, "{}", r.text);
        // This process sees its own write at once.
        assert_eq!(
            app.get(&format!("/api/v1/agreements/{agreement}/signatories"))
                .json["items"]
                .as_array()
                .expect("test setup")
                .len(),
            1
        );
        // The other process within its watch interval (50 ms); allow far more for a busy machine.
        let deadline = Instant::now() + Duration::from_secs(10);
        while count(&list) != 1 {
            assert!(
                Instant::now() < deadline,
                "the other process still serves the old list"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        std::thread::spawn(move || actix_web::rt::System::new().block_on(handle.stop(false)))
            .join()
            .expect("test setup");
        thread
            .join()
            .expect("the second server stops with its watcher");
    }
);
