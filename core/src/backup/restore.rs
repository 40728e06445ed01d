//! Putting a backup back: the bundle is verified first; the clinic's current files are
//! moved aside into a dated folder (never deleted); then the bundle's copies take their
//! place; then the restored clinic opens and the restore is audited in it. The clinic
//! must be closed while this runs.

use std::fs;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use rusqlite::OpenFlags;

use super::bundle::{self, Manifest};
use crate::audit::{self, entity, Action, NewEntry};
use crate::auth::Actor;
use crate::clinic::Clinic;
use crate::db::{self, DatabaseKey, KeyFile, RecoveryKey, DB_FILE, KEY_FILE};
use crate::{Error, Result};

/// How the person unlocks the bundle: an administrator's password, or the recovery key.
pub enum Unlock<'a> {
    Password { username: &'a str, password: &'a str },
    RecoveryKey(&'a str),
}

/// The bundle's database key, unwrapped from the bundle's own key file.
pub fn bundle_key(bundle: &Path, unlock: &Unlock) -> Result<DatabaseKey> {
    let keys = KeyFile::load(bundle)?;
    match unlock {
        Unlock::Password { username, password } => keys.unwrap_with_password(username, password),
        Unlock::RecoveryKey(text) => keys.unwrap_with_recovery(&RecoveryKey::parse(text)?),
    }
}

/// The key to restore `bundle` with: its manifest readable and not from a newer
/// Glabella, the key unwrapped from its key file, and (with a password) the person an
/// active administrator in the bundle. Nothing is touched.
pub fn unlock(bundle: &Path, unlock: &Unlock) -> Result<DatabaseKey> {
    bundle::read_manifest(bundle)?;
    let key = bundle_key(bundle, unlock)?;
    if let Unlock::Password { username, .. } = unlock {
        require_admin(bundle, &key, username)?;
    }
    Ok(key)
}

/// Refuses (`validation` on `username`) unless `username` is an active administrator
/// in the bundle: only they may restore with a password.
fn require_admin(bundle: &Path, key: &DatabaseKey, username: &str) -> Result<()> {
    let conn = db::open_unlocked(&bundle.join(DB_FILE), OpenFlags::SQLITE_OPEN_READ_ONLY, Some(key))?;
    let admin: bool = conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM users WHERE username = ?1 AND role = 'admin' AND active)",
        [crate::db::keys::normalize_username(username)],
        |r| r.get(0),
    )?;
    if admin {
        Ok(())
    } else {
        Err(Error::invalid("username", "Only an administrator can restore a backup."))
    }
}

/// The outcome of a restore.
#[derive(Debug)]
pub struct Restored {
    pub manifest: Manifest,
    /// Where the clinic's files from before the restore were moved (none when the
    /// folder held no clinic, e.g. on a new computer).
    pub moved_aside: Option<PathBuf>,
}

/// Verifies `bundle` with `key`, moves the clinic files of `data_dir` aside into
/// `before-restore-<time>` inside it, and puts the bundle's copies in their place. A
/// bundle that fails verification, or is from a newer Glabella, changes nothing.
pub fn restore(data_dir: &Path, bundle: &Path, key: &DatabaseKey, now: DateTime<Utc>) -> Result<Restored> {
    let verification = bundle::verify(bundle, key)?;
    if !verification.problems.is_empty() {
        return Err(Error::BackupInvalid(verification.problems.join(" ")));
    }
    fs::create_dir_all(data_dir)?;
    // The copies go in beside the live files first, so the swap is renames only.
    let temp = |file: &str| data_dir.join(format!("{file}.restoring"));
    for file in [DB_FILE, KEY_FILE] {
        fs::copy(bundle.join(file), temp(file))?;
        db::sync_file(&temp(file))?;
    }
    let moved_aside = db::move_aside(data_dir, "before-restore", &[], now)?;
    for file in [DB_FILE, KEY_FILE] {
        fs::rename(temp(file), data_dir.join(file))?;
    }
    db::sync_dir(data_dir);
    Ok(Restored { manifest: verification.manifest, moved_aside })
}

/// A restore done and the restored clinic open, the restore audited in it.
pub struct Reopened {
    pub clinic: Clinic,
    /// The administrator who restored with a password (signed in); `None` with the
    /// recovery key.
    pub actor: Option<Actor>,
    pub restored: Restored,
}

/// The whole restore of `bundle` into `data_dir`, whose clinic must be closed, with the
/// `key` that [`unlock`] gave for `how`: verified, swapped in, opened (signing the
/// administrator in with a password), and the restore audited in it.
pub fn restore_and_open(
    data_dir: &Path,
    bundle: &Path,
    key: &DatabaseKey,
    how: &Unlock,
    now: DateTime<Utc>,
) -> Result<Reopened> {
    // Refused while another Glabella has the folder (this process's own desk shares it).
    let _lock = db::lock_folder(data_dir)?;
    let restored = restore(data_dir, bundle, key, now)?;
    let (clinic, actor) = match how {
        Unlock::Password { username, password } => {
            let (clinic, actor) = Clinic::sign_in(data_dir, username, password)?;
            (clinic, Some(actor))
        }
        Unlock::RecoveryKey(text) => (Clinic::open_with_recovery(data_dir, text)?, None),
    };
    let described = format!(
        "backup of {} ({}); the data before it was moved to {}",
        restored.manifest.created_at,
        bundle.file_name().unwrap_or_default().to_string_lossy(),
        restored.moved_aside.as_ref().map_or("nowhere (there was none)".into(), |p| p.display().to_string())
    );
    clinic.db().write(|tx| {
        let entry = match &actor {
            Some(actor) => actor.audit(Action::BackupRestore),
            None => NewEntry::new(None, "recovery key", Action::BackupRestore),
        };
        audit::record(tx, &entry.on(entity::SETTING, "backup").described(described)).map(drop)
    })?;
    Ok(Reopened { clinic, actor, restored })
}
