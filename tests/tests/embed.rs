//! The embeddable page fits its host site (issue 16): errors a visitor can read, a theme
//! applied at response time to the cached page and allowed by its hash, `?rows=`, the
//! fragment and its stylesheet, and the opt-in height script. On the demo data. (The
//! layout at every width and the accessibility are checked in a real browser by
//! `.ci/browser`.)

use base64::Engine as _;
use samverkan_e2e::*;
use sha2::{Digest as _, Sha256};

/// Eslöv's agreement in the demo.
fn eslov(app: &TestApp) -> String {
    let pool = samverkan_persistence::db::build_pool(&app.database_url, &Default::default())
        .expect("test setup");
    assert!(samverkan_api::setup::seed_demo(&pool).expect("test setup"));
    app.get("/api/v1/agreements?limit=200").json["items"]
        .as_array()
        .expect("test setup")
        .iter()
        .find(|a| a["municipality_codes"][0] == "1285")
        .expect("test setup")["id"]
        .as_str()
        .expect("test setup")
        .to_owned()
}

/// The texts of every `<tag>…</tag>` element.
fn elements<'t>(text: &'t str, tag: &str) -> Vec<&'t str> {
    text.split(&format!("<{tag}>"))
        .skip(1)
        .filter_map(|rest| {
            rest.split_once(&format!("</{tag}>"))
                .map(|(inner, _)| inner)
        })
        .collect()
}

fn hash_source(text: &str) -> String {
    format!(
        "'sha256-{}'",
        base64::engine::general_purpose::STANDARD.encode(Sha256::digest(text.as_bytes()))
    )
}

fn assert_html_error(r: &Resp, status: u16, lang: &str, heading: &str) {
    assert_eq!(r.status, status, "{}", r.text);
    assert_eq!(r.header("content-type"), Some("text/html; charset=utf-8"));
    assert_eq!(r.header("cache-control"), Some("no-store"));
    assert!(
        r.text.contains(&format!("<html lang=\"{lang}\">")),
        "{}",
        r.text
    );
    assert!(
        r.text
            .contains(&format!("<h1 class=\"samverkan-title\">{heading}</h1>")),
        "{}",
        r.text
    );
    // The same strict policy as the page: its stylesheet, allowed by its hash, and nothing else.
    let csp = r.header("content-security-policy").expect("test setup");
    let styles = elements(&r.text, "style");
    assert_eq!(styles.len(), 1);
    assert!(
        csp.contains(&format!("style-src {};", hash_source(styles[0]))),
        "{csp}"
    );
    assert!(!r.text.contains("<script"));
}

e2e!(embed_errors_are_html_pages_in_the_pages_language, |app| {
    let id = eslov(app);
    let page = |q: &str| app.get(&format!("/embed/agreements/{id}/signatories?{q}"));

    let missing = "/embed/agreements/01a22aec-0000-7000-8000-000000000000/signatories";
    assert_html_error(&app.get(missing), 404, "sv", "Listan finns inte");
    let en = app.get(&format!("{missing}?lang=en"));
    assert_html_error(&en, 404, "en", "There is no such list");

    let r = page("lang=de");
    assert_html_error(&r, 400, "sv", "Adressen är felaktig");
    assert!(r.text.contains("parametern `lang`"), "{}", r.text);

    // An accent that would fail AA is refused, naming the ratio, in the page's language.
    let r = page("lang=en&accent=ffdd00");
    assert_html_error(&r, 422, "en", "The address is not right");
    assert!(
        r.text
            .contains("#ffdd00 has a contrast ratio of 1.34:1 against the background #ffffff"),
        "{}",
        r.text
    );
    let r = page("accent=%23ffdd00");
    assert!(r.text.contains("kontrastförhållandet 1.34:1"), "{}", r.text);
    // The dark scheme's background: a light accent passes there, a dark one does not.
    assert_eq!(page("scheme=dark&accent=8cb4ff").status, 200);
    assert_html_error(
        &page("scheme=dark&accent=0b4a96"),
        422,
        "sv",
        "Adressen är felaktig",
    );

    for bad in [
        "rows=0",
        "rows=1001",
        "rows=tio",
        "as_of=2026-13-01",
        "fragment=yes",
        "font=Comic%20Sans",
        "accent=red",
        "resize=2",
        "include=all",
    ] {
        assert_html_error(&page(bad), 400, "sv", "Adressen är felaktig");
    }
    let r = app.get("/embed/agreements/inte-ett-id/signatories?lang=en");
    assert_html_error(&r, 400, "en", "The address is not right");
});

e2e!(
    a_theme_is_applied_to_the_cached_page_and_allowed_by_its_hash,
    |app| {
        let id = eslov(app);
        let path = format!("/embed/agreements/{id}/signatories");
        let base = app.get(&format!("{path}?lang=sv"));
        assert_eq!(base.status, 200);
        let base_etag = base.header("etag").unwrap().to_owned();
        // Parameters the page does not know are ignored.
        let ignored = app.get(&format!("{path}?lang=sv&utm_source=nyhetsbrev"));
        assert_eq!(ignored.text, base.text);
        assert_eq!(ignored.header("etag"), Some(base_etag.as_str()));

        let q = "lang=sv&accent=006b3c&font=serif&scheme=auto&density=compact&heading=none";
        let themed = app.get(&format!("{path}?{q}"));
        assert_eq!(themed.status, 200, "{}", themed.text);
        let styles = elements(&themed.text, "style");
        assert_eq!(styles.len(), 2, "{}", themed.text);
        assert_eq!(styles[0], elements(&base.text, "style")[0]);
        let theme = styles[1];
        assert!(theme.contains("--samverkan-accent:#006b3c"), "{theme}");
        assert!(theme.contains("Georgia"), "{theme}");
        assert!(
            theme.contains("@media (prefers-color-scheme:dark)"),
            "{theme}"
        );
        assert!(theme.contains(".samverkan-head{display:none}"), "{theme}");
        // Both stylesheets are allowed by their hashes, in the header and in the page's <meta>.
        let csp = themed.header("content-security-policy").unwrap();
        let allowed = format!(
            "style-src {} {};",
            hash_source(styles[0]),
            hash_source(theme)
        );
        assert!(csp.contains(&allowed), "{csp}");
        assert!(
            csp.ends_with("frame-ancestors *") && !csp.contains("unsafe"),
            "{csp}"
        );
        assert!(themed.text.contains(&allowed), "the <meta> policy too");
        // Otherwise the base page, as cached: the same list, and its own ETag from the base's.
        assert_eq!(
            themed
                .text
                .replace(&format!("<style>{theme}</style>\n"), ""),
            base.text
                .replace(&format!("style-src {};", hash_source(styles[0])), &allowed)
        );
        let etag = themed.header("etag").unwrap().to_owned();
        assert_ne!(etag, base_etag);
        assert!(etag.starts_with(base_etag.trim_end_matches('"')), "{etag}");
        let again = app.send(
            "GET",
            &format!("{path}?{q}"),
            &[("if-none-match", &etag)],
            None,
        );
        assert_eq!(again.status, 304);
        // Another theme, another policy; the plain page stays plain.
        let dark = app.get(&format!("{path}?lang=sv&scheme=dark"));
        assert!(elements(&dark.text, "style")[1].starts_with("html{color-scheme:dark"));
        assert_eq!(app.get(&format!("{path}?lang=sv")).text, base.text);
    }
);

e2e!(resize_adds_one_script_allowed_by_its_hash, |app| {
    let id = eslov(app);
    let path = format!("/embed/agreements/{id}/signatories");
    let plain = app.get(&format!("{path}?include=former"));
    assert!(!plain.text.contains("<script"));
    assert!(
        !plain
            .header("content-security-policy")
            .unwrap()
            .contains("script-src")
    );
    let r = app.get(&format!("{path}?include=former&resize=1"));
    assert_eq!(r.status, 200);
    let scripts = elements(&r.text, "script");
    assert_eq!(scripts.len(), 1, "{}", r.text);
    assert!(scripts[0].contains("postMessage({type:\"samverkan:height\",height:h}"));
    let csp = r.header("content-security-policy").unwrap();
    assert!(
        csp.contains(&format!("script-src {};", hash_source(scripts[0]))),
        "{csp}"
    );
    assert!(
        r.text
            .contains(&format!("script-src {};", hash_source(scripts[0])))
    );
});

e2e!(rows_and_the_fragment_and_its_stylesheet, |app| {
    let id = eslov(app);
    let path = format!("/embed/agreements/{id}/signatories");
    let all = app.get(&format!("{path}?as_of=2026-11-23"));
    assert_eq!(
        all.text.matches("<th scope=\"row\"").count(),
        2,
        "{}",
        all.text
    );
    let one = app.get(&format!("{path}?as_of=2026-11-23&rows=1&accent=006b3c"));
    assert_eq!(one.status, 200, "{}", one.text);
    assert_eq!(one.text.matches("<th scope=\"row\"").count(), 1);
    assert!(
        one.text.contains(
            "Visar 1 av 2. <a href=\"?as_of=2026-11-23&#38;accent=006b3c\">Visa hela listan</a>"
        ),
        "{}",
        one.text
    );

    let fragment = app.get(&format!("{path}?as_of=2026-11-23&lang=en&fragment=1"));
    assert_eq!(fragment.status, 200);
    assert_eq!(
        fragment.header("content-type"),
        Some("text/html; charset=utf-8")
    );
    assert!(
        fragment
            .text
            .starts_with("<div class=\"samverkan\" lang=\"en\">"),
        "{}",
        fragment.text
    );
    for tag in ["<html", "<head", "<style", "<h1", "<script"] {
        assert!(!fragment.text.contains(tag), "{tag}");
    }
    assert!(fragment.text.contains("Föreningen Ängsblomman"));
    assert!(fragment.text.contains("<h2 class=\"samverkan-title\""));

    let css = app.get("/embed/signatories.css");
    assert_eq!(css.status, 200);
    assert_eq!(css.header("content-type"), Some("text/css; charset=utf-8"));
    assert!(css.header("cache-control").unwrap().starts_with("public"));
    assert!(css.text.starts_with(".samverkan{"));
    // The page inlines the same rules.
    let page_style = elements(&all.text, "style")[0];
    assert!(page_style.ends_with(&css.text), "{page_style}");
    let etag = css.header("etag").unwrap().to_owned();
    let again = app.send(
        "GET",
        "/embed/signatories.css",
        &[("if-none-match", &etag)],
        None,
    );
    assert_eq!(again.status, 304);
});

e2e!(the_snippet_builder_previews_and_gives_the_code, |app| {
    let id = eslov(app);
    let empty = app.get("/embed/");
    assert_eq!(empty.status, 200);
    assert!(empty.text.contains("<html lang=\"sv\">"));
    assert!(empty.text.contains(&format!("<option value=\"{id}\"")));
    assert!(
        !empty.text.contains("<iframe"),
        "no preview before a choice"
    );
    // No script, nothing from elsewhere; the preview frame from this server only.
    let csp = empty.header("content-security-policy").unwrap();
    let styles = elements(&empty.text, "style");
    assert!(
        csp.starts_with(&format!(
            "default-src 'none'; style-src {}; frame-src 'self';",
            hash_source(styles[0])
        )),
        "{csp}"
    );
    assert!(csp.ends_with("frame-ancestors 'none'"), "{csp}");
    for page in [&empty.text, &app.get("/embed/?lang=en").text] {
        assert!(!page.contains("<script") && !page.contains("<link"));
    }

    let q = format!(
        "agreement={id}&lang=en&include=former&rows=3&accent=%23006B3C&font=serif&resize=1"
    );
    let r = app.get(&format!("/embed/?{q}"));
    assert_eq!(r.status, 200);
    assert!(r.text.contains("<html lang=\"en\">"));
    let src = format!(
        "/embed/agreements/{id}/signatories?lang=en&amp;include=former&amp;rows=3&amp;accent=006b3c&amp;font=serif&amp;resize=1"
    );
    // The preview, with a title and a height for three rows and the former signatories.
    assert!(
        r.text.contains(&format!(
            "<iframe src=\"{}\" title=\"Signatories – ",
            src.replace("&amp;", "&#38;")
        )),
        "{}",
        r.text
    );
    assert!(
        r.text.contains("loading=\"lazy\" height=\"526\">"),
        "{}",
        r.text
    );
    // The code to copy: the same page at this server's address, escaped as text.
    let snippet = r
        .text
        .split_once("<textarea id=\"snippet\" rows=\"5\" readonly>")
        .and_then(|(_, rest)| rest.split_once("</textarea>"))
        .map(|(inner, _)| inner)
        .unwrap_or_else(|| panic!("no snippet in {}", r.text));
    assert!(
        snippet.starts_with("&#60;iframe src=&#34;http://127.0.0.1:"),
        "{snippet}"
    );
    assert!(snippet.contains(&format!(
        "/embed/agreements/{id}/signatories?lang=en&#38;amp;include=former"
    )));
    assert!(snippet.contains("loading=&#34;lazy&#34; width=&#34;100%&#34; height=&#34;526&#34;"));
    // The page the snippet names is there, and is the preview.
    let page = app.get(&src.replace("&amp;", "&"));
    assert_eq!(page.status, 200);
    assert!(page.text.contains("<script>"), "resize=1");
    // The host's script, with this server's origin to accept messages from.
    assert!(r.text.contains("samverkan:height"));
    assert!(r.text.contains("e.origin !== &#34;http://127.0.0.1:"));

    // An accent under AA: the form says why, and no code is given.
    let r = app.get(&format!("/embed/?agreement={id}&accent=ffdd00"));
    assert_eq!(r.status, 200);
    assert!(r.text.contains("kontrastförhållandet 1.34:1"), "{}", r.text);
    assert!(!r.text.contains("<iframe"));
    // A draft is not offered.
    let unknown = app.get("/embed/?agreement=01a22aec-0000-7000-8000-000000000000");
    assert!(!unknown.text.contains("<iframe"));
});

e2e!(the_accessibility_statement_and_the_docs_address, |app| {
    let sv = app.get("/embed/accessibility");
    assert_eq!(sv.status, 200);
    assert!(sv.text.contains("<html lang=\"sv\">"));
    assert!(sv.text.contains("<h1>Tillgänglighetsredogörelse"));
    assert!(sv.text.contains("WCAG 2.1 nivå AA"));
    assert!(sv.text.contains("Digg"));
    let en = app.get("/embed/accessibility?lang=en");
    assert!(
        en.text.contains("<html lang=\"en\">") && en.text.contains("<h1>Accessibility statement")
    );
    assert!(!sv.text.contains("<script") && !en.text.contains("<script"));
    let etag = sv.header("etag").expect("an ETag").to_owned();
    let again = app.send(
        "GET",
        "/embed/accessibility",
        &[("if-none-match", &etag)],
        None,
    );
    assert_eq!(again.status, 304);

    let agent = ureq::Agent::config_builder()
        .max_redirects(0)
        .http_status_as_error(false)
        .build()
        .new_agent();
    let docs = agent
        .get(format!("{}/docs", app.base))
        .call()
        .expect("the server answers");
    assert_eq!(docs.status().as_u16(), 308);
    assert_eq!(
        docs.headers().get("location").and_then(|v| v.to_str().ok()),
        Some("/docs/")
    );
    // The builder's address as editors are given it, with its query.
    let builder = agent
        .get(format!("{}/embed/?lang=en&rows=5", app.base))
        .call()
        .expect("the server answers");
    assert_eq!(builder.status().as_u16(), 308);
    assert_eq!(
        builder
            .headers()
            .get("location")
            .and_then(|v| v.to_str().ok()),
        Some("/embed?lang=en&rows=5")
    );
    let init = app.get("/docs/swagger-initializer.js");
    assert_eq!(init.status, 200);
    assert!(
        init.text.contains("\"validatorUrl\": \"none\""),
        "{}",
        init.text
    );
});

e2e!(an_administrator_restricts_who_may_frame_the_page, |app| {
    let eslov = app.public_body("municipality", "1285");
    let admin = app.agreement_admin(eslov);
    let id = app.adopted_agreement(&admin, eslov, "1285", serde_json::json!({}));
    let page = format!("/embed/agreements/{id}/signatories");
    // By default any site may frame it.
    let r = app.get(&format!("/api/v1/agreements/{id}"));
    assert_eq!(
        r.json["settings"]["embed_frame_ancestors"],
        serde_json::json!([])
    );
    assert!(
        app.get(&page)
            .header("content-security-policy")
            .expect("a policy")
            .ends_with("; frame-ancestors *")
    );
    let etag = r.header("etag").expect("etag").to_owned();

    // Origins only: no path, no other directive smuggled in, no keyword.
    let r = app.patch(
        &format!("/api/v1/agreements/{id}"),
        &admin,
        Some(&etag),
        &serde_json::json!({"settings": {"embed_frame_ancestors": [
            "https://www.eslov.se",
            "https://www.eslov.se/kommun-och-politik",
            "https://a.se; script-src *",
            "*",
        ]}}),
    );
    r.assert_problem(422);
    assert_eq!(
        r.error_fields(),
        [
            "settings.embed_frame_ancestors[1]",
            "settings.embed_frame_ancestors[2]",
            "settings.embed_frame_ancestors[3]"
        ]
    );

    let r = app.patch(
        &format!("/api/v1/agreements/{id}"),
        &admin,
        Some(&etag),
        &serde_json::json!({"settings": {"embed_frame_ancestors": [
            " HTTPS://www.Eslov.se/ ",
            "https://*.eslov.se",
        ]}}),
    );
    assert_eq!(r.status, 200, "{}", r.text);
    // Shown in the settings as the policy will name them.
    let r = app.get(&format!("/api/v1/agreements/{id}"));
    assert_eq!(
        r.json["settings"]["embed_frame_ancestors"],
        serde_json::json!(["https://www.eslov.se", "https://*.eslov.se"])
    );
    let restricted = "; frame-ancestors https://www.eslov.se https://*.eslov.se";
    for q in ["", "?lang=en", "?accent=006b3c&resize=1", "?fragment=1"] {
        let r = app.get(&format!("{page}{q}"));
        assert_eq!(r.status, 200, "{}", r.text);
        let csp = r.header("content-security-policy").expect("a policy");
        assert!(csp.ends_with(restricted), "{q}: {csp}");
        assert_eq!(csp.matches("frame-ancestors").count(), 1, "{csp}");
    }
    // Another agreement's page is not restricted by it.
    let lund = app.public_body("municipality", "1281");
    let other = app.adopted_agreement(
        &app.agreement_admin(lund),
        lund,
        "1281",
        serde_json::json!({}),
    );
    let r = app.get(&format!("/embed/agreements/{other}/signatories"));
    assert!(
        r.header("content-security-policy")
            .expect("a policy")
            .ends_with("; frame-ancestors *")
    );
});
