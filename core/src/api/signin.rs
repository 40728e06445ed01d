//! Signing in and out at this computer: the first-start setup, who is signed in,
//! the idle lock and the sign-in throttle. The [`Desk`] is the one piece of state an
//! app (or, later, each workstation's connection to the clinic server) keeps: which
//! clinic is open, who is at the desk, whether it is locked. Every other operation
//! of the API takes the clinic and the actor that [`Desk::actor`] hands out, so
//! nobody acts without being signed in and unlocked.
//!
//! The database opens when the first person signs in: it is encrypted with a key
//! that only a password (or the recovery key) unwraps. The clinic folder is locked
//! from the moment the desk is made (at app start), so a second Glabella on the same
//! folder shows why it cannot start rather than a sign-in screen; the desk tries the
//! lock again each time it is asked for its status, so closing the other window is
//! enough.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use specta::Type;

use crate::audit::{self, entity, Action};
use crate::auth::settings::ClinicSettings;
use crate::auth::throttle::LoginThrottle;
use crate::auth::users::NewUser;
use crate::auth::{Actor, Permission};
use crate::backup::{self, bundle, restore};
use crate::clinic::Clinic;
use crate::clock::{Clock, SystemClock};
use crate::db::keys::KdfParams;
use crate::db::{lock_folder, FolderLock, KeyFile, RecoveryKey};
use crate::files::SaveDialog;
use crate::printing::{self, Printer, SPOOL_DIR};
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

/// The sign-in state of one desk (one app window).
pub struct Desk {
    dir: PathBuf,
    clock: Arc<dyn Clock>,
    kdf: KdfParams,
    /// Set by tests: the idle lock in place of the clinic's setting.
    idle_override: Option<Duration>,
    printer: Printer,
    /// The clinic folder's lock, once taken.
    lock: Mutex<Option<Arc<FolderLock>>>,
    inner: Mutex<Inner>,
}

#[derive(Default)]
struct Inner {
    clinic: Option<Arc<Clinic>>,
    signin: Option<SignIn>,
    throttle: LoginThrottle,
    /// Failed sign-ins made before the database was open, recorded once it opens.
    unrecorded_failures: Vec<String>,
    /// A folder picked on the sign-in screen to restore a backup from.
    restore_from: Option<PathBuf>,
}

/// The person signed in at the desk.
struct SignIn {
    actor: Actor,
    locked: bool,
    last_activity: DateTime<Utc>,
}

impl Desk {
    /// A desk on the clinic in `dir` (set up or not yet), on the system clock and the
    /// system's printer. This is the app starting, so whatever handouts an earlier run
    /// left in the print spool folder are removed now. Takes the folder's lock if it
    /// can; if not, [`Desk::app_status`] says why, and setup and sign-in are refused
    /// with that error until the lock is free.
    pub fn new(dir: impl Into<PathBuf>) -> Desk {
        let dir = dir.into();
        printing::sweep_spool(&dir.join(SPOOL_DIR));
        let desk = Desk {
            dir,
            clock: Arc::new(SystemClock),
            kdf: KdfParams::RECOMMENDED,
            idle_override: None,
            printer: Printer::default(),
            lock: Mutex::new(None),
            inner: Mutex::new(Inner::default()),
        };
        let _ = desk.folder_lock();
        desk
    }

    /// The same desk printing handouts on `printer` (the end-to-end tests' folder).
    pub fn with_printer(mut self, printer: Printer) -> Desk {
        self.printer = printer;
        self
    }

    /// The same desk on `clock` (tests set and move the time).
    pub fn with_clock(mut self, clock: Arc<dyn Clock>) -> Desk {
        self.clock = clock;
        self
    }

    /// The same desk with this key-derivation cost for the setup (tests use a cheap one).
    pub fn with_kdf(mut self, kdf: KdfParams) -> Desk {
        self.kdf = kdf;
        self
    }

    /// The same desk locking after `idle` whatever the clinic's setting says.
    pub fn with_idle_lock(mut self, idle: Option<Duration>) -> Desk {
        self.idle_override = idle;
        self
    }

    /// The folder the clinic lives in.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The clinic folder's lock: held already, or taken now (`clinic.in_use`,
    /// `clinic.network_folder` when it cannot be).
    fn folder_lock(&self) -> Result<()> {
        let mut lock = self.lock.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if lock.is_none() {
            *lock = Some(lock_folder(&self.dir)?);
        }
        Ok(())
    }

    fn inner(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn idle_lock(&self, clinic: &Clinic) -> Duration {
        self.idle_override.unwrap_or_else(|| Duration::from_secs(u64::from(clinic.idle_lock_minutes()) * 60))
    }

    fn open(&self, clinic: Clinic) -> Arc<Clinic> {
        clinic.set_clock(self.clock.clone());
        clinic.set_printer(self.printer.clone());
        Arc::new(clinic)
    }

    /// Which screen to show: setup, sign-in, locked, or who is at work.
    pub fn app_status(&self) -> AppStatus {
        let folder_problem = self.folder_lock().err().map(|e| e.to_string());
        let inner = self.inner();
        let idle = inner.clinic.as_deref().map_or(Duration::ZERO, |c| self.idle_lock(c));
        let may_audit = inner.signin.as_ref().is_some_and(|s| s.actor.role.allows(Permission::ViewAudit));
        let audit_warning = inner.clinic.as_deref().and_then(Clinic::audit_tail).filter(|_| may_audit).map(|problem| {
            format!("Audit log: {problem}. Someone may have removed entries; compare with a backup before going on.")
        });
        AppStatus {
            setup_needed: inner.clinic.is_none() && !Clinic::is_set_up(&self.dir),
            user: inner.signin.as_ref().map(|s| s.actor.clone()),
            locked: inner.signin.as_ref().is_some_and(|s| s.locked),
            idle_lock_seconds: u32::try_from(idle.as_secs()).unwrap_or(u32::MAX),
            folder_problem,
            audit_warning,
        }
    }

    /// What *Help → About Glabella* shows (no sign-in needed: nothing in it is a record).
    pub fn about(&self) -> About {
        let clinic = self.inner().clinic.clone();
        About {
            version: env!("CARGO_PKG_VERSION"),
            data_folder: self.dir.clone(),
            last_verified_backup: clinic.map(|c| {
                backup::last_verified_written(&c).unwrap_or_else(|e| Some(format!("could not be read ({e})")))
            }),
        }
    }

    /// Sets up the clinic on first start (its details and first admin) and signs the
    /// admin in. Refused once a clinic exists in the folder.
    pub fn setup_clinic(&self, settings: &ClinicSettings, admin: &NewUser) -> Result<SetupResult> {
        self.folder_lock()?;
        if self.inner().clinic.is_some() || Clinic::is_set_up(&self.dir) {
            return Err(Error::Forbidden);
        }
        let set_up = Clinic::setup_with(&self.dir, settings, admin, self.kdf)?;
        let result = SetupResult { user: set_up.admin.clone(), recovery_key: set_up.recovery_key.to_string() };
        let clinic = self.open(set_up.clinic);
        let mut inner = self.inner();
        inner.clinic = Some(clinic);
        inner.signin = Some(SignIn { actor: set_up.admin, locked: false, last_activity: self.clock.now() });
        Ok(result)
    }

    /// Signs a person in (also to unlock, or to take over a locked front desk), against
    /// the open clinic or by opening it with their password. Repeated failures for a
    /// username wait longer and longer before answering; every failure is audited.
    pub fn sign_in(&self, username: &str, password: &str) -> Result<Actor> {
        self.folder_lock()?;
        let delay = self.inner().throttle.delay(username);
        std::thread::sleep(delay);
        let open = self.inner().clinic.clone();
        let result = match &open {
            Some(clinic) => clinic.authenticate(username, password).map(|actor| (clinic.clone(), actor)),
            None => Clinic::sign_in(&self.dir, username, password).map(|(clinic, actor)| (self.open(clinic), actor)),
        };
        match result {
            Ok((clinic, actor)) => {
                let mut inner = self.inner();
                inner.throttle.succeeded(username);
                for typed in std::mem::take(&mut inner.unrecorded_failures) {
                    clinic.record_failed_login(&typed)?;
                }
                if inner.signin.as_ref().is_some_and(|s| s.locked && s.actor.user_id == actor.user_id) {
                    clinic.record(&actor, Action::Unlock)?;
                }
                inner.clinic = Some(clinic);
                inner.signin = Some(SignIn { actor: actor.clone(), locked: false, last_activity: self.clock.now() });
                Ok(actor)
            }
            Err(Error::LoginFailed) => {
                let mut inner = self.inner();
                inner.throttle.failed(username);
                if open.is_none() {
                    inner.unrecorded_failures.push(username.to_string());
                }
                Err(Error::LoginFailed)
            }
            Err(e) => Err(e),
        }
    }

    /// The open clinic and the signed-in, unlocked person; counts as activity. Locks
    /// the desk (and refuses with `auth.locked`) once it has been idle too long;
    /// `auth.required` when nobody is signed in.
    pub fn actor(&self) -> Result<(Arc<Clinic>, Actor)> {
        let now = self.clock.now();
        let mut inner = self.inner();
        let clinic = inner.clinic.clone().ok_or(Error::NotSignedIn)?;
        let idle = self.idle_lock(&clinic);
        let signin = inner.signin.as_mut().ok_or(Error::NotSignedIn)?;
        if signin.locked {
            return Err(Error::Locked);
        }
        if (now - signin.last_activity).to_std().unwrap_or_default() > idle {
            signin.locked = true;
            let actor = signin.actor.clone();
            drop(inner);
            clinic.record(&actor, Action::Lock)?;
            return Err(Error::Locked);
        }
        signin.last_activity = now;
        Ok((clinic, signin.actor.clone()))
    }

    /// Tells the desk the person is still at work (keyboard or mouse), so the idle lock
    /// does not fall while they read a chart.
    pub fn keep_alive(&self) -> Result<()> {
        self.actor().map(drop)
    }

    /// Locks the desk now; the same person or another can sign in again.
    pub fn lock_app(&self) -> Result<()> {
        let mut inner = self.inner();
        let (Some(clinic), Some(signin)) = (inner.clinic.clone(), inner.signin.as_mut()) else { return Ok(()) };
        if !signin.locked {
            signin.locked = true;
            let actor = signin.actor.clone();
            drop(inner);
            clinic.record(&actor, Action::Lock)?;
        }
        Ok(())
    }

    /// Records the open clinic's audit head in the key file, for when the app closes
    /// (the process ends without dropping the clinic, so [`Clinic`]'s own close never
    /// runs).
    pub fn close(&self) -> Result<()> {
        let clinic = self.inner().clinic.clone();
        clinic.map_or(Ok(()), |clinic| clinic.record_audit_head())
    }

    /// Signs the current person out (the database stays open for the next sign-in) and
    /// records the audit log's head in the key file.
    pub fn sign_out(&self) -> Result<()> {
        let mut inner = self.inner();
        let signin = inner.signin.take();
        let clinic = inner.clinic.clone();
        drop(inner);
        if let (Some(signin), Some(clinic)) = (signin, clinic) {
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
        let chosen = self.inner().restore_from.clone();
        let mut found = Vec::new();
        for (kind, folder) in [("local", Some(backup::local_folder(&self.dir))), ("chosen", chosen)] {
            let Some(folder) = folder else { continue };
            for path in bundle::list(&folder) {
                let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
                let (manifest, problem) = match bundle::read_manifest(&path) {
                    Ok(m) => (Some(m), None),
                    Err(e) => (None, Some(e.to_string())),
                };
                found.push(BackupChoice {
                    id: format!("{kind}/{name}"),
                    created_at: manifest
                        .as_ref()
                        .map(|m| m.created_at.clone())
                        .unwrap_or_else(|| bundle::made_at(&name).map(crate::clock::iso).unwrap_or_default()),
                    folder: path.parent().unwrap_or(&path).display().to_string(),
                    patients: manifest.as_ref().map_or(0, |m| m.patients),
                    sessions: manifest.as_ref().map_or(0, |m| m.sessions),
                    glabella_version: manifest.map(|m| m.glabella_version).unwrap_or_default(),
                    problem,
                });
            }
        }
        found.sort_by(|a, b| b.created_at.cmp(&a.created_at));
        found
    }

    /// Asks for a folder holding backups (a USB drive), then lists them with the rest.
    pub fn find_backups(&self, dialog: &dyn SaveDialog) -> Vec<BackupChoice> {
        if let Some(folder) = dialog.choose_folder("Choose the folder with the backups") {
            self.inner().restore_from = Some(folder);
        }
        self.list_backups()
    }

    fn bundle_path(&self, id: &str) -> Result<PathBuf> {
        let missing = || Error::NotFound("The backup");
        let (kind, name) = id.split_once('/').ok_or_else(missing)?;
        if name.contains(['/', '\\']) || name.starts_with('.') {
            return Err(missing());
        }
        let folder = match kind {
            "local" => backup::local_folder(&self.dir),
            "chosen" => self.inner().restore_from.clone().ok_or_else(missing)?,
            _ => return Err(missing()),
        };
        bundle::list(&folder)
            .into_iter()
            .find(|b| b.file_name().is_some_and(|n| n.to_string_lossy() == name))
            .ok_or_else(missing)
    }

    /// Closes the open clinic (signing out whoever was signed in), waiting a while for
    /// work in progress on it to finish.
    fn close_clinic(&self) -> Result<()> {
        let Some(mut clinic) = ({
            let mut inner = self.inner();
            inner.signin = None;
            inner.clinic.take()
        }) else {
            return Ok(());
        };
        for _ in 0..600 {
            match Arc::try_unwrap(clinic) {
                Ok(closed) => {
                    drop(closed);
                    return Ok(());
                }
                Err(busy) => clinic = busy,
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        self.inner().clinic = Some(clinic);
        Err(Error::Internal("the clinic is still busy (a backup may be running); try again in a minute".into()))
    }

    /// Restores the backup `id`: verified first, the current data moved aside (never
    /// deleted), then the restored clinic opens and the restore is audited in it. With
    /// a password, that administrator is signed in; with the recovery key, nobody is
    /// yet (see [`Desk::recover_access`]).
    pub fn restore_backup(&self, id: &str, unlock: &RestoreUnlock) -> Result<RestoreResult> {
        let bundle = self.bundle_path(id)?;
        let how = match &unlock.recovery_key {
            Some(text) => restore::Unlock::RecoveryKey(text),
            None => restore::Unlock::Password { username: &unlock.username, password: &unlock.password },
        };
        // Unlocked before the clinic closes, so a wrong password changes nothing; a
        // password counts towards the sign-in throttle.
        if unlock.recovery_key.is_none() {
            std::thread::sleep(self.inner().throttle.delay(&unlock.username));
        }
        let key = restore::unlock(&bundle, &how).inspect_err(|e| {
            if matches!(e, Error::LoginFailed) {
                self.inner().throttle.failed(&unlock.username);
            }
        })?;
        self.close_clinic()?;
        let reopened = restore::restore_and_open(&self.dir, &bundle, &key, &how, self.clock.now())?;
        let clinic = self.open(reopened.clinic);
        let mut inner = self.inner();
        inner.clinic = Some(clinic);
        if let Some(actor) = &reopened.actor {
            inner.throttle.succeeded(&unlock.username);
            inner.signin = Some(SignIn { actor: actor.clone(), locked: false, last_activity: self.clock.now() });
        }
        Ok(RestoreResult {
            user: reopened.actor,
            backup_created_at: reopened.restored.manifest.created_at,
            moved_aside: reopened.restored.moved_aside.map(|p| p.display().to_string()),
        })
    }

    /// The clinic opened with the recovery key (opening it if it is closed); refused
    /// with `auth.wrong_recovery_key` when the key is not this clinic's.
    fn open_with_recovery(&self, recovery_key: &str) -> Result<Arc<Clinic>> {
        if let Some(clinic) = self.inner().clinic.clone() {
            KeyFile::load(&self.dir)?.unwrap_with_recovery(&RecoveryKey::parse(recovery_key)?)?;
            return Ok(clinic);
        }
        let clinic = self.open(Clinic::open_with_recovery(&self.dir, recovery_key)?);
        self.inner().clinic = Some(clinic.clone());
        Ok(clinic)
    }

    /// *Forgot every password?*: the clinic's active administrators, once the recovery
    /// key has proved right.
    pub fn recovery_admins(&self, recovery_key: &str) -> Result<Vec<AdminAccount>> {
        let clinic = self.open_with_recovery(recovery_key)?;
        active_admins(&clinic)
    }

    /// Gives administrator `user_id` the new password `password` with the recovery key
    /// and signs them in. Audited as emergency access; every administrator is told at
    /// their next sign-in.
    pub fn recover_access(&self, recovery_key: &str, user_id: i64, password: &str) -> Result<Actor> {
        let clinic = self.open_with_recovery(recovery_key)?;
        let admin = active_admins(&clinic)?
            .into_iter()
            .find(|a| a.id == user_id)
            .ok_or_else(|| Error::invalid("userId", "Choose one of the clinic's active administrators."))?;
        let actor = Actor::new(admin.id, admin.username, admin.display_name, crate::auth::Role::Admin);
        clinic.reset_password(&actor, actor.user_id, password)?;
        let described = format!("The recovery key gave {} ({}) a new password.", actor.display_name, actor.username);
        // No login entry: the emergency access stands for it, so this administrator's
        // next sign-in still shows the banner (see `api::notices`).
        clinic.db().write(|tx| {
            audit::record(
                tx,
                &actor.audit(Action::EmergencyAccess).on(entity::USER, actor.user_id).described(described),
            )
            .map(drop)
        })?;
        let mut inner = self.inner();
        inner.throttle.succeeded(&actor.username);
        inner.signin = Some(SignIn { actor: actor.clone(), locked: false, last_activity: self.clock.now() });
        Ok(actor)
    }

    /// The open clinic, if any (for the app's automatic backups).
    pub fn clinic(&self) -> Option<Arc<Clinic>> {
        self.inner().clinic.clone()
    }
}

/// The clinic's active administrators, by name.
fn active_admins(clinic: &Clinic) -> Result<Vec<AdminAccount>> {
    clinic.db().read(|c| {
        let mut stmt = c.prepare_cached(
            "SELECT id, username, display_name FROM users WHERE role = 'admin' AND active ORDER BY display_name",
        )?;
        let rows =
            stmt.query_map([], |r| Ok(AdminAccount { id: r.get(0)?, username: r.get(1)?, display_name: r.get(2)? }))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    })
}
