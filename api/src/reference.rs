//! Reference data shipped with the binary: Sweden's 290 municipalities and 21 regions.

use samverkan_domain::DomainError;
use samverkan_domain::party::{PublicBodyFields, PublicBodyKind};

const PUBLIC_BODIES_CSV: &str = include_str!("../../reference/public_bodies.csv");

#[derive(serde::Deserialize)]
struct Row {
    kind: String,
    scb_code: String,
    name: String,
    website: String,
}

/// The reference public bodies, validated by the same rules as an API request.
pub fn public_bodies() -> Result<Vec<PublicBodyFields>, String> {
    let mut reader = csv::Reader::from_reader(PUBLIC_BODIES_CSV.as_bytes());
    reader
        .deserialize::<Row>()
        .enumerate()
        .map(|(i, row)| {
            let row = row.map_err(|e| format!("reference/public_bodies.csv row {}: {e}", i + 2))?;
            let kind = PublicBodyKind::parse(&row.kind).ok_or_else(|| {
                format!("reference/public_bodies.csv row {}: unknown kind", i + 2)
            })?;
            let website = Some(row.website.as_str()).filter(|w| !w.is_empty());
            PublicBodyFields::parse(&row.name, kind, Some(&row.scb_code), website)
                .map_err(|e: DomainError| format!("reference/public_bodies.csv row {}: {e}", i + 2))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ships_290_municipalities_and_21_regions() {
        let bodies = public_bodies().unwrap();
        let count = |k| bodies.iter().filter(|b| b.kind == k).count();
        assert_eq!(count(PublicBodyKind::Municipality), 290);
        assert_eq!(count(PublicBodyKind::Region), 21);
        let eslov = bodies
            .iter()
            .find(|b| b.scb_code.as_deref() == Some("1285"))
            .unwrap();
        assert_eq!(eslov.name, "Eslövs kommun");
        let mut codes: Vec<_> = bodies
            .iter()
            .map(|b| (b.kind.as_str(), b.scb_code.clone()))
            .collect();
        codes.sort();
        codes.dedup();
        assert_eq!(codes.len(), 311, "codes are unique per kind");
    }
}
