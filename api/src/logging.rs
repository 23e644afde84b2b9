//! The log: env_logger's text lines by default, or one JSON object per line
//! (`SAMVERKAN_LOG_FORMAT=json`) for log collectors. Request lines carry their fields as
//! key-values (request id, route template, method, status, duration, the caller's `sub`);
//! nothing logged carries a request body, a query string, a header or a token.

use std::io::Write;

use serde_json::{Map, Value};

/// The caller's token subject, put on the request by the token extractor for its log line.
#[derive(Debug, Clone)]
pub struct CallerSub(pub String);

/// `SAMVERKAN_LOG_FORMAT`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LogFormat {
    #[default]
    Text,
    Json,
}

impl LogFormat {
    pub fn parse(value: &str) -> Result<Self, String> {
        match value.trim().to_ascii_lowercase().as_str() {
            "text" => Ok(Self::Text),
            "json" => Ok(Self::Json),
            other => Err(format!(
                "SAMVERKAN_LOG_FORMAT: {other:?} is not one of text, json"
            )),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Text => "text",
            Self::Json => "json",
        }
    }
}

/// Installs the process's logger (`RUST_LOG` filters; `info` by default).
pub fn init(format: LogFormat) {
    let mut builder =
        env_logger::Builder::from_env(env_logger::Env::default().default_filter_or("info"));
    if format == LogFormat::Json {
        builder.format(|buf, record| writeln!(buf, "{}", json_line(record, chrono::Utc::now())));
    }
    builder.init();
}

struct Fields<'a>(&'a mut Map<String, Value>);

impl<'kvs> log::kv::VisitSource<'kvs> for Fields<'_> {
    fn visit_pair(
        &mut self,
        key: log::kv::Key<'kvs>,
        value: log::kv::Value<'kvs>,
    ) -> Result<(), log::kv::Error> {
        let v = if let Some(n) = value.to_u64() {
            Value::from(n)
        } else if let Some(n) = value.to_i64() {
            Value::from(n)
        } else if let Some(f) = value.to_f64() {
            Value::from(f)
        } else {
            Value::from(value.to_string())
        };
        self.0.insert(key.as_str().to_owned(), v);
        Ok(())
    }
}

/// One record as one line of JSON: `timestamp` (RFC 3339, UTC), `level`, `target`,
/// `message`, then the record's key-values.
pub fn json_line(record: &log::Record<'_>, now: chrono::DateTime<chrono::Utc>) -> String {
    let mut map = Map::new();
    map.insert(
        "timestamp".into(),
        Value::from(now.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)),
    );
    map.insert("level".into(), Value::from(record.level().as_str()));
    map.insert("target".into(), Value::from(record.target()));
    map.insert("message".into(), Value::from(record.args().to_string()));
    let _ = record.key_values().visit(&mut Fields(&mut map));
    Value::Object(map).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_record_is_one_line_of_json_with_its_fields() {
        let kvs: &[(&str, log::kv::Value)] = &[
            ("request_id", log::kv::Value::from("r-1")),
            ("route", log::kv::Value::from("/api/v1/agreements/{id}")),
            ("status", log::kv::Value::from(200u16)),
            ("duration_ms", log::kv::Value::from(1.5f64)),
        ];
        let record = log::Record::builder()
            .level(log::Level::Info)
            .target("samverkan::request")
            .args(format_args!("GET x\n200"))
            .key_values(&kvs)
            .build();
        let now = chrono::DateTime::parse_from_rfc3339("2026-03-01T12:00:00Z")
            .unwrap()
            .with_timezone(&chrono::Utc);
        let line = json_line(&record, now);
        assert!(!line.contains('\n'), "{line}");
        let v: Value = serde_json::from_str(&line).unwrap();
        assert_eq!(v["timestamp"], "2026-03-01T12:00:00.000Z");
        assert_eq!(v["level"], "INFO");
        assert_eq!(v["message"], "GET x\n200");
        assert_eq!(v["request_id"], "r-1");
        assert_eq!(v["route"], "/api/v1/agreements/{id}");
        assert_eq!(v["status"], 200);
        assert_eq!(v["duration_ms"], 1.5);
    }

    #[test]
    fn formats() {
        assert_eq!(LogFormat::parse("JSON"), Ok(LogFormat::Json));
        assert_eq!(LogFormat::parse("text"), Ok(LogFormat::Text));
        assert!(
            LogFormat::parse("xml")
                .unwrap_err()
                .starts_with("SAMVERKAN_LOG_FORMAT")
        );
    }
}
