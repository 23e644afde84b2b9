//! The walkthroughs of `docs/guides/` are run, not just read (issue 18): every ```` ```http ````
//! block of a guide is sent to a server holding the demo data, in order, with the demo's
//! token of the role it names, and must answer the status the guide states after it
//! (`**201**`); the ```` ```json ```` block that may follow is what the answer must contain
//! (every field shown, with the value shown). A value `"{name}"` there remembers the answer's
//! value under that name for the requests that follow (`/api/v1/agreements/{eslov}`), or,
//! once remembered, must be equal to it. `{token:<who>}` is the demo's token for that role,
//! `{etag}` the `ETag` of the last answer that had one.
//! The Swedish guide and its English version must send the same requests.
//!
//! So a guide whose request, status or error text no longer holds fails here, and the text
//! a reader copies is the text that was run.

use std::collections::HashMap;
use std::path::PathBuf;

use samverkan_e2e::*;
use serde_json::Value;

#[derive(Debug, Clone, PartialEq)]
struct Step {
    /// Line of the request in the guide, for messages.
    line: usize,
    method: String,
    path: String,
    headers: Vec<(String, String)>,
    body: Option<String>,
    status: u16,
    expect: Option<String>,
}

fn guides_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../docs/guides")
}

/// The fenced block that starts at `lines[*at]` (its opening fence), advancing past it.
fn block(lines: &[&str], at: &mut usize) -> Vec<String> {
    let mut content = Vec::new();
    *at += 1;
    while *at < lines.len() && lines[*at].trim_end() != "```" {
        content.push(lines[*at].to_owned());
        *at += 1;
    }
    *at += 1;
    content
}

fn parse(name: &str, text: &str) -> Vec<Step> {
    let lines: Vec<&str> = text.lines().collect();
    let mut steps = Vec::new();
    let mut at = 0;
    while at < lines.len() {
        if lines[at].trim_end() != "```http" {
            at += 1;
            continue;
        }
        let line = at + 1;
        let request = block(&lines, &mut at);
        let (start, rest) = request
            .split_first()
            .unwrap_or_else(|| panic!("{name}:{line}: an empty request"));
        let (method, path) = start
            .split_once(' ')
            .unwrap_or_else(|| panic!("{name}:{line}: `METHOD /path` first"));
        let mut headers = Vec::new();
        let mut body_lines = rest.iter();
        for header in body_lines.by_ref() {
            if header.trim().is_empty() {
                break;
            }
            let (k, v) = header
                .split_once(':')
                .unwrap_or_else(|| panic!("{name}:{line}: header {header:?}"));
            headers.push((k.trim().to_owned(), v.trim().to_owned()));
        }
        let body = body_lines.cloned().collect::<Vec<_>>().join("\n");
        // The status: the first line after the block with `**NNN`.
        while at < lines.len() && lines[at].trim().is_empty() {
            at += 1;
        }
        let status = lines
            .get(at)
            .and_then(|l| l.split("**").nth(1))
            .and_then(|s| s.get(..3))
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| panic!("{name}:{line}: no `**status**` after the request"));
        at += 1;
        // The answer shown, if any: the next fenced block, when it is JSON.
        while at < lines.len() && !lines[at].starts_with("```") {
            at += 1;
        }
        let expect = (at < lines.len() && lines[at].trim_end() == "```json")
            .then(|| block(&lines, &mut at).join("\n"));
        steps.push(Step {
            line,
            method: method.to_owned(),
            path: path.to_owned(),
            headers,
            body: (!body.trim().is_empty()).then_some(body),
            status,
            expect,
        });
    }
    steps
}

/// `{name}` replaced by what was remembered; a name not yet remembered fails the step.
fn fill(text: &str, known: &HashMap<String, String>, at: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        let close = after.find('}');
        match close {
            Some(close)
                if close > 0
                    && after[..close]
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | ':')) =>
            {
                let name = &after[..close];
                out.push_str(&rest[..open]);
                out.push_str(
                    known
                        .get(name)
                        .unwrap_or_else(|| panic!("{at}: {{{name}}} is not known yet")),
                );
                rest = &after[close + 1..];
            }
            _ => {
                out.push_str(&rest[..=open]);
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// Whether `actual` holds everything `expected` shows; `"{name}"` remembers or compares.
fn holds(
    expected: &Value,
    actual: &Value,
    known: &mut HashMap<String, String>,
    path: &str,
) -> Result<(), String> {
    match expected {
        Value::String(s) if s.len() > 2 && s.starts_with('{') && s.ends_with('}') => {
            let name = &s[1..s.len() - 1];
            let value = match actual {
                Value::String(v) => v.clone(),
                Value::Null => return Err(format!("{path}: null, not {s}")),
                other => other.to_string(),
            };
            match known.get(name) {
                Some(v) if *v != value => Err(format!("{path}: {value}, not {s} = {v}")),
                Some(_) => Ok(()),
                None => {
                    known.insert(name.to_owned(), value);
                    Ok(())
                }
            }
        }
        Value::Object(fields) => fields.iter().try_for_each(|(k, v)| {
            holds(
                v,
                actual.get(k).unwrap_or(&Value::Null),
                known,
                &format!("{path}.{k}"),
            )
        }),
        Value::Array(items) => {
            let got = actual
                .as_array()
                .ok_or_else(|| format!("{path}: not a list: {actual}"))?;
            if got.len() < items.len() {
                return Err(format!(
                    "{path}: {} items, the guide shows {}",
                    got.len(),
                    items.len()
                ));
            }
            items
                .iter()
                .zip(got)
                .enumerate()
                .try_for_each(|(i, (e, a))| holds(e, a, known, &format!("{path}[{i}]")))
        }
        other if other == actual => Ok(()),
        other => Err(format!("{path}: {actual}, the guide shows {other}")),
    }
}

/// The demo's tokens by the short names the guides use (`{token:processledare}`).
fn demo_tokens(app: &TestApp) -> HashMap<String, String> {
    let pool = samverkan_persistence::db::build_pool(
        &app.database_url,
        &samverkan_persistence::db::PoolOptions::default(),
    )
    .expect("pool");
    let short = [
        ("demo-admin", "admin"),
        ("demo-processledare-eslov", "processledare"),
        ("demo-processledare-blekinge", "region"),
        ("demo-samordnare-nib", "samordnare"),
        ("demo-styrgrupp-eslov", "styrgrupp"),
        ("demo-ombud-angsblomman", "ombud"),
    ];
    samverkan_api::setup::demo_identities(&pool)
        .expect("identities")
        .into_iter()
        .map(|identity| {
            let request = identity.token_request(600);
            let name = short
                .iter()
                .find(|(sub, _)| *sub == identity.sub)
                .map(|(_, name)| format!("token:{name}"))
                .expect("a short name for every identity");
            let token = app.token(
                &request.sub,
                &request.roles,
                request.public_body_id,
                &request.organization_ids,
            );
            (name, token)
        })
        .collect()
}

/// The day the guides are run on, as they say.
const GUIDE_DAY: &str = "2026-12-01";

fn run(backend: Backend, name: &str, steps: &[Step]) {
    let app = TestApp::spawn(backend);
    app.set_today(GUIDE_DAY);
    app.load_demo();
    let mut known = demo_tokens(&app);
    for step in steps {
        let at = format!("{name}:{}", step.line);
        let path = fill(&step.path, &known, &at);
        let headers: Vec<(String, String)> = step
            .headers
            .iter()
            .filter(|(k, _)| !k.eq_ignore_ascii_case("content-type"))
            .map(|(k, v)| (k.clone(), fill(v, &known, &at)))
            .collect();
        let content_type = step
            .headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case("content-type"))
            .map(|(_, v)| v.as_str());
        let body = step.body.as_ref().map(|b| fill(b, &known, &at));
        let refs: Vec<(&str, &str)> = headers
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        let r = app.send(
            &step.method,
            &path,
            &refs,
            body.map(|b| (content_type.unwrap_or("application/json"), b.into_bytes())),
        );
        assert_eq!(
            r.status, step.status,
            "{at}: {} {path} answered {}: {}",
            step.method, r.status, r.text
        );
        if let Some(etag) = r.header("etag") {
            known.insert("etag".into(), etag.to_owned());
        }
        if let Some(expect) = &step.expect {
            let expected: Value = serde_json::from_str(expect)
                .unwrap_or_else(|e| panic!("{at}: the answer shown is not JSON: {e}"));
            if let Err(e) = holds(&expected, &r.json, &mut known, "answer") {
                panic!("{at}: {e}\n{}", r.text);
            }
        }
    }
}

/// Each guide's two languages, by role: (`processledare`, [sv steps, en steps]).
fn guides() -> Vec<(String, Vec<Step>, Vec<Step>)> {
    let dir = guides_dir();
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter_map(|f| f.strip_suffix(".sv.md").map(str::to_owned))
        .collect();
    names.sort();
    names
        .into_iter()
        .map(|role| {
            let read = |lang: &str| {
                let file = format!("{role}.{lang}.md");
                let text = std::fs::read_to_string(dir.join(&file))
                    .unwrap_or_else(|e| panic!("{file}: {e}"));
                parse(&file, &text)
            };
            (role.clone(), read("sv"), read("en"))
        })
        .collect()
}

#[test]
fn every_role_has_a_guide_in_both_languages_with_the_same_requests() {
    let guides = guides();
    let roles: Vec<&str> = guides.iter().map(|(r, _, _)| r.as_str()).collect();
    assert_eq!(
        roles,
        [
            "association",
            "integrator",
            "network-coordinator",
            "processledare",
            "web-editor"
        ]
    );
    for (role, sv, en) in &guides {
        assert!(!sv.is_empty(), "{role}: no request");
        let strip = |s: &[Step]| -> Vec<Step> {
            s.iter()
                .map(|s| Step {
                    line: 0,
                    ..s.clone()
                })
                .collect()
        };
        assert_eq!(strip(sv), strip(en), "{role}: the two languages differ");
        // Every guide shows at least one error a user meets, in Swedish.
        assert!(
            sv.iter().any(|s| s.status >= 400
                && s.headers
                    .iter()
                    .any(|(k, v)| k == "Accept-Language" && v == "sv")
                && s.expect.is_some()),
            "{role}: no Swedish error shown"
        );
    }
    let readme = std::fs::read_to_string(guides_dir().join("../../README.md")).expect("README");
    for role in roles {
        assert!(
            readme.contains(&format!("docs/guides/{role}.sv.md")),
            "README links {role}"
        );
    }
}

fn run_all(backend: Backend) {
    for (role, sv, _) in guides() {
        // The languages send the same requests (above): running one runs both.
        run(backend, &format!("{role}.sv.md"), &sv);
    }
}

#[test]
fn the_guides_run_against_the_demo_sqlite() {
    run_all(Backend::Sqlite);
}

#[test]
#[cfg_attr(
    not(postgres_tests),
    ignore = "PostgreSQL not tested: SAMVERKAN_TEST_POSTGRES_URL is not set"
)]
fn the_guides_run_against_the_demo_postgres() {
    run_all(Backend::Postgres);
}
