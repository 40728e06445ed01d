//! The workstation's side of the server's questions ([`Question`]): one thread runs
//! them, in the order they came, on this computer's own dialogs and printer (the
//! app's [`Peripherals`]), and sends each reply back. A file being saved is written
//! piece by piece into the [`SaveTarget`] the dialog gave, and named when the server
//! says so; if the connection is lost first, it is given up and leaves nothing.

use std::collections::HashMap;
use std::io::Write;
use std::sync::{mpsc as sync_mpsc, Arc};

use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine;
use glabella_core::api::dispatch::Peripherals;
use glabella_core::error::ApiError;
use glabella_core::files::SaveTarget;
use tokio::sync::mpsc;

use crate::wire::{OpenedFile, Question, Reply, ToServer};

enum Job {
    Ask(u64, Question),
    /// The connection was lost: the server gave up on every file being saved.
    Lost,
}

/// The thread that answers the server's questions.
pub struct Answering {
    jobs: sync_mpsc::Sender<Job>,
}

impl Answering {
    /// Starts answering on `here`; replies go out through `replies`.
    pub fn start(here: Arc<dyn Peripherals>, replies: mpsc::UnboundedSender<ToServer>) -> Answering {
        let (jobs, queue) = sync_mpsc::channel();
        std::thread::Builder::new()
            .name("server-questions".into())
            .spawn(move || answer_all(&*here, &replies, queue))
            .expect("a thread for the server's questions");
        Answering { jobs }
    }

    /// The server asks `question` as its question `ask`.
    pub fn ask(&self, ask: u64, question: Question) {
        let _ = self.jobs.send(Job::Ask(ask, question));
    }

    /// The connection was lost.
    pub fn lost(&self) {
        let _ = self.jobs.send(Job::Lost);
    }
}

/// A file being saved, and why writing it failed if it did (told at `Finish`).
type Saving = HashMap<u64, (Box<dyn SaveTarget>, Option<String>)>;

fn answer_all(here: &dyn Peripherals, replies: &mpsc::UnboundedSender<ToServer>, queue: sync_mpsc::Receiver<Job>) {
    let mut saving = Saving::new();
    for job in queue {
        match job {
            Job::Lost => saving.clear(),
            Job::Ask(ask, question) => {
                if let Some(reply) = answer(here, &mut saving, ask, question) {
                    let _ = replies.send(ToServer::Reply { ask, reply });
                }
            }
        }
    }
}

/// The reply to `question` (none for the questions that have none).
fn answer(here: &dyn Peripherals, saving: &mut Saving, ask: u64, question: Question) -> Option<Reply> {
    let failed = |e: glabella_core::Error| Reply::Failed { message: ApiError::from(e).message };
    Some(match question {
        Question::SaveAs { file_name, filter, extension } => match here.save_as(&file_name, &filter, &extension) {
            Ok(Some(target)) => {
                saving.insert(ask, (target, None));
                Reply::Chosen { chosen: true }
            }
            Ok(None) => Reply::Chosen { chosen: false },
            Err(e) => failed(e),
        },
        Question::Write { save, base64 } => {
            if let Some((target, problem @ None)) = saving.get_mut(&save) {
                let written = BASE64.decode(base64).map_err(|e| e.to_string());
                let written =
                    written.and_then(|bytes| target.write_all(&bytes).map_err(|e| target.failed(e).to_string()));
                *problem = written.err();
            }
            return None;
        }
        Question::Finish { save } => match saving.get_mut(&save) {
            Some((target, None)) => match target.flush().map_err(|e| target.failed(e)).and_then(|()| target.finish()) {
                Ok(()) => Reply::Done,
                Err(e) => failed(e),
            },
            Some((_, Some(problem))) => Reply::Failed { message: problem.clone() },
            None => Reply::Failed { message: "The file is no longer being saved.".into() },
        },
        Question::NameIt { save } => match saving.remove(&save) {
            Some((target, None)) => match target.name_it() {
                Ok(name) => Reply::Named { name },
                Err(e) => failed(e),
            },
            Some((_, Some(problem))) => Reply::Failed { message: problem },
            None => Reply::Failed { message: "The file is no longer being saved.".into() },
        },
        Question::Abandon { save } => {
            saving.remove(&save);
            return None;
        }
        Question::Open { title, filter, extensions } => {
            let extensions: Vec<&str> = extensions.iter().map(String::as_str).collect();
            match here.open(&title, &filter, &extensions) {
                Ok(file) => Reply::Opened {
                    file: file.map(|file| OpenedFile { name: file.name, base64: BASE64.encode(&file.bytes) }),
                },
                Err(e) => failed(e),
            }
        }
        Question::Print { base64, job } => match BASE64.decode(base64) {
            Ok(pdf) => match here.print(&pdf, &job) {
                Ok(()) => Reply::Done,
                Err(e) => failed(e),
            },
            Err(e) => Reply::Failed { message: format!("The server sent something that is not a PDF: {e}.") },
        },
    })
}
