//! Rendering of the public signatory list of an agreement: [`csv`] for spreadsheets and
//! programs, [`embed`] for the HTML page a municipal website shows in an iframe. Pure
//! functions over [`SignatoryRow`]s; the handlers choose the rows (approved accessions as of
//! a date, former ones on request, never contact persons or who submitted) and set the
//! headers.

pub mod apply;
pub mod archive;
pub mod csv;
pub mod dcat;
pub mod embed;
pub mod ical;
pub mod theme;
pub mod xlsx;

use chrono::NaiveDate;
use samverkan_domain::accession::{SignatoryPeriod, SignatoryStatus};
use samverkan_domain::collation::swedish_sort_key;
use samverkan_domain::party::LegalForm;

pub use self::csv::{
    CSV_CONTENT_TYPE, CSV_HEADER, CSV_HEADER_SV, Delimiter, Headers, csv_head, csv_rows,
    signatories_csv, signatories_csv_with,
};
pub use self::embed::{
    EmbedPage, HTML_CONTENT_TYPE, Lang, STYLE, content_security_policy, embed_headers, embed_html,
    style_hash,
};
pub use self::xlsx::{XLSX_CONTENT_TYPE, signatories_xlsx};

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

/// Rows for the tests of both renderers, and the sample files of
/// `scripts/embed-screenshot.sh`. Invented organisations, no real ones.
#[cfg(test)]
pub(crate) mod fixtures {
    use super::*;

    pub fn date(s: &str) -> NaiveDate {
        s.parse().expect("a test date")
    }

    /// A current signatory in Eslöv with every field filled in.
    pub fn row(name: &str) -> SignatoryRow {
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

    /// A varied list: long names, quotes, ampersands, semicolons, missing numbers and
    /// websites, several municipalities or only their codes, a public body, two former
    /// signatories. Sorted.
    pub fn sample_rows() -> Vec<SignatoryRow> {
        let mk = |name: &str,
                  org: Option<&str>,
                  form: Option<LegalForm>,
                  places: &[(&str, &str)],
                  web: Option<&str>,
                  since: &str,
                  until: Option<&str>| SignatoryRow {
            name: name.into(),
            org_number: org.map(Into::into),
            legal_form: form,
            municipality_codes: places.iter().map(|p| p.0.into()).collect(),
            municipality_names: places.iter().map(|p| p.1.into()).collect(),
            website: web.map(Into::into),
            since: date(since),
            until: until.map(date),
        };
        use LegalForm::*;
        let eslov = [("1285", "Eslöv")];
        let mut rows = vec![
            mk(
                "Ängslyckans fritidsgård",
                Some("802480-1234"),
                Some(NonProfitAssociation),
                &eslov,
                Some("https://angslyckan.example.org"),
                "2019-11-04",
                None,
            ),
            mk(
                "Föreningen \"Öppna dörrar\" & vänner",
                None,
                Some(NonProfitAssociation),
                &[("1285", "Eslöv"), ("1267", "Höör")],
                None,
                "2020-02-17",
                None,
            ),
            mk(
                "Stiftelsen Åkerbärets minnesfond för barn och unga i mellersta Skåne",
                Some("815200-4321"),
                Some(Foundation),
                &eslov,
                Some("https://www.akerbaret-stiftelse.example.org/om-oss/styrelse"),
                "2021-05-03",
                None,
            ),
            mk(
                "Marieholms bygdekooperativ ek. för.",
                Some("769600-1111"),
                Some(EconomicAssociation),
                &eslov,
                None,
                "2022-09-12",
                None,
            ),
            mk(
                "Eslövs scoutkår",
                Some("802400-5555"),
                Some(NonProfitAssociation),
                &eslov,
                Some("https://scout.example.org"),
                "2019-11-04",
                None,
            ),
            mk(
                "Höörs kommun",
                None,
                None,
                &[("1267", "Höör")],
                None,
                "2023-03-20",
                None,
            ),
            // Municipality names not known: the codes stand in.
            SignatoryRow {
                municipality_names: Vec::new(),
                ..mk(
                    "Läsfrämjarna i Mittskåne",
                    Some("802501-0007"),
                    Some(NonProfitAssociation),
                    &[("1285", ""), ("1267", "")],
                    None,
                    "2024-06-10",
                    None,
                )
            },
            mk(
                "Örtagårdens trossamfund",
                None,
                Some(ReligiousCommunity),
                &eslov,
                None,
                "2017-03-01",
                Some("2021-09-01"),
            ),
            mk(
                "Kör; sång och musik i Löberöd",
                None,
                Some(NonProfitAssociation),
                &[("1285", "Eslöv"), ("1266", "Hörby")],
                Some("https://kor.example.org"),
                "2018-01-15",
                Some("2024-01-01"),
            ),
        ];
        sort_rows(&mut rows);
        rows
    }
}

#[cfg(test)]
mod tests {
    use super::fixtures::*;
    use super::*;

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

    #[test]
    fn current_means_since_reached_and_until_not() {
        let mut r = row("Åby IF");
        r.until = Some(date("2021-09-01"));
        assert!(!r.is_current_on(date("2019-11-03")));
        assert!(r.is_current_on(date("2019-11-04")));
        assert!(r.is_current_on(date("2021-08-31")));
        assert!(!r.is_current_on(date("2021-09-01")));
    }
}
