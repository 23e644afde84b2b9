//! The bulk download (`GET /api/v1/open-data.zip`, issue 14) as a ZIP archive: deflate only,
//! entries in the order given, every entry dated the day the data is for, so that equal data
//! gives equal bytes (and so the same `ETag`).

use std::io::{Cursor, Write};

use chrono::{Datelike, NaiveDate};
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, DateTime, ZipWriter};

pub const ZIP_CONTENT_TYPE: &str = "application/zip";

/// The archive of `entries` (path in the archive, contents).
pub fn zip_archive(entries: &[(String, Vec<u8>)], day: NaiveDate) -> std::io::Result<Vec<u8>> {
    let when = u16::try_from(day.year())
        .ok()
        .and_then(|y| {
            DateTime::from_date_and_time(y, day.month() as u8, day.day() as u8, 0, 0, 0).ok()
        })
        .unwrap_or_default();
    let options = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Deflated)
        .last_modified_time(when)
        .unix_permissions(0o644);
    let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
    for (name, bytes) in entries {
        zip.start_file(name.as_str(), options)
            .map_err(std::io::Error::other)?;
        zip.write_all(bytes)?;
    }
    Ok(zip.finish().map_err(std::io::Error::other)?.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_entries_give_equal_bytes_and_read_back() {
        let day = NaiveDate::from_ymd_opt(2026, 11, 30).expect("date");
        let entries = vec![
            ("README.txt".to_owned(), "Öppna data".as_bytes().to_vec()),
            ("a/b.csv".to_owned(), b"name\nF\xc3\xb6reningen\n".to_vec()),
        ];
        let one = zip_archive(&entries, day).expect("zip");
        assert_eq!(one, zip_archive(&entries, day).expect("zip"));
        let mut read = zip::ZipArchive::new(Cursor::new(one)).expect("readable");
        assert_eq!(read.len(), 2);
        let mut text = String::new();
        std::io::Read::read_to_string(&mut read.by_name("README.txt").expect("entry"), &mut text)
            .expect("read");
        assert_eq!(text, "Öppna data");
        assert_eq!(
            read.by_index(1).expect("entry").compression(),
            CompressionMethod::Deflated
        );
    }
}
