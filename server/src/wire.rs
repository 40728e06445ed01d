//! The messages on the WebSocket, as JSON text frames: a workstation's calls, the
//! server's answers and what changed. A call names the operation and its arguments
//! only, never the person (the server knows who is signed in at that device). While a
//! call runs, the server may ask the workstation's dialogs and printer ([`Question`]),
//! and the workstation answers ([`Reply`]); file contents travel as base64.

use glabella_core::db::Change;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;

/// The WebSocket's limits on both sides: big enough for a patient list of 50 MB (the
/// import's limit) as base64 in one reply.
pub fn socket_config() -> Option<WebSocketConfig> {
    let limit = Some(96 << 20);
    Some(WebSocketConfig::default().max_message_size(limit).max_frame_size(limit))
}

/// What a workstation sends.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "camelCase", deny_unknown_fields)]
pub enum ToServer {
    /// Run `op` with `args`; `id` is the workstation's own, unique to this call, so a
    /// call sent again after a lost connection is answered, never run twice.
    Call { id: String, op: String, args: Value },
    /// The answer to the server's question `ask`.
    Reply { ask: u64, reply: Reply },
}

/// What the server sends.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "camelCase")]
pub enum ToWorkstation {
    /// The answer to the call `id`.
    Result { id: String, outcome: Outcome },
    /// Records changed by a committed write (kind, id, action; no patient details).
    Changed { changes: Vec<Change> },
    /// A question for the workstation's dialogs or printer, from a call it made.
    Ask { ask: u64, question: Question },
}

/// What a running call asks of the workstation it came from.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "camelCase", rename_all_fields = "camelCase", deny_unknown_fields)]
pub enum Question {
    /// Show the save dialog for `file_name` and open the chosen file ([`Reply::Chosen`]);
    /// the file is then known by this question's `ask`.
    SaveAs { file_name: String, filter: String, extension: String },
    /// More of the file `save` (no reply; a failure is told at [`Question::Finish`]).
    Write { save: u64, base64: String },
    /// Put every byte of `save` on disk, still under a temporary name ([`Reply::Done`]).
    Finish { save: u64 },
    /// Give `save` its chosen name ([`Reply::Named`]).
    NameIt { save: u64 },
    /// Give up on `save`, leaving nothing behind (no reply).
    Abandon { save: u64 },
    /// Show the open dialog and send the chosen file back ([`Reply::Opened`]).
    Open { title: String, filter: String, extensions: Vec<String> },
    /// Print this PDF on the workstation's printer ([`Reply::Done`]).
    Print { base64: String, job: String },
}

/// The workstation's answer to a [`Question`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "camelCase", rename_all_fields = "camelCase", deny_unknown_fields)]
pub enum Reply {
    /// Whether the person chose where to save (`false`: they cancelled).
    Chosen {
        chosen: bool,
    },
    Done,
    Named {
        name: String,
    },
    /// The chosen file's name and bytes; `None` if the person cancelled.
    Opened {
        file: Option<OpenedFile>,
    },
    /// It could not be done, in the person's words.
    Failed {
        message: String,
    },
}

/// A file the person opened at the workstation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct OpenedFile {
    pub name: String,
    pub base64: String,
}

/// An operation's result, or its error as the window's bindings know it
/// (`{code, message, field?, fieldErrors, duplicates}`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Outcome {
    Ok(Value),
    Err(Value),
}

/// A workstation asking to be paired, with the public key it made for itself.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PairRequest {
    /// The one-time secret: the first part of the pairing code.
    pub secret: String,
    /// The workstation's name, as *Settings → Workstations* lists it.
    pub name: String,
    /// Its P-256 public key, uncompressed.
    pub public_key: Vec<u8>,
}

/// The server's answer to a pairing: the device's certificate, or why not.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum PairAnswer {
    Paired { certificate: Vec<u8> },
    Refused { message: String },
}
