//! Keyset pagination: an opaque cursor holding the sort key of the last item of a page.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

pub const DEFAULT_LIMIT: i64 = 50;
pub const MAX_LIMIT: i64 = 200;

/// What a list query asks for: at most `limit` items after `after` (the previous page's
/// last key, decoded from the cursor).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageRequest {
    pub limit: i64,
    pub after: Option<Vec<String>>,
}

impl PageRequest {
    pub fn first(limit: i64) -> Self {
        Self { limit, after: None }
    }
}

#[derive(Debug, Clone)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub next_cursor: Option<String>,
}

impl<T> Page<T> {
    /// Builds a page from `limit + 1` fetched rows: the extra row only tells that there is a
    /// next page.
    pub fn from_rows(mut rows: Vec<T>, limit: i64, key: impl Fn(&T) -> Vec<String>) -> Self {
        let limit = usize::try_from(limit).unwrap_or(0);
        let next_cursor = if rows.len() > limit {
            rows.truncate(limit);
            rows.last().map(|last| encode_cursor(&key(last)))
        } else {
            None
        };
        Self {
            items: rows,
            next_cursor,
        }
    }

    /// Converts every item, failing on the first that does not convert.
    pub fn try_map<U, E>(self, f: impl FnMut(T) -> Result<U, E>) -> Result<Page<U>, E> {
        Ok(Page {
            items: self.items.into_iter().map(f).collect::<Result<_, _>>()?,
            next_cursor: self.next_cursor,
        })
    }

    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Page<U> {
        Page {
            items: self.items.into_iter().map(f).collect(),
            next_cursor: self.next_cursor,
        }
    }
}

/// The key as length-prefixed parts (`<bytes>:<text>` each), base64url without padding. A
/// length rather than a separator, so that any text round-trips: names may hold any
/// character but NUL, control characters and would-be separators included.
pub fn encode_cursor(key: &[String]) -> String {
    let mut raw = String::new();
    for part in key {
        raw.push_str(&part.len().to_string());
        raw.push(':');
        raw.push_str(part);
    }
    URL_SAFE_NO_PAD.encode(raw)
}

/// `None` when the cursor is not one this server made.
pub fn decode_cursor(cursor: &str, parts: usize) -> Option<Vec<String>> {
    if cursor.len() > 2048 {
        return None;
    }
    let bytes = URL_SAFE_NO_PAD.decode(cursor).ok()?;
    let mut rest = bytes.as_slice();
    let mut key = Vec::with_capacity(parts);
    while !rest.is_empty() {
        let colon = rest.iter().position(|&b| b == b':')?;
        let digits = &rest[..colon];
        if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
            return None;
        }
        let len: usize = std::str::from_utf8(digits).ok()?.parse().ok()?;
        let text = rest.get(colon + 1..)?.get(..len)?;
        // No stored text holds NUL (PostgreSQL's text cannot): a key with one is not ours,
        // and must not reach a query.
        let part = String::from_utf8(text.to_vec()).ok()?;
        if part.contains('\0') {
            return None;
        }
        key.push(part);
        rest = &rest[colon + 1 + len..];
    }
    (key.len() == parts).then_some(key)
}

/// The server's key for cursors (`server_keys`, made by a migration): a cursor leaves the
/// server sealed with an HMAC-SHA-256 tag over the list it belongs to and its key, so a
/// cursor is either one this server made for this list or refused before any query sees it.
/// Every instance reads the same key from the database, and it survives restarts.
#[derive(Clone)]
pub struct CursorKey(Vec<u8>);

impl std::fmt::Debug for CursorKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("CursorKey(…)")
    }
}

/// The bytes of the tag a sealed cursor starts with (128 bits of HMAC-SHA-256).
const TAG_BYTES: usize = 16;

impl CursorKey {
    pub fn new(secret: &[u8]) -> Self {
        Self(secret.to_vec())
    }

    fn mac(&self, scope: &str, raw: &[u8]) -> hmac::Hmac<sha2::Sha256> {
        use hmac::Mac;
        let mut mac = <hmac::Hmac<sha2::Sha256> as Mac>::new_from_slice(&self.0)
            .expect("HMAC takes a key of any length");
        mac.update(&(scope.len() as u64).to_be_bytes());
        mac.update(scope.as_bytes());
        mac.update(raw);
        mac
    }

    /// A cursor of `encode_cursor` as it leaves the server for the list named `scope`.
    pub fn seal(&self, scope: &str, cursor: &str) -> String {
        use hmac::Mac;
        let raw = URL_SAFE_NO_PAD.decode(cursor).unwrap_or_default();
        let tag = self.mac(scope, &raw).finalize().into_bytes();
        let mut sealed = tag[..TAG_BYTES].to_vec();
        sealed.extend_from_slice(&raw);
        URL_SAFE_NO_PAD.encode(sealed)
    }

    /// The key of a sealed cursor of the list `scope`: `None` unless this server made it for
    /// that list.
    pub fn open(&self, scope: &str, cursor: &str, parts: usize) -> Option<Vec<String>> {
        use hmac::Mac;
        if cursor.len() > 2048 {
            return None;
        }
        let bytes = URL_SAFE_NO_PAD.decode(cursor).ok()?;
        if bytes.len() < TAG_BYTES {
            return None;
        }
        let (tag, raw) = bytes.split_at(TAG_BYTES);
        self.mac(scope, raw).verify_truncated_left(tag).ok()?;
        decode_cursor(&URL_SAFE_NO_PAD.encode(raw), parts)
    }
}

/// Reads the cursor key the migrations made (at start-up).
pub fn load_cursor_key(conn: &mut crate::DbConnection) -> crate::StoreResult<CursorKey> {
    use crate::schema::server_keys::dsl as k;
    use diesel::prelude::*;
    let secret: String = k::server_keys
        .filter(k::name.eq("cursor"))
        .select(k::secret)
        .first(conn)?;
    Ok(CursorKey::new(secret.as_bytes()))
}

/// Loads one page of a boxed query over `$table` in name order: rows after the cursor's
/// `(sort_key, id)`, ordered by it, one more than the page to learn whether a next page
/// exists. Every list sorted by name pages the same way.
#[macro_export]
macro_rules! load_page_by_name {
    ($conn:expr, $query:expr, $table:ident, $page:expr) => {{
        let page: &$crate::page::PageRequest = $page;
        let mut query = $query;
        if let Some([key, id]) = page.after.as_deref() {
            query = query.filter(
                $table::sort_key.gt(key.clone()).or($table::sort_key
                    .eq(key.clone())
                    .and($table::id.gt(id.clone()))),
            );
        }
        query
            .order(($table::sort_key.asc(), $table::id.asc()))
            .limit(page.limit + 1)
            .load($conn)
            .map(|rows| {
                $crate::page::Page::from_rows(rows, page.limit, |r| {
                    vec![r.sort_key.clone(), r.id.clone()]
                })
            })
    }};
}

/// Escapes `%`, `_` and the escape character itself for a `LIKE … ESCAPE '\'` pattern.
pub fn like_contains(needle: &str) -> String {
    let mut out = String::with_capacity(needle.len() + 2);
    out.push('%');
    for c in needle.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('%');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursor_round_trip() {
        let key = vec!["{by\u{1f}if:2".to_owned(), "0190-abc".to_owned()];
        let c = encode_cursor(&key);
        assert_eq!(decode_cursor(&c, 2), Some(key));
        assert_eq!(decode_cursor(&c, 1), None);
        assert_eq!(decode_cursor("not base64!", 2), None);
    }

    #[test]
    fn cursors_this_server_did_not_make_are_refused() {
        for raw in [
            "",
            "3:ab",
            "x:abc",
            "-1:",
            "2:ab1",
            "1:a2:bc3:def",
            "01",
            ":",
        ] {
            assert_eq!(
                decode_cursor(&URL_SAFE_NO_PAD.encode(raw), 2),
                None,
                "{raw:?}"
            );
        }
        // Not UTF-8 inside a part.
        assert_eq!(
            decode_cursor(&URL_SAFE_NO_PAD.encode(b"1:\xff1:a"), 2),
            None
        );
        assert_eq!(decode_cursor(&"A".repeat(2049), 1), None);
        // NUL inside a part: PostgreSQL would fail on it.
        assert_eq!(decode_cursor(&URL_SAFE_NO_PAD.encode("3:a\0b1:c"), 2), None);
    }

    proptest::proptest! {
        /// Names may hold any character but NUL (the API refuses it), and a sort key keeps
        /// control characters: every key must come back as it went in.
        #[test]
        fn any_key_round_trips(
            key in proptest::collection::vec(proptest::prelude::any::<String>(), 0..4),
        ) {
            proptest::prop_assume!(key.iter().all(|k| !k.contains('\0')));
            let cursor = encode_cursor(&key);
            proptest::prop_assert!(cursor.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'));
            proptest::prop_assert_eq!(decode_cursor(&cursor, key.len()), Some(key.clone()));
            proptest::prop_assert_eq!(decode_cursor(&cursor, key.len() + 1), None);
        }

        #[test]
        fn separators_and_control_characters_round_trip(
            a in "[\\x01-\\x1f:0-9a-zå{|}~]{0,40}",
            b in "[\\x01-\\x1f:0-9-]{0,40}",
        ) {
            let key = vec![a, b];
            proptest::prop_assert_eq!(decode_cursor(&encode_cursor(&key), 2), Some(key));
        }
    }

    #[test]
    fn sealed_cursors_open_only_for_their_list_and_key() {
        let key = CursorKey::new(b"0123456789abcdef0123456789abcdef");
        let parts = vec!["å\u{1f}ö:2".to_owned(), "0190-abc".to_owned()];
        let sealed = key.seal("/a", &encode_cursor(&parts));
        assert!(
            sealed
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        );
        assert_eq!(key.open("/a", &sealed, 2), Some(parts.clone()));
        assert_eq!(key.open("/b", &sealed, 2), None, "another list");
        assert_eq!(CursorKey::new(b"another key").open("/a", &sealed, 2), None);
        assert_eq!(key.open("/a", &encode_cursor(&parts), 2), None, "unsealed");
        let mut forged = URL_SAFE_NO_PAD.decode(&sealed).unwrap();
        *forged.last_mut().unwrap() ^= 1;
        assert_eq!(key.open("/a", &URL_SAFE_NO_PAD.encode(forged), 2), None);
        assert_eq!(key.open("/a", "", 2), None);
    }

    #[test]
    fn page_from_rows() {
        let p = Page::from_rows(vec![1, 2, 3], 2, |n| vec![n.to_string()]);
        assert_eq!(p.items, [1, 2]);
        assert_eq!(
            decode_cursor(p.next_cursor.as_deref().unwrap(), 1),
            Some(vec!["2".into()])
        );
        let p = Page::from_rows(vec![1, 2], 2, |n| vec![n.to_string()]);
        assert!(p.next_cursor.is_none());
    }

    #[test]
    fn like_escapes() {
        assert_eq!(like_contains("50%_a\\"), "%50\\%\\_a\\\\%");
    }
}
