//! The embeddable page ([`embed_html`], [`embed_headers`]): the public list as a complete
//! HTML5 document for an iframe on a municipal website.
//!
//! The markup is the askama template `api/templates/embed/signatories.html`, compiled into
//! the binary and escaped automatically (every value is text; nothing is marked safe but
//! our own constants). This module prepares what the template shows: the labels of the
//! chosen language, the rows split into current and former signatories, and the policy.
//!
//! No JavaScript, no external resources and only the inline stylesheet
//! (`api/templates/embed/page.css` and `signatories.css`, [`STYLE`]), allowed by the
//! Content-Security-Policy through the SHA-256 hash of its exact text, computed once at
//! start-up ([`style_hash`]), so that editing the stylesheet cannot leave a stale hash
//! behind. The policy is sent as a header (with `frame-ancestors *`, since the page is made
//! to be framed by any site, unless the agreement names the sites that may:
//! [`content_security_policy_for`]; therefore no `X-Frame-Options`) and repeated in a
//! `<meta http-equiv>` (which cannot carry `frame-ancestors`), so that a saved copy keeps it.
//! [`present`] adds a theme's stylesheet and the `resize=1` script at response time, each
//! with its own hash in both policies (`super::theme`).
//!
//! The list itself (`list.html`, [`embed_fragment`]) has every class under `samverkan` and
//! its stylesheet ([`LIST_STYLE`], served at `/embed/signatories.css`) every rule under it,
//! so that a site may include it without a frame. Long words: headings may break inside a
//! word (`overflow-wrap`, `hyphens` with `lang`), names and places only between words; the
//! table turns into cards below 50em of the list's own width (a container query), before
//! its columns could push the page sideways. `.ci/browser` checks this at every width.
//!
//! Accessibility: semantic table with a `<caption>` (visually hidden: the summary line and
//! the headings above say the same to the eye), `<th scope="col">` headers and the
//! organisation name as `<th scope="row">`; dates in `<time>`; visible focus; contrast at
//! least 7:1 for text. Names, titles and places are Swedish and marked `lang="sv"`, so that
//! a screen reader reading the English page pronounces them right. Below 40em (a phone, or
//! a narrow iframe) the table is laid out as one card per organisation with each value
//! labelled from `data-label`; because changing a table's `display` makes some browsers drop
//! its table semantics, the elements also carry their ARIA roles, and the generated labels
//! have empty alternative text so that screen readers announce the real column headers
//! instead. Soft hyphens let the long Swedish compounds of those labels break where Swedish
//! breaks them ("Organisations-nummer").
//!
//! Website links open in the top window (`target="_top"`): inside an iframe a link would
//! otherwise load the organisation's site in the small frame (or fail, when that site
//! forbids framing), and a new window would surprise the reader. Only `http(s)` addresses
//! become links; `rel="noopener noreferrer"` and `Referrer-Policy: no-referrer` send
//! nothing about the reader along.

use std::sync::LazyLock;

use askama::Template;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use chrono::{Datelike as _, NaiveDate};
use samverkan_domain::accession::SignatoryStatus;
use samverkan_domain::party::SignatoryForm;
use sha2::{Digest as _, Sha256};

use super::SignatoryRow;

/// `Content-Type` of the embeddable page.
pub const HTML_CONTENT_TYPE: &str = "text/html; charset=utf-8";

/// The list's stylesheet: every rule under the class `samverkan`. Inlined in the page and
/// served on its own at `/embed/signatories.css` for the `?fragment=1` list, which a host
/// may link or replace.
pub const LIST_STYLE: &str = include_str!("../../templates/embed/signatories.css");

/// The only stylesheet of the page, inlined verbatim: the page's own few rules and
/// [`LIST_STYLE`]; [`style_hash`] is its SHA-256.
pub const STYLE: &str = concat!(
    include_str!("../../templates/embed/page.css"),
    include_str!("../../templates/embed/signatories.css")
);

/// The language of the page's labels: `lang=sv` (the default), `lang=en` or `lang=fi`.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Default,
    strum::EnumString,
    strum::IntoStaticStr,
    strum::EnumIter,
)]
#[strum(serialize_all = "snake_case")]
pub enum Lang {
    #[default]
    Sv,
    En,
    /// Finnish, a national minority language (issue 16).
    Fi,
}

impl Lang {
    /// The BCP 47 tag for `<html lang>`: the parameter's own value.
    pub fn tag(self) -> &'static str {
        self.into()
    }

    /// The language of the API's problem texts (Swedish or English) shown on a page in this
    /// language: a Finnish page shows the Swedish ones.
    pub fn problem_lang(self) -> samverkan_domain::error::Lang {
        match self {
            Self::Sv | Self::Fi => samverkan_domain::error::Lang::Sv,
            Self::En => samverkan_domain::error::Lang::En,
        }
    }

    fn labels(self) -> &'static Labels {
        match self {
            Self::Sv => &SV,
            Self::En => &EN,
            Self::Fi => &FI,
        }
    }
}

/// What the embeddable page shows.
#[derive(Debug, Clone, Copy)]
pub struct EmbedPage<'a> {
    pub agreement_title: &'a str,
    /// The title's language: the page's where the agreement has a translation in it,
    /// otherwise `sv` (the authoritative text), marked on the heading (WCAG 3.1.2).
    pub agreement_title_lang: &'a str,
    pub public_body_name: &'a str,
    pub as_of: NaiveDate,
    /// `?include=former`: also list the organisations that have left, in a second table.
    /// Without it, rows that are not current on `as_of` are left out.
    pub include_former: bool,
    /// In the order to show (Swedish alphabetical order, see [`super::sort_rows`]); current
    /// and former signatories are told apart with [`SignatoryRow::is_current_on`]`(as_of)`,
    /// and rows that only begin after `as_of` are left out.
    pub rows: &'a [SignatoryRow],
    pub lang: Lang,
    /// `?rows=N`: show the first N current signatories and a link to the whole list.
    pub show_rows: Option<usize>,
    /// The whole list's address, relative to the page (for `show_rows`).
    pub whole_list_href: &'a str,
}

/// The words of the page in one language.
struct Labels {
    /// The list's name: the page title and the first table's caption.
    list_name: &'static str,
    one_as_of: &'static str,
    many_as_of: &'static str,
    none_as_of: &'static str,
    former_heading: &'static str,
    none_former: &'static str,
    /// "ansluten 2017–2021": before the years a former signatory was on the list.
    period: &'static str,
    name: &'static str,
    /// The column's name as the narrow layout's label, with soft hyphens: HTML, not text.
    number_label: &'static str,
    form_label: &'static str,
    place: &'static str,
    since: &'static str,
    until: &'static str,
    /// Read out where a value is missing (a dash to the eye).
    missing: &'static str,
    /// "Visar 10 av 57.": `?rows=` shows part of the list.
    showing: &'static str,
    of: &'static str,
    whole_list: &'static str,
    /// The error page's heading by status: not found, a bad address, anything else.
    error_not_found: &'static str,
    error_not_found_text: &'static str,
    error_bad_request: &'static str,
    error_bad_request_text: &'static str,
    error_other: &'static str,
    error_other_text: &'static str,
}

const SV: Labels = Labels {
    list_name: "Anslutna organisationer",
    one_as_of: "ansluten organisation per",
    many_as_of: "anslutna organisationer per",
    none_as_of: "Inga organisationer är anslutna per",
    former_heading: "Tidigare anslutna organisationer",
    none_former: "Inga organisationer har lämnat överenskommelsen.",
    period: "ansluten",
    name: "Organisation",
    number_label: "Organisations&shy;nummer",
    form_label: "Organisations&shy;form",
    place: "Kommun",
    since: "Ansluten sedan",
    until: "Utträde",
    missing: "saknas",
    showing: "Visar",
    of: "av",
    whole_list: "Visa hela listan",
    error_not_found: "Listan finns inte",
    error_not_found_text: "Det finns ingen publicerad överenskommelse på den här adressen. Den kan ha tagits bort eller ännu inte vara publicerad.",
    error_bad_request: "Adressen är felaktig",
    error_bad_request_text: "Listan kan inte visas med de här inställningarna:",
    error_other: "Listan kan inte visas just nu",
    error_other_text: "Försök igen om en stund.",
};

const EN: Labels = Labels {
    list_name: "Signatories",
    one_as_of: "signatory as of",
    many_as_of: "signatories as of",
    none_as_of: "No organisations are signatories as of",
    former_heading: "Former signatories",
    none_former: "No organisations have left the agreement.",
    period: "signatory",
    name: "Organisation",
    number_label: "Organisation number",
    form_label: "Legal form",
    place: "Municipality",
    since: "Signatory since",
    until: "Withdrawn",
    missing: "none",
    showing: "Showing",
    of: "of",
    whole_list: "Show the whole list",
    error_not_found: "There is no such list",
    error_not_found_text: "No published agreement has this address. It may have been removed, or not be published yet.",
    error_bad_request: "The address is not right",
    error_bad_request_text: "The list cannot be shown with these settings:",
    error_other: "The list cannot be shown right now",
    error_other_text: "Please try again in a while.",
};

const FI: Labels = Labels {
    list_name: "Liittyneet järjestöt",
    one_as_of: "liittynyt järjestö, tilanne",
    many_as_of: "liittynyttä järjestöä, tilanne",
    none_as_of: "Ei liittyneitä järjestöjä, tilanne",
    former_heading: "Aiemmin liittyneet järjestöt",
    none_former: "Yksikään järjestö ei ole eronnut sopimuksesta.",
    period: "liittynyt",
    name: "Järjestö",
    number_label: "Organisaatio&shy;numero",
    form_label: "Yhteisö&shy;muoto",
    place: "Kunta",
    since: "Liittynyt alkaen",
    until: "Eronnut",
    missing: "puuttuu",
    showing: "Näytetään",
    of: "/",
    whole_list: "Näytä koko luettelo",
    error_not_found: "Luetteloa ei löydy",
    error_not_found_text: "Tässä osoitteessa ei ole julkaistua sopimusta. Se on ehkä poistettu, tai sitä ei ole vielä julkaistu.",
    error_bad_request: "Osoite on virheellinen",
    error_bad_request_text: "Luetteloa ei voi näyttää näillä asetuksilla:",
    error_other: "Luetteloa ei voi näyttää juuri nyt",
    error_other_text: "Yritä myöhemmin uudelleen.",
};

/// The page as the template takes it.
#[derive(Template)]
#[template(path = "embed/signatories.html")]
struct Page<'a> {
    lang: &'static str,
    t: &'static Labels,
    /// The policy for the `<meta>` element (without `frame-ancestors`).
    csp: &'static str,
    style: &'static str,
    agreement_title: &'a str,
    /// The list, rendered by [`List`].
    list: String,
}

/// The list as the template takes it: the page's body, or the fragment.
#[derive(Template)]
#[template(path = "embed/list.html")]
struct List<'a> {
    lang: &'static str,
    t: &'static Labels,
    /// The level of the title's heading.
    h: u8,
    agreement_title: &'a str,
    agreement_title_lang: &'a str,
    public_body_name: &'a str,
    as_of: NaiveDate,
    current: Vec<Row<'a>>,
    /// With `show_rows`, when some are not shown.
    more: Option<More<'a>>,
    /// `None` without `include=former`.
    former: Option<Vec<Row<'a>>>,
}

struct More<'a> {
    total: usize,
    href: &'a str,
}

/// One table row as the template shows it.
struct Row<'a> {
    name: &'a str,
    href: Option<&'a str>,
    org_number: Option<&'a str>,
    legal_form: &'static str,
    /// The municipalities' names (their codes when the names are not known), or `None`.
    places: Option<String>,
    since: NaiveDate,
    until: Option<NaiveDate>,
    /// The years on the list, for former signatories: "2017–2021".
    years: String,
}

impl<'a> Row<'a> {
    fn new(row: &'a SignatoryRow, lang: Lang) -> Self {
        let places = if row.municipality_names.is_empty() {
            &row.municipality_codes
        } else {
            &row.municipality_names
        };
        Row {
            name: &row.name,
            href: row.website.as_deref().and_then(safe_href),
            org_number: row.org_number.as_deref().filter(|n| !n.is_empty()),
            legal_form: match lang {
                Lang::Sv => SignatoryForm::of(row.legal_form).label_sv(),
                Lang::En => SignatoryForm::of(row.legal_form).label_en(),
                Lang::Fi => SignatoryForm::of(row.legal_form).label_fi(),
            },
            places: (!places.is_empty()).then(|| places.join(", ")),
            since: row.since,
            until: row.until,
            years: years(row.since, row.until),
        }
    }
}

/// The complete embeddable HTML document. Rendering fails only if writing to a `String`
/// does, which it does not; the error is passed on rather than unwrapped all the same.
pub fn embed_html(page: &EmbedPage<'_>) -> Result<String, askama::Error> {
    Page {
        lang: page.lang.tag(),
        t: page.lang.labels(),
        csp: &META_CSP,
        style: STYLE,
        agreement_title: page.agreement_title,
        list: list(page, 1)?,
    }
    .render()
}

/// The list alone (`?fragment=1`): no `<html>`, `<head>` or style, every class under
/// `samverkan`, the title an `<h2>` under the host page's own `<h1>`.
pub fn embed_fragment(page: &EmbedPage<'_>) -> Result<String, askama::Error> {
    list(page, 2)
}

fn list(page: &EmbedPage<'_>, h: u8) -> Result<String, askama::Error> {
    let lang = page.lang;
    let rows = |keep: &dyn Fn(&SignatoryRow) -> bool| -> Vec<Row<'_>> {
        page.rows
            .iter()
            .filter(|r| keep(r))
            .map(|r| Row::new(r, lang))
            .collect()
    };
    let mut current = rows(&|r| r.is_current_on(page.as_of));
    let total = current.len();
    let more = match page.show_rows {
        Some(n) if n < total => {
            current.truncate(n);
            Some(More {
                total,
                href: page.whole_list_href,
            })
        }
        _ => None,
    };
    List {
        lang: lang.tag(),
        t: lang.labels(),
        h,
        agreement_title: page.agreement_title,
        agreement_title_lang: page.agreement_title_lang,
        public_body_name: page.public_body_name,
        as_of: page.as_of,
        current,
        more,
        former: page
            .include_former
            .then(|| rows(&|r| r.status_on(page.as_of) == Some(SignatoryStatus::Former))),
    }
    .render()
}

/// The error page a visitor sees in the frame instead of a problem+json document.
#[derive(Template)]
#[template(path = "embed/error.html")]
struct ErrorPage<'a> {
    lang: &'static str,
    csp: &'static str,
    style: &'static str,
    heading: &'static str,
    text: &'static str,
    /// What is wrong with the address, for a 400.
    detail: Option<&'a str>,
    /// The detail's language where it differs from the page's (WCAG 3.1.2): the API's
    /// problem texts exist in Swedish and English only.
    detail_lang: Option<&'static str>,
}

/// A small HTML page in the page's language for an error of the embeddable page: 404 for a
/// missing or unpublished agreement, 400 naming the parameter, anything else "try again".
/// Same policy and stylesheet as the page.
pub fn embed_error_html(
    lang: Lang,
    status: u16,
    detail: Option<&str>,
) -> Result<String, askama::Error> {
    let t = lang.labels();
    let (heading, text, detail) = match status {
        404 => (t.error_not_found, t.error_not_found_text, None),
        400 | 422 => (t.error_bad_request, t.error_bad_request_text, detail),
        _ => (t.error_other, t.error_other_text, None),
    };
    ErrorPage {
        lang: lang.tag(),
        csp: &META_CSP,
        style: STYLE,
        heading,
        text,
        detail,
        detail_lang: (lang == Lang::Fi).then_some("sv"),
    }
    .render()
}

/// The policy of a page with `presentation` applied: the base policy, plus the hash of the
/// theme's stylesheet and of the height script when they are there. (`None` for the base.)
fn extended_policy(
    theme_css: Option<&str>,
    script: bool,
    frame_ancestors: &str,
) -> (String, String) {
    let mut style = format!("style-src {}", style_hash());
    if let Some(css) = theme_css {
        style.push(' ');
        style.push_str(&hash_source(css));
    }
    let script_src = if script {
        format!("; script-src {}", script_hash())
    } else {
        String::new()
    };
    let meta = META_CSP.replacen(
        &format!("style-src {}", style_hash()),
        &format!("{style}{script_src}"),
        1,
    );
    let header = format!("{meta}; frame-ancestors {frame_ancestors}");
    (meta, header)
}

/// The page with its presentation applied at response time: the theme's `<style>` after
/// the page's own, the height script at the end of the body, and both allowed by their
/// hashes in the `<meta>` policy. Returns the page and the policy header. The base page is
/// the cached one; this costs a hash and a copy, no rendering and no database.
pub fn present(
    html: &str,
    presentation: &super::theme::Presentation,
    frame_ancestors: &str,
) -> (String, String) {
    let css = presentation.css();
    let (meta, header) = extended_policy(css.as_deref(), presentation.resize, frame_ancestors);
    let mut out = html.replacen(META_CSP.as_str(), &meta, 1);
    if let Some(css) = &css {
        out = out.replacen("</head>", &format!("<style>{css}</style>\n</head>"), 1);
    }
    if presentation.resize {
        out = out.replacen(
            "</body>",
            &format!("<script>{}</script>\n</body>", super::theme::RESIZE_SCRIPT),
            1,
        );
    }
    (out, header)
}

/// The stylesheet of the builder and the accessibility statement.
pub const SITE_STYLE: &str = include_str!("../../templates/embed/site.css");

static SITE_STYLE_HASH: LazyLock<String> = LazyLock::new(|| hash_source(SITE_STYLE));

/// The `'sha256-…'` source of [`SITE_STYLE`].
pub fn site_style_hash() -> &'static str {
    &SITE_STYLE_HASH
}

static SCRIPT_HASH: LazyLock<String> = LazyLock::new(|| hash_source(super::theme::RESIZE_SCRIPT));

/// The `'sha256-…'` source of the height script ([`super::theme::RESIZE_SCRIPT`]).
pub fn script_hash() -> &'static str {
    &SCRIPT_HASH
}

/// "2017–2021": the years from `since` to the last day as a signatory (the day before
/// `until`); one year when they are the same, "2017–" while still on the list.
fn years(since: NaiveDate, until: Option<NaiveDate>) -> String {
    let first = since.year();
    let last = until
        .and_then(|u| u.pred_opt())
        .map(|d| d.year().max(first));
    match last {
        Some(last) if last != first => format!("{first}–{last}"),
        Some(_) => first.to_string(),
        None => format!("{first}–"),
    }
}

/// The address to link to, when it is a plain `http(s)` URL (the domain already only
/// accepts those; checked again so that no `javascript:` or `data:` URL can become a link).
fn safe_href(website: &str) -> Option<&str> {
    let lower = website.get(..8).unwrap_or(website).to_ascii_lowercase();
    let ok = (lower.starts_with("https://") || lower.starts_with("http://"))
        && website.len() > "http://".len()
        && !website
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || matches!(c, '<' | '>' | '"' | '\''));
    ok.then_some(website)
}

/// The CSP source that allows an inline `<style>` with exactly `text`:
/// `'sha256-<base64 of its SHA-256>'`.
fn hash_source(text: &str) -> String {
    format!(
        "'sha256-{}'",
        BASE64.encode(Sha256::digest(text.as_bytes()))
    )
}

static STYLE_HASH: LazyLock<String> = LazyLock::new(|| hash_source(STYLE));

/// The policy without `frame-ancestors`, which a `<meta>` element may not carry.
static META_CSP: LazyLock<String> = LazyLock::new(|| {
    format!(
        "default-src 'none'; style-src {}; img-src 'none'; base-uri 'none'; form-action 'none'",
        style_hash()
    )
});

static CSP: LazyLock<String> = LazyLock::new(|| format!("{}; frame-ancestors *", *META_CSP));

/// The policy for an agreement whose administrator named the sites that may frame its
/// page (already validated origins, see `AgreementSettings::embed_frame_ancestors`); with
/// none, any site may ([`content_security_policy`]).
pub fn content_security_policy_for(frame_ancestors: &[String]) -> String {
    if frame_ancestors.is_empty() {
        return CSP.clone();
    }
    format!(
        "{}; frame-ancestors {}",
        *META_CSP,
        frame_ancestors.join(" ")
    )
}

/// The `'sha256-…'` source of [`STYLE`] for the `style-src` directive.
pub fn style_hash() -> &'static str {
    &STYLE_HASH
}

/// The Content-Security-Policy of the embeddable page: nothing may load, only [`STYLE`]
/// applies, and any site may frame it.
pub fn content_security_policy() -> &'static str {
    &CSP
}

/// The security headers of the embeddable page (the handler adds `Content-Type`
/// [`HTML_CONTENT_TYPE`] and the caching headers of every public read). Deliberately no
/// `X-Frame-Options`: the page exists to be framed.
pub fn embed_headers() -> [(&'static str, &'static str); 3] {
    [
        ("Content-Security-Policy", content_security_policy()),
        ("X-Content-Type-Options", "nosniff"),
        ("Referrer-Policy", "no-referrer"),
    ]
}

#[cfg(test)]
mod tests {
    use super::super::csv;
    use super::super::fixtures::{date, row, sample_rows};
    use super::*;

    const TITLE: &str =
        "Överenskommelse om samverkan mellan Eslövs kommun och den idéburna sektorn";

    fn page<'a>(rows: &'a [SignatoryRow], lang: Lang, include_former: bool) -> EmbedPage<'a> {
        EmbedPage {
            agreement_title: TITLE,
            agreement_title_lang: "sv",
            public_body_name: "Eslövs kommun",
            as_of: date("2026-11-23"),
            include_former,
            rows,
            lang,
            show_rows: None,
            whole_list_href: "?lang=sv",
        }
    }

    fn html(page: &EmbedPage<'_>) -> String {
        embed_html(page).expect("the page renders")
    }

    /// The page for a snapshot: the stylesheet and its hash are left out (they have their
    /// own tests below), so that a change of style does not rewrite every snapshot.
    fn snapshot_text(page: &EmbedPage<'_>) -> String {
        let text = html(page);
        assert_eq!(text.matches(STYLE).count(), 1);
        assert_eq!(text.matches(style_hash()).count(), 1);
        text.replacen(STYLE, "/* signatories.css */", 1).replacen(
            style_hash(),
            "'sha256-(signatories.css)'",
            1,
        )
    }

    // --- Snapshots: the whole page, read and approved by a person -------------------------

    #[test]
    fn snapshot_swedish_with_former() {
        let rows = sample_rows();
        insta::assert_snapshot!(snapshot_text(&page(&rows, Lang::Sv, true)));
    }

    #[test]
    fn snapshot_english_with_former() {
        let rows = sample_rows();
        insta::assert_snapshot!(snapshot_text(&page(&rows, Lang::En, true)));
    }

    #[test]
    fn snapshot_swedish_current_only() {
        let rows = sample_rows();
        insta::assert_snapshot!(snapshot_text(&page(&rows, Lang::Sv, false)));
    }

    #[test]
    fn snapshot_swedish_empty() {
        insta::assert_snapshot!(snapshot_text(&page(&[], Lang::Sv, true)));
    }

    #[test]
    fn snapshot_english_empty() {
        insta::assert_snapshot!(snapshot_text(&page(&[], Lang::En, false)));
    }

    // --- Rules ---------------------------------------------------------------------------

    #[test]
    fn every_value_is_escaped() {
        let mut evil = row("<script>alert(\"x\")</script> & Söner 'AB'");
        evil.org_number = Some("<b>1</b>".into());
        evil.municipality_names = vec!["Höör\"><img src=x>".into()];
        evil.website = Some("https://example.org/?a=1&b=\"><script>".into());
        let mut former = row("Åby <i>IF</i>");
        former.until = Some(date("2021-01-01"));
        let rows = [evil, former];
        let p = EmbedPage {
            agreement_title: "Avtal <i>för</i> 'alla' & ä",
            agreement_title_lang: "sv",
            public_body_name: "Kommun <script>",
            ..page(&rows, Lang::Sv, true)
        };
        let text = html(&p);
        for tag in ["<script", "<img", "<i>", "<b>"] {
            assert!(!text.contains(tag), "{tag} in {text}");
        }
        // What is left between the tags is the text as entered, with & < > " ' written as
        // character references (askama's numeric ones), å, ä and ö as they are.
        assert!(text.contains(
            ">&#60;script&#62;alert(&#34;x&#34;)&#60;/script&#62; &#38; Söner &#39;AB&#39;</th>"
        ));
        assert!(text.contains(">Avtal &#60;i&#62;för&#60;/i&#62; &#39;alla&#39; &#38; ä</h1>"));
        assert!(text.contains(">Kommun &#60;script&#62;</p>"));
        assert!(text.contains(">&#60;b&#62;1&#60;/b&#62;</span>"));
        assert!(text.contains(">Höör&#34;&#62;&#60;img src=x&#62;</span>"));
        assert!(text.contains(">Åby &#60;i&#62;IF&#60;/i&#62;</a>"));
        // The address has a quote in it, so it is shown as text, not used as a link.
        assert!(!text.contains("https://example.org/?a=1"), "{text}");
    }

    #[test]
    fn links_are_escaped_in_the_attribute() {
        let mut r = row("Åby IF");
        r.website = Some("https://example.org/?a=1&b=ö".into());
        let rows = [r];
        let text = html(&page(&rows, Lang::Sv, false));
        assert!(text.contains("<a href=\"https://example.org/?a=1&#38;b=ö\" target=\"_top\""));
    }

    #[test]
    fn only_http_addresses_become_links() {
        assert_eq!(
            safe_href("https://example.org"),
            Some("https://example.org")
        );
        assert_eq!(
            safe_href("HTTP://example.org/a?b=c"),
            Some("HTTP://example.org/a?b=c")
        );
        for bad in [
            "javascript:alert(1)",
            "data:text/html,<script>",
            "//example.org",
            "https://exa mple.org",
            "http://",
            "ftp://example.org",
            "https://example.org/\u{0}",
        ] {
            assert_eq!(safe_href(bad), None, "{bad}");
        }
        let mut r = row("Åby IF");
        r.website = Some("javascript:alert(1)".into());
        let rows = [r];
        let text = html(&page(&rows, Lang::Sv, false));
        assert!(!text.contains("javascript:"), "{text}");
        assert!(!text.contains("<a "));
    }

    #[test]
    fn no_script_and_no_external_resources() {
        let rows = sample_rows();
        let links = rows
            .iter()
            .filter(|r| r.website.as_deref().and_then(safe_href).is_some())
            .count();
        for lang in [Lang::Sv, Lang::En, Lang::Fi] {
            let text = html(&page(&rows, lang, true));
            let lower = text.to_ascii_lowercase();
            assert!(!lower.contains("<script"));
            let handlers = lower
                .split('<')
                .filter_map(|tag| tag.split('>').next())
                .flat_map(str::split_whitespace)
                .filter(|attr| attr.starts_with("on") && attr.contains('='))
                .count();
            assert_eq!(handlers, 0, "no inline event handlers");
            for tag in [
                "<link", "<img", "<iframe", "<object", "<embed", "<form", "<base", "@import",
                "url(", "src=",
            ] {
                assert!(!lower.contains(tag), "{tag}");
            }
            // Every "http" is the href of an organisation's own website link.
            // (`http-equiv` is the meta policy's attribute name.)
            let https = text.matches("http").count() - text.matches("http-equiv").count();
            let hrefs = text.matches("<a href=\"http").count();
            assert_eq!(https, hrefs, "{text}");
            assert_eq!(hrefs, links);
            // One <style>, exactly the stylesheet.
            assert_eq!(text.matches("<style").count(), 1);
            assert!(text.contains(&format!("<style>{STYLE}</style>")));
            assert!(!STYLE.contains("</"));
        }
    }

    #[test]
    fn the_policy_allows_exactly_the_pages_style() {
        let text = html(&page(&sample_rows(), Lang::Sv, true));
        // The text between <style> and </style>, as a browser hashes it.
        let (_, after) = text.split_once("<style>").expect("a style element");
        let (style, _) = after
            .split_once("</style>")
            .expect("a closed style element");
        let source = hash_source(style);
        assert_eq!(style_hash(), source);
        let meta = format!(
            "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; \
             style-src {source}; img-src 'none'; base-uri 'none'; form-action 'none'\">"
        );
        assert!(text.contains(&meta), "{text}");
        assert_eq!(
            content_security_policy(),
            format!(
                "default-src 'none'; style-src {source}; img-src 'none'; \
                 base-uri 'none'; form-action 'none'; frame-ancestors *"
            )
        );
        // The form of a CSP hash source: standard base64 with padding, in single quotes
        // (SHA-256 of the empty string).
        assert_eq!(
            hash_source(""),
            "'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='"
        );
    }

    #[test]
    fn headers_allow_framing_by_anyone_and_nothing_else() {
        let headers = embed_headers();
        let get = |name: &str| headers.iter().find(|(n, _)| *n == name).map(|(_, v)| *v);
        assert_eq!(
            get("Content-Security-Policy"),
            Some(content_security_policy())
        );
        assert!(content_security_policy().starts_with("default-src 'none';"));
        assert!(content_security_policy().ends_with("; frame-ancestors *"));
        assert!(!content_security_policy().contains("unsafe"));
        assert_eq!(get("X-Content-Type-Options"), Some("nosniff"));
        assert_eq!(get("Referrer-Policy"), Some("no-referrer"));
        assert!(get("X-Frame-Options").is_none());
    }

    /// The text of every `<tag>…</tag>` element of a page.
    fn elements<'t>(text: &'t str, tag: &str) -> Vec<&'t str> {
        text.split(&format!("<{tag}>"))
            .skip(1)
            .filter_map(|rest| {
                rest.split_once(&format!("</{tag}>"))
                    .map(|(inner, _)| inner)
            })
            .collect()
    }

    #[test]
    fn a_theme_is_allowed_by_its_hash_in_both_policies() {
        use super::super::theme::Presentation;
        let base = html(&page(&sample_rows(), Lang::Sv, true));
        let theme = Presentation::from_query("accent=006b3c&scheme=auto&heading=none&resize=1")
            .expect("a valid theme");
        let (themed, header) = present(&base, &theme, "*");
        let styles = elements(&themed, "style");
        assert_eq!(styles.len(), 2);
        assert_eq!(styles[0], STYLE);
        assert!(styles[1].contains("--samverkan-accent:#006b3c"));
        let scripts = elements(&themed, "script");
        assert_eq!(scripts, [super::super::theme::RESIZE_SCRIPT]);
        let meta = format!(
            "default-src 'none'; style-src {} {}; script-src {}; img-src 'none'; base-uri 'none'; form-action 'none'",
            style_hash(),
            hash_source(styles[1]),
            hash_source(scripts[0]),
        );
        assert!(themed.contains(&format!("content=\"{meta}\"")), "{themed}");
        assert_eq!(header, format!("{meta}; frame-ancestors *"));
        // Without the script, no script-src at all.
        let (plain, header) = present(
            &base,
            &Presentation::from_query("font=serif").unwrap(),
            "https://www.eslov.se",
        );
        assert!(header.ends_with("; frame-ancestors https://www.eslov.se"));
        assert!(!plain.contains("<script") && !header.contains("script-src"));
        // Only the theme and the script were added.
        assert_eq!(
            themed.len(),
            base.len() + meta.len() - META_CSP.len()
                + "<style></style>\n".len()
                + styles[1].len()
                + "<script></script>\n".len()
                + scripts[0].len()
        );
    }

    #[test]
    fn a_fragment_is_the_list_alone_under_one_prefix() {
        let rows = sample_rows();
        let text = embed_fragment(&page(&rows, Lang::En, true)).unwrap();
        for tag in [
            "<html", "<head", "<body", "<style", "<meta", "<h1", "<script",
        ] {
            assert!(!text.contains(tag), "{tag}");
        }
        assert!(text.starts_with("<div class=\"samverkan\" lang=\"en\">"));
        assert!(text.contains("<h2 class=\"samverkan-title\" lang=\"sv\">"));
        assert!(text.contains("<h3 class=\"samverkan-subtitle\" id=\"former\">"));
        for class in text.split("class=\"").skip(1) {
            let names = class.split('"').next().unwrap();
            assert!(
                names.split(' ').all(|n| n.starts_with("samverkan")),
                "{names}"
            );
        }
        // Every selector of its stylesheet is under the prefix too.
        for rule in LIST_STYLE.split('}') {
            let selectors = rule.rsplit('{').nth(1).unwrap_or("");
            for selector in selectors.split(',') {
                let s = selector.trim();
                assert!(s.is_empty() || s.starts_with(".samverkan"), "{s}");
            }
        }
    }

    #[test]
    fn rows_shows_the_first_and_links_to_the_whole_list() {
        let rows = sample_rows();
        let mut p = page(&rows, Lang::Sv, false);
        p.show_rows = Some(2);
        p.whole_list_href = "?lang=sv&accent=006b3c";
        let text = html(&p);
        assert_eq!(text.matches("<th scope=\"row\"").count(), 2);
        assert!(
            text.contains(
                "Visar 2 av 7. <a href=\"?lang=sv&#38;accent=006b3c\">Visa hela listan</a>"
            ),
            "{text}"
        );
        p.show_rows = Some(7);
        let text = html(&p);
        assert_eq!(text.matches("<th scope=\"row\"").count(), 7);
        assert!(!text.contains("Visa hela listan"));
    }

    #[test]
    fn an_error_page_is_in_the_pages_language() {
        let sv = embed_error_html(Lang::Sv, 404, Some("resursen finns inte")).unwrap();
        assert!(
            sv.contains("<html lang=\"sv\">")
                && sv.contains("<h1 class=\"samverkan-title\">Listan finns inte</h1>")
        );
        assert!(!sv.contains("resursen finns inte"), "a 404 names no detail");
        let en = embed_error_html(Lang::En, 400, Some("parameter `accent`: <b>")).unwrap();
        assert!(
            en.contains("The address is not right")
                && en.contains("parameter `accent`: &#60;b&#62;")
        );
        assert!(en.contains(&format!("<style>{STYLE}</style>")));
    }

    #[test]
    fn current_and_former_are_told_apart_on_the_date() {
        let mut left = row("Åby hembygdsförening");
        left.since = date("2017-03-01");
        left.until = Some(date("2021-09-01"));
        // Withdraws after as_of: still a signatory on that day.
        let mut leaving = row("Bygdegården i Marieholm");
        leaving.until = Some(date("2027-01-01"));
        // Joins after as_of: not on the page at all.
        let mut joining = row("Östra Ryds IK");
        joining.since = date("2026-11-24");
        let rows = [left, leaving, joining];

        let text = html(&page(&rows, Lang::Sv, true));
        let (current, former) = text.split_at(text.find("id=\"former\"").expect("former"));
        assert!(current.contains("Bygdegården i Marieholm"));
        assert!(!current.contains("Åby hembygdsförening"));
        assert!(former.contains("Åby hembygdsförening"));
        assert!(!former.contains("Bygdegården i Marieholm"));
        assert!(!text.contains("Östra Ryds IK"));

        // Without include=former, former rows are not shown even if passed.
        let text = html(&page(&rows, Lang::Sv, false));
        assert!(!text.contains("Åby hembygdsförening"));
        assert!(!text.contains("id=\"former\""));
        assert!(text.contains("1 ansluten organisation per"));
    }

    #[test]
    fn a_former_signatory_shows_the_years_on_the_list() {
        let y = |since: &str, until: Option<&str>| years(date(since), until.map(date));
        assert_eq!(y("2017-03-01", Some("2021-09-01")), "2017–2021");
        assert_eq!(y("2019-02-01", Some("2019-12-01")), "2019");
        // Left on the last day of 2020 (until is the first day off the list): not –2021.
        assert_eq!(y("2018-05-01", Some("2021-01-01")), "2018–2020");
        // Left the day it joined, on New Year's Day.
        assert_eq!(y("2021-01-01", Some("2021-01-01")), "2021");
        assert_eq!(y("2019-11-04", None), "2019–");
    }

    #[test]
    fn the_finnish_page_has_finnish_labels_and_says_so() {
        let text = html(&page(&sample_rows(), Lang::Fi, true));
        assert!(text.contains("<html lang=\"fi\">"), "{text}");
        assert!(text.contains("Liittyneet järjestöt"));
        assert!(text.contains("Aiemmin liittyneet järjestöt"));
        assert!(text.contains("Aatteellinen yhdistys"));
        assert!(!text.contains("Anslutna organisationer"));
    }

    #[test]
    fn language_parameter() {
        assert_eq!("en".parse(), Ok(Lang::En));
        assert_eq!("sv".parse(), Ok(Lang::Sv));
        assert_eq!("fi".parse(), Ok(Lang::Fi));
        assert!("de".parse::<Lang>().is_err());
        assert_eq!(Lang::default(), Lang::Sv);
    }

    /// Writes sample pages and CSV files to the directory `$EMBED_SAMPLE_OUT`, for
    /// `scripts/embed-screenshot.sh` (headless Chromium) and for looking at by hand.
    #[test]
    #[ignore = "writes files; run by scripts/embed-screenshot.sh"]
    fn write_sample_embed_page() {
        let dir =
            std::env::var_os("EMBED_SAMPLE_OUT").expect("set EMBED_SAMPLE_OUT to a directory");
        let dir = std::path::PathBuf::from(dir);
        std::fs::create_dir_all(&dir).expect("create the output directory");
        let rows = sample_rows();
        for lang in [Lang::Sv, Lang::En] {
            let path = dir.join(format!("embed-{}.html", lang.tag()));
            std::fs::write(&path, html(&page(&rows, lang, true))).expect("write the sample page");
            println!("wrote {}", path.display());
        }
        let empty = EmbedPage {
            agreement_title: "Överenskommelse med idéburen sektor i Höör",
            agreement_title_lang: "sv",
            public_body_name: "Höörs kommun",
            ..page(&[], Lang::Sv, false)
        };
        std::fs::write(dir.join("embed-empty.html"), html(&empty)).expect("write");
        for (d, file) in [
            (csv::Delimiter::Comma, "signatories.csv"),
            (csv::Delimiter::Semicolon, "signatories-semicolon.csv"),
        ] {
            std::fs::write(dir.join(file), csv::signatories_csv(&rows, d)).expect("write");
        }
        std::fs::write(
            dir.join("headers.txt"),
            embed_headers().map(|(n, v)| format!("{n}: {v}\n")).concat(),
        )
        .expect("write");
    }
}
