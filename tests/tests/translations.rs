//! Translations of an agreement version's public texts (issue 16): recorded by the
//! agreement's administrators on an adopted text, read by `?lang=` or `Accept-Language`
//! with `Content-Language` and `Vary: Accept-Language`, Swedish where a text is missing,
//! and named in the change feed.

use samverkan_e2e::*;
use serde_json::{Value, json};

fn finnish() -> Value {
    json!({
        "language": "FI",
        "title": "Yhteistyösopimus",
        "purpose": "Vahvistaa kunnan ja kansalaisyhteiskunnan yhteistyötä.",
        "principles": [{"number": 2, "title": "Itsenäisyys ja riippumattomuus"}],
        "commitments": [{"index": 1, "text": "Sektori juurruttaa sopimuksen verkostoihinsa."}]
    })
}

fn translations_path(id: uuid::Uuid, number: u32) -> String {
    format!("/api/v1/agreements/{id}/versions/{number}/translations")
}

e2e!(
    a_translation_is_read_by_lang_or_accept_language_with_swedish_fallback,
    |app| {
        app.set_today("2026-11-30");
        let body = app.public_body("municipality", "0181");
        let admin = app.agreement_admin(body);
        let id = app.adopted_agreement(&admin, body, "0181", json!({}));

        // Only the agreement's administrators translate.
        let other = app.agreement_admin(app.public_body("municipality", "1285"));
        app.post(&translations_path(id, 1), Some(&other), &finnish())
            .assert_problem(403);
        app.post(&translations_path(id, 1), None, &finnish())
            .assert_problem(401);
        app.post(&translations_path(id, 9), Some(&admin), &finnish())
            .assert_problem(404);

        let r = app.post(&translations_path(id, 1), Some(&admin), &finnish());
        assert_eq!(r.status, 200, "{}", r.text);
        let translations = &r.json["current_version"]["translations"];
        assert_eq!(translations[0]["language"], "fi", "stored in normal case");
        assert!(translations[0]["recorded_at"].as_str().is_some());
        // Who recorded it is the administrators' to see, never a public read's.
        assert_eq!(
            translations[0]["recorded_by"],
            format!("processledare-{body}")
        );
        let public = app.get(&format!("/api/v1/agreements/{id}/versions/1"));
        assert_eq!(public.json["translations"][0]["recorded_by"], Value::Null);
        let own = app.get_as(&format!("/api/v1/agreements/{id}/versions/1"), &admin);
        assert_eq!(
            own.json["translations"][0]["recorded_by"],
            translations[0]["recorded_by"]
        );

        // Without a language asked for, the Swedish text as before: no Content-Language.
        let path = format!("/api/v1/agreements/{id}");
        let swedish = app.get(&path);
        assert_eq!(swedish.status, 200);
        assert_eq!(swedish.json["current_version"]["language"], "sv");
        assert_eq!(
            swedish.json["current_version"]["content"]["title"],
            "Överenskommelse om samverkan"
        );
        assert_eq!(swedish.header("content-language"), None);
        assert!(
            swedish
                .header("vary")
                .is_some_and(|v| v.contains("Accept-Language")),
            "{:?}",
            swedish.header("vary")
        );

        // ?lang=fi: the translated texts, Swedish where the translation has none, and marked.
        let fi = app.get(&format!("{path}?lang=fi"));
        assert_eq!(fi.status, 200, "{}", fi.text);
        assert_eq!(fi.header("content-language"), Some("fi"));
        assert!(
            fi.header("vary")
                .is_some_and(|v| v.contains("Accept-Language"))
        );
        let v = &fi.json["current_version"];
        assert_eq!(v["language"], "fi");
        assert_eq!(v["content"]["title"], "Yhteistyösopimus");
        assert_eq!(v["content"]["principles"][0]["title"], "Dialog");
        assert_eq!(
            v["content"]["principles"][1]["title"],
            "Itsenäisyys ja riippumattomuus"
        );
        assert_eq!(
            v["content"]["commitments"][1]["text"],
            "Sektori juurruttaa sopimuksen verkostoihinsa."
        );
        assert_eq!(
            v["fallback_fields"],
            json!([
                "background",
                "principles[0].title",
                "principles[0].description",
                "principles[1].description",
                "commitments[0].title",
                "commitments[0].text",
                "commitments[1].title"
            ])
        );
        assert_ne!(fi.header("etag"), swedish.header("etag"));

        // Accept-Language by weight; Swedish ranked first keeps the original.
        let by_header = app.send(
            "GET",
            &format!("/api/v1/agreements/{id}/versions/1"),
            &[("accept-language", "de;q=0.9, fi-FI;q=0.8, sv;q=0.1")],
            None,
        );
        assert_eq!(by_header.status, 200);
        assert_eq!(by_header.header("content-language"), Some("fi"));
        assert_eq!(by_header.json["language"], "fi");
        let browser = app.send(
            "GET",
            &format!("/api/v1/agreements/{id}/versions"),
            &[("accept-language", "sv-SE,sv;q=0.9,fi;q=0.8")],
            None,
        );
        assert_eq!(browser.header("content-language"), Some("sv"));
        assert_eq!(browser.json["items"][0]["language"], "sv");
        assert_eq!(browser.json["items"][0]["fallback_fields"], json!([]));

        // A language without a translation: Swedish, and said so.
        let english = app.get(&format!("{path}?lang=en"));
        assert_eq!(english.header("content-language"), Some("sv"));
        assert_eq!(english.json["current_version"]["language"], "sv");

        // A conditional read in the language still answers 304.
        let etag = fi.header("etag").unwrap().to_owned();
        let again = app.send(
            "GET",
            &format!("{path}?lang=fi"),
            &[("if-none-match", &etag)],
            None,
        );
        assert_eq!(again.status, 304);

        // The list reads each agreement in the language too, and says which it read.
        let listed = app.get(&format!("/api/v1/agreements?public_body={body}&lang=fi"));
        assert_eq!(listed.status, 200, "{}", listed.text);
        assert_eq!(listed.header("content-language"), Some("fi"));
        assert_eq!(
            listed.json["items"][0]["current_version"]["content"]["title"],
            "Yhteistyösopimus"
        );
        let listed = app.get(&format!("/api/v1/agreements?public_body={body}"));
        assert_eq!(listed.header("content-language"), None);
        assert_eq!(
            listed.json["items"][0]["current_version"]["content"]["title"],
            "Överenskommelse om samverkan"
        );

        // The embed page's title: Finnish on the Finnish page, the Swedish original marked
        // as Swedish on the English one (no English translation).
        let page = app.get(&format!("/embed/agreements/{id}/signatories?lang=fi"));
        assert_eq!(page.status, 200, "{}", page.text);
        assert!(
            page.text.contains("lang=\"fi\">Yhteistyösopimus</h1>"),
            "{}",
            page.text
        );
        let page = app.get(&format!("/embed/agreements/{id}/signatories?lang=en"));
        assert!(
            page.text
                .contains("lang=\"sv\">Överenskommelse om samverkan</h1>"),
            "{}",
            page.text
        );

        // ?lang= is a preference, like Accept-Language: a value that is no tag is Swedish.
        let bad = app.get(&format!("{path}?lang=fi_FI"));
        assert_eq!(bad.status, 200, "{}", bad.text);
        assert_eq!(bad.header("content-language"), Some("sv"));
        assert_eq!(bad.json["current_version"]["language"], "sv");

        // Recorded again, the translation replaces the first.
        let mut shorter = finnish();
        shorter["language"] = json!("fi");
        shorter["purpose"] = Value::Null;
        let r = app.post(&translations_path(id, 1), Some(&admin), &shorter);
        assert_eq!(r.status, 200, "{}", r.text);
        let fi = app.get(&format!("{path}?lang=fi"));
        assert_eq!(
            fi.json["current_version"]["translations"]
                .as_array()
                .unwrap()
                .len(),
            1
        );
        assert_eq!(
            fi.json["current_version"]["content"]["purpose"],
            swedish.json["current_version"]["content"]["purpose"]
        );
        assert_eq!(fi.json["current_version"]["fallback_fields"][0], "purpose");

        // The change feed names the event.
        let feed = app.get("/api/v1/changes?type=agreement.version_translated");
        assert_eq!(feed.status, 200, "{}", feed.text);
        assert_eq!(
            feed.json["items"].as_array().unwrap().len(),
            2,
            "{}",
            feed.text
        );
    }
);

e2e!(
    translations_are_checked_against_the_version_they_translate,
    |app| {
        app.set_today("2026-11-30");
        let body = app.public_body("municipality", "0181");
        let admin = app.agreement_admin(body);
        let id = app.adopted_agreement(&admin, body, "0181", json!({}));

        let r = app.post(
            &translations_path(id, 1),
            Some(&admin),
            &json!({
                "language": "sv-FI",
                "title": " ",
                "principles": [{"number": 7, "title": "Dialogi"}],
                "commitments": [{"index": 2, "text": "Ei ole."}],
                "development_areas": [{"index": 0, "title": "Kohtaamispaikat"}]
            }),
        );
        r.assert_problem(422);
        assert_eq!(
            r.error_fields(),
            [
                "language",
                "title",
                "principles[0].number",
                "commitments[0].index",
                "development_areas[0].index"
            ]
        );
        let mut bad = finnish();
        bad["language"] = json!("en--GB");
        let r = app.post(&translations_path(id, 1), Some(&admin), &bad);
        r.assert_problem(422);
        assert_eq!(r.json["errors"][0]["code"], "invalid_language");
        let mut unknown = finnish();
        unknown["subtitle"] = json!("Ylimääräinen");
        app.post(&translations_path(id, 1), Some(&admin), &unknown)
            .assert_problem(400);

        // A text still being prepared is not translated: the revision's draft.
        let r = app.post(
            &format!("/api/v1/agreements/{id}/revision"),
            Some(&admin),
            &json!({"content": agreement_content("Reviderad överenskommelse")}),
        );
        assert_eq!(r.status, 200, "{}", r.text);
        let r = app.post(&translations_path(id, 2), Some(&admin), &finnish());
        r.assert_problem(409);
        assert_eq!(r.json["code"], "version_not_translatable");

        // Meänkieli and a tag the administrator adds are languages like any other.
        let mut meankieli = finnish();
        meankieli["language"] = json!("fit");
        meankieli["title"] = json!("Yhtheistyösopimus");
        assert_eq!(
            app.post(&translations_path(id, 1), Some(&admin), &meankieli)
                .status,
            200
        );
        let r = app.get(&format!("/api/v1/agreements/{id}/versions/1?lang=fit"));
        assert_eq!(r.header("content-language"), Some("fit"));
        assert_eq!(r.json["content"]["title"], "Yhtheistyösopimus");
        let languages: Vec<&str> = r.json["translations"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["language"].as_str().unwrap())
            .collect();
        assert_eq!(languages, ["fit"]);
    }
);
