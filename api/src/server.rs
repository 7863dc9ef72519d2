//! The HTTP server loop, in place of `axum::serve`, for what that one does
//! not offer: a cap on concurrent connections, closing connections whose
//! request head arrives too slowly or that sit idle, the peer address in
//! every request, and a graceful drain on shutdown.
//!
//! Each connection's bytes pass through [`ActivityIo`], which notes when
//! anything moved and when a new request head began; the router is wrapped
//! to note requests in flight. A per-connection watchdog closes it when no
//! request is in flight and either a head has been arriving longer than the
//! header-read timeout or nothing has moved for the idle timeout.

use std::net::{IpAddr, SocketAddr};
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use axum::Router;
use axum::http::HeaderMap;
use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::server::conn::auto::Builder;
use hyper_util::service::TowerToHyperService;
use ipnet::IpNet;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio_util::sync::CancellationToken;

/// The TCP peer of a request, inserted into its extensions.
#[derive(Debug, Clone, Copy)]
pub struct PeerAddr(pub SocketAddr);

/// How connections are held to account.
#[derive(Debug, Clone, Copy)]
pub struct ConnectionLimits {
    pub header_read_timeout: Duration,
    pub idle_timeout: Duration,
    pub max_connections: usize,
    /// Connections one address may hold at once (trusted proxies excepted).
    pub max_per_address: usize,
}

/// Open connections per peer address.
#[derive(Default)]
struct PerAddress(std::sync::Mutex<std::collections::HashMap<IpAddr, usize>>);

/// One connection's count under its address, given back when dropped.
struct AddressHold {
    counts: Arc<PerAddress>,
    ip: IpAddr,
}

impl PerAddress {
    fn hold(self: &Arc<Self>, ip: IpAddr, max: usize) -> Option<AddressHold> {
        let mut counts = self.0.lock().ok()?;
        let count = counts.entry(ip).or_insert(0);
        if *count >= max {
            return None;
        }
        *count += 1;
        Some(AddressHold {
            counts: self.clone(),
            ip,
        })
    }
}

impl Drop for AddressHold {
    fn drop(&mut self) {
        if let Ok(mut counts) = self.counts.0.lock()
            && let Some(count) = counts.get_mut(&self.ip)
        {
            *count = count.saturating_sub(1);
            if *count == 0 {
                counts.remove(&self.ip);
            }
        }
    }
}

/// The client of a request: the TCP peer, or, when the peer is a trusted
/// proxy, the rightmost `X-Forwarded-For` address that is not itself one.
pub fn client_ip(peer: Option<SocketAddr>, headers: &HeaderMap, trusted: &[IpNet]) -> Option<IpAddr> {
    let canonical = |ip: IpAddr| ip.to_canonical();
    let is_trusted = |ip: &IpAddr| trusted.iter().any(|net| net.contains(ip));
    let mut client = canonical(peer?.ip());
    if !is_trusted(&client) {
        return Some(client);
    }
    let hops = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .collect::<Vec<_>>();
    for hop in hops.into_iter().rev() {
        let Some(ip) = parse_hop(hop.trim()) else {
            // A malformed entry: believe no further.
            return Some(client);
        };
        client = canonical(ip);
        if !is_trusted(&client) {
            return Some(client);
        }
    }
    Some(client)
}

/// An `X-Forwarded-For` entry: an address, maybe bracketed or with a port.
fn parse_hop(hop: &str) -> Option<IpAddr> {
    if let Ok(ip) = hop.parse() {
        return Some(ip);
    }
    if let Ok(addr) = hop.parse::<SocketAddr>() {
        return Some(addr.ip());
    }
    hop.strip_prefix('[')?.strip_suffix(']')?.parse().ok()
}

/// What one connection has been doing.
struct Activity {
    started: Instant,
    /// Milliseconds since `started` when bytes last moved.
    last_moved: AtomicU64,
    /// Milliseconds since `started` (+1) when the current request head
    /// began to arrive; 0 while none is arriving.
    head_began: AtomicU64,
    in_flight: AtomicUsize,
}

impl Activity {
    /// A new connection owes its first request head from the start: one
    /// that sends nothing is held no longer than one that sends slowly.
    fn new() -> Self {
        Self {
            started: Instant::now(),
            last_moved: AtomicU64::new(0),
            head_began: AtomicU64::new(1),
            in_flight: AtomicUsize::new(0),
        }
    }

    fn now(&self) -> u64 {
        u64::try_from(self.started.elapsed().as_millis()).unwrap_or(u64::MAX)
    }

    fn moved(&self, reading: bool) {
        let now = self.now();
        self.last_moved.store(now, Ordering::Relaxed);
        if reading && self.in_flight.load(Ordering::Acquire) == 0 {
            let _ = self
                .head_began
                .compare_exchange(0, now + 1, Ordering::AcqRel, Ordering::Relaxed);
        }
    }

    fn request_began(&self) {
        self.in_flight.fetch_add(1, Ordering::AcqRel);
        self.head_began.store(0, Ordering::Release);
    }

    fn request_ended(&self) {
        self.in_flight.fetch_sub(1, Ordering::AcqRel);
        self.last_moved.store(self.now(), Ordering::Relaxed);
    }

    /// Resolves when the connection should be closed.
    async fn expired(&self, limits: ConnectionLimits) {
        let header = u64::try_from(limits.header_read_timeout.as_millis()).unwrap_or(u64::MAX);
        let idle = u64::try_from(limits.idle_timeout.as_millis()).unwrap_or(u64::MAX);
        let tick = (limits.header_read_timeout.min(limits.idle_timeout) / 4)
            .clamp(Duration::from_millis(50), Duration::from_secs(1));
        loop {
            tokio::time::sleep(tick).await;
            if self.in_flight.load(Ordering::Acquire) > 0 {
                continue;
            }
            let now = self.now();
            let head = self.head_began.load(Ordering::Acquire);
            if head > 0 && now.saturating_sub(head - 1) >= header {
                tracing::debug!("closing a connection whose request head came too slowly");
                return;
            }
            if head == 0 && now.saturating_sub(self.last_moved.load(Ordering::Relaxed)) >= idle {
                tracing::debug!("closing an idle connection");
                return;
            }
        }
    }
}

/// A request being handled: counted from the call until its response is
/// ready or the request is dropped.
struct InFlight(Arc<Activity>);

impl InFlight {
    fn begin(activity: Arc<Activity>) -> Self {
        activity.request_began();
        Self(activity)
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        self.0.request_ended();
    }
}

/// A connection's place under `--max-connections`, in every request's
/// extensions; a WebSocket keeps it for as long as it is open.
#[derive(Clone)]
pub struct ConnectionSlot(#[allow(dead_code, reason = "held for its drop")] Arc<Held>);

/// What a connection holds: its place under the cap, and under its address.
struct Held {
    _permit: tokio::sync::OwnedSemaphorePermit,
    _address: Option<AddressHold>,
}

/// A socket that reports its traffic to [`Activity`].
struct ActivityIo {
    inner: TcpStream,
    activity: Arc<Activity>,
}

impl AsyncRead for ActivityIo {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        let this = self.get_mut();
        let before = buf.filled().len();
        let result = Pin::new(&mut this.inner).poll_read(cx, buf);
        if matches!(result, Poll::Ready(Ok(()))) && buf.filled().len() > before {
            this.activity.moved(true);
        }
        result
    }
}

impl AsyncWrite for ActivityIo {
    fn poll_write(self: Pin<&mut Self>, cx: &mut Context<'_>, data: &[u8]) -> Poll<std::io::Result<usize>> {
        let this = self.get_mut();
        let result = Pin::new(&mut this.inner).poll_write(cx, data);
        if matches!(result, Poll::Ready(Ok(n)) if n > 0) {
            this.activity.moved(false);
        }
        result
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_shutdown(cx)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[std::io::IoSlice<'_>],
    ) -> Poll<std::io::Result<usize>> {
        let this = self.get_mut();
        let result = Pin::new(&mut this.inner).poll_write_vectored(cx, bufs);
        if matches!(result, Poll::Ready(Ok(n)) if n > 0) {
            this.activity.moved(false);
        }
        result
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }
}

/// Serves `router` on `listener` until `shutdown` is cancelled, then lets
/// requests in flight finish (for at most `drain`).
pub async fn serve(
    listener: TcpListener,
    router: Router,
    limits: ConnectionLimits,
    trusted_proxies: Vec<IpNet>,
    shutdown: CancellationToken,
    drain: Duration,
) {
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let per_address = Arc::new(PerAddress::default());
    let permits = Arc::new(tokio::sync::Semaphore::new(limits.max_connections.max(1)));
    // HTTP/1.1 only: partners' clients speak it, load balancers terminate
    // HTTP/2 in front, and cleartext HTTP/2 would multiply every
    // per-connection limit by its streams.
    let builder = Builder::new(TokioExecutor::new()).http1_only();
    loop {
        let permit = tokio::select! {
            permit = permits.clone().acquire_owned() => match permit {
                Ok(permit) => permit,
                Err(_) => break,
            },
            () = shutdown.cancelled() => break,
        };
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(error) => {
                    // Out of descriptors, say: wait a moment rather than spin.
                    tracing::warn!(%error, "accepting a connection failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = shutdown.cancelled() => break,
        };
        // One address may not take every place; a trusted proxy speaks for
        // many clients and may.
        let ip = peer.ip().to_canonical();
        let address = if trusted_proxies.iter().any(|net| net.contains(&ip)) {
            None
        } else {
            match per_address.hold(ip, limits.max_per_address.max(1)) {
                Some(hold) => Some(hold),
                None => {
                    tracing::debug!(%ip, "refusing a connection over the per-address limit");
                    drop(stream);
                    continue;
                }
            }
        };
        let _ = stream.set_nodelay(true);
        let activity = Arc::new(Activity::new());
        let io = TokioIo::new(ActivityIo {
            inner: stream,
            activity: activity.clone(),
        });
        // The permit is shared with a WebSocket the connection upgrades to,
        // so a socket holds its place as long as it is open.
        let slot = ConnectionSlot(Arc::new(Held {
            _permit: permit,
            _address: address,
        }));
        let held = slot.clone();
        let seen = activity.clone();
        let service = tower::ServiceExt::map_future(
            tower::ServiceExt::map_request(
                router.clone(),
                move |mut request: axum::http::Request<hyper::body::Incoming>| {
                    request.extensions_mut().insert(PeerAddr(peer));
                    request.extensions_mut().insert(slot.clone());
                    request
                },
            ),
            move |response| {
                let in_flight = InFlight::begin(seen.clone());
                async move {
                    let response = response.await;
                    drop(in_flight);
                    response
                }
            },
        );
        let connection = builder
            .serve_connection_with_upgrades(io, TowerToHyperService::new(service))
            .into_owned();
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            let _held = held;
            tokio::select! {
                result = connection => {
                    if let Err(error) = result {
                        tracing::debug!(%error, "connection ended with an error");
                    }
                }
                () = activity.expired(limits) => {}
            }
        });
    }
    drop(listener);
    tokio::select! {
        () = graceful.shutdown() => {}
        () = tokio::time::sleep(drain) => {
            tracing::warn!("requests still running after the drain period were cut off");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(xff: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert("x-forwarded-for", xff.parse().unwrap());
        h
    }

    #[test]
    fn forwarded_addresses_count_only_behind_trusted_proxies() {
        let peer: SocketAddr = "10.0.0.5:4000".parse().unwrap();
        let spoofed = headers("198.51.100.1, 203.0.113.9");
        assert_eq!(
            client_ip(Some(peer), &spoofed, &[]),
            Some("10.0.0.5".parse().unwrap())
        );
        let trusted: Vec<IpNet> = vec!["10.0.0.0/8".parse().unwrap()];
        assert_eq!(
            client_ip(Some(peer), &spoofed, &trusted),
            Some("203.0.113.9".parse().unwrap())
        );
        let chain = headers("198.51.100.1, 10.0.0.7");
        assert_eq!(
            client_ip(Some(peer), &chain, &trusted),
            Some("198.51.100.1".parse().unwrap())
        );
        assert_eq!(
            client_ip(Some(peer), &headers("garbage, 10.0.0.7"), &trusted),
            Some("10.0.0.7".parse().unwrap())
        );
    }
}
