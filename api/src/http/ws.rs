//! `GET /graphql/ws`: GraphQL over WebSocket (graphql-transport-ws and the
//! older subscriptions-transport-ws), held to the HTTP limits: message
//! size, the per-operation limits of [`crate::graphql::OperationGuard`], operations
//! per socket, sockets per person, the `connection_init` deadline, pings,
//! and a close frame on shutdown.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use axum::Extension;
use axum::extract::State;
use axum::http::HeaderMap;
use futures_util::StreamExt;

use super::{client_ip, locale_chain};
use crate::app::AppState;
use crate::auth::Caller;
use crate::error::{ApiError, ErrorCode};
use crate::graphql::{WsSession, localise_errors};
use crate::l10n::LocaleChain;
use crate::server::PeerAddr;

/// Open WebSockets per token (or per address for anonymous clients).
#[derive(Clone, Default)]
pub struct SocketCounts(Arc<std::sync::Mutex<HashMap<String, usize>>>);

/// One socket's place in [`SocketCounts`], given back when dropped.
pub struct SocketSlot {
    counts: SocketCounts,
    key: String,
}

impl SocketCounts {
    /// A slot under `key`, unless `max` are taken.
    fn take(&self, key: String, max: usize) -> Option<SocketSlot> {
        let mut counts = self.0.lock().ok()?;
        let count = counts.entry(key.clone()).or_insert(0);
        if *count >= max {
            return None;
        }
        *count += 1;
        Some(SocketSlot {
            counts: self.clone(),
            key,
        })
    }
}

impl Drop for SocketSlot {
    fn drop(&mut self) {
        if let Ok(mut counts) = self.counts.0.lock()
            && let Some(count) = counts.get_mut(&self.key)
        {
            *count = count.saturating_sub(1);
            if *count == 0 {
                counts.remove(&self.key);
            }
        }
    }
}

/// `GET /graphql/ws`: subscriptions (and queries and mutations) over
/// WebSocket, graphql-transport-ws and the older subscriptions-transport-ws.
/// The bearer token travels in the `connection_init` payload as
/// `{"Authorization": "Bearer …"}`.
///
/// The HTTP limits hold here too: a message is at most `--max-body-bytes`
/// (larger closes the socket with 1009), and depth, complexity, statement
/// budget and the request deadline apply to each operation (see
/// [`crate::graphql::OperationGuard`]). A socket that sends no `connection_init`
/// within `--ws-init-timeout-secs` is closed with 4408; on shutdown every
/// socket is closed with 1001.
pub async fn graphql_ws(
    State(state): State<AppState>,
    peer: Option<Extension<PeerAddr>>,
    slot: Option<Extension<crate::server::ConnectionSlot>>,
    headers: HeaderMap,
    protocol: async_graphql_axum::GraphQLProtocol,
    upgrade: axum::extract::ws::WebSocketUpgrade,
) -> axum::response::Response {
    let chain = locale_chain(&state, &headers);
    let client_ip = client_ip(&state, peer, &headers);
    let max_message = state.settings.limits.max_body_bytes;
    upgrade
        .protocols(async_graphql::http::ALL_WEBSOCKET_PROTOCOLS)
        .max_message_size(max_message)
        .max_frame_size(max_message)
        .on_upgrade(move |socket| {
            let tracker = state.sockets.clone();
            tracker.track_future(async move {
                // The socket holds its connection's place until it closes.
                let _slot = slot;
                serve_socket(state, socket, protocol, chain, client_ip).await;
            })
        })
}

async fn serve_socket(
    state: AppState,
    socket: axum::extract::ws::WebSocket,
    protocol: async_graphql_axum::GraphQLProtocol,
    chain: LocaleChain,
    client_ip: Option<IpAddr>,
) {
    use axum::extract::ws::{CloseFrame, Message};
    use futures_util::SinkExt;

    let (mut sink, stream) = socket.split();
    let (outgoing, to_client) = tokio::sync::mpsc::channel::<Message>(32);
    // Weak, so that the channel closes when the GraphQL side is done.
    let pings = outgoing.downgrade();
    let outgoing = tokio_util::sync::PollSender::new(outgoing);
    let initialised = Arc::new(AtomicBool::new(false));
    let unreadable = Arc::new(std::sync::Mutex::new(None::<(u16, &'static str)>));
    let noted = unreadable.clone();
    let started = tokio::time::Instant::now();
    let heard = Arc::new(std::sync::atomic::AtomicU64::new(0));
    let hearing = heard.clone();
    let incoming = stream.inspect(move |item| match item {
        Ok(_) => {
            let since = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
            hearing.store(since, Ordering::Relaxed);
        }
        Err(error) => {
            if let Ok(mut slot) = noted.lock() {
                let text = error.to_string();
                *slot = Some(if text.contains("too long") || text.contains("Space limit") {
                    (1009, "Message too big")
                } else {
                    (1002, "Protocol error")
                });
            }
        }
    });
    let init = {
        let state = state.clone();
        let chain = chain.clone();
        let initialised = initialised.clone();
        move |payload: serde_json::Value| async move {
            let session = open_session(&state, payload, chain, client_ip).await?;
            initialised.store(true, Ordering::Release);
            let mut data = async_graphql::Data::default();
            data.insert(session);
            Ok(data)
        }
    };
    let graphql = async_graphql_axum::GraphQLWebSocket::new_with_pair(
        outgoing.sink_map_err(|_| ()),
        incoming,
        state.ws_schema.clone(),
        protocol,
    )
    .on_connection_init(init)
    .serve();
    let init_timeout = state.settings.ws_init_timeout;
    let idle = state.settings.ws_idle_timeout;
    let shutdown = state.shutdown.clone();
    let closing = {
        // A client that stops reading is closed rather than waited for:
        // the operations of a socket make progress only as it is written.
        let forward = async {
            let mut to_client = to_client;
            while let Some(message) = to_client.recv().await {
                match tokio::time::timeout(idle, sink.send(message)).await {
                    Ok(Ok(())) => {}
                    Ok(Err(_)) | Err(_) => break,
                }
            }
        };
        let uninitialised = async {
            tokio::time::sleep(init_timeout).await;
            if initialised.load(Ordering::Acquire) {
                std::future::pending::<()>().await;
            }
        };
        // Pings keep a live client talking; one that says nothing for the
        // idle timeout (a phone that lost its network) is gone.
        let silent = async {
            let mut every = tokio::time::interval(idle / 3);
            every.tick().await;
            loop {
                every.tick().await;
                let quiet = started
                    .elapsed()
                    .saturating_sub(Duration::from_millis(heard.load(Ordering::Relaxed)));
                if quiet >= idle {
                    return;
                }
                if let Some(pings) = pings.upgrade() {
                    let _ = pings.try_send(Message::Ping(bytes::Bytes::from_static(b"sammen")));
                }
            }
        };
        tokio::select! {
            _ = futures_util::future::join(graphql, forward) => {
                unreadable.lock().ok().and_then(|slot| *slot)
            }
            () = shutdown.cancelled() => Some((1001, "Server shutting down")),
            () = uninitialised => Some((4408, "Connection initialisation timeout")),
            () = silent => Some((1001, "No answer to pings")),
        }
    };
    if let Some((code, reason)) = closing {
        let frame = CloseFrame {
            code,
            reason: reason.into(),
        };
        let _ = tokio::time::timeout(Duration::from_secs(1), sink.send(Message::Close(Some(frame)))).await;
    }
    let _ = tokio::time::timeout(Duration::from_secs(1), sink.close()).await;
}

/// Authenticates a `connection_init` and takes the socket's slot.
async fn open_session(
    state: &AppState,
    payload: serde_json::Value,
    chain: LocaleChain,
    client_ip: Option<IpAddr>,
) -> async_graphql::Result<WsSession> {
    let refuse = |error: ApiError| {
        let mut errors = vec![error.into_server_error()];
        localise_errors(&mut errors, &state.locales.current(), &chain);
        async_graphql::Error::new(errors.remove(0).message)
    };
    let bearer = ["Authorization", "authorization"]
        .iter()
        .find_map(|k| payload.get(*k).and_then(|v| v.as_str()))
        .map(str::to_owned);
    let caller = match bearer {
        None => Caller::anonymous(),
        Some(value) => {
            let token = value
                .split_once(' ')
                .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
                .map_or(value.as_str(), |(_, token)| token);
            state
                .callers
                .authenticate(&state.db, &state.events, token.trim())
                .await
                .map_err(refuse)?
        }
    };
    // Per person (new sessions do not make more room), per address for
    // anonymous clients (per /64 for IPv6, as the sign-in throttle counts).
    let key = match (&caller.person, client_ip) {
        (Some(person), _) => format!("person:{}", person.id),
        (None, Some(ip)) => crate::auth::throttle::address_key(ip),
        (None, None) => "anonymous".to_owned(),
    };
    let max = state.settings.ws_max_sockets_per_token;
    let slot = state.socket_counts.take(key, max).ok_or_else(|| {
        refuse(ApiError::new(ErrorCode::RateLimited, "error-too-many-sockets").arg("max", max as u64))
    })?;
    Ok(WsSession {
        app: state.clone(),
        caller,
        chain,
        client_ip,
        operations: Arc::new(tokio::sync::Semaphore::new(state.settings.ws_max_operations)),
        slot: Box::new(slot),
    })
}
