//! The hash chain of the audit log. Row `n` stores `prev_hash` = the `hash` of row
//! `n - 1` (64 zeros for the first row) and `hash` = SHA-256, in lowercase hex, of
//! these fields in this order:
//!
//! `prev_hash, id, at, user_id, username, action, entity, entity_id, description`
//!
//! each as UTF-8 text (`id` and `user_id` in decimal, a missing `user_id` as empty text)
//! preceded by its length in bytes as a big-endian `u64`. The length prefixes make the
//! encoding unambiguous: no two different rows hash the same bytes. Hashing the id too
//! means renumbering rows breaks the chain.
//!
//! What a walk of the chain can tell: an edited row no longer matches its own hash; a
//! row deleted or inserted before another leaves that one pointing at the wrong
//! predecessor; so does cutting off the oldest rows, since the first row must point at
//! the genesis hash. What it cannot: that the newest rows were cut off, or a whole
//! chain recomputed by someone who knows this recipe (see the module above).
//!
//! For the newest rows the chain's head ([`chain_head`]) is recorded outside the
//! database — in the key file, in a backup's manifest — and [`check_tail`] compares the
//! log with it later: fewer entries than recorded, or a different hash at the recorded
//! entry, means the end was cut (or cut and refilled). Rows of an untampered log have
//! the ids 1, 2, 3… (they are only ever appended), so the recorded head's `entries` is
//! also the id of the entry it names, which is found without reading the whole log.

use std::fmt;

use rusqlite::{Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use specta::Type;

use super::{AuditEntry, ENTRY_COLUMNS};
use crate::types::AuditHead;
use crate::Result;

/// The `prev_hash` of the first row.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The result of walking the whole chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(tag = "status", rename_all = "camelCase")]
pub enum ChainStatus {
    /// Every row matches its hash and follows the one before it.
    Intact {
        entries: i64,
        /// The newest row's hash ([`GENESIS_HASH`] for an empty log): noted down and
        /// compared later, it shows whether the newest rows were removed or rewritten.
        head: String,
    },
    /// The first row that fails; rows before it are intact.
    Broken {
        #[serde(rename = "rowId")]
        row_id: i64,
        problem: ChainProblem,
    },
}

/// Why a row breaks the chain.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub enum ChainProblem {
    /// The row's content does not match its own hash: it was edited.
    Altered,
    /// The row does not point at the row before it: a row before it was deleted or
    /// inserted (or this row's `prev_hash` was edited).
    Unlinked,
}

impl fmt::Display for ChainProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ChainProblem::Altered => "its content does not match its hash, so it was changed after it was written",
            ChainProblem::Unlinked => {
                "it does not follow the row before it, so a row before it was deleted or inserted (or this row was changed)"
            }
        })
    }
}

/// The `hash` of `entry` when it follows a row whose hash is `prev_hash`.
pub fn entry_hash(prev_hash: &str, entry: &AuditEntry) -> String {
    let id = entry.id.to_string();
    let user_id = entry.user_id.map(|id| id.to_string()).unwrap_or_default();
    let mut hasher = Sha256::new();
    for field in [
        prev_hash,
        &id,
        &entry.at,
        &user_id,
        &entry.username,
        &entry.action,
        &entry.entity,
        &entry.entity_id,
        &entry.description,
    ] {
        hasher.update((field.len() as u64).to_be_bytes());
        hasher.update(field.as_bytes());
    }
    hasher.finalize().iter().map(|byte| format!("{byte:02x}")).collect()
}

/// Walks the whole log, oldest first, and reports the first row that breaks the chain.
pub fn verify_chain(conn: &Connection) -> Result<ChainStatus> {
    let mut stmt = conn.prepare(&format!("SELECT {ENTRY_COLUMNS}, prev_hash, hash FROM audit_log ORDER BY id"))?;
    let mut rows = stmt.query([])?;
    let mut expected_prev = GENESIS_HASH.to_string();
    let mut entries = 0;
    while let Some(row) = rows.next()? {
        let entry = super::entry_from_row(row)?;
        let (prev_hash, hash): (String, String) = (row.get(8)?, row.get(9)?);
        if prev_hash != expected_prev {
            return Ok(ChainStatus::Broken { row_id: entry.id, problem: ChainProblem::Unlinked });
        }
        if entry_hash(&prev_hash, &entry) != hash {
            return Ok(ChainStatus::Broken { row_id: entry.id, problem: ChainProblem::Altered });
        }
        expected_prev = hash;
        entries += 1;
    }
    Ok(ChainStatus::Intact { entries, head: expected_prev })
}

/// The log's head now: how many entries it has and the newest one's hash
/// ([`GENESIS_HASH`] for an empty log). For a backup's manifest or the key file; it
/// does not verify the chain (see [`verify_chain`]).
pub fn chain_head(conn: &Connection) -> Result<AuditHead> {
    let entries: i64 = conn.query_row("SELECT count(*) FROM audit_log", [], |r| r.get(0))?;
    let hash = conn
        .query_row("SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1", [], |r| r.get(0))
        .optional()?
        .unwrap_or_else(|| GENESIS_HASH.to_string());
    Ok(AuditHead { entries, hash })
}

/// What [`check_tail`] found wrong with the end of the log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum TailProblem {
    /// The log has `missing` entries fewer than the recorded head says it had.
    Missing { missing: i64, recorded: AuditHead },
    /// The log is as long as recorded (or longer), but the entry the recorded head
    /// names has another hash: the end was cut and new entries took its place, or the
    /// log was rewritten.
    Rewritten { recorded: AuditHead },
}

impl TailProblem {
    /// How many entries are missing from the end (0 for a rewritten end).
    pub fn missing(&self) -> i64 {
        match self {
            TailProblem::Missing { missing, .. } => *missing,
            TailProblem::Rewritten { .. } => 0,
        }
    }
}

impl fmt::Display for TailProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TailProblem::Missing { missing: 1, recorded } => {
                write!(f, "1 entry is missing from the end since the recorded head (entry {})", recorded.entries)
            }
            TailProblem::Missing { missing, recorded } => {
                write!(f, "{missing} entries are missing from the end since the recorded head (entry {})", recorded.entries)
            }
            TailProblem::Rewritten { recorded } => write!(
                f,
                "entry {} no longer has the hash recorded for it ({}): entries were cut from the end and replaced, or the log was rewritten",
                recorded.entries, recorded.hash
            ),
        }
    }
}

/// Compares the log with a head recorded earlier: `None` when the recorded head is
/// still in the log (entries added since are fine).
pub fn check_tail(conn: &Connection, recorded: &AuditHead) -> Result<Option<TailProblem>> {
    if recorded.entries <= 0 {
        return Ok(None);
    }
    let newest: i64 = conn.query_row("SELECT coalesce(max(id), 0) FROM audit_log", [], |r| r.get(0))?;
    if newest < recorded.entries {
        return Ok(Some(TailProblem::Missing { missing: recorded.entries - newest, recorded: recorded.clone() }));
    }
    let hash: Option<String> =
        conn.query_row("SELECT hash FROM audit_log WHERE id = ?1", [recorded.entries], |r| r.get(0)).optional()?;
    if hash.as_deref() == Some(recorded.hash.as_str()) {
        Ok(None)
    } else {
        Ok(Some(TailProblem::Rewritten { recorded: recorded.clone() }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry() -> AuditEntry {
        AuditEntry {
            id: 1,
            at: "2026-11-28T09:00:00.000Z".into(),
            user_id: Some(1),
            username: "anna".into(),
            action: "patient.view".into(),
            entity: "patient".into(),
            entity_id: "42".into(),
            description: String::new(),
        }
    }

    #[test]
    fn the_hash_is_lowercase_hex_sha256_of_length_prefixed_fields() {
        let e = entry();
        let mut bytes = Vec::new();
        for field in [GENESIS_HASH, "1", "2026-11-28T09:00:00.000Z", "1", "anna", "patient.view", "patient", "42", ""] {
            bytes.extend((field.len() as u64).to_be_bytes());
            bytes.extend(field.as_bytes());
        }
        let expected: String = Sha256::digest(&bytes).iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(entry_hash(GENESIS_HASH, &e), expected);
        assert_eq!(expected.len(), 64);
    }

    #[test]
    fn moving_text_between_fields_changes_the_hash() {
        let a = AuditEntry { entity: "patient".into(), entity_id: "42".into(), ..entry() };
        let b = AuditEntry { entity: "patient4".into(), entity_id: "2".into(), ..entry() };
        assert_ne!(entry_hash(GENESIS_HASH, &a), entry_hash(GENESIS_HASH, &b));
        let unknown = AuditEntry { user_id: None, ..entry() };
        assert_ne!(entry_hash(GENESIS_HASH, &unknown), entry_hash(GENESIS_HASH, &entry()));
    }
}
