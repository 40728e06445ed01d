//! The audit view's CSV export (quoting and formula neutralising in [`crate::csv`]).

use super::AuditEntry;
use crate::csv::{document, push_row};

const HEADER: [&str; 8] = ["id", "time_utc", "user_id", "username", "action", "entity", "entity_id", "description"];

/// `entries` as CSV, with a header row.
pub fn to_csv(entries: &[AuditEntry]) -> String {
    let mut out = document(&HEADER);
    for e in entries {
        push_row(
            &mut out,
            [
                e.id.to_string(),
                e.at.clone(),
                e.user_id.map(|id| id.to_string()).unwrap_or_default(),
                e.username.clone(),
                e.action.clone(),
                e.entity.clone(),
                e.entity_id.clone(),
                e.description.clone(),
            ],
        );
    }
    out
}
