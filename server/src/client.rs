//! A workstation's side: pairing with a code, then one WebSocket in mutual TLS that
//! carries its calls (each with its own id, answered in any order), the server's
//! news of what changed and its questions for this computer's dialogs and printer
//! ([`crate::answering`]), reconnecting by itself when the connection is lost.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures_util::{SinkExt, StreamExt};
use glabella_core::api::dispatch::Peripherals;
use glabella_core::db::Change;
use rustls::pki_types::ServerName;
use rustls::{AlertDescription, ClientConfig};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use tokio::net::TcpStream;
use tokio::sync::{broadcast, mpsc, oneshot, watch};
use tokio_rustls::client::TlsStream;
use tokio_rustls::TlsConnector;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::WebSocketStream;

use crate::answering::Answering;
use crate::devices::read_pairing_code;
use crate::tls::{pairing_config, workstation_config};
use crate::wire::{socket_config, Outcome, PairAnswer, PairRequest, ToServer, ToWorkstation};
use crate::{PAIRING_NAME, SERVER_NAME};

/// What a paired workstation keeps: the clinic's authority, its own certificate and
/// its private key (PKCS#8). None of it opens the clinic's records.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Identity {
    pub authority: Vec<u8>,
    pub certificate: Vec<u8>,
    pub key: Vec<u8>,
}

/// Why a call or a connection did not get an answer.
#[derive(Debug, Clone, PartialEq)]
pub enum LinkError {
    /// The server could not be reached, or the connection was lost.
    Network(String),
    /// The server refused (a wrong pairing code, a device it does not know).
    Refused(String),
    /// The server refused this device because an administrator revoked it.
    Revoked,
    /// The operation ran and failed, as the window's bindings see it.
    Remote(RemoteError),
}

/// An operation's error: its `{code, message, field?}`, and the whole of it as the
/// window's bindings know it (`detail`, with every field error and duplicate).
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct RemoteError {
    pub code: String,
    pub message: String,
    pub field: Option<String>,
    #[serde(skip)]
    pub detail: Value,
}

impl std::fmt::Display for LinkError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            LinkError::Network(why) => write!(f, "not connected to the clinic server: {why}"),
            LinkError::Refused(why) => write!(f, "{why}"),
            LinkError::Revoked => write!(f, "an administrator removed this computer from the clinic server"),
            LinkError::Remote(e) => write!(f, "{} ({})", e.message, e.code),
        }
    }
}

fn network(e: impl std::fmt::Display) -> LinkError {
    LinkError::Network(e.to_string())
}

/// Pairs this workstation, named `name`, with the server at `address` (`host:port`)
/// using a pairing code: makes its own key, checks the server is the clinic's that
/// the code names, and gets its certificate.
pub async fn pair(address: &str, code: &str, name: &str) -> Result<Identity, LinkError> {
    let (secret, pin) = read_pairing_code(code).ok_or_else(|| {
        LinkError::Refused("That is not a pairing code: it has 24 letters and digits, like ABCD-EFGH-….".into())
    })?;
    let key = rcgen::KeyPair::generate().map_err(|e| LinkError::Refused(e.to_string()))?;
    let (config, pinned) = pairing_config(&pin).map_err(network)?;
    let tcp = TcpStream::connect(address).await.map_err(network)?;
    let name_asked = ServerName::try_from(PAIRING_NAME).map_err(network)?;
    let tls = TlsConnector::from(Arc::new(config)).connect(name_asked, tcp).await.map_err(|e| {
        LinkError::Refused(format!("The server at {address} is not the one this pairing code is for ({e})."))
    })?;
    let (mut ws, _) =
        tokio_tungstenite::client_async(format!("wss://{PAIRING_NAME}/v1/pair"), tls).await.map_err(network)?;
    let request = PairRequest { secret, name: name.to_string(), public_key: key.public_key_raw().to_vec() };
    ws.send(Message::text(serde_json::to_string(&request).map_err(network)?)).await.map_err(network)?;
    let Some(Ok(Message::Text(text))) = ws.next().await else {
        return Err(LinkError::Network("the server closed the connection while pairing".into()));
    };
    match serde_json::from_str::<PairAnswer>(&text).map_err(network)? {
        PairAnswer::Paired { certificate } => Ok(Identity {
            authority: pinned.authority().ok_or_else(|| network("no authority"))?.to_vec(),
            certificate,
            key: key.serialize_der(),
        }),
        PairAnswer::Refused { message } => Err(LinkError::Refused(message)),
    }
}

/// A call (its id, the call) and where its answer goes.
type Call = (String, ToServer, oneshot::Sender<Outcome>);

/// A call waiting for its answer: sent again, with its id, after a reconnection.
type Pending = HashMap<String, (ToServer, oneshot::Sender<Outcome>)>;

/// How often a connected workstation shows it is there, and how long a silent server
/// (hung, or the cable pulled) may stay silent before the link counts as lost.
const HEARTBEAT: Duration = Duration::from_secs(2);
const SILENCE: Duration = Duration::from_secs(6);

/// The longest wait between two tries to reconnect.
const MAX_BACKOFF: Duration = Duration::from_secs(5);

type Socket = WebSocketStream<TlsStream<TcpStream>>;

/// A paired workstation's connection to the server. Calls go out on one WebSocket
/// and come back by id, in any order. If the connection is lost it reconnects by
/// itself, and calls not yet answered wait and are sent again with the same ids, so
/// the server answers them without running any twice.
pub struct Link {
    calls: mpsc::UnboundedSender<Call>,
    changes: broadcast::Sender<Vec<Change>>,
    connected: watch::Receiver<bool>,
    revoked: watch::Receiver<bool>,
}

impl Link {
    /// Connects to the server at `address` as the paired device `identity` (refused if
    /// the server does not know it), and stays connected from then on. The server's
    /// questions are answered with `here`, this computer's dialogs and printer.
    pub async fn connect(address: &str, identity: &Identity, here: Arc<dyn Peripherals>) -> Result<Link, LinkError> {
        let config = Arc::new(config(identity)?);
        let socket = open(address, &config).await?;
        Ok(Link::run(address, config, Some(socket), here))
    }

    /// A link to the server at `address` that connects as soon as it can (the app
    /// starting while the server is down), trying again and again meanwhile.
    pub fn start(address: &str, identity: &Identity, here: Arc<dyn Peripherals>) -> Result<Link, LinkError> {
        Ok(Link::run(address, Arc::new(config(identity)?), None, here))
    }

    fn run(address: &str, config: Arc<ClientConfig>, socket: Option<Socket>, here: Arc<dyn Peripherals>) -> Link {
        let (calls, outgoing) = mpsc::unbounded_channel();
        let (changes, _) = broadcast::channel(1024);
        let (state, connected) = watch::channel(socket.is_some());
        let (refused, revoked) = watch::channel(false);
        let (replied, replies) = mpsc::unbounded_channel();
        let answering = Answering::start(here, replied);
        let task = LinkTask {
            address: address.to_string(),
            config,
            changes: changes.clone(),
            state,
            revoked: refused,
            outgoing,
            replies,
            answering,
        };
        tokio::spawn(task.run(socket));
        Link { calls, changes, connected, revoked }
    }

    /// Runs `op` with `args` on the server, as the person signed in at this workstation.
    /// While the connection is lost, the call waits for it to come back.
    pub async fn call(&self, op: &str, args: Value) -> Result<Value, LinkError> {
        self.call_as(&new_call_id(), op, args).await
    }

    /// [`Link::call`] with the call's id given: the same id sent again is answered
    /// with the first answer, never run twice.
    pub async fn call_as(&self, id: &str, op: &str, args: Value) -> Result<Value, LinkError> {
        let (reply, answer) = oneshot::channel();
        let call = ToServer::Call { id: id.to_string(), op: op.to_string(), args };
        self.calls.send((id.to_string(), call, reply)).map_err(|_| network("the link is closed"))?;
        match answer.await.map_err(|_| network("the link is closed"))? {
            Outcome::Ok(value) => Ok(value),
            Outcome::Err(detail) => {
                let error: RemoteError = serde_json::from_value(detail.clone()).map_err(network)?;
                Err(LinkError::Remote(RemoteError { detail, ..error }))
            }
        }
    }

    /// What changed on the server, as it is told from now on.
    pub fn changes(&self) -> broadcast::Receiver<Vec<Change>> {
        self.changes.subscribe()
    }

    /// Whether the link is connected now; it changes as the connection is lost and found.
    pub fn connected(&self) -> watch::Receiver<bool> {
        self.connected.clone()
    }

    /// Whether the server refused this device, when it last tried to connect, because
    /// an administrator revoked it.
    pub fn revoked(&self) -> watch::Receiver<bool> {
        self.revoked.clone()
    }
}

fn config(identity: &Identity) -> Result<ClientConfig, LinkError> {
    workstation_config(&identity.authority, &identity.certificate, &identity.key).map_err(network)
}

/// TLS, then the WebSocket, to the server's name at `address`.
async fn open(address: &str, config: &Arc<ClientConfig>) -> Result<Socket, LinkError> {
    let tcp = TcpStream::connect(address).await.map_err(network)?;
    let _ = tcp.set_nodelay(true);
    let name = ServerName::try_from(SERVER_NAME).map_err(network)?;
    let refused = |e: &(dyn std::error::Error + 'static)| match is_revoked(e) {
        true => LinkError::Revoked,
        false => LinkError::Refused(format!("The clinic server refused this workstation ({e}).")),
    };
    let tls = TlsConnector::from(config.clone()).connect(name, tcp).await.map_err(|e| refused(&e))?;
    // In TLS 1.3 the server judges the device's certificate after the handshake: a
    // refusal shows as the WebSocket's upgrade failing.
    let (socket, _) =
        tokio_tungstenite::client_async_with_config(format!("wss://{SERVER_NAME}/v1/ws"), tls, socket_config())
            .await
            .map_err(|e| refused(&e))?;
    Ok(socket)
}

/// Whether `e` is, or was caused by, the server's TLS alert that this device's
/// certificate is revoked.
fn is_revoked(e: &(dyn std::error::Error + 'static)) -> bool {
    let mut cause = Some(e);
    while let Some(error) = cause {
        if let Some(tls) = error.downcast_ref::<rustls::Error>() {
            return *tls == rustls::Error::AlertReceived(AlertDescription::CertificateRevoked);
        }
        // An I/O error's own source skips the error it wraps.
        cause = match error.downcast_ref::<std::io::Error>().and_then(|io| io.get_ref()) {
            Some(inner) => Some(inner),
            None => error.source(),
        };
    }
    false
}

/// The task behind a [`Link`]: it owns the socket and the calls waiting for answers.
struct LinkTask {
    address: String,
    config: Arc<ClientConfig>,
    changes: broadcast::Sender<Vec<Change>>,
    state: watch::Sender<bool>,
    revoked: watch::Sender<bool>,
    outgoing: mpsc::UnboundedReceiver<Call>,
    /// Replies to the server's questions, from [`Answering`].
    replies: mpsc::UnboundedReceiver<ToServer>,
    answering: Answering,
}

impl LinkTask {
    async fn run(mut self, first: Option<Socket>) {
        let mut pending = Pending::new();
        let mut socket = first;
        loop {
            let mut connected = match socket.take() {
                Some(connected) => connected,
                None => match self.reconnect(&mut pending).await {
                    Some(again) => again,
                    None => return, // the link was dropped
                },
            };
            self.state.send_replace(true);
            // Ends when the connection is lost (or the link is dropped: then return).
            if !self.serve(&mut connected, &mut pending).await {
                return;
            }
            self.answering.lost();
            self.state.send_replace(false);
        }
    }

    /// Carries calls and answers until the connection is lost (`true`) or the link is
    /// dropped (`false`). Calls still pending are sent first (after a reconnection).
    async fn serve(&mut self, socket: &mut Socket, pending: &mut Pending) -> bool {
        for (call, _) in pending.values() {
            if send(socket, call).await.is_err() {
                return true;
            }
        }
        let mut heartbeat = tokio::time::interval(HEARTBEAT);
        let mut heard = Instant::now();
        loop {
            tokio::select! {
                frame = socket.next() => {
                    heard = Instant::now();
                    match frame {
                        Some(Ok(Message::Text(text))) => match serde_json::from_str::<ToWorkstation>(&text) {
                            Ok(ToWorkstation::Result { id, outcome }) => {
                                if let Some((_, reply)) = pending.remove(&id) {
                                    let _ = reply.send(outcome);
                                }
                            }
                            Ok(ToWorkstation::Changed { changes }) => {
                                let _ = self.changes.send(changes);
                            }
                            Ok(ToWorkstation::Ask { ask, question }) => self.answering.ask(ask, question),
                            Err(_) => {}
                        },
                        Some(Ok(_)) => {}
                        Some(Err(_)) | None => return true,
                    }
                }
                call = self.outgoing.recv() => {
                    let Some((id, call, reply)) = call else { return false };
                    let sent = send(socket, &call).await;
                    pending.insert(id, (call, reply));
                    if sent.is_err() {
                        return true;
                    }
                }
                Some(reply) = self.replies.recv() => {
                    if send(socket, &reply).await.is_err() {
                        return true;
                    }
                }
                _ = heartbeat.tick() => {
                    if heard.elapsed() > SILENCE || socket.send(Message::Ping(Default::default())).await.is_err() {
                        return true;
                    }
                }
            }
        }
    }

    /// Tries to connect again, waiting longer each time up to [`MAX_BACKOFF`]; calls
    /// made meanwhile wait in `pending`. `None` if the link was dropped.
    async fn reconnect(&mut self, pending: &mut Pending) -> Option<Socket> {
        let mut backoff = Duration::from_millis(250);
        loop {
            let wait = tokio::time::sleep(backoff);
            tokio::pin!(wait);
            loop {
                tokio::select! {
                    call = self.outgoing.recv() => {
                        let (id, call, reply) = call?;
                        pending.insert(id, (call, reply));
                    }
                    // The server gave up on its questions when the connection was lost.
                    Some(_) = self.replies.recv() => {}
                    _ = &mut wait => break,
                }
            }
            match tokio::time::timeout(SILENCE, open(&self.address, &self.config)).await {
                Ok(Ok(socket)) => {
                    self.revoked.send_replace(false);
                    return Some(socket);
                }
                Ok(Err(LinkError::Revoked)) => {
                    self.revoked.send_replace(true);
                }
                _ => {}
            }
            backoff = (backoff * 2).min(MAX_BACKOFF);
        }
    }
}

async fn send(socket: &mut Socket, call: &ToServer) -> Result<(), LinkError> {
    let text = serde_json::to_string(call).map_err(network)?;
    socket.send(Message::text(text)).await.map_err(network)
}

/// 128 random bits: unique to one call of one workstation.
fn new_call_id() -> String {
    format!("{:032x}", fastrand::u128(..))
}
