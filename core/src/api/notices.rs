//! What the main screen warns about: for administrators, a backup overdue and the
//! recovery key having been used since their previous sign-in.

use rusqlite::Connection;
use serde::Serialize;
use specta::Type;

use crate::auth::{Actor, Permission};
use crate::backup;
use crate::clinic::Clinic;
use crate::Result;

/// One banner on the main screen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct Notice {
    /// `backupOverdue` or `emergencyAccess`.
    pub kind: String,
    pub message: String,
    /// For `emergencyAccess`: when (UTC, ISO-8601).
    pub at: Option<String>,
}

/// The banners for `actor` (none for staff who are not administrators).
pub fn notices(clinic: &Clinic, actor: &Actor) -> Result<Vec<Notice>> {
    if !actor.role.allows(Permission::ManageSettings) {
        return Ok(Vec::new());
    }
    let now = clinic.now();
    clinic.db().read(|c| {
        let mut found = emergency_accesses(c, actor)?;
        if backup::overdue(c, now)? {
            found.push(Notice {
                kind: "backupOverdue".into(),
                message: "No verified backup has been made in the last 2 days. Open Settings → Backups and press Back up now.".into(),
                at: None,
            });
        }
        Ok(found)
    })
}

/// Uses of the recovery key since `actor`'s sign-in before the current one.
fn emergency_accesses(c: &Connection, actor: &Actor) -> Result<Vec<Notice>> {
    let mut stmt = c.prepare_cached(
        "SELECT at, description FROM audit_log
         WHERE action = 'emergency.access'
           AND at > coalesce((SELECT at FROM audit_log WHERE action = 'login' AND user_id = ?1
                              ORDER BY id DESC LIMIT 1 OFFSET 1), '')
         ORDER BY id",
    )?;
    let rows = stmt.query_map([actor.user_id], |r| {
        Ok(Notice { kind: "emergencyAccess".into(), message: r.get(1)?, at: Some(r.get(0)?) })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
