//! The public list as an Excel workbook ([`signatories_xlsx`]), for people: Excel opens a
//! CSV file with its own guesses (a kommunkod `0181` becomes the number 181, and the one CSV
//! form it keeps, `="0181"`, is what the formula guard must refuse), so the workbook types
//! every cell as text — and every column too, so a row typed in later keeps its zeros — with
//! a bold header row that stays in view and columns wide enough to read.
//!
//! The same rows, header sets and legal forms as the CSV ([`super::csv::Headers`]). The
//! workbook's creation date is the list's date and its zip entries carry a fixed date, so
//! the same list is the same bytes and the same `ETag`.

use chrono::{Datelike, NaiveDate};
use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Workbook, XlsxError};

use super::SignatoryRow;
use super::csv::Headers;

/// `Content-Type` of the workbook.
pub const XLSX_CONTENT_TYPE: &str =
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// Column widths in Excel's character units: name, org number, legal form, municipality
/// codes, website, since, until.
const WIDTHS: [f64; 7] = [44.0, 20.0, 28.0, 16.0, 36.0, 16.0, 14.0];

/// The whole list as an XLSX workbook of one sheet, dated `as_of`.
pub fn signatories_xlsx(
    rows: &[SignatoryRow],
    headers: Headers,
    as_of: NaiveDate,
) -> Result<Vec<u8>, XlsxError> {
    let mut workbook = Workbook::new();
    let created = ExcelDateTime::from_ymd(
        u16::try_from(as_of.year()).unwrap_or(1900),
        u8::try_from(as_of.month()).unwrap_or(1),
        u8::try_from(as_of.day()).unwrap_or(1),
    )?;
    workbook.set_properties(&DocProperties::new().set_creation_datetime(&created));
    let text = Format::new().set_num_format("@");
    let header = Format::new().set_num_format("@").set_bold();
    let sheet = workbook.add_worksheet();
    sheet.set_name(match headers {
        Headers::Api => "signatories",
        Headers::Sv => "Anslutna",
    })?;
    for (col, (title, width)) in (0u16..).zip(headers.row().into_iter().zip(WIDTHS)) {
        sheet.set_column_width(col, width)?;
        sheet.set_column_format(col, &text)?;
        sheet.write_string_with_format(0, col, title, &header)?;
    }
    sheet.set_freeze_panes(1, 0)?;
    for (r, row) in (1u32..).zip(rows) {
        for (col, cell) in (0u16..).zip(headers.cells(row)) {
            if !cell.is_empty() {
                sheet.write_string_with_format(r, col, cell.as_ref(), &text)?;
            }
        }
    }
    workbook.save_to_buffer()
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::sample_rows;
    use super::*;

    #[test]
    fn the_same_list_is_the_same_bytes() {
        let day = NaiveDate::from_ymd_opt(2026, 11, 30).expect("date");
        let a = signatories_xlsx(&sample_rows(), Headers::Sv, day).expect("workbook");
        let b = signatories_xlsx(&sample_rows(), Headers::Sv, day).expect("workbook");
        assert!(a.starts_with(b"PK"), "a zip file");
        assert_eq!(a, b);
    }
}
