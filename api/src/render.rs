//! Rendering of the public signatory list of an agreement: CSV for spreadsheets and the
//! embeddable HTML page for an iframe on a municipal website. Pure functions over
//! [`SignatoryRow`]s; the handlers choose the rows (approved accessions as of a date, former
//! ones on request, never contact persons or who submitted) and set the headers.
//!
//! # CSV ([`signatories_csv`])
//!
//! RFC 4180 with CRLF line ends, UTF-8, a header row of English snake_case names. A field is
//! quoted when it holds the delimiter, a `"` (doubled inside) or a CR/LF. Dates are
//! `YYYY-MM-DD`, `legal_form` its API value, municipality codes joined with a space,
//! `signatory_until` (the first day no longer a signatory) empty for current signatories.
//!
//! - **BOM only with semicolons.** `?delimiter=semicolon` exists for Excel with a Swedish
//!   locale (whose list separator is `;`), and Excel reads a CSV file as UTF-8 only when it
//!   starts with a byte order mark; without it å, ä and ö come out as `Ã¥`, `Ã¤`, `Ã¶`. The
//!   default comma form is for programs, where a BOM would be read as part of the first
//!   header (`\u{feff}name`), so it has none.
//! - **Formula injection guard.** A field that begins with `=`, `+`, `-`, `@`, a tab or a CR
//!   is written with a leading `'`, so that a spreadsheet shows it as text instead of running
//!   it as a formula (OWASP "CSV injection"). Names are entered by the public, so this is
//!   applied to every field; our own values (dates, codes, org numbers, http(s) addresses)
//!   never begin with those characters, so in practice only such names change.
//!
//! # HTML ([`embed_html`], [`embed_headers`])
//!
//! A complete HTML5 document in Swedish (`lang="sv"`) or English labels, with no JavaScript,
//! no external resources and only the inline `<style>` below, allowed by the
//! Content-Security-Policy through the SHA-256 hash of its exact text ([`STYLE_HASH`]; a unit
//! test recomputes it, so editing [`STYLE`] without updating the hash fails the tests with the
//! new value). The policy is sent as a header (with `frame-ancestors *`, since the page is
//! made to be framed by any site, and therefore no `X-Frame-Options`) and repeated in a
//! `<meta http-equiv>` (which cannot carry `frame-ancestors`), so that a saved copy keeps it
//! and the headless-browser check (`scripts/embed-screenshot.sh`) exercises the hash.
//!
//! Accessibility: semantic table with a `<caption>` (visually hidden: the summary line and
//! the headings above say the same to the eye), `<th scope="col">` headers and the
//! organisation name as `<th scope="row">`; dates in `<time>`; visible focus; contrast at
//! least 7:1 for text. Below 40em (a phone, or a narrow iframe) the table is laid out as one
//! card per organisation with each value labelled from `data-label`; because changing a
//! table's `display` makes some browsers drop its table semantics, the elements also carry
//! their ARIA roles, and the generated labels have empty alternative text so that screen
//! readers announce the real column headers instead.
//!
//! Website links open in the top window (`target="_top"`): inside an iframe a link would
//! otherwise load the organisation's site in the small frame (or fail, when that site
//! forbids framing), and a new window would surprise the reader. Only `http(s)` addresses
//! become links; `rel="noopener noreferrer"` and `Referrer-Policy: no-referrer` send
//! nothing about the reader along.

use std::borrow::Cow;
use std::fmt::{self, Display};

use chrono::NaiveDate;
use samverkan_domain::accession::{SignatoryPeriod, SignatoryStatus};
use samverkan_domain::collation::swedish_sort_key;
use samverkan_domain::party::{LegalForm, SignatoryForm};

/// One organisation on the public list. Public data only: no contact person, no submitter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignatoryRow {
    pub name: String,
    pub org_number: Option<String>,
    /// `None` for a public body that acceded (Blekinge).
    pub legal_form: Option<LegalForm>,
    pub municipality_codes: Vec<String>,
    pub municipality_names: Vec<String>,
    pub website: Option<String>,
    /// The first day as a signatory (the accession's approval or effective date).
    pub since: NaiveDate,
    /// The first day no longer a signatory; `None` for a current signatory.
    pub until: Option<NaiveDate>,
}

impl SignatoryRow {
    /// Current or former on `date`, by the domain's periods.
    pub fn status_on(&self, date: NaiveDate) -> Option<SignatoryStatus> {
        SignatoryPeriod {
            since: self.since,
            until: self.until,
        }
        .status_on(date)
    }

    /// Whether the organisation was a signatory on `date`.
    pub fn is_current_on(&self, date: NaiveDate) -> bool {
        self.status_on(date) == Some(SignatoryStatus::Current)
    }
}

/// Sorts rows in Swedish alphabetical order (the order of the stored `sort_key`), then by
/// name and organisation number so that the order is total. The renderers keep the order
/// they are given; call this when the rows do not already come sorted from the database.
pub fn sort_rows(rows: &mut [SignatoryRow]) {
    rows.sort_by_cached_key(|r| {
        (
            swedish_sort_key(&r.name),
            r.name.clone(),
            r.org_number.clone(),
        )
    });
}

// ---------------------------------------------------------------------------------------
// CSV
// ---------------------------------------------------------------------------------------

/// `Content-Type` of the CSV answer (RFC 4180 §3, with the optional `header` parameter).
pub const CSV_CONTENT_TYPE: &str = "text/csv; charset=utf-8; header=present";

/// The header row of the CSV, in column order.
pub const CSV_HEADER: [&str; 7] = [
    "name",
    "org_number",
    "legal_form",
    "municipality_codes",
    "website",
    "signatory_since",
    "signatory_until",
];

const UTF8_BOM: &[u8] = "\u{feff}".as_bytes();

/// The field separator of the CSV: `?delimiter=comma` (the default) or `semicolon`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Delimiter {
    #[default]
    Comma,
    /// For Excel with a Swedish locale; the output then starts with a UTF-8 BOM.
    Semicolon,
}

impl Delimiter {
    /// Parses the `delimiter` query parameter: `comma` or `semicolon`.
    pub fn parse(value: &str) -> Option<Self> {
        match value {
            "comma" => Some(Self::Comma),
            "semicolon" => Some(Self::Semicolon),
            _ => None,
        }
    }

    pub fn as_byte(self) -> u8 {
        match self {
            Self::Comma => b',',
            Self::Semicolon => b';',
        }
    }
}

/// The whole list as CSV (see the module documentation for the format, the BOM rule and
/// the formula-injection guard).
pub fn signatories_csv(rows: &[SignatoryRow], delimiter: Delimiter) -> Vec<u8> {
    let mut out = Vec::with_capacity(128 + rows.len() * 96);
    if delimiter == Delimiter::Semicolon {
        out.extend_from_slice(UTF8_BOM);
    }
    let mut writer = csv::WriterBuilder::new()
        .delimiter(delimiter.as_byte())
        .terminator(csv::Terminator::CRLF)
        .quote_style(csv::QuoteStyle::Necessary)
        .double_quote(true)
        .from_writer(out);
    // Writing to a Vec<u8> cannot fail, and every record has the same number of fields.
    writer
        .write_record(CSV_HEADER)
        .expect("writing CSV to memory");
    for row in rows {
        let codes = row.municipality_codes.join(" ");
        let since = row.since.to_string();
        let until = row.until.map(|d| d.to_string()).unwrap_or_default();
        let fields = [
            row.name.as_str(),
            row.org_number.as_deref().unwrap_or(""),
            SignatoryForm::of(row.legal_form).as_str(),
            &codes,
            row.website.as_deref().unwrap_or(""),
            &since,
            &until,
        ];
        writer
            .write_record(fields.map(guard_formula).iter().map(|f| f.as_bytes()))
            .expect("writing CSV to memory");
    }
    match writer.into_inner() {
        Ok(bytes) => bytes,
        Err(_) => unreachable!("flushing CSV to memory cannot fail"),
    }
}

/// Prefixes `'` to a field a spreadsheet would evaluate as a formula.
fn guard_formula(field: &str) -> Cow<'_, str> {
    if field.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        Cow::Owned(format!("'{field}"))
    } else {
        Cow::Borrowed(field)
    }
}

// ---------------------------------------------------------------------------------------
// HTML
// ---------------------------------------------------------------------------------------

/// `Content-Type` of the embeddable page.
pub const HTML_CONTENT_TYPE: &str = "text/html; charset=utf-8";

/// The language of the page's labels: `lang=sv` (the default) or `lang=en`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    Sv,
    En,
}

impl Lang {
    /// Parses the `lang` query parameter: `sv` or `en`.
    pub fn parse(value: &str) -> Option<Self> {
        match value {
            "sv" => Some(Self::Sv),
            "en" => Some(Self::En),
            _ => None,
        }
    }

    /// The BCP 47 tag for `<html lang>`.
    pub fn tag(self) -> &'static str {
        match self {
            Self::Sv => "sv",
            Self::En => "en",
        }
    }

    fn pick(self, sv: &'static str, en: &'static str) -> &'static str {
        match self {
            Self::Sv => sv,
            Self::En => en,
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
    /// In the order to show (Swedish alphabetical order, see [`sort_rows`]); current and
    /// former signatories are told apart with [`SignatoryRow::is_current_on`]`(as_of)`, and
    /// rows that only begin after `as_of` are left out.
    pub rows: &'a [SignatoryRow],
    pub lang: Lang,
}

/// The only stylesheet of the page, inlined verbatim; [`STYLE_HASH`] is its SHA-256.
pub const STYLE: &str = "
:root{color-scheme:light;color:#1b1b1b;background:#fff;font-family:system-ui,-apple-system,\"Segoe UI\",Roboto,\"Helvetica Neue\",Arial,sans-serif;line-height:1.5;-webkit-text-size-adjust:100%;text-size-adjust:100%}
body{margin:0;padding:1rem}
main{max-width:64rem}
h1{font-size:1.375rem;line-height:1.25;margin:0 0 .25rem}
h2{font-size:1.125rem;line-height:1.3;margin:2rem 0 .5rem}
p{margin:0 0 .75rem}
.owner,.period,.none{color:#454545}
.summary{font-weight:600}
table{border-collapse:collapse;width:100%}
th,td{text-align:left;vertical-align:top;padding:.5rem .75rem .5rem 0;border-bottom:1px solid #949494;overflow-wrap:anywhere}
thead th{border-bottom:2px solid #1b1b1b;font-size:.875rem;overflow-wrap:normal}
.period{display:block;font-weight:400;font-size:.875rem}
.nw{white-space:nowrap}
a{color:#0b4a96;text-decoration:underline;text-underline-offset:.15em}
a:hover{text-decoration-thickness:.15em}
a:focus{outline:3px solid #1b1b1b;outline-offset:2px}
a:focus-visible{outline:3px solid #1b1b1b;outline-offset:2px;background:#ffdd00;color:#1b1b1b;text-decoration:none}
a:focus:not(:focus-visible){outline:none}
.vh{position:absolute!important;width:1px;height:1px;margin:-1px;padding:0;border:0;overflow:hidden;clip:rect(0 0 0 0);clip-path:inset(50%);white-space:nowrap}
@media (max-width:40em){
body{padding:.75rem}
table,tbody,tr,th,td{display:block}
thead{position:absolute;width:1px;height:1px;margin:-1px;overflow:hidden;clip:rect(0 0 0 0);clip-path:inset(50%)}
tr{border-top:1px solid #949494;padding:.625rem 0}
tbody tr:last-child{border-bottom:1px solid #949494}
th,td{border:0;padding:0}
tbody th{font-size:1.0625rem;margin-bottom:.25rem}
td{display:grid;grid-template-columns:minmax(0,9rem) minmax(0,1fr);column-gap:.75rem}
td::before{content:attr(data-label);content:attr(data-label)/\"\";font-size:.875rem;font-weight:600;color:#454545;padding-top:.0625rem;overflow-wrap:anywhere}
}
@media print{a{color:inherit}}
";

/// `'sha256-…'` source of [`STYLE`] for the `style-src` directive.
pub const STYLE_HASH: &str = "'sha256-e5HHwIWHN5jQYMYx7A+5wFgCWWDATRqpn9t1zzTwD1c='";

/// The Content-Security-Policy of the embeddable page: nothing may load, only [`STYLE`]
/// applies, and any site may frame it.
pub fn content_security_policy() -> String {
    format!("{MetaCsp}; frame-ancestors *")
}

/// The policy without `frame-ancestors`, which a `<meta>` element may not carry.
const META_CSP_PREFIX: &str = "default-src 'none'; style-src ";
const META_CSP_SUFFIX: &str = "; img-src 'none'; base-uri 'none'; form-action 'none'";

struct MetaCsp;

impl Display for MetaCsp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{META_CSP_PREFIX}{STYLE_HASH}{META_CSP_SUFFIX}")
    }
}

/// The security headers of the embeddable page (the handler adds `Content-Type`
/// [`HTML_CONTENT_TYPE`] and the caching headers of every public read). Deliberately no
/// `X-Frame-Options`: the page exists to be framed.
pub fn embed_headers() -> [(&'static str, String); 3] {
    [
        ("Content-Security-Policy", content_security_policy()),
        ("X-Content-Type-Options", "nosniff".to_owned()),
        ("Referrer-Policy", "no-referrer".to_owned()),
    ]
}

/// Escapes text for HTML element content and double- or single-quoted attribute values.
pub fn escape(text: &str) -> String {
    Escaped(text).to_string()
}

struct Escaped<'a>(&'a str);

impl Display for Escaped<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut rest = self.0;
        while let Some(i) = rest.find(['&', '<', '>', '"', '\'']) {
            f.write_str(&rest[..i])?;
            f.write_str(match rest.as_bytes()[i] {
                b'&' => "&amp;",
                b'<' => "&lt;",
                b'>' => "&gt;",
                b'"' => "&quot;",
                _ => "&#39;",
            })?;
            rest = &rest[i + 1..];
        }
        f.write_str(rest)
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

/// The complete embeddable HTML document.
pub fn embed_html(page: &EmbedPage<'_>) -> String {
    Document(page).to_string()
}

struct Document<'p, 'a>(&'p EmbedPage<'a>);

impl Display for Document<'_, '_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let page = self.0;
        let lang = page.lang;
        // Names, titles and places are Swedish; mark them so in an English page, so that a
        // screen reader pronounces them right.
        let sv = if lang == Lang::En { " lang=\"sv\"" } else { "" };
        let current: Vec<&SignatoryRow> = page
            .rows
            .iter()
            .filter(|r| r.is_current_on(page.as_of))
            .collect();
        let former: Vec<&SignatoryRow> = page
            .rows
            .iter()
            .filter(|r| r.status_on(page.as_of) == Some(SignatoryStatus::Former))
            .collect();
        let list_name = lang.pick("Anslutna organisationer", "Signatories");

        write!(
            f,
            "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n\
             <meta http-equiv=\"Content-Security-Policy\" content=\"{}\">\n\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
             <title>{} – {}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<main>\n",
            lang.tag(),
            MetaCsp,
            list_name,
            Escaped(page.agreement_title),
        )?;
        writeln!(f, "<h1{sv}>{}</h1>", Escaped(page.agreement_title))?;
        writeln!(
            f,
            "<p class=\"owner\"{sv}>{}</p>",
            Escaped(page.public_body_name)
        )?;

        let as_of = DateHtml(page.as_of);
        if current.is_empty() {
            let empty = lang.pick(
                "Inga organisationer är anslutna per",
                "No organisations are signatories as of",
            );
            writeln!(f, "<p class=\"summary empty\">{empty} {as_of}.</p>")?;
        } else {
            let n = current.len();
            let what = match (lang, n) {
                (Lang::Sv, 1) => "ansluten organisation per",
                (Lang::Sv, _) => "anslutna organisationer per",
                (Lang::En, 1) => "signatory as of",
                (Lang::En, _) => "signatories as of",
            };
            writeln!(f, "<p class=\"summary\">{n} {what} {as_of}</p>")?;
            table(f, page, &current, list_name, false)?;
        }

        if page.include_former {
            let heading = lang.pick("Tidigare anslutna organisationer", "Former signatories");
            writeln!(f, "<h2 id=\"former\">{heading}</h2>")?;
            if former.is_empty() {
                let empty = lang.pick(
                    "Inga organisationer har lämnat överenskommelsen.",
                    "No organisations have left the agreement.",
                );
                writeln!(f, "<p class=\"empty\">{empty}</p>")?;
            } else {
                table(f, page, &former, heading, true)?;
            }
        }
        f.write_str("</main>\n</body>\n</html>\n")
    }
}

fn table(
    f: &mut fmt::Formatter<'_>,
    page: &EmbedPage<'_>,
    rows: &[&SignatoryRow],
    caption: &str,
    former: bool,
) -> fmt::Result {
    let lang = page.lang;
    let sv = if lang == Lang::En { " lang=\"sv\"" } else { "" };
    let name_l = "Organisation";
    let number_l = lang.pick("Organisationsnummer", "Organisation number");
    let form_l = lang.pick("Organisationsform", "Legal form");
    let place_l = lang.pick("Kommun", "Municipality");
    let since_l = lang.pick("Ansluten sedan", "Signatory since");
    let until_l = lang.pick("Utträde", "Withdrawn");
    let none = lang.pick("saknas", "none");

    // The explicit roles keep the table semantics when the narrow layout changes `display`.
    writeln!(
        f,
        "<table role=\"table\">\n<caption class=\"vh\">{caption} ({})</caption>\n\
         <thead role=\"rowgroup\"><tr role=\"row\">",
        rows.len()
    )?;
    let mut headers = vec![name_l, number_l, form_l, place_l, since_l];
    if former {
        headers.push(until_l);
    }
    for h in headers {
        write!(f, "<th scope=\"col\" role=\"columnheader\">{h}</th>")?;
    }
    f.write_str("</tr></thead>\n<tbody role=\"rowgroup\">\n")?;

    // Each value sits in one <span>, the second column of the narrow layout's grid.
    let cell = |f: &mut fmt::Formatter<'_>, label: &str, attrs: &str, value: &dyn Display| {
        write!(
            f,
            "<td role=\"cell\" data-label=\"{label}\"><span{attrs}>{value}</span></td>"
        )
    };
    let missing = Missing(none);
    // Org numbers and dates do not break at their hyphens.
    const NOWRAP: &str = " class=\"nw\"";
    // Soft hyphens let the long Swedish compounds break where Swedish breaks them
    // ("Organisations-nummer") in the narrow layout's label column.
    let (number_l, form_l) = match lang {
        Lang::Sv => ("Organisations&shy;nummer", "Organisations&shy;form"),
        Lang::En => (number_l, form_l),
    };

    for row in rows {
        f.write_str("<tr role=\"row\">")?;
        write!(f, "<th scope=\"row\" role=\"rowheader\"{sv}>")?;
        match row.website.as_deref().and_then(safe_href) {
            Some(href) => write!(
                f,
                "<a href=\"{}\" target=\"_top\" rel=\"noopener noreferrer\">{}</a>",
                Escaped(href),
                Escaped(&row.name)
            )?,
            None => write!(f, "{}", Escaped(&row.name))?,
        }
        if former {
            write!(
                f,
                "<span class=\"period\"{}>{}</span>",
                if lang == Lang::En { " lang=\"en\"" } else { "" },
                Period(lang, row.since, row.until)
            )?;
        }
        f.write_str("</th>")?;

        match row.org_number.as_deref() {
            Some(n) if !n.is_empty() => cell(f, number_l, NOWRAP, &Escaped(n))?,
            _ => cell(f, number_l, "", &missing)?,
        }
        let form = match lang {
            Lang::Sv => SignatoryForm::of(row.legal_form).label_sv(),
            Lang::En => SignatoryForm::of(row.legal_form).label_en(),
        };
        cell(f, form_l, "", &form)?;
        let places = if row.municipality_names.is_empty() {
            &row.municipality_codes
        } else {
            &row.municipality_names
        };
        if places.is_empty() {
            cell(f, place_l, "", &missing)?;
        } else {
            cell(f, place_l, sv, &Escaped(&places.join(", ")))?;
        }
        cell(f, since_l, NOWRAP, &DateHtml(row.since))?;
        if former {
            match row.until {
                Some(until) => cell(f, until_l, NOWRAP, &DateHtml(until))?,
                None => cell(f, until_l, "", &missing)?,
            }
        }
        f.write_str("</tr>\n")?;
    }
    f.write_str("</tbody>\n</table>\n")
}

/// `<time datetime="2026-11-23">2026-11-23</time>`: ISO dates, the Swedish standard form.
struct DateHtml(NaiveDate);

impl Display for DateHtml {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "<time datetime=\"{0}\">{0}</time>", self.0)
    }
}

/// An absent value: a dash to the eye, a word to a screen reader.
struct Missing(&'static str);

impl Display for Missing {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "<span class=\"none\" aria-hidden=\"true\">–</span><span class=\"vh\">{}</span>",
            self.0
        )
    }
}

/// "ansluten 2017–2021" / "signatory 2017–2021": the years from `since` to the last day as a
/// signatory (the day before `until`); one year when they are the same.
struct Period(Lang, NaiveDate, Option<NaiveDate>);

impl Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use chrono::Datelike as _;
        let Period(lang, since, until) = *self;
        f.write_str(lang.pick("ansluten ", "signatory "))?;
        let first = since.year();
        let last = until
            .and_then(|u| u.pred_opt())
            .map(|d| d.year().max(first));
        match last {
            Some(last) if last != first => write!(f, "{first}–{last}"),
            Some(_) => write!(f, "{first}"),
            None => write!(f, "{first}–"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(s: &str) -> NaiveDate {
        s.parse().expect("a test date")
    }

    fn row(name: &str) -> SignatoryRow {
        SignatoryRow {
            name: name.to_owned(),
            org_number: Some("802480-1234".to_owned()),
            legal_form: Some(LegalForm::NonProfitAssociation),
            municipality_codes: vec!["1285".to_owned()],
            municipality_names: vec!["Eslöv".to_owned()],
            website: Some("https://example.org/förening".to_owned()),
            since: date("2019-11-04"),
            until: None,
        }
    }

    fn csv_text(rows: &[SignatoryRow], delimiter: Delimiter) -> String {
        String::from_utf8(signatories_csv(rows, delimiter)).expect("UTF-8")
    }

    /// Parses the CSV back with the csv crate, the way a program would.
    fn parse_back(bytes: &[u8], delimiter: Delimiter) -> Vec<Vec<String>> {
        let bytes = bytes.strip_prefix(UTF8_BOM).unwrap_or(bytes);
        csv::ReaderBuilder::new()
            .delimiter(delimiter.as_byte())
            .has_headers(false)
            .from_reader(bytes)
            .records()
            .map(|r| {
                r.expect("a valid record")
                    .iter()
                    .map(str::to_owned)
                    .collect()
            })
            .collect()
    }

    // --- CSV -----------------------------------------------------------------------------

    #[test]
    fn csv_header_fields_and_crlf() {
        let mut former = row("Åby IF");
        former.org_number = None;
        former.legal_form = Some(LegalForm::EconomicAssociation);
        former.municipality_codes = vec!["1285".into(), "1267".into()];
        former.website = None;
        former.since = date("2017-03-01");
        former.until = Some(date("2021-06-01"));
        let text = csv_text(&[row("Ängby läsecirkel"), former], Delimiter::Comma);
        assert_eq!(
            text,
            "name,org_number,legal_form,municipality_codes,website,signatory_since,signatory_until\r\n\
             Ängby läsecirkel,802480-1234,non_profit_association,1285,https://example.org/förening,2019-11-04,\r\n\
             Åby IF,,economic_association,1285 1267,,2017-03-01,2021-06-01\r\n"
        );
    }

    #[test]
    fn csv_quotes_quote_semicolon_comma_and_newlines() {
        let names = [
            "Föreningen \"Öppna dörrar\"",
            "Kör; sång och musik",
            "Kultur, fritid och idrott",
            "Första raden\nandra raden",
            "Med\r\nCRLF",
        ];
        let rows: Vec<SignatoryRow> = names.iter().map(|n| row(n)).collect();

        let comma = signatories_csv(&rows, Delimiter::Comma);
        let text = std::str::from_utf8(&comma).expect("UTF-8");
        assert!(text.contains("\r\n\"Föreningen \"\"Öppna dörrar\"\"\",802480-1234,"));
        // With commas, a semicolon is ordinary text and a comma must be quoted.
        assert!(text.contains("\r\nKör; sång och musik,802480-1234,"));
        assert!(text.contains("\r\n\"Kultur, fritid och idrott\",802480-1234,"));
        assert!(text.contains("\r\n\"Första raden\nandra raden\",802480-1234,"));
        assert!(text.contains("\r\n\"Med\r\nCRLF\",802480-1234,"));

        let semi = signatories_csv(&rows, Delimiter::Semicolon);
        let text = std::str::from_utf8(&semi).expect("UTF-8");
        assert!(text.contains("\r\n\"Kör; sång och musik\";802480-1234;"));
        assert!(text.contains("\r\nKultur, fritid och idrott;802480-1234;"));
        assert!(text.contains("\r\n\"Föreningen \"\"Öppna dörrar\"\"\";802480-1234;"));

        // Both read back to exactly the original names.
        for (bytes, d) in [(&comma, Delimiter::Comma), (&semi, Delimiter::Semicolon)] {
            let records = parse_back(bytes, d);
            assert_eq!(records.len(), names.len() + 1);
            assert_eq!(records[0], CSV_HEADER);
            for (record, name) in records[1..].iter().zip(names) {
                assert_eq!(record[0], name);
                assert_eq!(record.len(), CSV_HEADER.len());
            }
        }
    }

    #[test]
    fn csv_delimiter_choice_and_bom_only_for_semicolon() {
        let rows = [row("Åby IF")];
        let comma = signatories_csv(&rows, Delimiter::Comma);
        assert!(comma.starts_with(b"name,org_number,"));
        assert!(!comma.starts_with(UTF8_BOM));

        let semi = signatories_csv(&rows, Delimiter::Semicolon);
        assert!(semi.starts_with(b"\xEF\xBB\xBFname;org_number;legal_form;"));
        assert_eq!(
            &semi[UTF8_BOM.len()..],
            "name;org_number;legal_form;municipality_codes;website;signatory_since;signatory_until\r\n\
             Åby IF;802480-1234;non_profit_association;1285;https://example.org/förening;2019-11-04;\r\n"
                .as_bytes()
        );
        assert_eq!(Delimiter::parse("semicolon"), Some(Delimiter::Semicolon));
        assert_eq!(Delimiter::parse("comma"), Some(Delimiter::Comma));
        assert_eq!(Delimiter::parse(";"), None);
        assert_eq!(Delimiter::default(), Delimiter::Comma);
    }

    #[test]
    fn csv_empty_list_is_the_header_only() {
        assert_eq!(
            csv_text(&[], Delimiter::Comma),
            "name,org_number,legal_form,municipality_codes,website,signatory_since,signatory_until\r\n"
        );
    }

    #[test]
    fn csv_guards_against_formula_injection() {
        let names = [
            "=HYPERLINK(\"http://example.invalid\")",
            "+46 Föreningen",
            "-1+1",
            "@SUM(A1)",
            "\tTabbföreningen",
            "\rCR-föreningen",
        ];
        let rows: Vec<SignatoryRow> = names.iter().map(|n| row(n)).collect();
        for d in [Delimiter::Comma, Delimiter::Semicolon] {
            let records = parse_back(&signatories_csv(&rows, d), d);
            for (record, name) in records[1..].iter().zip(names) {
                assert_eq!(record[0], format!("'{name}"), "{name:?}");
            }
        }
        // Ordinary names, and such characters later in the name, are left alone.
        for name in ["Örebro-föreningen", "A=B", "Klubb @ Höör", "'Citat'"] {
            assert_eq!(guard_formula(name), name);
        }
        let text = csv_text(&[row("=1+1")], Delimiter::Comma);
        assert!(text.contains("\r\n'=1+1,802480-1234,"), "{text}");
    }

    // --- HTML ----------------------------------------------------------------------------

    fn page<'a>(rows: &'a [SignatoryRow], lang: Lang, include_former: bool) -> EmbedPage<'a> {
        EmbedPage {
            agreement_title: "Överenskommelse om samverkan i Eslöv",
            public_body_name: "Eslövs kommun",
            as_of: date("2026-11-23"),
            include_former,
            rows,
            lang,
        }
    }

    fn former_row() -> SignatoryRow {
        let mut r = row("Åby hembygdsförening");
        r.since = date("2017-03-01");
        r.until = Some(date("2021-09-01"));
        r
    }

    #[test]
    fn escape_handles_markup_quotes_ampersand_and_swedish() {
        assert_eq!(
            escape("<script>alert('å & ä')</script> \"ö\""),
            "&lt;script&gt;alert(&#39;å &amp; ä&#39;)&lt;/script&gt; &quot;ö&quot;"
        );
        assert_eq!(escape("Åäö ÅÄÖ"), "Åäö ÅÄÖ");
        assert_eq!(escape(""), "");
        assert_eq!(escape("&amp;"), "&amp;amp;");
    }

    #[test]
    fn html_escapes_every_value() {
        let mut evil = row("<script>alert(\"x\")</script> & Söner");
        evil.org_number = Some("<b>1</b>".into());
        evil.municipality_names = vec!["Höör\"><img src=x>".into()];
        evil.website = Some("https://example.org/?a=1&b=\"><script>".into());
        let rows = [evil];
        let p = EmbedPage {
            agreement_title: "Avtal <i>för</i> 'alla' & ä",
            public_body_name: "Kommun <script>",
            ..page(&rows, Lang::Sv, false)
        };
        let html = embed_html(&p);
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("<img"), "{html}");
        assert!(!html.contains("<i>"), "{html}");
        assert!(!html.contains("<b>"), "{html}");
        assert!(html.contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Söner"));
        assert!(html.contains("<h1>Avtal &lt;i&gt;för&lt;/i&gt; &#39;alla&#39; &amp; ä</h1>"));
        assert!(html.contains("Höör&quot;&gt;&lt;img src=x&gt;"));
        // The address has a quote in it, so it is shown as text, not used as a link.
        assert!(!html.contains("<a "), "{html}");
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
        let html = embed_html(&page(&rows, Lang::Sv, false));
        assert!(!html.contains("javascript:"), "{html}");
        assert!(!html.contains("<a "));
    }

    #[test]
    fn html_is_a_complete_swedish_document() {
        let rows = [row("Ängby läsecirkel"), row("Åby IF")];
        let html = embed_html(&page(&rows, Lang::Sv, false));
        assert!(
            html.starts_with(
                "<!DOCTYPE html>\n<html lang=\"sv\">\n<head>\n<meta charset=\"utf-8\">"
            )
        );
        assert!(
            html.contains(
                "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            )
        );
        assert!(html.contains(
            "<title>Anslutna organisationer – Överenskommelse om samverkan i Eslöv</title>"
        ));
        assert!(html.contains("<h1>Överenskommelse om samverkan i Eslöv</h1>"));
        assert!(html.contains("<p class=\"owner\">Eslövs kommun</p>"));
        assert!(html.contains(
            "2 anslutna organisationer per <time datetime=\"2026-11-23\">2026-11-23</time>"
        ));
        assert!(html.contains("<caption class=\"vh\">Anslutna organisationer (2)</caption>"));
        for h in [
            "Organisation",
            "Organisationsnummer",
            "Organisationsform",
            "Kommun",
            "Ansluten sedan",
        ] {
            assert!(html.contains(&format!("<th scope=\"col\" role=\"columnheader\">{h}</th>")));
        }
        assert!(!html.contains("Utträde"));
        assert!(
            html.contains("data-label=\"Organisations&shy;form\"><span>Ideell förening</span>")
        );
        assert!(html.contains(
            "<th scope=\"row\" role=\"rowheader\"><a href=\"https://example.org/förening\" \
             target=\"_top\" rel=\"noopener noreferrer\">Ängby läsecirkel</a></th>"
        ));
        // Rows keep the given order.
        let a = html.find("Ängby läsecirkel</a>").expect("first row");
        let b = html.find("Åby IF</a>").expect("second row");
        assert!(a < b);
        assert!(html.ends_with("</main>\n</body>\n</html>\n"));
        assert_eq!(html.matches("<table").count(), 1);
    }

    #[test]
    fn html_in_english() {
        let rows = [row("Åby IF"), former_row()];
        let html = embed_html(&page(&rows, Lang::En, true));
        assert!(html.contains("<html lang=\"en\">"));
        assert!(html.contains("<title>Signatories – Överenskommelse om samverkan i Eslöv</title>"));
        assert!(html.contains("<h1 lang=\"sv\">Överenskommelse om samverkan i Eslöv</h1>"));
        assert!(html.contains("1 signatory as of <time datetime=\"2026-11-23\">2026-11-23</time>"));
        for h in [
            "Organisation",
            "Organisation number",
            "Legal form",
            "Municipality",
            "Signatory since",
            "Withdrawn",
        ] {
            assert!(
                html.contains(&format!("<th scope=\"col\" role=\"columnheader\">{h}</th>")),
                "{h}"
            );
        }
        assert!(html.contains("<span>Non-profit association</span>"));
        assert!(html.contains("<h2 id=\"former\">Former signatories</h2>"));
        assert!(html.contains("<span class=\"period\" lang=\"en\">signatory 2017–2021</span>"));
        assert!(!html.contains("Anslutna"));
        assert!(!html.contains("Ideell förening"));
        assert_eq!(Lang::parse("en"), Some(Lang::En));
        assert_eq!(Lang::parse("sv"), Some(Lang::Sv));
        assert_eq!(Lang::parse("de"), None);
    }

    #[test]
    fn former_signatories_in_their_own_table_with_period() {
        let mut same_year = row("Östra Ryds IK");
        same_year.since = date("2019-02-01");
        same_year.until = Some(date("2019-12-01"));
        let mut year_end = row("Zonta-klubben");
        // Left on the last day of 2020: signatory 2018–2020, not –2021.
        year_end.since = date("2018-05-01");
        year_end.until = Some(date("2021-01-01"));
        // Withdrew after as_of: still a signatory on that day.
        let mut later = row("Bygdegården i Marieholm");
        later.until = Some(date("2027-01-01"));
        let rows = [row("Åby IF"), former_row(), same_year, year_end, later];

        let html = embed_html(&page(&rows, Lang::Sv, true));
        assert!(html.contains("2 anslutna organisationer per"));
        assert!(html.contains("<caption class=\"vh\">Anslutna organisationer (2)</caption>"));
        assert!(html.contains("<h2 id=\"former\">Tidigare anslutna organisationer</h2>"));
        assert!(
            html.contains("<caption class=\"vh\">Tidigare anslutna organisationer (3)</caption>")
        );
        assert!(html.contains("<th scope=\"col\" role=\"columnheader\">Utträde</th>"));
        assert!(html.contains("<span class=\"period\">ansluten 2017–2021</span>"));
        assert!(html.contains("<span class=\"period\">ansluten 2019</span>"));
        assert!(html.contains("<span class=\"period\">ansluten 2018–2020</span>"));
        assert!(html.contains(
            "data-label=\"Utträde\"><span class=\"nw\"><time datetime=\"2021-09-01\">2021-09-01</time></span>"
        ));
        assert_eq!(html.matches("<table").count(), 2);
        let (current, former) = html.split_at(html.find("id=\"former\"").expect("former"));
        assert!(current.contains("Bygdegården i Marieholm"));
        assert!(!current.contains("Åby hembygdsförening"));
        assert!(former.contains("Åby hembygdsförening"));

        // Without include=former, former rows are not shown even if passed.
        let html = embed_html(&page(&rows, Lang::Sv, false));
        assert!(!html.contains("Åby hembygdsförening"));
        assert!(!html.contains("Tidigare"));
        assert!(!html.contains("Utträde"));
    }

    #[test]
    fn empty_states() {
        let html = embed_html(&page(&[], Lang::Sv, false));
        assert!(html.contains(
            "<p class=\"summary empty\">Inga organisationer är anslutna per \
             <time datetime=\"2026-11-23\">2026-11-23</time>.</p>"
        ));
        assert!(!html.contains("<table"));

        let html = embed_html(&page(&[], Lang::Sv, true));
        assert!(
            html.contains(
                "<p class=\"empty\">Inga organisationer har lämnat överenskommelsen.</p>"
            )
        );

        let html = embed_html(&page(&[], Lang::En, true));
        assert!(html.contains("No organisations are signatories as of"));
        assert!(html.contains("No organisations have left the agreement."));

        let rows = [row("Åby IF")];
        let html = embed_html(&page(&rows, Lang::Sv, false));
        assert!(html.contains("1 ansluten organisation per"));
    }

    #[test]
    fn missing_values_are_announced() {
        let mut r = row("Åby IF");
        r.org_number = None;
        r.municipality_codes.clear();
        r.municipality_names.clear();
        r.website = None;
        let rows = [r];
        let html = embed_html(&page(&rows, Lang::Sv, false));
        assert!(html.contains(
            "data-label=\"Organisations&shy;nummer\"><span><span class=\"none\" aria-hidden=\"true\">–\
             </span><span class=\"vh\">saknas</span></span>"
        ));
        assert!(html.contains("<th scope=\"row\" role=\"rowheader\">Åby IF</th>"));
        // Codes stand in when the names are not known.
        let mut r = row("Åby IF");
        r.municipality_names.clear();
        r.municipality_codes = vec!["1285".into(), "1267".into()];
        let rows = [r];
        let html = embed_html(&page(&rows, Lang::Sv, false));
        assert!(html.contains("data-label=\"Kommun\"><span>1285, 1267</span>"));
    }

    #[test]
    fn html_has_no_script_and_no_external_resources() {
        let mut other = row("Zonta");
        other.website = Some("http://zonta.example.org".into());
        let rows = [row("Åby IF"), other, former_row()];
        for lang in [Lang::Sv, Lang::En] {
            let html = embed_html(&page(&rows, lang, true));
            let lower = html.to_ascii_lowercase();
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
                "url(",
            ] {
                assert!(!lower.contains(tag), "{tag}");
            }
            // Every "http" is the href of an organisation's own website link.
            // (`http-equiv` is the meta policy's attribute name.)
            let links = html.matches("http").count() - html.matches("http-equiv").count();
            let hrefs = html.matches("<a href=\"http").count();
            assert_eq!(links, hrefs, "{html}");
            assert_eq!(hrefs, 3);
            // One <style>, exactly STYLE.
            assert_eq!(html.matches("<style").count(), 1);
            assert!(html.contains(&format!("<style>{STYLE}</style>")));
        }
    }

    #[test]
    fn headers_allow_framing_by_anyone_and_nothing_else() {
        let headers = embed_headers();
        let get = |name: &str| {
            headers
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| v.as_str())
        };
        assert_eq!(
            get("Content-Security-Policy"),
            Some(
                format!(
                    "default-src 'none'; style-src {STYLE_HASH}; img-src 'none'; \
                     base-uri 'none'; form-action 'none'; frame-ancestors *"
                )
                .as_str()
            )
        );
        assert_eq!(get("X-Content-Type-Options"), Some("nosniff"));
        assert_eq!(get("Referrer-Policy"), Some("no-referrer"));
        assert!(get("X-Frame-Options").is_none());
        assert!(!content_security_policy().contains("unsafe"));
        // The meta policy repeats it without frame-ancestors (not allowed in <meta>).
        let rows = [row("Åby IF")];
        let html = embed_html(&page(&rows, Lang::Sv, false));
        assert!(html.contains(&format!(
            "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; \
             style-src {STYLE_HASH}; img-src 'none'; base-uri 'none'; form-action 'none'\">"
        )));
    }

    #[test]
    fn style_hash_is_the_sha256_of_the_style() {
        // Known answers first, so that a wrong test implementation cannot agree with itself.
        assert_eq!(
            base64(&sha256(b"")),
            "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="
        );
        assert_eq!(
            base64(&sha256(b"abc")),
            "ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0="
        );
        let long = "a".repeat(1000);
        assert_eq!(
            base64(&sha256(long.as_bytes())),
            "Qe3s5C1j6Nm/UVqbppMuHCDLyfWl0TRkWttdsblzfqM="
        );
        let expected = format!("'sha256-{}'", base64(&sha256(STYLE.as_bytes())));
        assert_eq!(STYLE_HASH, expected, "update STYLE_HASH to {expected}");
    }

    #[test]
    fn rows_sort_in_swedish_order() {
        let mut rows: Vec<SignatoryRow> = ["Örkelljunga IF", "Ängby", "zonta", "Åby", "Abc"]
            .iter()
            .map(|n| row(n))
            .collect();
        sort_rows(&mut rows);
        let names: Vec<&str> = rows.iter().map(|r| r.name.as_str()).collect();
        assert_eq!(names, ["Abc", "zonta", "Åby", "Ängby", "Örkelljunga IF"]);
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
        let mut rows = sample_rows();
        sort_rows(&mut rows);
        for lang in [Lang::Sv, Lang::En] {
            let p = EmbedPage {
                agreement_title: "Överenskommelse om samverkan mellan Eslövs kommun och den idéburna sektorn",
                public_body_name: "Eslövs kommun",
                as_of: date("2026-11-23"),
                include_former: true,
                rows: &rows,
                lang,
            };
            let path = dir.join(format!("embed-{}.html", lang.tag()));
            std::fs::write(&path, embed_html(&p)).expect("write the sample page");
            println!("wrote {}", path.display());
        }
        let empty = EmbedPage {
            agreement_title: "Överenskommelse med idéburen sektor i Höör",
            public_body_name: "Höörs kommun",
            as_of: date("2026-11-23"),
            include_former: false,
            rows: &[],
            lang: Lang::Sv,
        };
        std::fs::write(dir.join("embed-empty.html"), embed_html(&empty)).expect("write");
        for (d, file) in [
            (Delimiter::Comma, "signatories.csv"),
            (Delimiter::Semicolon, "signatories-semicolon.csv"),
        ] {
            std::fs::write(dir.join(file), signatories_csv(&rows, d)).expect("write");
        }
        std::fs::write(
            dir.join("headers.txt"),
            embed_headers().map(|(n, v)| format!("{n}: {v}\n")).concat(),
        )
        .expect("write");
    }

    /// Invented organisations (no real ones).
    fn sample_rows() -> Vec<SignatoryRow> {
        let mk = |name: &str,
                  org: Option<&str>,
                  form: LegalForm,
                  places: &[(&str, &str)],
                  web: Option<&str>,
                  since: &str,
                  until: Option<&str>| SignatoryRow {
            name: name.into(),
            org_number: org.map(Into::into),
            legal_form: Some(form),
            municipality_codes: places.iter().map(|p| p.0.into()).collect(),
            municipality_names: places.iter().map(|p| p.1.into()).collect(),
            website: web.map(Into::into),
            since: date(since),
            until: until.map(date),
        };
        use LegalForm::*;
        let eslov = [("1285", "Eslöv")];
        vec![
            mk(
                "Ängslyckans fritidsgård",
                Some("802480-1234"),
                NonProfitAssociation,
                &eslov,
                Some("https://angslyckan.example.org"),
                "2019-11-04",
                None,
            ),
            mk(
                "Föreningen \"Öppna dörrar\" & vänner",
                None,
                NonProfitAssociation,
                &[("1285", "Eslöv"), ("1267", "Höör")],
                None,
                "2020-02-17",
                None,
            ),
            mk(
                "Stiftelsen Åkerbärets minnesfond för barn och unga i mellersta Skåne",
                Some("815200-4321"),
                Foundation,
                &eslov,
                Some("https://www.akerbaret-stiftelse.example.org/om-oss/styrelse"),
                "2021-05-03",
                None,
            ),
            mk(
                "Marieholms bygdekooperativ ek. för.",
                Some("769600-1111"),
                EconomicAssociation,
                &eslov,
                None,
                "2022-09-12",
                None,
            ),
            mk(
                "Eslövs scoutkår",
                Some("802400-5555"),
                NonProfitAssociation,
                &eslov,
                Some("https://scout.example.org"),
                "2019-11-04",
                None,
            ),
            mk(
                "Örtagårdens trossamfund",
                None,
                ReligiousCommunity,
                &eslov,
                None,
                "2017-03-01",
                Some("2021-09-01"),
            ),
            mk(
                "Kör; sång och musik i Löberöd",
                None,
                NonProfitAssociation,
                &[("1285", "Eslöv"), ("1266", "Hörby")],
                Some("https://kor.example.org"),
                "2018-01-15",
                Some("2024-01-01"),
            ),
        ]
    }

    // A minimal SHA-256 and base64, only to check STYLE_HASH without a crypto dependency.
    fn sha256(data: &[u8]) -> [u8; 32] {
        const K: [u32; 64] = [
            0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4,
            0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe,
            0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f,
            0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7,
            0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc,
            0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
            0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116,
            0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
            0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
            0xc67178f2,
        ];
        let mut h: [u32; 8] = [
            0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab,
            0x5be0cd19,
        ];
        let mut msg = data.to_vec();
        msg.push(0x80);
        while msg.len() % 64 != 56 {
            msg.push(0);
        }
        msg.extend_from_slice(&((data.len() as u64) * 8).to_be_bytes());
        for chunk in msg.chunks(64) {
            let mut w = [0u32; 64];
            for (i, word) in chunk.chunks(4).enumerate() {
                w[i] = u32::from_be_bytes([word[0], word[1], word[2], word[3]]);
            }
            for i in 16..64 {
                let s0 = w[i - 15].rotate_right(7) ^ w[i - 15].rotate_right(18) ^ (w[i - 15] >> 3);
                let s1 = w[i - 2].rotate_right(17) ^ w[i - 2].rotate_right(19) ^ (w[i - 2] >> 10);
                w[i] = w[i - 16]
                    .wrapping_add(s0)
                    .wrapping_add(w[i - 7])
                    .wrapping_add(s1);
            }
            let [mut a, mut b, mut c, mut d, mut e, mut f, mut g, mut hh] = h;
            for i in 0..64 {
                let s1 = e.rotate_right(6) ^ e.rotate_right(11) ^ e.rotate_right(25);
                let ch = (e & f) ^ (!e & g);
                let t1 = hh
                    .wrapping_add(s1)
                    .wrapping_add(ch)
                    .wrapping_add(K[i])
                    .wrapping_add(w[i]);
                let s0 = a.rotate_right(2) ^ a.rotate_right(13) ^ a.rotate_right(22);
                let maj = (a & b) ^ (a & c) ^ (b & c);
                let t2 = s0.wrapping_add(maj);
                hh = g;
                g = f;
                f = e;
                e = d.wrapping_add(t1);
                d = c;
                c = b;
                b = a;
                a = t1.wrapping_add(t2);
            }
            for (x, y) in h.iter_mut().zip([a, b, c, d, e, f, g, hh]) {
                *x = x.wrapping_add(y);
            }
        }
        let mut out = [0u8; 32];
        for (i, word) in h.iter().enumerate() {
            out[i * 4..i * 4 + 4].copy_from_slice(&word.to_be_bytes());
        }
        out
    }

    fn base64(bytes: &[u8]) -> String {
        const ALPHABET: &[u8; 64] =
            b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        let mut out = String::new();
        for chunk in bytes.chunks(3) {
            let n = chunk
                .iter()
                .enumerate()
                .fold(0u32, |n, (i, &b)| n | (u32::from(b) << (16 - 8 * i)));
            for i in 0..4 {
                if i <= chunk.len() {
                    out.push(char::from(ALPHABET[(n >> (18 - 6 * i)) as usize & 63]));
                } else {
                    out.push('=');
                }
            }
        }
        out
    }
}
