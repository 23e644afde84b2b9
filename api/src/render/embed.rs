//! The embeddable page ([`embed_html`], [`embed_headers`]): the public list as a complete
//! HTML5 document for an iframe on a municipal website.
//!
//! The markup is the askama template `api/templates/embed/signatories.html`, compiled into
//! the binary and escaped automatically (every value is text; nothing is marked safe but
//! our own constants). This module prepares what the template shows: the labels of the
//! chosen language, the rows split into current and former signatories, and the policy.
//!
//! No JavaScript, no external resources and only the inline stylesheet
//! `api/templates/embed/signatories.css` ([`STYLE`]), allowed by the Content-Security-Policy
//! through the SHA-256 hash of its exact text, computed once at start-up ([`style_hash`]),
//! so that editing the stylesheet cannot leave a stale hash behind. The policy is sent as a
//! header (with `frame-ancestors *`, since the page is made to be framed by any site, and
//! therefore no `X-Frame-Options`) and repeated in a `<meta http-equiv>` (which cannot carry
//! `frame-ancestors`), so that a saved copy keeps it and the headless-browser check
//! (`scripts/embed-screenshot.sh`) exercises the hash.
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

/// The only stylesheet of the page, inlined verbatim; [`style_hash`] is its SHA-256.
pub const STYLE: &str = include_str!("../../templates/embed/signatories.css");

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
    number: &'static str,
    /// The column's name as the narrow layout's label, with soft hyphens: HTML, not text.
    number_label: &'static str,
    form: &'static str,
    form_label: &'static str,
    place: &'static str,
    since: &'static str,
    until: &'static str,
    /// Read out where a value is missing (a dash to the eye).
    missing: &'static str,
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
    number: "Organisationsnummer",
    number_label: "Organisations&shy;nummer",
    form: "Organisationsform",
    form_label: "Organisations&shy;form",
    place: "Kommun",
    since: "Ansluten sedan",
    until: "Utträde",
    missing: "saknas",
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
    number: "Organisation number",
    number_label: "Organisation number",
    form: "Legal form",
    form_label: "Legal form",
    place: "Municipality",
    since: "Signatory since",
    until: "Withdrawn",
    missing: "none",
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
    number: "Organisaationumero",
    number_label: "Organisaatio&shy;numero",
    form: "Yhteisömuoto",
    form_label: "Yhteisö&shy;muoto",
    place: "Kunta",
    since: "Liittynyt alkaen",
    until: "Eronnut",
    missing: "puuttuu",
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
    public_body_name: &'a str,
    as_of: NaiveDate,
    current: Vec<Row<'a>>,
    /// `None` without `include=former`.
    former: Option<Vec<Row<'a>>>,
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
    let lang = page.lang;
    let rows = |keep: &dyn Fn(&SignatoryRow) -> bool| -> Vec<Row<'_>> {
        page.rows
            .iter()
            .filter(|r| keep(r))
            .map(|r| Row::new(r, lang))
            .collect()
    };
    Page {
        lang: lang.tag(),
        t: lang.labels(),
        csp: &META_CSP,
        style: STYLE,
        agreement_title: page.agreement_title,
        public_body_name: page.public_body_name,
        as_of: page.as_of,
        current: rows(&|r| r.is_current_on(page.as_of)),
        former: page
            .include_former
            .then(|| rows(&|r| r.status_on(page.as_of) == Some(SignatoryStatus::Former))),
    }
    .render()
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
            public_body_name: "Eslövs kommun",
            as_of: date("2026-11-23"),
            include_former,
            rows,
            lang,
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
