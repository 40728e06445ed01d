//! A workstation's side: pairing with a code, then one WebSocket in mutual TLS that
//! carries its calls (each with its own id, answered in any order) and the server's
//! news of what changed.

use std::collections::HashMap;
use std::sync::Arc;

use futures_util::{SinkExt, StreamExt};
use glabella_core::db::Change;
use rustls::pki_types::ServerName;
use serde::Deserialize;
use serde_json::Value;
use tokio::net::TcpStream;
use tokio::sync::{broadcast, mpsc, oneshot};
use tokio_rustls::TlsConnector;
use tokio_tungstenite::tungstenite::Message;

use crate::devices::read_pairing_code;
use crate::tls::{pairing_config, workstation_config};
use crate::wire::{Outcome, PairAnswer, PairRequest, ToServer, ToWorkstation};
use crate::{PAIRING_NAME, SERVER_NAME};

/// What a paired workstation keeps: the clinic's authority, its own certificate and
/// its private key (PKCS#8). None of it opens the clinic's records.
#[derive(Debug, Clone)]
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
    /// The operation ran and failed, as the window's bindings see it.
    Remote(RemoteError),
}

/// An operation's error: `{code, message, field?}` (the rest of it is left out here).
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct RemoteError {
    pub code: String,
    pub message: String,
    pub field: Option<String>,
}

impl std::fmt::Display for LinkError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            LinkError::Network(why) => write!(f, "not connected to the clinic server: {why}"),
            LinkError::Refused(why) => write!(f, "{why}"),
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

type Pending = HashMap<String, oneshot::Sender<Outcome>>;

/// A connected workstation: calls go out on one WebSocket and come back by id.
pub struct Link {
    calls: mpsc::UnboundedSender<(ToServer, oneshot::Sender<Outcome>)>,
    changes: broadcast::Sender<Vec<Change>>,
}

impl Link {
    /// Connects to the server at `address` as the paired device `identity`.
    pub async fn connect(address: &str, identity: &Identity) -> Result<Link, LinkError> {
        let config = workstation_config(&identity.authority, &identity.certificate, &identity.key).map_err(network)?;
        let tcp = TcpStream::connect(address).await.map_err(network)?;
        let _ = tcp.set_nodelay(true);
        let name = ServerName::try_from(SERVER_NAME).map_err(network)?;
        let refused = |e: &dyn std::fmt::Display| {
            LinkError::Refused(format!("The clinic server refused this workstation ({e})."))
        };
        let tls = TlsConnector::from(Arc::new(config)).connect(name, tcp).await.map_err(|e| refused(&e))?;
        // In TLS 1.3 the server judges the device's certificate after the handshake:
        // a refusal shows as the WebSocket's upgrade failing.
        let (mut ws, _) = tokio_tungstenite::client_async(format!("wss://{SERVER_NAME}/v1/ws"), tls)
            .await
            .map_err(|e| refused(&e))?;
        let (calls, mut outgoing) = mpsc::unbounded_channel::<(ToServer, oneshot::Sender<Outcome>)>();
        let (changes, _) = broadcast::channel(1024);
        let told = changes.clone();
        tokio::spawn(async move {
            let mut pending = Pending::new();
            loop {
                tokio::select! {
                    frame = ws.next() => match frame {
                        Some(Ok(Message::Text(text))) => match serde_json::from_str::<ToWorkstation>(&text) {
                            Ok(ToWorkstation::Result { id, outcome }) => {
                                if let Some(reply) = pending.remove(&id) {
                                    let _ = reply.send(outcome);
                                }
                            }
                            Ok(ToWorkstation::Changed { changes }) => {
                                let _ = told.send(changes);
                            }
                            Err(_) => {}
                        },
                        Some(Ok(_)) => {}
                        Some(Err(_)) | None => return, // pending calls hear that the link is gone
                    },
                    call = outgoing.recv() => {
                        let Some((call, reply)) = call else { return };
                        let ToServer::Call { id, .. } = &call;
                        pending.insert(id.clone(), reply);
                        let Ok(text) = serde_json::to_string(&call) else { continue };
                        if ws.send(Message::text(text)).await.is_err() {
                            return;
                        }
                    }
                }
            }
        });
        Ok(Link { calls, changes })
    }

    /// Runs `op` with `args` on the server, as the person signed in at this workstation.
    pub async fn call(&self, op: &str, args: Value) -> Result<Value, LinkError> {
        self.call_as(&new_call_id(), op, args).await
    }

    /// [`Link::call`] with the call's id given: the same id sent again is answered
    /// with the first answer, never run twice.
    pub async fn call_as(&self, id: &str, op: &str, args: Value) -> Result<Value, LinkError> {
        let (reply, answer) = oneshot::channel();
        let call = ToServer::Call { id: id.to_string(), op: op.to_string(), args };
        self.calls.send((call, reply)).map_err(|_| network("the connection was lost"))?;
        match answer.await.map_err(|_| network("the connection was lost before the answer"))? {
            Outcome::Ok(value) => Ok(value),
            Outcome::Err(error) => Err(LinkError::Remote(serde_json::from_value(error).map_err(network)?)),
        }
    }

    /// What changed on the server, as it is told from now on.
    pub fn changes(&self) -> broadcast::Receiver<Vec<Change>> {
        self.changes.subscribe()
    }
}

/// 128 random bits: unique to one call of one workstation.
fn new_call_id() -> String {
    format!("{:032x}", fastrand::u128(..))
}
