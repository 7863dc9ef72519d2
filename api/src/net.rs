//! Outbound HTTP with a guard against server-side request forgery.
//!
//! Every address a request could reach is checked: a literal IP host in the
//! URL (after the `url` crate's WHATWG normalisation, so `2130706433` and
//! `0x7f.1` are 127.0.0.1, and IPv4-mapped IPv6 is unwrapped) is checked here,
//! because reqwest never asks a resolver about it; every address a name
//! resolves to is checked by [`GuardedResolver`]; redirects are followed by
//! hand, at most a few, and each hop is checked again. Proxy variables are
//! ignored. Loopback can be allowed by configuration (tests), nothing else.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use futures_util::{Stream, StreamExt, TryStreamExt};
use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use url::{Host, Url};

/// Outbound HTTP settings.
#[derive(Debug, Clone)]
pub struct NetConfig {
    /// Allow 127.0.0.0/8 and ::1 (for tests against a local server).
    pub allow_loopback: bool,
    /// Allow plain `http://` (for tests); otherwise https only.
    pub allow_http: bool,
    pub timeout: Duration,
    pub max_redirects: usize,
}

impl Default for NetConfig {
    fn default() -> Self {
        Self {
            allow_loopback: false,
            allow_http: false,
            timeout: Duration::from_secs(30),
            max_redirects: 3,
        }
    }
}

/// Why a fetch was refused or failed.
#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    #[error("not a valid URL")]
    InvalidUrl,
    #[error("only https URLs are allowed")]
    NotHttps,
    #[error("the address is private or reserved")]
    Forbidden,
    #[error("too many redirects")]
    TooManyRedirects,
    #[error("the server answered {0}")]
    Status(u16),
    #[error("the server could not be reached: {0}")]
    Unreachable(String),
    #[error("the request timed out")]
    Timeout,
}

/// A successful response, ready to be streamed.
pub struct Fetched {
    pub url: Url,
    pub content_type: Option<String>,
    pub content_length: Option<u64>,
    response: reqwest::Response,
}

impl Fetched {
    /// The body as a stream of chunks.
    pub fn into_stream(self) -> impl Stream<Item = Result<Bytes, std::io::Error>> + Unpin {
        self.response
            .bytes_stream()
            .map_err(std::io::Error::other)
            .boxed()
    }
}

/// Whether an address must never be reached from the server.
pub fn is_forbidden(ip: IpAddr, allow_loopback: bool) -> bool {
    match ip {
        IpAddr::V4(v4) => is_forbidden_v4(v4, allow_loopback),
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return is_forbidden_v4(v4, allow_loopback);
            }
            if v6.is_loopback() {
                return !allow_loopback;
            }
            let s = v6.segments();
            v6.is_unspecified()
                || v6.is_multicast()
                || (s[0] & 0xfe00) == 0xfc00 // unique local fc00::/7
                || (s[0] & 0xffc0) == 0xfe80 // link-local fe80::/10
                || (s[0] & 0xffc0) == 0xfec0 // site-local fec0::/10 (deprecated)
                || (s[0] == 0x2001 && s[1] == 0x0db8) // documentation 2001:db8::/32
                || (s[0] == 0x0064 && s[1] == 0xff9b) // NAT64 64:ff9b::/96 and 64:ff9b:1::/48
                || (s[0] == 0x2001 && s[1] == 0x0000) // Teredo 2001::/32
                || (s[0] == 0x2002) // 6to4 2002::/16 tunnels to any IPv4
                || (s[0..6] == [0, 0, 0, 0, 0, 0]) // IPv4-compatible ::/96 (deprecated)
                || (s[0] == 0x0100 && s[1..4] == [0, 0, 0]) // discard-only 100::/64
        }
    }
}

fn is_forbidden_v4(ip: Ipv4Addr, allow_loopback: bool) -> bool {
    if ip.is_loopback() {
        return !allow_loopback;
    }
    let [a, b, c, _] = ip.octets();
    ip.is_private()
        || ip.is_link_local() // 169.254/16, cloud metadata
        || ip.is_unspecified()
        || ip.is_broadcast()
        || ip.is_multicast()
        || ip.is_documentation() // 192.0.2/24, 198.51.100/24, 203.0.113/24
        || a == 0 // "this network" 0/8
        || (a == 100 && (64..128).contains(&b)) // CGNAT 100.64/10
        || (a == 192 && b == 0 && c == 0) // IETF protocol assignments 192.0.0/24
        || (a == 198 && (b == 18 || b == 19)) // benchmarking 198.18/15
        || a >= 240 // reserved 240/4
}

/// Checks a URL before any connection: scheme, and a literal IP host.
pub fn check_url(url: &Url, config: &NetConfig) -> Result<(), FetchError> {
    match url.scheme() {
        "https" => {}
        "http" if config.allow_http => {}
        _ => return Err(FetchError::NotHttps),
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(FetchError::InvalidUrl);
    }
    match url.host() {
        Some(Host::Ipv4(ip)) if is_forbidden(IpAddr::V4(ip), config.allow_loopback) => {
            Err(FetchError::Forbidden)
        }
        Some(Host::Ipv6(ip)) if is_forbidden(IpAddr::V6(ip), config.allow_loopback) => {
            Err(FetchError::Forbidden)
        }
        Some(Host::Domain(name)) if is_localhost(name) => {
            if config.allow_loopback {
                Ok(())
            } else {
                Err(FetchError::Forbidden)
            }
        }
        Some(_) => Ok(()),
        None => Err(FetchError::InvalidUrl),
    }
}

fn is_localhost(name: &str) -> bool {
    let name = name.trim_end_matches('.').to_ascii_lowercase();
    name == "localhost" || name.ends_with(".localhost")
}

/// Whether a URL's host is this machine: a loopback address or `localhost`.
pub fn is_loopback_host(url: &Url) -> bool {
    match url.host() {
        Some(Host::Ipv4(ip)) => ip.is_loopback(),
        Some(Host::Ipv6(ip)) => ip.is_loopback(),
        Some(Host::Domain(name)) => is_localhost(name),
        None => false,
    }
}

/// Resolves names and refuses the answer if any address is forbidden, so a
/// name that points inside cannot be used to get there.
struct GuardedResolver {
    allow_loopback: bool,
}

#[derive(Debug, thiserror::Error)]
#[error("the name resolves to a private or reserved address")]
struct Blocked;

impl Resolve for GuardedResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let allow_loopback = self.allow_loopback;
        Box::pin(async move {
            let host = name.as_str().to_owned();
            let addrs: Vec<SocketAddr> = tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            if addrs.is_empty() || addrs.iter().any(|a| is_forbidden(a.ip(), allow_loopback)) {
                return Err(Box::new(Blocked) as Box<dyn std::error::Error + Send + Sync>);
            }
            Ok(Box::new(addrs.into_iter()) as Addrs)
        })
    }
}

/// reqwest (and object_store's S3 client) are built without a default TLS
/// crypto provider, to keep one crypto stack: this installs ring, once.
pub fn install_crypto() {
    let _ = rustls::crypto::ring::default_provider().install_default();
}

/// An HTTP client for fetching files from partners' servers.
#[derive(Clone)]
pub struct Fetcher {
    client: reqwest::Client,
    config: Arc<NetConfig>,
}

impl Fetcher {
    pub fn new(config: NetConfig) -> anyhow::Result<Self> {
        install_crypto();
        let client = reqwest::Client::builder()
            .no_proxy()
            .redirect(reqwest::redirect::Policy::none())
            .dns_resolver(Arc::new(GuardedResolver {
                allow_loopback: config.allow_loopback,
            }))
            .timeout(config.timeout)
            .connect_timeout(config.timeout.min(Duration::from_secs(10)))
            .user_agent(concat!("Sammen/", env!("CARGO_PKG_VERSION")))
            .build()?;
        Ok(Self {
            client,
            config: Arc::new(config),
        })
    }

    /// GETs `raw`, following at most `max_redirects` redirects, each checked.
    pub async fn get(&self, raw: &str) -> Result<Fetched, FetchError> {
        let mut url = Url::parse(raw.trim()).map_err(|_| FetchError::InvalidUrl)?;
        for _ in 0..=self.config.max_redirects {
            check_url(&url, &self.config)?;
            let response = self.client.get(url.clone()).send().await.map_err(classify)?;
            let status = response.status();
            if status.is_redirection() {
                let location = response
                    .headers()
                    .get(reqwest::header::LOCATION)
                    .and_then(|v| v.to_str().ok())
                    .ok_or(FetchError::Status(status.as_u16()))?;
                url = url.join(location).map_err(|_| FetchError::InvalidUrl)?;
                continue;
            }
            if !status.is_success() {
                return Err(FetchError::Status(status.as_u16()));
            }
            let content_type = response
                .headers()
                .get(reqwest::header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned);
            return Ok(Fetched {
                url,
                content_type,
                content_length: response.content_length(),
                response,
            });
        }
        Err(FetchError::TooManyRedirects)
    }
}

/// The answer to a [`Fetcher::post`]: whatever its status (redirects are
/// not followed: a 3xx comes back as it is).
#[derive(Debug)]
pub struct Posted {
    pub status: u16,
    /// `Retry-After`, in seconds or as a date.
    pub retry_after: Option<Duration>,
    /// The start of the body, at most the bytes asked for, as text.
    pub excerpt: String,
}

impl Fetcher {
    /// POSTs `body` to `raw` with `headers`, following no redirect, and
    /// reads at most `max_read` bytes of the answer.
    pub async fn post(
        &self,
        raw: &str,
        headers: reqwest::header::HeaderMap,
        body: Bytes,
        max_read: usize,
    ) -> Result<Posted, FetchError> {
        let url = Url::parse(raw.trim()).map_err(|_| FetchError::InvalidUrl)?;
        check_url(&url, &self.config)?;
        let mut response = self
            .client
            .post(url)
            .headers(headers)
            .body(body)
            .send()
            .await
            .map_err(classify)?;
        let status = response.status().as_u16();
        let retry_after = response
            .headers()
            .get(reqwest::header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(parse_retry_after);
        let mut read = Vec::new();
        while read.len() < max_read {
            match response.chunk().await {
                Ok(Some(chunk)) => {
                    let room = max_read - read.len();
                    read.extend_from_slice(&chunk[..chunk.len().min(room)]);
                }
                // The status is what counts; a body cut short is no failure.
                Ok(None) | Err(_) => break,
            }
        }
        Ok(Posted {
            status,
            retry_after,
            excerpt: String::from_utf8_lossy(&read).into_owned(),
        })
    }
}

/// `Retry-After: 120` or `Retry-After: Wed, 21 Oct 2026 07:28:00 GMT`.
pub fn parse_retry_after(value: &str) -> Option<Duration> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let at = chrono::DateTime::parse_from_rfc2822(value).ok()?;
    let wait = at.with_timezone(&chrono::Utc) - chrono::Utc::now();
    Some(wait.to_std().unwrap_or(Duration::ZERO))
}

fn classify(error: reqwest::Error) -> FetchError {
    if error.is_timeout() {
        return FetchError::Timeout;
    }
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(&error);
    while let Some(e) = source {
        if e.is::<Blocked>() {
            return FetchError::Forbidden;
        }
        source = e.source();
    }
    FetchError::Unreachable(error.without_url().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refused(raw: &str) -> bool {
        let url = Url::parse(raw).expect("parses");
        let config = NetConfig {
            allow_http: true,
            ..NetConfig::default()
        };
        matches!(check_url(&url, &config), Err(FetchError::Forbidden))
    }

    #[test]
    fn literal_hosts_in_every_spelling_are_refused() {
        for raw in [
            "http://127.0.0.1/",
            "http://2130706433/",
            "http://0x7f.1/",
            "http://017700000001/",
            "http://[::ffff:127.0.0.1]/",
            "http://[::1]/",
            "http://169.254.169.254/latest/meta-data/",
            "http://10.0.0.1/",
            "http://172.16.5.4/",
            "http://192.168.1.1/",
            "http://100.64.0.1/",
            "http://224.0.0.1/",
            "http://0.0.0.0/",
            "http://192.0.2.10/",
            "http://[fd00::1]/",
            "http://[fe80::1]/",
            "http://[64:ff9b::7f00:1]/",
            "http://[2001:db8::1]/",
            "http://[::]/",
            "http://localhost/",
            "http://LOCALHOST./",
        ] {
            assert!(refused(raw), "{raw} was allowed");
        }
    }

    #[test]
    fn public_addresses_pass_and_plain_http_needs_permission() {
        assert!(!refused("http://93.184.216.34/"));
        assert!(!refused("http://[2606:2800:220:1::]/"));
        let strict = NetConfig::default();
        let url = Url::parse("http://example.org/").expect("parses");
        assert!(matches!(check_url(&url, &strict), Err(FetchError::NotHttps)));
        let url = Url::parse("ftp://example.org/").expect("parses");
        assert!(matches!(check_url(&url, &strict), Err(FetchError::NotHttps)));
    }

    #[test]
    fn loopback_is_the_only_thing_a_setting_can_allow() {
        assert!(!is_forbidden("127.0.0.1".parse().expect("ip"), true));
        assert!(!is_forbidden("::1".parse().expect("ip"), true));
        assert!(is_forbidden("10.1.2.3".parse().expect("ip"), true));
        assert!(is_forbidden("169.254.169.254".parse().expect("ip"), true));
    }
}
