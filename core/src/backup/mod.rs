//! Backups of the whole clinic, and restoring one. A backup run writes a verified
//! [`bundle`] into the app's own folder (`backups` inside the data folder) and into the
//! folder an administrator chose (a USB drive or a network folder), keeps the result of
//! each in `backup_runs`, and prunes old bundles ([`retention`]). The app runs one at
//! least daily while it is open, on sign-out and on closing when the last good one is
//! more than 4 hours old, and when someone presses *Back up now*.

pub mod bundle;
pub mod restore;
pub mod retention;

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use chrono::{DateTime, Duration, Utc};
use rusqlite::{params, Connection, OptionalExtension, Row};
use serde::{Deserialize, Serialize};
use specta::Type;

use crate::audit::{self, entity, Action, NewEntry};
use crate::auth::{Actor, Permission};
use crate::calendar::Writing;
use crate::clinic::Clinic;
use crate::clock;
use crate::{Error, Result};

/// The app's own backup folder inside the data folder.
pub const LOCAL_FOLDER: &str = "backups";
/// The setting that holds the administrator's backup folder.
const FOLDER_SETTING: &str = "backup_folder";
/// With no verified backup newer than this, administrators see a warning.
pub const OVERDUE_AFTER: Duration = Duration::days(2);
/// A daily backup is due this long after the last good one…
const DAILY_EVERY: Duration = Duration::hours(24);
/// …and one on sign-out or closing this long after it.
const SIGN_OUT_AFTER: Duration = Duration::hours(4);
/// After a failed attempt, the daily one waits this long before trying again.
const RETRY_AFTER: Duration = Duration::hours(1);

/// One backup at a time in this process.
static RUNNING: Mutex<()> = Mutex::new(());

/// What started a backup.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub enum BackupReason {
    /// *Back up now*.
    Manual,
    /// The daily one while the app is open.
    Daily,
    /// Someone signed out.
    SignOut,
    /// The app was closed.
    Closing,
}

impl BackupReason {
    fn as_str(self) -> &'static str {
        match self {
            BackupReason::Manual => "manual",
            BackupReason::Daily => "daily",
            BackupReason::SignOut => "sign-out",
            BackupReason::Closing => "closing",
        }
    }
}

/// One backup into one folder, as kept in `backup_runs`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct BackupRun {
    /// When it finished (UTC, ISO-8601).
    pub finished_at: String,
    pub reason: String,
    /// The folder written to.
    pub folder: String,
    /// The bundle's folder name, if one was written.
    pub bundle: Option<String>,
    /// Written and passed every check.
    pub verified: bool,
    /// What went wrong, in plain words.
    pub problem: Option<String>,
    pub bytes: Option<i64>,
}

fn run_from_row(row: &Row) -> rusqlite::Result<BackupRun> {
    Ok(BackupRun {
        finished_at: row.get(0)?,
        reason: row.get(1)?,
        folder: row.get(2)?,
        bundle: row.get(3)?,
        verified: row.get(4)?,
        problem: row.get(5)?,
        bytes: row.get(6)?,
    })
}

const RUN_COLUMNS: &str = "finished_at, reason, folder, bundle, verified, problem, bytes";

/// The app's own backup folder of the clinic in `data_dir`.
pub fn local_folder(data_dir: &Path) -> PathBuf {
    data_dir.join(LOCAL_FOLDER)
}

/// The folder an administrator chose for backups, if any.
pub fn chosen_folder(conn: &Connection) -> Result<Option<PathBuf>> {
    let value: Option<String> = conn
        .prepare_cached("SELECT value FROM settings WHERE key = ?1")?
        .query_row([FOLDER_SETTING], |r| r.get(0))
        .optional()?;
    Ok(value.filter(|v| !v.is_empty()).map(PathBuf::from))
}

/// Sets the backup folder (administrators only), audited as a setting change.
pub fn set_chosen_folder(conn: &Connection, actor: &Actor, folder: &Path) -> Result<()> {
    actor.require(Permission::ManageSettings)?;
    let text = folder
        .to_str()
        .ok_or_else(|| Error::invalid("backupFolder", "This folder's name cannot be stored; choose another."))?;
    if !folder.is_dir() {
        return Err(Error::invalid("backupFolder", format!("The folder {text} is not available.")));
    }
    conn.prepare_cached(
        "INSERT INTO settings (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET value = ?2",
    )?
    .execute([FOLDER_SETTING, text])?;
    audit::record(conn, &actor.audit(Action::SettingChange).on(entity::SETTING, FOLDER_SETTING))?;
    Ok(())
}

/// Backs the clinic up now into its own folder and the chosen one, verifies each
/// bundle, records the results (and an audit entry by `actor`, or by Glabella itself
/// for an automatic one) and prunes old bundles. A folder that fails is recorded with
/// its reason and does not stop the other. Only one backup runs at a time.
pub fn back_up(clinic: &Clinic, actor: Option<&Actor>, reason: BackupReason) -> Result<Vec<BackupRun>> {
    let _one_at_a_time = RUNNING.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    let started = clinic.now();
    let dir = clinic.dir();
    let mut folders = vec![local_folder(&dir)];
    std::fs::create_dir_all(&folders[0])?;
    folders.extend(clinic.db().read(chosen_folder)?);
    let key = clinic.database_key();
    let runs: Vec<BackupRun> = folders
        .iter()
        .map(|folder| {
            let outcome = bundle::make(&dir, key, folder, started).and_then(|made| {
                let verification = bundle::verify(&made, key)?;
                Ok((made, verification.problems))
            });
            let (made, problem) = match outcome {
                Ok((made, problems)) if problems.is_empty() => (Some(made), None),
                Ok((made, problems)) => {
                    // A bundle that fails its checks must never be taken for a backup.
                    let _ = std::fs::remove_dir_all(&made);
                    (None, Some(format!("The backup in {} failed its check: {}", folder.display(), problems.join(" "))))
                }
                Err(e) => (None, Some(e.to_string())),
            };
            if made.is_some() {
                retention::prune(folder);
                bundle::remove_partial(folder, started);
            }
            BackupRun {
                finished_at: clock::iso(clinic.now()),
                reason: reason.as_str().into(),
                folder: folder.display().to_string(),
                bundle: made.as_ref().and_then(|m| m.file_name()).map(|n| n.to_string_lossy().into_owned()),
                verified: problem.is_none(),
                bytes: made.as_deref().map(|m| bundle::size(m) as i64),
                problem,
            }
        })
        .collect();
    clinic.db().write(|tx| {
        for run in &runs {
            tx.prepare_cached(
                "INSERT INTO backup_runs (started_at, finished_at, reason, folder, bundle, verified, problem, bytes)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            )?
            .execute(params![
                clock::iso(started),
                run.finished_at,
                run.reason,
                run.folder,
                run.bundle,
                run.verified,
                run.problem,
                run.bytes
            ])?;
        }
        let good = runs.iter().filter(|r| r.verified).count();
        let entry = match actor {
            Some(actor) => actor.audit(Action::BackupCreate),
            None => NewEntry::new(None, "glabella", Action::BackupCreate),
        };
        let described = format!("{} backup: {good} of {} folder(s) verified", reason.as_str(), runs.len());
        audit::record(tx, &entry.on(entity::SETTING, "backup").described(described))?;
        Ok(())
    })?;
    Ok(runs)
}

/// Backs up if one is due for `reason` (see the module), else does nothing.
pub fn back_up_if_due(clinic: &Clinic, reason: BackupReason) -> Result<Option<Vec<BackupRun>>> {
    let now = clinic.now();
    let (last_good, last_try) = clinic.db().read(|c| Ok((last_time(c, true)?, last_time(c, false)?)))?;
    let older = |at: Option<DateTime<Utc>>, age: Duration| at.is_none_or(|at| now - at >= age);
    let due = match reason {
        BackupReason::Manual => true,
        BackupReason::Daily => older(last_good, DAILY_EVERY) && older(last_try, RETRY_AFTER),
        BackupReason::SignOut | BackupReason::Closing => older(last_good, SIGN_OUT_AFTER),
    };
    if due {
        back_up(clinic, None, reason).map(Some)
    } else {
        Ok(None)
    }
}

/// When the newest verified backup finished, written the clinic's way ("1 Dec 2026,
/// 14:30"): what *Help → About Glabella* shows.
pub fn last_verified_written(clinic: &Clinic) -> Result<Option<String>> {
    clinic.db().read(|c| {
        let way = Writing::of(c)?;
        Ok(last_time(c, true)?.map(|at| format!("{}, {}", way.date(at), way.time(at))))
    })
}

/// When the newest verified run (or, with `verified_only` false, any run) finished.
fn last_time(conn: &Connection, verified_only: bool) -> Result<Option<DateTime<Utc>>> {
    let at: Option<String> = conn
        .prepare_cached("SELECT max(finished_at) FROM backup_runs WHERE verified OR NOT ?1")?
        .query_row([verified_only], |r| r.get(0))?;
    Ok(at.and_then(|at| DateTime::parse_from_rfc3339(&at).ok()).map(|at| at.with_timezone(&Utc)))
}

/// What *Settings → Backups* shows.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct BackupStatus {
    /// The administrator's folder, if chosen.
    pub folder: Option<String>,
    /// The app's own folder.
    pub local_folder: String,
    /// The newest verified backup.
    pub last_verified: Option<BackupRun>,
    /// The newest run of each folder when it failed.
    pub failures: Vec<BackupRun>,
    /// Bundles kept in the app's folder and in the chosen one.
    pub kept_local: u32,
    pub kept_in_folder: Option<u32>,
    /// When the next automatic backup is due (UTC, ISO-8601).
    pub next_at: String,
    /// No verified backup newer than 2 days.
    pub overdue: bool,
    /// The latest runs, newest first.
    pub recent: Vec<BackupRun>,
}

/// The backups' state (administrators only).
pub fn status(clinic: &Clinic, actor: &Actor) -> Result<BackupStatus> {
    actor.require(Permission::ManageSettings)?;
    let now = clinic.now();
    let dir = clinic.dir();
    let (folder, recent, last_good, last_try, overdue) = clinic.db().read(|c| {
        let recent = c
            .prepare_cached(&format!("SELECT {RUN_COLUMNS} FROM backup_runs ORDER BY id DESC LIMIT 20"))?
            .query_map([], run_from_row)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok((chosen_folder(c)?, recent, last_time(c, true)?, last_time(c, false)?, overdue(c, now)?))
    })?;
    let local = local_folder(&dir);
    let mut failures: Vec<BackupRun> = Vec::new();
    for place in std::iter::once(&local).chain(folder.as_ref()) {
        let shown = place.display().to_string();
        if let Some(newest) = recent.iter().find(|r| r.folder == shown) {
            if !newest.verified {
                failures.push(newest.clone());
            }
        }
    }
    let next = match (last_good, last_try) {
        (Some(good), Some(tried)) => (good + DAILY_EVERY).max(if tried > good { tried + RETRY_AFTER } else { good }),
        _ => now,
    };
    Ok(BackupStatus {
        folder: folder.as_ref().map(|f| f.display().to_string()),
        local_folder: local.display().to_string(),
        last_verified: recent.iter().find(|r| r.verified).cloned(),
        failures,
        kept_local: bundle::list(&local).len() as u32,
        kept_in_folder: folder.as_deref().map(|f| bundle::list(f).len() as u32),
        next_at: clock::iso(next.max(now)),
        overdue,
        recent,
    })
}

/// Whether no verified backup is newer than 2 days (for the administrators' banner). A
/// clinic that never had one counts from its setup (the first audit entry), so a new
/// clinic is not warned about before its first daily backup could run.
pub fn overdue(conn: &Connection, now: DateTime<Utc>) -> Result<bool> {
    let since = match last_time(conn, true)? {
        Some(at) => Some(at),
        None => conn
            .query_row("SELECT at FROM audit_log ORDER BY id LIMIT 1", [], |r| r.get::<_, String>(0))
            .optional()?
            .and_then(|at| DateTime::parse_from_rfc3339(&at).ok())
            .map(|at| at.with_timezone(&Utc)),
    };
    Ok(since.is_none_or(|at| now - at > OVERDUE_AFTER))
}
