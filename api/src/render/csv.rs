//! The public list as CSV ([`signatories_csv`]).
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

use std::borrow::Cow;

use samverkan_domain::party::SignatoryForm;

use super::SignatoryRow;

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

/// The header row in Swedish (`?labels=sv`), for people who open the file themselves.
pub const CSV_HEADER_SV: [&str; 7] = [
    "Namn",
    "Organisationsnummer",
    "Organisationsform",
    "Kommunkoder",
    "Webbplats",
    "Ansluten sedan",
    "Utträde",
];

/// The words of the header row and the legal forms: `?headers=api` (the default: the API's
/// snake_case names and values, for programs) or `sv` (Swedish, for people).
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Default,
    strum::EnumString,
    strum::EnumIter,
    strum::IntoStaticStr,
)]
#[strum(serialize_all = "snake_case")]
pub enum Headers {
    #[default]
    Api,
    Sv,
}

impl Headers {
    pub fn row(self) -> [&'static str; 7] {
        match self {
            Self::Api => CSV_HEADER,
            Self::Sv => CSV_HEADER_SV,
        }
    }

    /// A row's cells in [`Self::row`]'s order, as the CSV and the workbook write them:
    /// dates `YYYY-MM-DD`, municipality codes joined with a space, missing values empty.
    pub fn cells(self, row: &SignatoryRow) -> [Cow<'_, str>; 7] {
        [
            Cow::Borrowed(row.name.as_str()),
            Cow::Borrowed(row.org_number.as_deref().unwrap_or("")),
            Cow::Borrowed(self.legal_form(SignatoryForm::of(row.legal_form))),
            Cow::Owned(row.municipality_codes.join(" ")),
            Cow::Borrowed(row.website.as_deref().unwrap_or("")),
            Cow::Owned(row.since.to_string()),
            Cow::Owned(row.until.map(|d| d.to_string()).unwrap_or_default()),
        ]
    }

    /// A legal form as this header set writes it: its API value, or its Swedish label.
    pub fn legal_form(self, form: SignatoryForm) -> &'static str {
        match self {
            Self::Api => form.as_str(),
            Self::Sv => form.label_sv(),
        }
    }
}

const UTF8_BOM: &[u8] = "\u{feff}".as_bytes();

/// The field separator of the CSV: `?delimiter=comma` (the default) or `semicolon`.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Default,
    strum::EnumString,
    strum::EnumIter,
    strum::IntoStaticStr,
)]
#[strum(serialize_all = "snake_case")]
pub enum Delimiter {
    #[default]
    Comma,
    /// For Excel with a Swedish locale; the output then starts with a UTF-8 BOM.
    Semicolon,
}

impl Delimiter {
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
    signatories_csv_with(rows, delimiter, Headers::Api)
}

/// [`signatories_csv`] with the header row and legal forms of `headers`: [`csv_head`] then
/// [`csv_rows`].
pub fn signatories_csv_with(
    rows: &[SignatoryRow],
    delimiter: Delimiter,
    headers: Headers,
) -> Vec<u8> {
    let mut out = csv_head(delimiter, headers);
    out.extend_from_slice(&csv_rows(rows, delimiter, headers));
    out
}

/// The start of the CSV: the byte order mark (semicolons only) and the header row.
pub fn csv_head(delimiter: Delimiter, headers: Headers) -> Vec<u8> {
    let mut out = Vec::with_capacity(128);
    if delimiter == Delimiter::Semicolon {
        out.extend_from_slice(UTF8_BOM);
    }
    let mut writer = writer(out, delimiter);
    // Writing to a Vec<u8> cannot fail, and every record has the same number of fields.
    writer
        .write_record(headers.row())
        .expect("writing CSV to memory");
    into_bytes(writer)
}

/// Records of `rows`, without the header: a batch of a streamed export follows the head or
/// the batch before it.
pub fn csv_rows(rows: &[SignatoryRow], delimiter: Delimiter, headers: Headers) -> Vec<u8> {
    let mut writer = writer(Vec::with_capacity(rows.len() * 96), delimiter);
    for row in rows {
        let cells = headers.cells(row);
        let guarded = cells.each_ref().map(|c| guard_formula(c));
        writer
            .write_record(guarded.iter().map(|f| f.as_bytes()))
            .expect("writing CSV to memory");
    }
    into_bytes(writer)
}

/// A whole table (header and records) with the same quoting and formula guard as the
/// signatory list: for the smaller registers (IOP partnerships).
pub fn table_csv(header: &[&str], rows: &[Vec<String>]) -> Vec<u8> {
    let mut writer = writer(Vec::with_capacity(256 + rows.len() * 256), Delimiter::Comma);
    writer.write_record(header).expect("writing CSV to memory");
    for row in rows {
        writer
            .write_record(row.iter().map(|c| guard_formula(c)).map(|c| c.into_owned()))
            .expect("writing CSV to memory");
    }
    into_bytes(writer)
}

fn writer(out: Vec<u8>, delimiter: Delimiter) -> csv::Writer<Vec<u8>> {
    csv::WriterBuilder::new()
        .delimiter(delimiter.as_byte())
        .terminator(csv::Terminator::CRLF)
        .quote_style(csv::QuoteStyle::Necessary)
        .double_quote(true)
        .from_writer(out)
}

fn into_bytes(writer: csv::Writer<Vec<u8>>) -> Vec<u8> {
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

#[cfg(test)]
mod tests {
    #[test]
    fn swedish_headers_and_legal_forms() {
        let rows = sample_rows();
        let text = String::from_utf8(signatories_csv_with(&rows, Delimiter::Comma, Headers::Sv))
            .expect("UTF-8");
        let mut lines = text.lines();
        assert_eq!(
            lines.next(),
            Some(
                "Namn,Organisationsnummer,Organisationsform,Kommunkoder,Webbplats,Ansluten sedan,Utträde"
            )
        );
        let form = SignatoryForm::of(rows[0].legal_form);
        assert!(
            lines.next().is_some_and(|l| l.contains(form.label_sv())),
            "{text}"
        );
        assert_ne!(form.label_sv(), form.as_str());
    }

    use super::super::fixtures::{row, sample_rows};
    use super::*;

    fn csv_text(rows: &[SignatoryRow], delimiter: Delimiter) -> String {
        String::from_utf8(signatories_csv(rows, delimiter)).expect("UTF-8")
    }

    /// The CSV with its invisible bytes shown, for the snapshots: the byte order mark as
    /// `[BOM]` and every carriage return as `␍` (snapshots normalise line ends otherwise).
    fn visible(bytes: &[u8]) -> String {
        String::from_utf8(bytes.to_vec())
            .expect("UTF-8")
            .replace('\u{feff}', "[BOM]")
            .replace('\r', "␍")
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

    #[test]
    fn snapshot_comma() {
        insta::assert_snapshot!(visible(&signatories_csv(&sample_rows(), Delimiter::Comma)));
    }

    #[test]
    fn snapshot_semicolon() {
        insta::assert_snapshot!(visible(&signatories_csv(
            &sample_rows(),
            Delimiter::Semicolon
        )));
    }

    #[test]
    fn snapshot_empty_list_is_the_header_only() {
        insta::assert_snapshot!(visible(&signatories_csv(&[], Delimiter::Comma)));
    }

    #[test]
    fn records_end_with_crlf_and_read_back_as_written() {
        let rows = sample_rows();
        for d in [Delimiter::Comma, Delimiter::Semicolon] {
            let text = csv_text(&rows, d);
            assert!(text.ends_with("\r\n"));
            assert_eq!(text.matches('\n').count(), rows.len() + 1, "{text}");
            assert_eq!(text.matches("\r\n").count(), rows.len() + 1, "{text}");
            let records = parse_back(text.as_bytes(), d);
            assert_eq!(records[0], CSV_HEADER);
            for (record, row) in records[1..].iter().zip(&rows) {
                assert_eq!(record[0], row.name);
                assert_eq!(record[5], row.since.to_string());
            }
        }
    }

    #[test]
    fn quotes_the_quote_the_delimiter_and_line_breaks() {
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
            for (record, name) in records[1..].iter().zip(names) {
                assert_eq!(record[0], name);
                assert_eq!(record.len(), CSV_HEADER.len());
            }
        }
    }

    #[test]
    fn byte_order_mark_only_with_semicolons() {
        let rows = [row("Åby IF")];
        let comma = signatories_csv(&rows, Delimiter::Comma);
        assert!(comma.starts_with(b"name,org_number,"));
        let semi = signatories_csv(&rows, Delimiter::Semicolon);
        assert!(semi.starts_with(b"\xEF\xBB\xBFname;org_number;"));
        assert_eq!(semi.windows(3).filter(|w| *w == UTF8_BOM).count(), 1);
        // Apart from the mark and the separator, the two forms carry the same text.
        let comma_text = std::str::from_utf8(&comma).expect("UTF-8");
        let semi_text = std::str::from_utf8(&semi[UTF8_BOM.len()..]).expect("UTF-8");
        assert_eq!(semi_text.replace(';', ","), comma_text);

        assert_eq!("semicolon".parse(), Ok(Delimiter::Semicolon));
        assert_eq!("comma".parse(), Ok(Delimiter::Comma));
        assert!(";".parse::<Delimiter>().is_err());
        assert_eq!(Delimiter::default(), Delimiter::Comma);
    }

    #[test]
    fn guards_against_formula_injection() {
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

    #[test]
    fn the_head_and_batches_of_rows_are_the_whole_csv() {
        let rows = sample_rows();
        for d in [Delimiter::Comma, Delimiter::Semicolon] {
            for h in [Headers::Api, Headers::Sv] {
                let mut streamed = csv_head(d, h);
                for batch in rows.chunks(2) {
                    streamed.extend_from_slice(&csv_rows(batch, d, h));
                }
                assert_eq!(streamed, signatories_csv_with(&rows, d, h));
            }
        }
    }

    #[test]
    fn carries_no_personal_data() {
        // The list is public: organisations only, never who to contact or who submitted.
        for column in CSV_HEADER {
            for personal in ["contact", "email", "e_mail", "phone", "person", "submit"] {
                assert!(!column.contains(personal), "{column}");
            }
        }
    }
}
