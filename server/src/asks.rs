//! The workstation's dialogs and printer as the core sees them on the server
//! ([`Peripherals`]): each is a [`Question`] sent over the WebSocket of the device whose
//! call is running, and the call's thread (a blocking one) waits for the [`Reply`]. A
//! file being saved is sent in pieces as it is written and named only when the core
//! says so. If the device's connection ends while a question waits, the answer is "it
//! could not be done": a save fails and leaves nothing, a print is recorded as failed.

use std::collections::HashMap;
use std::io::{self, Write};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{mpsc as sync_mpsc, Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine;
use glabella_core::files::{SaveDialog, SaveTarget};
use glabella_core::imports::{CsvFile, OpenDialog};
use glabella_core::printing::Print;
use glabella_core::{Error, Result};
use tokio::sync::mpsc;

use crate::wire::{Question, Reply, ToWorkstation};

/// How long a person may take over a dialog, and a printer or disk over its work.
const DIALOG_PATIENCE: Duration = Duration::from_secs(30 * 60);
const WORK_PATIENCE: Duration = Duration::from_secs(90);

/// How much of a file being saved goes in one message.
const PIECE: usize = 1 << 20;

/// The questions waiting for a reply, across devices: each may be answered only by the
/// device it was asked of.
#[derive(Default)]
pub struct Asks {
    next: AtomicU64,
    waiting: Mutex<HashMap<u64, (String, sync_mpsc::Sender<Reply>)>>,
}

impl Asks {
    /// `device` answers the question `ask` with `reply` (ignored if it asked nothing).
    pub fn replied(&self, device: &str, ask: u64, reply: Reply) {
        let mut waiting = self.waiting.lock().unwrap_or_else(PoisonError::into_inner);
        if waiting.get(&ask).is_some_and(|(asked, _)| asked == device) {
            let (_, answer) = waiting.remove(&ask).expect("just found");
            let _ = answer.send(reply);
        }
    }

    /// The peripherals of `device`, reached through its connection `out`.
    pub fn at(self: &Arc<Self>, device: &str, out: mpsc::UnboundedSender<ToWorkstation>) -> AtWorkstation {
        AtWorkstation { asks: self.clone(), device: device.to_string(), out }
    }
}

/// One device's dialogs and printer, for the call it is running.
#[derive(Clone)]
pub struct AtWorkstation {
    asks: Arc<Asks>,
    device: String,
    out: mpsc::UnboundedSender<ToWorkstation>,
}

impl AtWorkstation {
    /// A question's number, unique on this server.
    fn next(&self) -> u64 {
        self.asks.next.fetch_add(1, Ordering::Relaxed)
    }

    /// Asks `question` and waits up to `patience` for the reply.
    fn ask(&self, question: Question, patience: Duration) -> std::result::Result<Reply, String> {
        self.ask_as(self.next(), question, patience)
    }

    /// Asks `question` as the question `ask` and waits up to `patience` for the reply;
    /// `Err` with the reason if the connection ended or the time ran out.
    fn ask_as(&self, ask: u64, question: Question, patience: Duration) -> std::result::Result<Reply, String> {
        let (answer, reply) = sync_mpsc::channel();
        self.asks.waiting.lock().unwrap_or_else(PoisonError::into_inner).insert(ask, (self.device.clone(), answer));
        let asked = self.out.send(ToWorkstation::Ask { ask, question }).is_ok();
        let started = Instant::now();
        let outcome = loop {
            if !asked {
                break Err("the workstation lost its connection to the server".to_string());
            }
            match reply.recv_timeout(Duration::from_millis(200)) {
                Ok(reply) => break Ok(reply),
                Err(_) if self.out.is_closed() => {
                    break Err("the workstation lost its connection to the server".to_string())
                }
                Err(_) if started.elapsed() > patience => break Err("the workstation did not answer in time".into()),
                Err(_) => {}
            }
        };
        self.asks.waiting.lock().unwrap_or_else(PoisonError::into_inner).remove(&ask);
        outcome
    }

    /// Tells the workstation `question`, which has no reply; `false` if the connection
    /// has ended.
    fn tell(&self, question: Question) -> bool {
        self.out.send(ToWorkstation::Ask { ask: self.next(), question }).is_ok()
    }
}

impl SaveDialog for AtWorkstation {
    fn save_as(&self, file_name: &str, filter: &str, extension: &str) -> Result<Option<Box<dyn SaveTarget>>> {
        let question =
            Question::SaveAs { file_name: file_name.into(), filter: filter.into(), extension: extension.into() };
        let save = |e: String| Error::SaveFailed(format!("{file_name} could not be saved: {e}."));
        let id = self.next(); // the file is known by its question's number
        match self.ask_as(id, question, DIALOG_PATIENCE).map_err(save)? {
            Reply::Chosen { chosen: true } => Ok(Some(Box::new(RemoteFile {
                at: self.clone(),
                save: id,
                name: file_name.to_string(),
                piece: Vec::with_capacity(PIECE),
                finished: false,
                done: false,
            }))),
            Reply::Chosen { chosen: false } => Ok(None),
            Reply::Failed { message } => Err(Error::SaveFailed(message)),
            other => Err(save(format!("the workstation answered {other:?}"))),
        }
    }
}

impl OpenDialog for AtWorkstation {
    fn open(&self, title: &str, filter: &str, extensions: &[&str]) -> Result<Option<CsvFile>> {
        let question = Question::Open {
            title: title.into(),
            filter: filter.into(),
            extensions: extensions.iter().map(|e| e.to_string()).collect(),
        };
        let unreadable = |e: String| Error::invalid("file", format!("The file could not be read: {e}."));
        match self.ask(question, DIALOG_PATIENCE).map_err(unreadable)? {
            Reply::Opened { file: None } => Ok(None),
            Reply::Opened { file: Some(file) } => {
                let bytes = BASE64.decode(&file.base64).map_err(|e| unreadable(e.to_string()))?;
                CsvFile::from_bytes(&file.name, bytes).map(Some)
            }
            Reply::Failed { message } => Err(Error::invalid("file", message)),
            other => Err(unreadable(format!("the workstation answered {other:?}"))),
        }
    }
}

impl Print for AtWorkstation {
    fn print(&self, pdf: &[u8], job: &str) -> Result<()> {
        let question = Question::Print { base64: BASE64.encode(pdf), job: job.into() };
        let failed = |e: String| Error::PrintFailed(format!("It could not be printed: {e}."));
        match self.ask(question, WORK_PATIENCE).map_err(failed)? {
            Reply::Done => Ok(()),
            Reply::Failed { message } => Err(Error::PrintFailed(message)),
            other => Err(failed(format!("the workstation answered {other:?}"))),
        }
    }
}

/// A file being saved on the workstation: written in pieces of [`PIECE`] bytes.
struct RemoteFile {
    at: AtWorkstation,
    save: u64,
    name: String,
    piece: Vec<u8>,
    finished: bool,
    done: bool,
}

impl RemoteFile {
    fn send_piece(&mut self) -> io::Result<()> {
        if self.piece.is_empty() {
            return Ok(());
        }
        let base64 = BASE64.encode(&self.piece);
        self.piece.clear();
        if self.at.tell(Question::Write { save: self.save, base64 }) {
            Ok(())
        } else {
            Err(io::Error::other("the workstation lost its connection to the server"))
        }
    }

    /// Asks `question` of the save and expects `Done` or `Named`.
    fn step(&self, question: Question) -> Result<Reply> {
        match self.at.ask(question, WORK_PATIENCE) {
            Ok(Reply::Failed { message }) => Err(Error::SaveFailed(message)),
            Ok(reply) => Ok(reply),
            Err(e) => Err(self.failed(io::Error::other(e))),
        }
    }
}

impl Write for RemoteFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let room = PIECE - self.piece.len();
        let taken = buf.len().min(room);
        self.piece.extend_from_slice(&buf[..taken]);
        if self.piece.len() == PIECE {
            self.send_piece()?;
        }
        Ok(taken)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.send_piece()
    }
}

impl SaveTarget for RemoteFile {
    fn finish(&mut self) -> Result<()> {
        if self.finished {
            return Ok(());
        }
        self.send_piece().map_err(|e| self.failed(e))?;
        self.step(Question::Finish { save: self.save })?;
        self.finished = true;
        Ok(())
    }

    fn name_it(mut self: Box<Self>) -> Result<String> {
        self.finish()?;
        let reply = self.step(Question::NameIt { save: self.save });
        self.done = true; // named, or failed and given up by the workstation
        match reply? {
            Reply::Named { name } => Ok(name),
            other => Err(self.failed(io::Error::other(format!("the workstation answered {other:?}")))),
        }
    }

    fn failed(&self, e: io::Error) -> Error {
        Error::SaveFailed(format!("{} could not be saved on this computer: {e}.", self.name))
    }
}

impl Drop for RemoteFile {
    fn drop(&mut self) {
        if !self.done {
            self.at.tell(Question::Abandon { save: self.save });
        }
    }
}
