//! The server: it accepts TLS on one port, pairs new workstations on the pairing
//! name, and on the server's name runs each paired device's WebSocket. Every call runs
//! on that device's own [`Desk`] over the one shared [`Office`], off the async threads;
//! an answer is kept by its call id, so a call sent again is answered, not run twice.
//! After each committed write every connected device hears what changed.

use std::collections::{HashMap, VecDeque};
use std::io;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, PoisonError};

use chrono::Utc;
use futures_util::{SinkExt, StreamExt};
use glabella_core::api::dispatch;
use glabella_core::api::office::Office;
use glabella_core::api::signin::Desk;
use glabella_core::api::workstations::{PairingCode, Workstation, Workstations};
use glabella_core::backup::{self, BackupReason};
use glabella_core::db::Change;
use glabella_core::error::ApiError;
use rustls::ServerConfig;
use serde_json::Value;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::{TcpListener, TcpStream};
use tokio::runtime::{Handle, RuntimeFlavor};
use tokio::sync::{broadcast, mpsc, watch};
use tokio_rustls::LazyConfigAcceptor;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::WebSocketStream;

use crate::asks::Asks;
use crate::devices::{new_pairing_code, redeem_secret, Device, Devices, CODE_LIFETIME};
use crate::pki::{hex, sha256, Authority};
use crate::tls::server_configs;
use crate::wire::{socket_config, Outcome, PairAnswer, PairRequest, ToServer, ToWorkstation};
use crate::{PAIRING_NAME, SERVER_DIR};

/// Answers kept for calls sent again: the most recent ones, across all devices.
const KEPT_ANSWERS: usize = 10_000;

/// The operation run on the connection's own thread (see [`Server::answer`]).
const SEARCH_AS_YOU_TYPE: &str = "patients::search_patients";

/// The clinic server over one clinic folder.
pub struct Server {
    office: Arc<Office>,
    dir: PathBuf,
    authority: Authority,
    devices: Arc<Devices>,
    main: Arc<ServerConfig>,
    pairing: Arc<ServerConfig>,
    desks: Mutex<HashMap<String, Arc<Desk>>>,
    changes: broadcast::Sender<Vec<Change>>,
    answers: Mutex<Answers>,
    asks: Arc<Asks>,
}

/// A call's answer, or the promise of it while it runs.
type Answer = watch::Receiver<Option<Outcome>>;

#[derive(Default)]
struct Answers {
    by_call: HashMap<(String, String), Answer>,
    order: VecDeque<(String, String)>,
}

impl Server {
    /// The server of the clinic that `office` opens; its authority and devices live in
    /// the clinic folder's `server` folder (made at the first start).
    pub fn open(office: Office) -> io::Result<Arc<Server>> {
        let dir = office.dir().join(SERVER_DIR);
        let authority = Authority::open_or_create(&dir)?;
        let devices = Arc::new(Devices::open(&dir)?);
        let (main, pairing) = server_configs(&authority, devices.clone()).map_err(io::Error::other)?;
        let (changes, _) = broadcast::channel(1024);
        let hook = changes.clone();
        let office = office.with_changes(Arc::new(move |c: &[Change]| {
            let _ = hook.send(c.to_vec()); // nobody listening is fine
        }));
        Ok(Arc::new(Server {
            office: Arc::new(office),
            dir,
            authority,
            devices,
            main,
            pairing,
            desks: Mutex::default(),
            changes,
            answers: Mutex::default(),
            asks: Arc::default(),
        }))
    }

    /// Backs the open clinic up if a backup is due for `reason` (the app's rule:
    /// daily, and on closing when the last is old); a failure is kept with the backup
    /// runs, where *Settings → Backups* shows it.
    pub fn back_up_if_due(&self, reason: BackupReason) {
        if let Some(clinic) = self.office.clinic() {
            if let Err(e) = backup::back_up_if_due(&clinic, reason) {
                eprintln!("glabella-server: the {reason:?} backup failed: {e}");
            }
        }
    }

    /// Records the audit log's head in the key file, as the app does when it closes.
    pub fn close(&self) -> glabella_core::Result<()> {
        self.office.close()
    }

    /// The paired workstations.
    pub fn devices(&self) -> &Devices {
        &self.devices
    }

    /// A new one-time pairing code (valid 10 minutes).
    pub fn pairing_code(&self) -> glabella_core::Result<String> {
        new_pairing_code(&self.dir, &self.authority.fingerprint(), Utc::now())
    }

    /// Serves workstations connecting to `listener`, until the task is dropped.
    pub async fn serve(self: Arc<Self>, listener: TcpListener) -> io::Result<()> {
        loop {
            let (tcp, _) = listener.accept().await?;
            let server = self.clone();
            tokio::spawn(async move {
                if let Err(e) = server.connection(tcp).await {
                    eprintln!("glabella-server: a connection ended: {e}");
                }
            });
        }
    }

    async fn connection(self: Arc<Self>, tcp: TcpStream) -> io::Result<()> {
        let _ = tcp.set_nodelay(true);
        let start = LazyConfigAcceptor::new(rustls::server::Acceptor::default(), tcp).await?;
        let pairing = start.client_hello().server_name() == Some(PAIRING_NAME);
        let tls = start.into_stream(if pairing { self.pairing.clone() } else { self.main.clone() }).await?;
        if pairing {
            return self.pair(tokio_tungstenite::accept_async(tls).await.map_err(io::Error::other)?).await;
        }
        let device = tls.get_ref().1.peer_certificates().and_then(|c| c.first()).map(|c| hex(&sha256(c)));
        let device = device.ok_or_else(|| io::Error::other("no device certificate"))?;
        let ws = tokio_tungstenite::accept_async_with_config(tls, socket_config()).await.map_err(io::Error::other)?;
        self.session(ws, device).await
    }

    /// One pairing: the request, then the device's certificate or why not.
    async fn pair<S: AsyncRead + AsyncWrite + Unpin>(&self, mut ws: WebSocketStream<S>) -> io::Result<()> {
        let Some(Ok(Message::Text(text))) = ws.next().await else { return Ok(()) };
        let answer = match serde_json::from_str::<PairRequest>(&text) {
            Ok(request) => self.pair_device(&request),
            Err(e) => PairAnswer::Refused { message: format!("not a pairing request: {e}") },
        };
        let text = serde_json::to_string(&answer).map_err(io::Error::other)?;
        ws.send(Message::text(text)).await.map_err(io::Error::other)?;
        ws.close(None).await.map_err(io::Error::other)
    }

    fn pair_device(&self, request: &PairRequest) -> PairAnswer {
        let now = Utc::now();
        let refused = |message: String| PairAnswer::Refused { message };
        match redeem_secret(&self.dir, &request.secret, now) {
            Ok(true) => {}
            Ok(false) => return refused("This pairing code is wrong, used or expired. Ask for a new one.".into()),
            Err(e) => return refused(e.to_string()),
        }
        let name = request.name.trim();
        let name = if name.is_empty() { "Workstation" } else { name };
        match self.authority.sign_device(name, &request.public_key) {
            Ok(cert) => match self.devices.add(name, &cert, now) {
                Ok(_) => PairAnswer::Paired { certificate: cert.to_vec() },
                Err(e) => refused(e.to_string()),
            },
            Err(e) => refused(e),
        }
    }

    /// A paired device's WebSocket: its calls, their answers and the changes, until it
    /// closes, the network fails or the device is revoked.
    async fn session<S: AsyncRead + AsyncWrite + Unpin>(
        self: Arc<Self>,
        mut ws: WebSocketStream<S>,
        device: String,
    ) -> io::Result<()> {
        let mut revoked = self.devices.connected(&device, Utc::now());
        let desk = self.desk(&device);
        let mut changes = self.changes.subscribe();
        let (answered, mut answers) = mpsc::unbounded_channel::<ToWorkstation>();
        loop {
            let out = tokio::select! {
                frame = ws.next() => match frame {
                    Some(Ok(Message::Text(text))) => {
                        match serde_json::from_str::<ToServer>(&text) {
                            Ok(ToServer::Call { id, op, args }) => {
                                self.answer(&device, desk.clone(), id, op, args, answered.clone());
                            }
                            Ok(ToServer::Reply { ask, reply }) => self.asks.replied(&device, ask, reply),
                            Err(e) => eprintln!("glabella-server: device {device} sent a message that is not a call: {e}"),
                        }
                        continue;
                    }
                    Some(Ok(Message::Close(_))) | Some(Err(_)) | None => return Ok(()),
                    Some(Ok(_)) => continue, // pings are answered by the WebSocket itself
                },
                Some(out) = answers.recv() => out,
                change = changes.recv() => match change {
                    Ok(changes) => ToWorkstation::Changed { changes },
                    Err(broadcast::error::RecvError::Lagged(_)) => continue,
                    Err(broadcast::error::RecvError::Closed) => return Ok(()),
                },
                _ = revoked.wait_for(|revoked| *revoked) => return Ok(()),
            };
            let text = serde_json::to_string(&out).map_err(io::Error::other)?;
            ws.send(Message::text(text)).await.map_err(io::Error::other)?;
        }
    }

    /// The device's desk: its own sign-in, kept across its reconnections.
    fn desk(&self, device: &str) -> Arc<Desk> {
        let mut desks = self.desks.lock().unwrap_or_else(PoisonError::into_inner);
        desks.entry(device.to_string()).or_insert_with(|| Arc::new(Desk::at(self.office.clone()))).clone()
    }

    /// Runs the call `id` of `device` once and sends its answer to `answered`: a call
    /// already running or answered is waited for, not run again. The answer goes
    /// straight from the thread that ran the call to the device's connection (each
    /// hand-over between threads costs a wake-up; see BENCHMARKS.md). A search as the
    /// receptionist types runs on the connection's own thread, with none: it is a read
    /// of a millisecond or less, and the runtime moves its other tasks off meanwhile.
    fn answer(
        self: &Arc<Self>,
        device: &str,
        desk: Arc<Desk>,
        id: String,
        op: String,
        args: Value,
        answered: mpsc::UnboundedSender<ToWorkstation>,
    ) {
        self.devices.seen(device, Utc::now());
        let mut answers = self.answers.lock().unwrap_or_else(PoisonError::into_inner);
        let key = (device.to_string(), id.clone());
        if let Some(answer) = answers.by_call.get(&key) {
            let mut answer = answer.clone();
            tokio::spawn(async move {
                let outcome = match answer.wait_for(Option::is_some).await {
                    Ok(outcome) => outcome.clone().expect("waited for an answer"),
                    Err(_) => outcome(Err(glabella_core::Error::Internal("the operation was interrupted".into()))),
                };
                let _ = answered.send(ToWorkstation::Result { id, outcome });
            });
            return;
        }
        let (tell, answer) = watch::channel(None);
        answers.by_call.insert(key.clone(), answer);
        answers.order.push_back(key);
        if answers.order.len() > KEPT_ANSWERS {
            let oldest = answers.order.pop_front().expect("more than the limit");
            answers.by_call.remove(&oldest);
        }
        // Runs to the end even if the device has gone, so its answer is kept.
        let devices = ForDevice { server: self.clone(), device: device.to_string() };
        let here = self.asks.at(device, answered.clone());
        let inline = op == SEARCH_AS_YOU_TYPE && Handle::current().runtime_flavor() == RuntimeFlavor::MultiThread;
        let run = move || {
            let outcome = outcome(dispatch::call(&desk, &devices, &here, &op, args));
            tell.send_replace(Some(outcome.clone()));
            let _ = answered.send(ToWorkstation::Result { id, outcome });
        };
        if inline {
            tokio::task::block_in_place(run);
        } else {
            tokio::task::spawn_blocking(run);
        }
    }

    /// Revokes the device and signs out whoever was signed in at it.
    fn revoke(&self, id: &str) -> glabella_core::Result<bool> {
        if !self.devices.revoke(id, Utc::now())? {
            return Ok(false);
        }
        let desk = self.desks.lock().unwrap_or_else(PoisonError::into_inner).remove(id);
        if let Some(desk) = desk {
            let _ = desk.sign_out(); // nobody may have been signed in there
        }
        Ok(true)
    }
}

/// The server's devices as *Settings → Workstations* shows them on `device`.
struct ForDevice {
    server: Arc<Server>,
    device: String,
}

impl Workstations for ForDevice {
    fn list(&self) -> Vec<Workstation> {
        self.server.devices.list().into_iter().map(|d| listed(d, &self.device)).collect()
    }

    fn pairing_code(&self) -> glabella_core::Result<PairingCode> {
        let now = Utc::now();
        let code = new_pairing_code(&self.server.dir, &self.server.authority.fingerprint(), now)?;
        Ok(PairingCode { code, expires_at: (now + CODE_LIFETIME).to_rfc3339() })
    }

    fn revoke(&self, id: &str) -> glabella_core::Result<bool> {
        self.server.revoke(id)
    }
}

fn listed(device: Device, viewer: &str) -> Workstation {
    Workstation {
        this_computer: device.id == viewer,
        id: device.id,
        name: device.name,
        paired_at: device.paired_at.to_rfc3339(),
        last_seen: device.last_seen.map(|at| at.to_rfc3339()),
        revoked_at: device.revoked_at.map(|at| at.to_rfc3339()),
    }
}

fn outcome(result: glabella_core::Result<Value>) -> Outcome {
    match result {
        Ok(value) => Outcome::Ok(value),
        Err(e) => Outcome::Err(serde_json::to_value(ApiError::from(e)).unwrap_or(Value::Null)),
    }
}
