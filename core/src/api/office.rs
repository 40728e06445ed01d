//! The clinic as this process has it open, shared by every desk on it: the clinic
//! folder and its lock, the opened [`Clinic`], the sign-in throttle and the settings
//! the clinic opens with. There is one [`Office`] per process (the app, the clinic
//! server, a test) and a [`Desk`](super::signin::Desk) per window or device, each
//! with its own signed-in person and idle lock.
//!
//! The clinic opens at most once per office: opening (at the first sign-in, setup,
//! restore or recovery) and closing happen under one lock, and whoever waited on it
//! finds the clinic open, so two desks signing in at once never make two database
//! writers. Each time the open clinic changes, the office's epoch moves on; a desk
//! signed in under an older epoch (a backup was restored from another desk) counts
//! as signed out. Failed sign-ins are counted per username across all desks, so
//! guesses spread over several devices add up.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use chrono::{DateTime, Utc};

use super::signin::{About, AdminAccount, BackupChoice, RestoreResult, RestoreUnlock, SetupResult};
use crate::audit::{self, entity, Action};
use crate::auth::settings::ClinicSettings;
use crate::auth::throttle::LoginThrottle;
use crate::auth::users::NewUser;
use crate::auth::Actor;
use crate::backup::{self, bundle, restore};
use crate::clinic::Clinic;
use crate::clock::{Clock, SystemClock};
use crate::db::keys::KdfParams;
use crate::db::{lock_folder, ChangeHook, FolderLock, KeyFile, RecoveryKey};
use crate::files::SaveDialog;
use crate::printing::{self, Printer, SPOOL_DIR};
use crate::{Error, Result};

/// The clinic folder as one process has it open.
pub struct Office {
    dir: PathBuf,
    clock: Arc<dyn Clock>,
    kdf: KdfParams,
    /// Set by tests: the idle lock in place of the clinic's setting.
    idle_override: Option<Duration>,
    printer: Printer,
    /// Told what each committed write changed (the clinic server's live screens).
    changes: Option<ChangeHook>,
    /// The clinic folder's lock, once taken.
    lock: Mutex<Option<Arc<FolderLock>>>,
    /// Held while the clinic opens or closes, so that only one [`Clinic`] is ever open.
    opening: Mutex<()>,
    inner: Mutex<Inner>,
}

#[derive(Default)]
struct Inner {
    clinic: Option<Arc<Clinic>>,
    /// Moves on each time the clinic opens or closes: a sign-in counts in its own epoch only.
    epoch: u64,
    throttle: LoginThrottle,
    /// Failed sign-ins made before the database was open, recorded once it opens.
    unrecorded_failures: Vec<String>,
    /// A folder picked on the sign-in screen to restore a backup from.
    restore_from: Option<PathBuf>,
}

/// A person let in by the office: the clinic, who they are, and the epoch it happened in.
pub(super) type LetIn = (Arc<Clinic>, Actor, u64);

impl Office {
    /// The office of the clinic in `dir` (set up or not yet), on the system clock and
    /// the system's printer. This is the process starting, so whatever handouts an
    /// earlier run left in the print spool folder are removed now. Takes the folder's
    /// lock if it can; if not, [`Desk::app_status`](super::signin::Desk::app_status) says
    /// why, and setup and sign-in are refused with that error until the lock is free.
    pub fn new(dir: impl Into<PathBuf>) -> Office {
        let dir = dir.into();
        printing::sweep_spool(&dir.join(SPOOL_DIR));
        let office = Office {
            dir,
            clock: Arc::new(SystemClock),
            kdf: KdfParams::RECOMMENDED,
            idle_override: None,
            printer: Printer::default(),
            changes: None,
            lock: Mutex::new(None),
            opening: Mutex::new(()),
            inner: Mutex::new(Inner::default()),
        };
        let _ = office.folder_lock();
        office
    }

    /// The same office printing handouts on `printer` (the end-to-end tests' folder).
    pub fn with_printer(mut self, printer: Printer) -> Office {
        self.printer = printer;
        self
    }

    /// The same office on `clock` (tests set and move the time).
    pub fn with_clock(mut self, clock: Arc<dyn Clock>) -> Office {
        self.clock = clock;
        self
    }

    /// The same office with this key-derivation cost for the setup (tests use a cheap one).
    pub fn with_kdf(mut self, kdf: KdfParams) -> Office {
        self.kdf = kdf;
        self
    }

    /// The same office locking its desks after `idle` whatever the clinic's setting says.
    pub fn with_idle_lock(mut self, idle: Option<Duration>) -> Office {
        self.idle_override = idle;
        self
    }

    /// The same office telling `hook` what each committed write changed, whenever the
    /// clinic is open (the clinic server pushes it to every workstation).
    pub fn with_changes(mut self, hook: ChangeHook) -> Office {
        self.changes = Some(hook);
        self
    }

    /// The folder the clinic lives in.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The open clinic, if any (for the app's automatic backups).
    pub fn clinic(&self) -> Option<Arc<Clinic>> {
        self.inner().clinic.clone()
    }

    /// The open clinic, if any, and the epoch it belongs to, read together.
    pub(super) fn opened(&self) -> (Option<Arc<Clinic>>, u64) {
        let inner = self.inner();
        (inner.clinic.clone(), inner.epoch)
    }

    /// The time on the office's clock.
    pub(super) fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    /// The clinic folder's lock: held already, or taken now (`clinic.in_use`,
    /// `clinic.network_folder` when it cannot be).
    pub(super) fn folder_lock(&self) -> Result<()> {
        let mut lock = self.lock.lock().unwrap_or_else(PoisonError::into_inner);
        if lock.is_none() {
            *lock = Some(lock_folder(&self.dir)?);
        }
        Ok(())
    }

    /// How long a desk may stay idle before it locks.
    pub(super) fn idle_lock(&self, clinic: &Clinic) -> Duration {
        self.idle_override.unwrap_or_else(|| Duration::from_secs(u64::from(clinic.idle_lock_minutes()) * 60))
    }

    fn inner(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The lock to hold while the clinic opens or closes.
    fn opening(&self) -> MutexGuard<'_, ()> {
        self.opening.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Makes `clinic` the open one, on the office's clock and printer, in a new epoch.
    /// Only with [`Office::opening`] held.
    fn keep_open(&self, clinic: Clinic) -> (Arc<Clinic>, u64) {
        clinic.set_clock(self.clock.clone());
        clinic.set_printer(self.printer.clone());
        if let Some(hook) = &self.changes {
            clinic.db().notify_changes(hook.clone());
        }
        let clinic = Arc::new(clinic);
        let mut inner = self.inner();
        inner.clinic = Some(clinic.clone());
        inner.epoch += 1;
        (clinic, inner.epoch)
    }

    /// What *Help → About Glabella* shows (no sign-in needed: nothing in it is a record).
    pub(super) fn about(&self) -> About {
        About {
            version: env!("CARGO_PKG_VERSION"),
            data_folder: self.dir.clone(),
            last_verified_backup: self.clinic().map(|c| {
                backup::last_verified_written(&c).unwrap_or_else(|e| Some(format!("could not be read ({e})")))
            }),
        }
    }

    /// Records the open clinic's audit head in the key file, for when the process ends
    /// (without dropping the clinic, so [`Clinic`]'s own close never runs).
    pub fn close(&self) -> Result<()> {
        self.clinic().map_or(Ok(()), |clinic| clinic.record_audit_head())
    }

    /// Sets up the clinic (its details and first admin) and opens it. Refused once a
    /// clinic exists in the folder.
    pub(super) fn setup(&self, settings: &ClinicSettings, admin: &NewUser) -> Result<(SetupResult, u64)> {
        self.folder_lock()?;
        let _opening = self.opening();
        if self.clinic().is_some() || Clinic::is_set_up(&self.dir) {
            return Err(Error::Forbidden);
        }
        let set_up = Clinic::setup_with(&self.dir, settings, admin, self.kdf)?;
        let result = SetupResult { user: set_up.admin, recovery_key: set_up.recovery_key.to_string() };
        let (_, epoch) = self.keep_open(set_up.clinic);
        Ok((result, epoch))
    }

    /// Lets a person in against the open clinic, or by opening it with their password.
    /// Repeated failures for a username, at any desk, wait longer and longer before
    /// answering; every failure is audited (those from before the clinic opened, once
    /// it has).
    pub(super) fn sign_in(&self, username: &str, password: &str) -> Result<LetIn> {
        self.folder_lock()?;
        let delay = self.inner().throttle.delay(username);
        std::thread::sleep(delay);
        let result = self.authenticate_or_open(username, password);
        let mut inner = self.inner();
        match &result {
            Ok((clinic, ..)) => {
                inner.throttle.succeeded(username);
                let failures = std::mem::take(&mut inner.unrecorded_failures);
                drop(inner);
                for typed in failures {
                    clinic.record_failed_login(&typed)?;
                }
            }
            Err(Error::LoginFailed) => inner.throttle.failed(username),
            Err(_) => {}
        }
        result
    }

    /// The password checked by the open clinic, or the clinic opened with it. The open
    /// is serialised and checked again once its turn comes: another desk may have
    /// opened the clinic meanwhile.
    fn authenticate_or_open(&self, username: &str, password: &str) -> Result<LetIn> {
        let authenticate = |clinic: Arc<Clinic>, epoch| -> Result<LetIn> {
            let actor = clinic.authenticate(username, password)?;
            Ok((clinic, actor, epoch))
        };
        if let (Some(clinic), epoch) = self.opened() {
            return authenticate(clinic, epoch);
        }
        let _opening = self.opening();
        if let (Some(clinic), epoch) = self.opened() {
            return authenticate(clinic, epoch);
        }
        match Clinic::sign_in(&self.dir, username, password) {
            Ok((clinic, actor)) => {
                let (clinic, epoch) = self.keep_open(clinic);
                Ok((clinic, actor, epoch))
            }
            Err(Error::LoginFailed) => {
                self.inner().unrecorded_failures.push(username.to_string());
                Err(Error::LoginFailed)
            }
            Err(e) => Err(e),
        }
    }
}

/// Restoring a backup and the recovery key: the sign-in screen's ways back in.
impl Office {
    /// The backups in the clinic's own folder and in the folder picked with
    /// [`Office::find_backups`], newest first.
    pub(super) fn list_backups(&self) -> Vec<BackupChoice> {
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
    pub(super) fn find_backups(&self, dialog: &dyn SaveDialog) -> Vec<BackupChoice> {
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

    /// Closes the open clinic, signing out every desk, waiting a while for work in
    /// progress on it to finish. Only with [`Office::opening`] held.
    fn close_clinic(&self) -> Result<()> {
        let Some(mut clinic) = ({
            let mut inner = self.inner();
            inner.epoch += 1;
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
    /// deleted), then the restored clinic opens and the restore is audited in it. Every
    /// desk is signed out; with a password, that administrator is let in.
    pub(super) fn restore_backup(&self, id: &str, unlock: &RestoreUnlock) -> Result<(RestoreResult, u64)> {
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
        let _opening = self.opening();
        self.close_clinic()?;
        let reopened = restore::restore_and_open(&self.dir, &bundle, &key, &how, self.now())?;
        let (_, epoch) = self.keep_open(reopened.clinic);
        if reopened.actor.is_some() {
            self.inner().throttle.succeeded(&unlock.username);
        }
        let result = RestoreResult {
            user: reopened.actor,
            backup_created_at: reopened.restored.manifest.created_at,
            moved_aside: reopened.restored.moved_aside.map(|p| p.display().to_string()),
        };
        Ok((result, epoch))
    }

    /// The clinic opened with the recovery key (opening it if it is closed), and its
    /// epoch; refused with `auth.wrong_recovery_key` when the key is not this clinic's.
    fn open_with_recovery(&self, recovery_key: &str) -> Result<(Arc<Clinic>, u64)> {
        let _opening = self.opening();
        if let (Some(clinic), epoch) = self.opened() {
            KeyFile::load(&self.dir)?.unwrap_with_recovery(&RecoveryKey::parse(recovery_key)?)?;
            return Ok((clinic, epoch));
        }
        Ok(self.keep_open(Clinic::open_with_recovery(&self.dir, recovery_key)?))
    }

    /// *Forgot every password?*: the clinic's active administrators, once the recovery
    /// key has proved right.
    pub(super) fn recovery_admins(&self, recovery_key: &str) -> Result<Vec<AdminAccount>> {
        let (clinic, _) = self.open_with_recovery(recovery_key)?;
        active_admins(&clinic)
    }

    /// Gives administrator `user_id` the new password `password` with the recovery key
    /// and lets them in. Audited as emergency access; every administrator is told at
    /// their next sign-in.
    pub(super) fn recover_access(&self, recovery_key: &str, user_id: i64, password: &str) -> Result<LetIn> {
        let (clinic, epoch) = self.open_with_recovery(recovery_key)?;
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
        self.inner().throttle.succeeded(&actor.username);
        Ok((clinic, actor, epoch))
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
