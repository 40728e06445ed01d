//! Signing in and out at a desk: the first-start setup, who is signed in, the idle
//! lock, and the sign-in screen's ways back in (restoring a backup, the recovery key).
//! A [`Desk`] is one window of the app (or, on the clinic server, one paired device):
//! who is signed in at it and whether it is locked. It stands at an [`Office`], the
//! process's one opened clinic with the folder lock and the sign-in throttle, which
//! any number of desks share. Every other operation of the API takes the clinic and
//! the actor that [`Desk::actor`] hands out, so nobody acts without being signed in
//! and unlocked at their desk.
//!
//! The database opens when the first person signs in: it is encrypted with a key
//! that only a password (or the recovery key) unwraps. The clinic folder is locked
//! from the moment the office is made (at app start), so a second Glabella on the
//! same folder shows why it cannot start rather than a sign-in screen; the desk
//! tries the lock again each time it is asked for its status, so closing the other
//! window is enough.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use specta::Type;

use super::office::Office;
use crate::audit::Action;
use crate::auth::settings::ClinicSettings;
use crate::auth::users::NewUser;
use crate::auth::{Actor, Permission};
use crate::clinic::Clinic;
use crate::clock::Clock;
use crate::db::keys::KdfParams;
use crate::files::SaveDialog;
use crate::printing::Printer;
use crate::{Error, Result};

/// Which screen the app should show, and for whom.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct AppStatus {
    /// No clinic in the data folder yet: show the first-start setup.
    pub setup_needed: bool,
    /// Who is signed in (also while locked).
    pub user: Option<Actor>,
    pub locked: bool,
    /// Seconds of inactivity after which the app locks.
    pub idle_lock_seconds: u32,
    /// Why the clinic folder cannot be used — another Glabella has it open, or it is
    /// on a network drive — shown in place of setup and sign-in.
    pub folder_problem: Option<String>,
    /// For those who may read the audit log: entries missing from its end since the
    /// head last recorded in the key file, as found when the clinic opened.
    pub audit_warning: Option<String>,
}

/// What *Help → About Glabella* shows: the version, the data folder, and once the
/// clinic is open the newest verified backup.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct About {
    pub version: &'static str,
    pub data_folder: PathBuf,
    /// `None` before the clinic is open (nobody signed in yet); then `Some(None)` until
    /// the first verified backup.
    pub last_verified_backup: Option<Option<String>>,
}

impl About {
    /// The text of the About box.
    pub fn text(&self) -> String {
        let mut text = format!("Glabella {}\n\nData folder:\n{}", self.version, self.data_folder.display());
        match &self.last_verified_backup {
            Some(Some(at)) => text.push_str(&format!("\n\nLast verified backup: {at}")),
            Some(None) => text.push_str("\n\nLast verified backup: none yet"),
            None => text.push_str("\n\nLast verified backup: shown once someone has signed in"),
        }
        text
    }
}

/// What setup hands back: the first admin, signed in, and the recovery key to show once.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct SetupResult {
    pub user: Actor,
    pub recovery_key: String,
}

/// One window (or, on the clinic server, one device) at the clinic's [`Office`]: who is
/// signed in at it and whether it is locked.
pub struct Desk {
    office: Arc<Office>,
    signin: Mutex<Option<SignIn>>,
}

/// The person signed in at the desk.
struct SignIn {
    actor: Actor,
    locked: bool,
    last_activity: DateTime<Utc>,
    /// The office's epoch at sign-in: the sign-in ends when the clinic closes.
    epoch: u64,
}

impl Desk {
    /// The one desk of a new [`Office`] on the clinic in `dir` (see [`Office::new`]):
    /// the app starting. The `with_*` builders below set up that office, so they panic
    /// once it is shared with another desk: set up a shared office with its own.
    pub fn new(dir: impl Into<PathBuf>) -> Desk {
        Desk::at(Arc::new(Office::new(dir)))
    }

    /// Another desk on `office`, nobody signed in yet.
    pub fn at(office: Arc<Office>) -> Desk {
        Desk { office, signin: Mutex::new(None) }
    }

    /// The same desk on an office printing handouts on `printer` (see [`Office::with_printer`]).
    pub fn with_printer(self, printer: Printer) -> Desk {
        self.with_office(|office| office.with_printer(printer))
    }

    /// The same desk on an office on `clock` (see [`Office::with_clock`]).
    pub fn with_clock(self, clock: Arc<dyn Clock>) -> Desk {
        self.with_office(|office| office.with_clock(clock))
    }

    /// The same desk on an office with this key-derivation cost (see [`Office::with_kdf`]).
    pub fn with_kdf(self, kdf: KdfParams) -> Desk {
        self.with_office(|office| office.with_kdf(kdf))
    }

    /// The same desk on an office locking after `idle` (see [`Office::with_idle_lock`]).
    pub fn with_idle_lock(self, idle: Option<Duration>) -> Desk {
        self.with_office(|office| office.with_idle_lock(idle))
    }

    /// The desk with its office changed by `change`; panics when the office is shared.
    fn with_office(self, change: impl FnOnce(Office) -> Office) -> Desk {
        let Ok(office) = Arc::try_unwrap(self.office) else { panic!("set up the office before sharing it") };
        Desk { office: Arc::new(change(office)), signin: self.signin }
    }

    /// The folder the clinic lives in.
    pub fn dir(&self) -> &Path {
        self.office.dir()
    }

    /// This desk's sign-in and the office's open clinic, read together. A sign-in from
    /// an earlier epoch (before a backup was restored, at any desk) is dropped here.
    fn state(&self) -> (MutexGuard<'_, Option<SignIn>>, Option<Arc<Clinic>>) {
        let mut signin = self.signin.lock().unwrap_or_else(PoisonError::into_inner);
        let (clinic, epoch) = self.office.opened();
        if signin.as_ref().is_some_and(|s| s.epoch != epoch) {
            *signin = None;
        }
        (signin, clinic)
    }

    /// Signs `actor` in at this desk, unlocked, in the office's `epoch`.
    fn seat(&self, actor: &Actor, epoch: u64) {
        let signin = SignIn { actor: actor.clone(), locked: false, last_activity: self.office.now(), epoch };
        *self.state().0 = Some(signin);
    }

    /// Which screen to show: setup, sign-in, locked, or who is at work.
    pub fn app_status(&self) -> AppStatus {
        let folder_problem = self.office.folder_lock().err().map(|e| e.to_string());
        let (signin, clinic) = self.state();
        let idle = clinic.as_deref().map_or(Duration::ZERO, |c| self.office.idle_lock(c));
        let may_audit = signin.as_ref().is_some_and(|s| s.actor.role.allows(Permission::ViewAudit));
        let audit_warning = clinic.as_deref().and_then(Clinic::audit_tail).filter(|_| may_audit).map(|problem| {
            format!("Audit log: {problem}. Someone may have removed entries; compare with a backup before going on.")
        });
        AppStatus {
            setup_needed: clinic.is_none() && !Clinic::is_set_up(self.dir()),
            user: signin.as_ref().map(|s| s.actor.clone()),
            locked: signin.as_ref().is_some_and(|s| s.locked),
            idle_lock_seconds: u32::try_from(idle.as_secs()).unwrap_or(u32::MAX),
            folder_problem,
            audit_warning,
        }
    }

    /// What *Help → About Glabella* shows (no sign-in needed: nothing in it is a record).
    pub fn about(&self) -> About {
        self.office.about()
    }

    /// Sets up the clinic on first start (its details and first admin) and signs the
    /// admin in. Refused once a clinic exists in the folder.
    pub fn setup_clinic(&self, settings: &ClinicSettings, admin: &NewUser) -> Result<SetupResult> {
        let (result, epoch) = self.office.setup(settings, admin)?;
        self.seat(&result.user, epoch);
        Ok(result)
    }

    /// Signs a person in (also to unlock, or to take over a locked desk), against the
    /// open clinic or by opening it with their password. Repeated failures for a
    /// username wait longer and longer before answering; every failure is audited.
    pub fn sign_in(&self, username: &str, password: &str) -> Result<Actor> {
        let (clinic, actor, epoch) = self.office.sign_in(username, password)?;
        let unlocked = self.state().0.as_ref().is_some_and(|s| s.locked && s.actor.user_id == actor.user_id);
        if unlocked {
            clinic.record(&actor, Action::Unlock)?;
        }
        self.seat(&actor, epoch);
        Ok(actor)
    }

    /// The open clinic and the signed-in, unlocked person; counts as activity. Locks
    /// the desk (and refuses with `auth.locked`) once it has been idle too long;
    /// `auth.required` when nobody is signed in, or the clinic has closed since.
    pub fn actor(&self) -> Result<(Arc<Clinic>, Actor)> {
        let now = self.office.now();
        let (mut signin, clinic) = self.state();
        let clinic = clinic.ok_or(Error::NotSignedIn)?;
        let idle = self.office.idle_lock(&clinic);
        let signin_now = signin.as_mut().ok_or(Error::NotSignedIn)?;
        if signin_now.locked {
            return Err(Error::Locked);
        }
        if (now - signin_now.last_activity).to_std().unwrap_or_default() > idle {
            signin_now.locked = true;
            let actor = signin_now.actor.clone();
            drop(signin);
            clinic.record(&actor, Action::Lock)?;
            return Err(Error::Locked);
        }
        signin_now.last_activity = now;
        Ok((clinic, signin_now.actor.clone()))
    }

    /// Tells the desk the person is still at work (keyboard or mouse), so the idle lock
    /// does not fall while they read a chart.
    pub fn keep_alive(&self) -> Result<()> {
        self.actor().map(drop)
    }

    /// Locks the desk now; the same person or another can sign in again.
    pub fn lock_app(&self) -> Result<()> {
        let (mut signin, clinic) = self.state();
        let (Some(clinic), Some(signin_now)) = (clinic, signin.as_mut()) else { return Ok(()) };
        if !signin_now.locked {
            signin_now.locked = true;
            let actor = signin_now.actor.clone();
            drop(signin);
            clinic.record(&actor, Action::Lock)?;
        }
        Ok(())
    }

    /// Records the open clinic's audit head in the key file, for when the app closes
    /// (the process ends without dropping the clinic, so [`Clinic`]'s own close never
    /// runs).
    pub fn close(&self) -> Result<()> {
        self.office.close()
    }

    /// Signs the current person out (the database stays open for the next sign-in) and
    /// records the audit log's head in the key file.
    pub fn sign_out(&self) -> Result<()> {
        let (mut signin, clinic) = self.state();
        let signed_out = signin.take();
        drop(signin);
        if let (Some(signin), Some(clinic)) = (signed_out, clinic) {
            clinic.record(&signin.actor, Action::Logout)?;
            clinic.record_audit_head()?;
        }
        Ok(())
    }
}

/// A backup offered on the sign-in screen. The page names it by `id` only.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct BackupChoice {
    /// `local/<name>` (the app's own folder) or `chosen/<name>` (a folder picked here).
    pub id: String,
    /// When the backup was made (UTC, ISO-8601).
    pub created_at: String,
    /// The folder it is in, as shown to people.
    pub folder: String,
    pub patients: i64,
    pub sessions: i64,
    pub glabella_version: String,
    /// Why it cannot be restored (e.g. from a newer Glabella), if so.
    pub problem: Option<String>,
}

/// How a restore is unlocked: an administrator's username and password, or (when
/// `recovery_key` is given) the recovery key.
#[derive(Debug, Clone, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct RestoreUnlock {
    pub username: String,
    pub password: String,
    pub recovery_key: Option<String>,
}

/// What a restore did.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct RestoreResult {
    /// The administrator now signed in; none after a restore with the recovery key
    /// (an administrator's new password is chosen next).
    pub user: Option<Actor>,
    /// When the restored backup was made (UTC, ISO-8601).
    pub backup_created_at: String,
    /// Where the clinic's files from before were moved, if there were any.
    pub moved_aside: Option<String>,
}

/// An administrator the recovery key may give a new password.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct AdminAccount {
    pub id: i64,
    pub username: String,
    pub display_name: String,
}

/// Restoring a backup and the recovery key: the sign-in screen's ways back in.
impl Desk {
    /// The backups in the app's own folder and in a folder picked with
    /// [`Desk::find_backups`], newest first.
    pub fn list_backups(&self) -> Vec<BackupChoice> {
        self.office.list_backups()
    }

    /// Asks for a folder holding backups (a USB drive), then lists them with the rest.
    pub fn find_backups(&self, dialog: &dyn SaveDialog) -> Vec<BackupChoice> {
        self.office.find_backups(dialog)
    }

    /// Restores the backup `id`: verified first, the current data moved aside (never
    /// deleted), then the restored clinic opens and the restore is audited in it. Every
    /// desk on the office is signed out; with a password, that administrator is signed
    /// in here; with the recovery key, nobody is yet (see [`Desk::recover_access`]).
    pub fn restore_backup(&self, id: &str, unlock: &RestoreUnlock) -> Result<RestoreResult> {
        let (result, epoch) = self.office.restore_backup(id, unlock)?;
        if let Some(actor) = &result.user {
            self.seat(actor, epoch);
        }
        Ok(result)
    }

    /// *Forgot every password?*: the clinic's active administrators, once the recovery
    /// key has proved right.
    pub fn recovery_admins(&self, recovery_key: &str) -> Result<Vec<AdminAccount>> {
        self.office.recovery_admins(recovery_key)
    }

    /// Gives administrator `user_id` the new password `password` with the recovery key
    /// and signs them in. Audited as emergency access; every administrator is told at
    /// their next sign-in.
    pub fn recover_access(&self, recovery_key: &str, user_id: i64, password: &str) -> Result<Actor> {
        let (_, actor, epoch) = self.office.recover_access(recovery_key, user_id, password)?;
        self.seat(&actor, epoch);
        Ok(actor)
    }

    /// The open clinic, if any (for the app's automatic backups).
    pub fn clinic(&self) -> Option<Arc<Clinic>> {
        self.office.clinic()
    }
}
