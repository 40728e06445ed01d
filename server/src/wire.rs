//! The messages on the WebSocket, as JSON text frames: a workstation's calls, the
//! server's answers and what changed. A call names the operation and its arguments
//! only, never the person (the server knows who is signed in at that device).

use glabella_core::db::Change;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// What a workstation sends.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "camelCase", deny_unknown_fields)]
pub enum ToServer {
    /// Run `op` with `args`; `id` is the workstation's own, unique to this call, so a
    /// call sent again after a lost connection is answered, never run twice.
    Call { id: String, op: String, args: Value },
}

/// What the server sends.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "camelCase")]
pub enum ToWorkstation {
    /// The answer to the call `id`.
    Result { id: String, outcome: Outcome },
    /// Records changed by a committed write (kind, id, action; no patient details).
    Changed { changes: Vec<Change> },
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
