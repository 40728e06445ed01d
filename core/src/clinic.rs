//! The clinic's encrypted store as a whole: the database, its key and the key file
//! that holds the key wrapped once per user and once for the recovery key. Everything
//! that must change the database and the key file together lives here — setting up
//! the clinic, creating users, resetting and changing passwords, deactivating — so the
//! two never disagree about who can open the database.
//!
//! The database key is in memory only while the clinic is open; on disk it exists only
//! wrapped (see `db::keys`). An open clinic holds its folder's lock (`db::lock_folder`),
//! so no other process opens it meanwhile.
//!
//! # Nobody is locked out by a crash or a failed save
//!
//! A password has one home: the user's wrapping in the key file. Signing in unwraps it;
//! the `users` row only says whether the account exists, is active and its role. The
//! key file and the database are still two files, written one after the other, so each
//! operation orders its two writes such that a crash between them, or a key file that
//! cannot be saved (a file held open by antivirus), leaves the old or the new password
//! working — never neither — and the recovery key is never touched:
//!
//! - **Granting** (creating an account, resetting or changing a password,
//!   reactivating): the key file is saved first, inside the database transaction,
//!   which commits after it. A failed save rolls the transaction back: nothing changed.
//!   A crash after the save leaves the new wrapping with the old rows: a changed
//!   password opens with the new password (its audit row is lost with the crash); a
//!   new or reactivated account has a wrapping but no active row, so it is refused, as
//!   before the operation. Saving after the commit instead would, on a crash, leave a
//!   new account that cannot sign in and a changed password whose audit row says it
//!   changed while only the old one works.
//! - **Revoking** (deactivating): the database commits first, then the wrapping is
//!   removed. An inactive row is refused whatever the key file holds, so a crash or a
//!   failed save in between already keeps the person out.
//!
//! - **Setting up**: the key file is created first, then the database with the first
//!   admin. If that fails on a fresh folder both are removed, since a key file without
//!   its admin (and with a recovery key nobody was shown) would lock the folder for good.
//!
//! Wrappings left over that way (for an account with no active row) are removed on
//! the next save of the key file and when the clinic next opens; a database with no
//! accounts at all is never pruned. The in-memory key file changes only after a save
//! succeeded: each change is made on a fresh copy read from disk, saved, then kept.
//!
//! # The end of the audit trail
//!
//! Each save of the key file also records the audit log's head (`audit::chain_head`,
//! as committed), and so do sign-out, closing the clinic and the admin operations above
//! ([`Clinic::record_audit_head`]). On opening, the log is compared with the recorded
//! head ([`Clinic::audit_tail`]). A head is never recorded over one the log no longer
//! contains, so a cut stays reported until someone looks into it.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use chrono_tz::Tz;
use rusqlite::Connection;

use crate::audit::{self, entity, Action, NewEntry, TailProblem};
use crate::auth::settings::{self, ClinicSettings};
use crate::auth::users::{self, NewUser, User};
use crate::auth::{Actor, Permission, Role};
use crate::calendar;
use crate::clock::{self, Clock};
use crate::db::keys::KdfParams;
use crate::db::{self, DatabaseKey, FolderLock, KeyFile, RecoveryKey, DB_FILE};
use crate::imports;
use crate::printing::{Print, Printer, SPOOL_DIR};
use crate::{Db, Error, Result};

/// Where setup keeps the new key file until the first admin is committed.
const SETUP_DIR: &str = ".setup";

/// An open clinic.
pub struct Clinic {
    db: Db,
    key: DatabaseKey,
    /// The key file as last saved (or loaded).
    keys: Mutex<KeyFile>,
    /// The idle lock setting, kept here so checking it costs no read per operation.
    idle_lock_minutes: AtomicU32,
    /// Where handouts are printed (the system's printer unless the shell or a test says).
    printer: Mutex<Printer>,
    /// What opening found wrong with the end of the audit log.
    audit_tail: Option<TailProblem>,
    /// The CSV file chosen for an import, between its preview and the import.
    import_file: imports::Held,
    /// Held while the clinic is open; declared last, so it is released last.
    _lock: Arc<FolderLock>,
}

impl std::fmt::Debug for Clinic {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Clinic").field("db", &self.db.path()).finish_non_exhaustive()
    }
}

/// What a fresh setup hands back: the open clinic, its first admin, and the recovery
/// key to show once.
#[derive(Debug)]
pub struct SetUp {
    pub clinic: Clinic,
    pub admin: Actor,
    pub recovery_key: RecoveryKey,
}

impl Clinic {
    /// Whether `dir` holds a set-up clinic (its key file exists).
    pub fn is_set_up(dir: &Path) -> bool {
        KeyFile::exists(dir)
    }

    /// Sets up a new clinic in `dir`: its settings, its first admin and a recovery key.
    /// A database from before encryption is encrypted in place, keeping its patients.
    pub fn setup(dir: &Path, clinic: &ClinicSettings, admin: &NewUser) -> Result<SetUp> {
        Clinic::setup_with(dir, clinic, admin, KdfParams::RECOMMENDED)
    }

    /// [`Clinic::setup`] with explicit key-derivation cost (tests use a cheap one).
    pub fn setup_with(dir: &Path, clinic: &ClinicSettings, admin: &NewUser, kdf: KdfParams) -> Result<SetUp> {
        // Check the forms before anything touches the disk.
        let admin = NewUser { role: Role::Admin, ..admin.clone() };
        settings::validated(clinic)?;
        users::validate_new_user(&admin)?;
        let lock = db::lock_folder(dir)?;
        if KeyFile::exists(dir) {
            return Err(Error::KeyFileExists(dir.display().to_string()));
        }
        // A setup cut short (a crash, a pulled plug) left its files: kept aside, never
        // deleted, and this setup starts afresh.
        if dir.join(SETUP_DIR).exists() {
            db::move_aside(dir, "interrupted-setup", &[SETUP_DIR], clock::SystemClock.now())?;
        }
        let fresh = !dir.join(DB_FILE).exists();
        let staging = dir.join(SETUP_DIR);
        let (_, key, recovery_key) = KeyFile::create_with_params(&staging, &admin.username, &admin.password, kdf)?;
        match Clinic::finish_setup(dir, clinic, &admin, kdf, key, lock) {
            Ok((clinic, admin)) => Ok(SetUp { clinic, admin, recovery_key }),
            Err(e) => {
                // Undone on a fresh folder, so setup can be tried again. A database from
                // before encryption is kept as the failure left it, with the staged key
                // file that may now be needed to open it (set aside by the next try).
                if fresh {
                    for file in [DB_FILE.to_string(), format!("{DB_FILE}-wal"), format!("{DB_FILE}-shm")] {
                        let _ = std::fs::remove_file(dir.join(file));
                    }
                    let _ = std::fs::remove_dir_all(&staging);
                }
                Err(e)
            }
        }
    }

    /// The part of setup after the key file is staged: the database and its first rows,
    /// then the key file moved into place. Until that rename the folder is not set up,
    /// so a crash at any step leaves a folder that asks for setup again, never a key
    /// file without its first admin (whose recovery key was never shown).
    fn finish_setup(
        dir: &Path,
        clinic: &ClinicSettings,
        admin: &NewUser,
        kdf: KdfParams,
        key: DatabaseKey,
        lock: Arc<FolderLock>,
    ) -> Result<(Clinic, Actor)> {
        if dir.join(DB_FILE).exists() {
            db::encrypt_plaintext(dir, &key)?;
        }
        let db = open_db(dir, &key)?;
        let actor = db.write(|tx| {
            settings::store_settings(tx, clinic)?;
            let user = users::insert_user(tx, admin)?;
            let actor = Actor::new(user.id, user.username, user.display_name, Role::Admin);
            audit::record(tx, &actor.audit(Action::Setup).on(entity::SETTING, "clinic"))?;
            audit::record(
                tx,
                &actor.audit(Action::UserCreate).on(entity::USER, actor.user_id).described("first admin"),
            )?;
            audit::record(tx, &actor.audit(Action::Login).on(entity::USER, actor.user_id))?;
            Ok(actor)
        })?;
        std::fs::rename(dir.join(SETUP_DIR).join(db::KEY_FILE), dir.join(db::KEY_FILE))?;
        db::sync_dir(dir);
        let _ = std::fs::remove_dir(dir.join(SETUP_DIR));
        let mut keys = KeyFile::load(dir)?;
        keys.set_kdf_params(kdf)?;
        let clinic = Clinic::new(db, key, keys, lock)?;
        clinic.record_audit_head_after_change();
        Ok((clinic, actor))
    }

    /// Opens the clinic in `dir` with a user's password and signs them in. Any failure
    /// to unwrap the key or to authenticate is the same `auth.failed`.
    pub fn sign_in(dir: &Path, username: &str, password: &str) -> Result<(Clinic, Actor)> {
        let lock = db::lock_folder(dir)?;
        let keys = KeyFile::load(dir)?;
        let key = keys.unwrap_with_password(username, password)?;
        let clinic = Clinic::new(open_db(dir, &key)?, key, keys, lock)?;
        let actor = clinic.sign_in_verified(username)?;
        Ok((clinic, actor))
    }

    /// Opens the clinic in `dir` with the recovery key (no one is signed in).
    pub fn open_with_recovery(dir: &Path, recovery: &str) -> Result<Clinic> {
        let lock = db::lock_folder(dir)?;
        let keys = KeyFile::load(dir)?;
        let key = keys.unwrap_with_recovery(&RecoveryKey::parse(recovery)?)?;
        Clinic::new(open_db(dir, &key)?, key, keys, lock)
    }

    fn new(db: Db, key: DatabaseKey, keys: KeyFile, lock: Arc<FolderLock>) -> Result<Clinic> {
        let minutes = db.read(settings::get_settings)?.idle_lock_minutes;
        let audit_tail = match keys.audit_head() {
            Some(mark) => db.read(|c| audit::check_tail(c, &mark.head()))?,
            None => None,
        };
        let clinic = Clinic {
            db,
            key,
            keys: Mutex::new(keys),
            idle_lock_minutes: AtomicU32::new(minutes),
            printer: Mutex::new(Printer::default()),
            audit_tail,
            import_file: imports::Held::default(),
            _lock: lock,
        };
        // Wrappings left by a crash or a failed save: removed now if the file can be
        // written (an inactive account is refused all the same if not).
        if clinic.db.read(|c| clinic.stale_wrappings(c, &clinic.keys()))? {
            let _ = clinic.db.read(|c| clinic.save_keys(c, |_| Ok(())));
        }
        Ok(clinic)
    }

    /// The database.
    pub fn db(&self) -> &Db {
        &self.db
    }

    /// The file chosen for an import, held here between its preview and the import.
    pub fn import_file(&self) -> &imports::Held {
        &self.import_file
    }

    /// The database key, for copies of the database that must open with it (backups).
    pub(crate) fn database_key(&self) -> &DatabaseKey {
        &self.key
    }

    /// Runs the clinic on `clock` from now on (its database's connections included).
    pub fn set_clock(&self, clock: Arc<dyn Clock>) {
        self.db.clock().set(clock);
    }

    /// Prints handouts on `printer` from now on.
    pub fn set_printer(&self, printer: Printer) {
        *self.printer.lock().unwrap_or_else(|p| p.into_inner()) = printer;
    }

    /// Prints `pdf` on the clinic's printer, through the private spool folder in the
    /// clinic's own folder; `job` (e.g. `handout-12.pdf`) names it only for a test printer.
    pub fn print(&self, pdf: &[u8], job: &str) -> Result<()> {
        let printer = self.printer.lock().unwrap_or_else(|p| p.into_inner()).clone();
        printer.print(&self.dir().join(SPOOL_DIR), pdf, job)
    }

    /// The current instant by the clinic's clock.
    pub fn now(&self) -> DateTime<Utc> {
        self.db.clock().now()
    }

    /// The clinic's time zone (its setting; the computer's if it cannot be read).
    pub fn zone(&self) -> Tz {
        self.db.read(calendar::zone).unwrap_or_else(|_| calendar::computer_zone())
    }

    /// The clinic's local date by its clock.
    pub fn today(&self) -> NaiveDate {
        calendar::local_date(self.now(), self.zone())
    }

    /// Minutes without activity after which a desk locks (a clinic setting).
    pub fn idle_lock_minutes(&self) -> u32 {
        self.idle_lock_minutes.load(Ordering::Relaxed)
    }

    /// The folder the clinic lives in.
    pub fn dir(&self) -> PathBuf {
        self.db.path().parent().map(Path::to_path_buf).unwrap_or_default()
    }

    /// What opening the clinic found wrong with the end of the audit log, compared with
    /// the head last recorded in the key file: entries cut from the end, or an end that
    /// was replaced.
    pub fn audit_tail(&self) -> Option<&TailProblem> {
        self.audit_tail.as_ref()
    }

    /// How many audit entries are missing from the end since the last recorded head
    /// (`Some(0)`: as many as recorded or more, but the recorded entry was replaced).
    pub fn audit_tail_missing(&self) -> Option<i64> {
        self.audit_tail.as_ref().map(TailProblem::missing)
    }

    fn keys(&self) -> MutexGuard<'_, KeyFile> {
        self.keys.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Whether `password` unwraps `username`'s wrapping (`Ok(false)` for a wrong one).
    fn password_opens(&self, username: &str, password: &str) -> Result<bool> {
        match self.keys().unwrap_with_password(username, password) {
            Ok(_) => Ok(true),
            Err(Error::LoginFailed) => Ok(false),
            Err(e) => Err(e),
        }
    }

    /// Checks a user's password against the key file and their account against the
    /// open database; records the login, or the failed attempt (with the name as typed).
    pub fn authenticate(&self, username: &str, password: &str) -> Result<Actor> {
        if !self.password_opens(username, password)? {
            self.record_failed_login(username)?;
            return Err(Error::LoginFailed);
        }
        self.sign_in_verified(username)
    }

    /// Signs in `username`, whose password was just checked: refused (and recorded as a
    /// failed attempt) unless the account is active.
    fn sign_in_verified(&self, username: &str) -> Result<Actor> {
        match self.db.read(|c| users::active_actor(c, username)) {
            Ok(actor) => {
                self.db.write(|tx| audit::record(tx, &actor.audit(Action::Login).on(entity::USER, actor.user_id)))?;
                Ok(actor)
            }
            Err(Error::LoginFailed) => {
                self.record_failed_login(username)?;
                Err(Error::LoginFailed)
            }
            Err(e) => Err(e),
        }
    }

    /// Records a failed sign-in for `username` as typed (also for attempts made while
    /// the database was still closed).
    pub fn record_failed_login(&self, username: &str) -> Result<()> {
        let typed: String = username.trim().chars().take(64).collect();
        self.db.write(|tx| audit::record(tx, &NewEntry::new(None, typed, Action::LoginFailed)).map(drop))
    }

    /// Records a plain event by `actor` (logout, lock, unlock).
    pub fn record(&self, actor: &Actor, action: Action) -> Result<()> {
        self.db.write(|tx| audit::record(tx, &actor.audit(action).on(entity::USER, actor.user_id)).map(drop))
    }

    /// Creates an account and lets its password open the database (admins only). The
    /// wrapping is saved before the row commits (see the module's notes).
    pub fn create_user(&self, actor: &Actor, new: &NewUser) -> Result<User> {
        let user = self.db.write(|tx| {
            let user = users::create_user(tx, actor, new)?;
            audit::record(
                tx,
                &actor
                    .audit(Action::UserCreate)
                    .on(entity::USER, user.id)
                    .described(format!("role {}", user.role.as_str())),
            )?;
            self.save_keys(tx, |keys| keys.set_user(&user.username, &new.password, &self.key))?;
            Ok(user)
        })?;
        self.record_audit_head_after_change();
        Ok(user)
    }

    /// Sets a new password for another account (admins only), replacing its wrapping.
    pub fn reset_password(&self, actor: &Actor, user_id: i64, password: &str) -> Result<User> {
        actor.require(Permission::ManageUsers)?;
        let user = self.db.write(|tx| {
            let user = users::set_password(tx, user_id, password, "password")?;
            if !user.active {
                return Err(Error::invalid("password", "Reactivate the account first."));
            }
            audit::record(tx, &actor.audit(Action::PasswordReset).on(entity::USER, user.id))?;
            self.save_keys(tx, |keys| keys.set_user(&user.username, password, &self.key))?;
            Ok(user)
        })?;
        self.record_audit_head_after_change();
        Ok(user)
    }

    /// Changes the signed-in user's own password, after checking the current one.
    pub fn change_own_password(&self, actor: &Actor, current: &str, new: &str) -> Result<()> {
        if !self.password_opens(&actor.username, current)? {
            return Err(Error::invalid("currentPassword", "The current password is not right."));
        }
        self.db.write(|tx| {
            users::set_password(tx, actor.user_id, new, "newPassword")?;
            audit::record(tx, &actor.audit(Action::PasswordChange).on(entity::USER, actor.user_id))?;
            self.save_keys(tx, |keys| keys.set_user(&actor.username, new, &self.key))
        })?;
        self.record_audit_head_after_change();
        Ok(())
    }

    /// Deactivates an account: it can no longer sign in nor open the database. The row
    /// commits first and the wrapping goes after (see the module's notes); if the key
    /// file cannot be saved now, the account is refused all the same and its wrapping
    /// goes with the next save.
    pub fn deactivate_user(&self, actor: &Actor, user_id: i64) -> Result<User> {
        let user = self.db.write(|tx| {
            let user = users::set_active(tx, actor, user_id, false)?;
            audit::record(tx, &actor.audit(Action::UserDeactivate).on(entity::USER, user.id))?;
            Ok(user)
        })?;
        let _ = self.db.read(|c| {
            self.save_keys(c, |keys| {
                keys.remove_user(&user.username);
                Ok(())
            })
        });
        Ok(user)
    }

    /// Reactivates an account with a new password (its old wrapping was removed). The
    /// wrapping is saved before the row commits (see the module's notes).
    pub fn reactivate_user(&self, actor: &Actor, user_id: i64, password: &str) -> Result<User> {
        let user = self.db.write(|tx| {
            users::set_active(tx, actor, user_id, true)?;
            let user = users::set_password(tx, user_id, password, "password")?;
            audit::record(tx, &actor.audit(Action::UserReactivate).on(entity::USER, user.id))?;
            self.save_keys(tx, |keys| keys.set_user(&user.username, password, &self.key))?;
            Ok(user)
        })?;
        self.record_audit_head_after_change();
        Ok(user)
    }

    /// Changes an account's role (admins only).
    pub fn set_role(&self, actor: &Actor, user_id: i64, role: Role) -> Result<User> {
        let user = self.db.write(|tx| {
            let user = users::set_role(tx, actor, user_id, role)?;
            audit::record(
                tx,
                &actor.audit(Action::RoleChange).on(entity::USER, user.id).described(format!("role {}", role.as_str())),
            )?;
            Ok(user)
        })?;
        self.record_audit_head_after_change();
        Ok(user)
    }

    /// Changes the clinic's settings (admins only).
    pub fn update_settings(&self, actor: &Actor, new: &ClinicSettings) -> Result<ClinicSettings> {
        let saved = self.db.write(|tx| {
            let saved = settings::update_settings(tx, actor, new)?;
            audit::record(tx, &actor.audit(Action::SettingChange).on(entity::SETTING, "clinic"))?;
            Ok(saved)
        })?;
        self.idle_lock_minutes.store(saved.idle_lock_minutes, Ordering::Relaxed);
        self.record_audit_head_after_change();
        Ok(saved)
    }

    /// Records the audit log's head (as committed) in the key file, so entries cut from
    /// the end later show; the app calls it at sign-out, the clinic after admin
    /// operations and when it closes. Saves only when the head moved (or a leftover
    /// wrapping is to go). Leaves the recorded head alone when the log no longer
    /// contains it: the cut stays reported.
    pub fn record_audit_head(&self) -> Result<()> {
        let moved = {
            let keys = self.keys();
            let recorded = keys.audit_head().map(|mark| mark.head());
            self.db.read(|c| Ok(recorded != Some(audit::chain_head(c)?) || self.stale_wrappings(c, &keys)?))?
        };
        if moved {
            self.db.read(|c| self.save_keys(c, |_| Ok(())))?;
        }
        Ok(())
    }

    /// [`Clinic::record_audit_head`] after an operation that has already committed:
    /// its failure (a key file that cannot be written just now) must not turn the
    /// operation into an error, and the head is recorded again at sign-out.
    fn record_audit_head_after_change(&self) {
        let _ = self.record_audit_head();
    }

    /// Whether the key file holds wrappings of accounts that are not active in `conn`
    /// (never when there are no accounts at all: a clinic whose setup did not finish).
    fn stale_wrappings(&self, conn: &Connection, keys: &KeyFile) -> Result<bool> {
        Ok(!stale_usernames(conn, keys)?.is_empty())
    }

    /// Changes the key file safely: `change` runs on a copy freshly read from disk
    /// (another clinic of this process may have saved since), wrappings of accounts not
    /// active in `conn` are dropped, the committed audit head is recorded, and the copy
    /// is saved; only then does it become this clinic's. Inside a write, `conn` is its
    /// transaction, so a new or reactivated account counts as active.
    fn save_keys(&self, conn: &Connection, change: impl FnOnce(&mut KeyFile) -> Result<()>) -> Result<()> {
        let mut kept = self.keys();
        let mut next = KeyFile::load(&self.dir())?;
        next.set_kdf_params(kept.kdf_params())?;
        change(&mut next)?;
        for name in stale_usernames(conn, &next)? {
            next.remove_user(&name);
        }
        // The head as committed (a read connection), never the uncommitted rows of the
        // write this may run in: a recorded head must not be ahead of the database.
        // Never over a head the log no longer contains (see `record_audit_head`).
        self.db.read(|c| {
            let still_there = match next.audit_head() {
                Some(mark) => audit::check_tail(c, &mark.head())?.is_none(),
                None => true,
            };
            if still_there {
                let now = self.now().to_rfc3339_opts(SecondsFormat::Secs, true);
                next.set_audit_head(&audit::chain_head(c)?, now);
            }
            Ok(())
        })?;
        next.save()?;
        *kept = next;
        Ok(())
    }
}

/// The clinic's printer prints what is printed on this computer.
impl Print for Clinic {
    fn print(&self, pdf: &[u8], job: &str) -> Result<()> {
        Clinic::print(self, pdf, job)
    }
}

/// The usernames `keys` has a wrapping for but `conn` has no active account for (none
/// when there are no accounts at all: a clinic whose setup did not finish).
fn stale_usernames(conn: &Connection, keys: &KeyFile) -> Result<Vec<String>> {
    let (active, any) = users::active_usernames(conn)?;
    if !any {
        return Ok(Vec::new());
    }
    Ok(keys.usernames().filter(|name| !active.iter().any(|a| a == name)).map(String::from).collect())
}

impl Drop for Clinic {
    /// Closing records the audit head (best effort: a crash records nothing, which only
    /// means the last recorded head is older).
    fn drop(&mut self) {
        let _ = self.record_audit_head();
    }
}

/// Opens (and migrates) the database, then adds what every clinic starts with and may
/// not have yet: the starter library and the default aftercare templates.
fn open_db(dir: &Path, key: &DatabaseKey) -> Result<Db> {
    let db = Db::open_dir(dir, key)?;
    db.write(|tx| {
        crate::articles::seed_starter_library(tx)?;
        crate::handouts::seed_templates(tx)
    })?;
    Ok(db)
}
