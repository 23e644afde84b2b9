//! Webhook deliveries per the Standard Webhooks specification (issue 14): secrets
//! (`whsec_` + base64 of the key), the signature `v1,<base64 HMAC-SHA256 of
//! "{id}.{timestamp}.{body}">` sent as `webhook-signature` beside `webhook-id` and
//! `webhook-timestamp`, several signatures at once while a rotated secret is still in its
//! grace period; and the policy for the URLs a subscription may name (SSRF).
//!
//! Subscriptions, the delivery worker and its log are not built yet: this module holds the
//! parts they are made of, each tested on its own.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, ToSocketAddrs};

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, Mac};
use sha2::Sha256;

/// The prefix of every secret.
pub const SECRET_PREFIX: &str = "whsec_";
/// The signature scheme this server signs with.
pub const SIGNATURE_VERSION: &str = "v1";

/// A subscription's signing secret: its key bytes. Shown to clients as `whsec_<base64>`.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(Vec<u8>);

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(…)")
    }
}

impl Secret {
    /// The smallest key accepted (the specification asks for 24 to 64 bytes).
    pub const MIN_BYTES: usize = 24;
    pub const MAX_BYTES: usize = 64;

    pub fn from_bytes(key: Vec<u8>) -> Option<Self> {
        (Self::MIN_BYTES..=Self::MAX_BYTES)
            .contains(&key.len())
            .then_some(Self(key))
    }

    /// Reads `whsec_<base64>`; `None` for anything else or a key of the wrong length.
    pub fn parse(text: &str) -> Option<Self> {
        let key = STANDARD.decode(text.strip_prefix(SECRET_PREFIX)?).ok()?;
        Self::from_bytes(key)
    }

    /// `whsec_<base64>`, as the subscription's owner receives it once.
    pub fn expose(&self) -> String {
        format!("{SECRET_PREFIX}{}", STANDARD.encode(&self.0))
    }

    /// `v1,<base64 HMAC-SHA256 of "{id}.{timestamp}.{body}">`.
    pub fn sign(&self, id: &str, timestamp: i64, body: &[u8]) -> String {
        let mut mac =
            <Hmac<Sha256> as Mac>::new_from_slice(&self.0).expect("HMAC takes a key of any length");
        mac.update(id.as_bytes());
        mac.update(b".");
        mac.update(timestamp.to_string().as_bytes());
        mac.update(b".");
        mac.update(body);
        let tag = mac.finalize().into_bytes();
        format!("{SIGNATURE_VERSION},{}", STANDARD.encode(tag))
    }
}

/// The `webhook-signature` header of a delivery: one signature per secret still valid (the
/// current one, and during a rotation's grace period the previous one), separated by
/// spaces, so a receiver holding either secret verifies it.
pub fn signature_header(secrets: &[&Secret], id: &str, timestamp: i64, body: &[u8]) -> String {
    secrets
        .iter()
        .map(|s| s.sign(id, timestamp, body))
        .collect::<Vec<_>>()
        .join(" ")
}

/// Whether a `webhook-signature` header carries a `v1` signature by `secret` (in constant
/// time per candidate), as a receiver checks it.
pub fn verify(secret: &Secret, header: &str, id: &str, timestamp: i64, body: &[u8]) -> bool {
    let expected = secret.sign(id, timestamp, body);
    header.split(' ').any(|candidate| {
        candidate.len() == expected.len()
            && candidate
                .bytes()
                .zip(expected.bytes())
                .fold(0u8, |acc, (a, b)| acc | (a ^ b))
                == 0
    })
}

/// Why a subscription URL is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UrlRefusal {
    /// Not an absolute URL with a host.
    Malformed,
    /// Not `https` (and not the local-development exception).
    NotHttps,
    /// Carries a user name or password.
    Credentials,
    /// The host does not resolve.
    Unresolvable,
    /// The host resolves to an address inside a network (loopback, private, link-local,
    /// cloud metadata, …): the server would call into its own surroundings.
    InternalAddress(IpAddr),
}

/// Which URLs a subscription may name. Production: `https` only, to public addresses only.
/// `allow_local_http` (the setting `SAMVERKAN_WEBHOOKS_ALLOW_LOCAL_HTTP=true`, for local
/// development and tests) also allows `http://127.0.0.1:<port>/…` and nothing else.
#[derive(Debug, Clone, Copy, Default)]
pub struct UrlPolicy {
    pub allow_local_http: bool,
}

impl UrlPolicy {
    /// Checks a URL and returns the addresses it may be called at (connect to these, never
    /// resolve again, so a DNS answer that changes in between cannot point inside).
    pub fn check(&self, url: &str) -> Result<Vec<SocketAddr>, UrlRefusal> {
        let parsed = url::Url::parse(url).map_err(|_| UrlRefusal::Malformed)?;
        if !parsed.username().is_empty() || parsed.password().is_some() {
            return Err(UrlRefusal::Credentials);
        }
        let host = parsed.host().ok_or(UrlRefusal::Malformed)?;
        let port = parsed
            .port_or_known_default()
            .ok_or(UrlRefusal::Malformed)?;
        if parsed.scheme() == "http"
            && self.allow_local_http
            && host == url::Host::<&str>::Ipv4(Ipv4Addr::LOCALHOST)
        {
            return Ok(vec![SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), port)]);
        }
        if parsed.scheme() != "https" {
            return Err(UrlRefusal::NotHttps);
        }
        let addrs: Vec<SocketAddr> = match host {
            url::Host::Ipv4(ip) => vec![SocketAddr::new(IpAddr::V4(ip), port)],
            url::Host::Ipv6(ip) => vec![SocketAddr::new(IpAddr::V6(ip), port)],
            url::Host::Domain(name) => (name, port)
                .to_socket_addrs()
                .map_err(|_| UrlRefusal::Unresolvable)?
                .collect(),
        };
        if addrs.is_empty() {
            return Err(UrlRefusal::Unresolvable);
        }
        // Every address must be public: one internal answer refuses the URL.
        if let Some(bad) = addrs.iter().map(SocketAddr::ip).find(|ip| !is_public(*ip)) {
            return Err(UrlRefusal::InternalAddress(bad));
        }
        Ok(addrs)
    }
}

/// Whether an address is on the public internet: not loopback, private, link-local (which
/// holds the cloud metadata address 169.254.169.254), shared (CGNAT), unspecified,
/// broadcast, documentation, benchmarking, multicast or reserved; IPv6 likewise, and an
/// IPv4-mapped or NAT64 address is judged by its IPv4 address.
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_public_v4(v4),
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return is_public_v4(v4);
            }
            let s = v6.segments();
            // NAT64 (64:ff9b::/96) reaches an IPv4 address.
            if s[0] == 0x64 && s[1] == 0xff9b && s[2..6] == [0, 0, 0, 0] {
                let v4 =
                    Ipv4Addr::new((s[6] >> 8) as u8, s[6] as u8, (s[7] >> 8) as u8, s[7] as u8);
                return is_public_v4(v4);
            }
            !(v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                || (s[0] & 0xfe00) == 0xfc00 // unique local fc00::/7
                || (s[0] & 0xffc0) == 0xfe80 // link-local fe80::/10
                || (s[0] & 0xffc0) == 0xfec0 // site-local (deprecated) fec0::/10
                || (s[0] == 0x2001 && s[1] == 0x0db8) // documentation
                || s[0..6] == [0, 0, 0, 0, 0, 0] // IPv4-compatible (deprecated)
                || v6 == Ipv6Addr::new(0xfd00, 0x0ec2, 0, 0, 0, 0, 0, 0x0254)) // AWS metadata
        }
    }
}

fn is_public_v4(ip: Ipv4Addr) -> bool {
    let [a, b, c, _] = ip.octets();
    !(ip.is_loopback()
        || ip.is_private()
        || ip.is_link_local()
        || ip.is_unspecified()
        || ip.is_broadcast()
        || ip.is_documentation()
        || ip.is_multicast()
        || a == 0
        || (a == 100 && (64..128).contains(&b)) // shared address space (CGNAT)
        || (a == 192 && b == 0 && c == 0) // IETF protocol assignments
        || (a == 198 && (b == 18 || b == 19)) // benchmarking
        || a >= 240) // reserved
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The Standard Webhooks specification's published example.
    const SPEC_SECRET: &str = "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD";
    const SPEC_ID: &str = "msg_27UH4WbU6Z5A5EzD8u03UvzRbpk";
    const SPEC_TIMESTAMP: i64 = 1649367553;
    const SPEC_BODY: &[u8] = br#"{"email":"test@example.com","username":"test_user"}"#;
    const SPEC_SIGNATURE: &str = "v1,tZ1I4/hDygAJgO5TYxiSd6Sd0kDW6hPenDe+bTa3Kkw=";

    #[test]
    fn signs_the_specifications_test_vector() {
        let secret = Secret::parse(SPEC_SECRET).expect("the specification's secret");
        assert_eq!(
            secret.sign(SPEC_ID, SPEC_TIMESTAMP, SPEC_BODY),
            SPEC_SIGNATURE
        );
        assert_eq!(secret.expose(), SPEC_SECRET);
        assert!(verify(
            &secret,
            SPEC_SIGNATURE,
            SPEC_ID,
            SPEC_TIMESTAMP,
            SPEC_BODY
        ));
        // Any other body, id or time fails.
        assert!(!verify(
            &secret,
            SPEC_SIGNATURE,
            SPEC_ID,
            SPEC_TIMESTAMP,
            b"{}"
        ));
        assert!(!verify(
            &secret,
            SPEC_SIGNATURE,
            "msg_other",
            SPEC_TIMESTAMP,
            SPEC_BODY
        ));
        assert!(!verify(
            &secret,
            SPEC_SIGNATURE,
            SPEC_ID,
            SPEC_TIMESTAMP + 1,
            SPEC_BODY
        ));
    }

    #[test]
    fn during_a_rotation_both_secrets_sign_and_either_verifies() {
        let old = Secret::parse(SPEC_SECRET).expect("secret");
        let new = Secret::from_bytes((0u8..32).collect()).expect("secret");
        let header = signature_header(&[&new, &old], SPEC_ID, SPEC_TIMESTAMP, SPEC_BODY);
        assert_eq!(header.split(' ').count(), 2);
        assert!(header.split(' ').all(|s| s.starts_with("v1,")));
        assert!(verify(&old, &header, SPEC_ID, SPEC_TIMESTAMP, SPEC_BODY));
        assert!(verify(&new, &header, SPEC_ID, SPEC_TIMESTAMP, SPEC_BODY));
        let other = Secret::from_bytes(vec![7; 24]).expect("secret");
        assert!(!verify(&other, &header, SPEC_ID, SPEC_TIMESTAMP, SPEC_BODY));
    }

    #[test]
    fn secrets_are_whsec_base64_of_24_to_64_bytes() {
        assert!(Secret::parse("C2FVsBQIhrscChlQIMV+b5sSYspob7oD").is_none());
        assert!(Secret::parse("whsec_not base64!").is_none());
        assert!(Secret::parse(&format!("whsec_{}", STANDARD.encode([1u8; 23]))).is_none());
        assert!(Secret::parse(&format!("whsec_{}", STANDARD.encode([1u8; 65]))).is_none());
        assert!(Secret::parse(&format!("whsec_{}", STANDARD.encode([1u8; 64]))).is_some());
        assert_eq!(
            format!("{:?}", Secret::parse(SPEC_SECRET)),
            "Some(Secret(…))"
        );
    }

    #[test]
    fn only_https_to_public_addresses_unless_local_development() {
        let strict = UrlPolicy::default();
        assert!(strict.check("https://93.184.215.14/hook").is_ok());
        assert!(strict.check("https://[2606:4700::1111]/hook").is_ok());
        assert_eq!(
            strict.check("http://93.184.215.14/hook"),
            Err(UrlRefusal::NotHttps)
        );
        assert_eq!(strict.check("not a url"), Err(UrlRefusal::Malformed));
        assert_eq!(
            strict.check("https://user:pw@93.184.215.14/"),
            Err(UrlRefusal::Credentials)
        );
        for internal in [
            "https://127.0.0.1/",
            "https://127.1.2.3:8443/",
            "https://10.0.0.1/",
            "https://172.16.5.4/",
            "https://192.168.1.1/",
            "https://169.254.169.254/latest/meta-data/",
            "https://100.64.0.1/",
            "https://0.0.0.0/",
            "https://[::1]/",
            "https://[fe80::1]/",
            "https://[fd00:ec2::254]/",
            "https://[fc00::1]/",
            "https://[::ffff:127.0.0.1]/",
            "https://[::ffff:169.254.169.254]/",
            "https://[64:ff9b::a00:1]/",
            "https://localhost/",
        ] {
            assert!(
                matches!(
                    strict.check(internal),
                    Err(UrlRefusal::InternalAddress(_) | UrlRefusal::Unresolvable)
                ),
                "{internal}: {:?}",
                strict.check(internal)
            );
        }
        assert_eq!(
            strict.check("http://127.0.0.1:8080/hook"),
            Err(UrlRefusal::NotHttps)
        );
        let dev = UrlPolicy {
            allow_local_http: true,
        };
        assert_eq!(
            dev.check("http://127.0.0.1:8080/hook"),
            Ok(vec!["127.0.0.1:8080".parse().expect("addr")])
        );
        // The exception is 127.0.0.1 over http, nothing wider.
        assert_eq!(dev.check("http://10.0.0.1/"), Err(UrlRefusal::NotHttps));
        assert!(matches!(
            dev.check("https://127.0.0.1/"),
            Err(UrlRefusal::InternalAddress(_))
        ));
    }
}
