//! The clinic's encrypted store as a whole: the database, its key and the key file
//! that holds the key wrapped once per user and once for the recovery key. Everything
//! that must change the database and the key file together lives here — setting up
//! the clinic, creating users, resetting and changing passwords, deactivating — so the
//! two never disagree about who can open the database.
//!
//! The database key is in memory only while the clinic is open; on disk it exists only
//! wrapped (see `db::keys`).

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};

use chrono::{DateTime, NaiveDate, Utc};

use crate::audit::{self, entity, Action, NewEntry};
use crate::auth::settings::{self, ClinicSettings};
use crate::auth::users::{self, NewUser, User};
use crate::auth::{Actor, Permission, Role};
use crate::clock::{self, Clock};
use crate::db::keys::KdfParams;
use crate::db::{self, DatabaseKey, KeyFile, RecoveryKey, DB_FILE};
use crate::printing::{Printer, SPOOL_DIR};
use crate::{Db, Error, Result};

/// An open clinic.
pub struct Clinic {
    db: Db,
    key: DatabaseKey,
    keys: Mutex<KeyFile>,
    /// The idle lock setting, kept here so checking it costs no read per operation.
    idle_lock_minutes: AtomicU32,
    /// Where handouts are printed (the system's printer unless the shell or a test says).
    printer: Mutex<Printer>,
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
        std::fs::create_dir_all(dir)?;
        let (keys, key, recovery_key) = KeyFile::create_with_params(dir, &admin.username, &admin.password, kdf)?;
        if dir.join(DB_FILE).exists() {
            db::encrypt_plaintext(dir, &key)?;
        }
        let db = open_db(dir, &key)?;
        let actor = db.write(|tx| {
            settings::store_settings(tx, clinic)?;
            let user = users::insert_user(tx, &admin)?;
            let actor = Actor::new(user.id, user.username, user.display_name, Role::Admin);
            audit::record(tx, &actor.audit(Action::Setup).on(entity::SETTING, "clinic"))?;
            audit::record(
                tx,
                &actor.audit(Action::UserCreate).on(entity::USER, actor.user_id).described("first admin"),
            )?;
            audit::record(tx, &actor.audit(Action::Login).on(entity::USER, actor.user_id))?;
            Ok(actor)
        })?;
        Ok(SetUp { clinic: Clinic::new(db, key, keys)?, admin: actor, recovery_key })
    }

    /// Opens the clinic in `dir` with a user's password and signs them in. Any failure
    /// to unwrap the key or to authenticate is the same `auth.failed`.
    pub fn sign_in(dir: &Path, username: &str, password: &str) -> Result<(Clinic, Actor)> {
        let keys = KeyFile::load(dir)?;
        let key = keys.unwrap_with_password(username, password)?;
        let clinic = Clinic::new(open_db(dir, &key)?, key, keys)?;
        let actor = clinic.authenticate(username, password)?;
        Ok((clinic, actor))
    }

    /// Opens the clinic in `dir` with the recovery key (no one is signed in).
    pub fn open_with_recovery(dir: &Path, recovery: &str) -> Result<Clinic> {
        let keys = KeyFile::load(dir)?;
        let key = keys.unwrap_with_recovery(&RecoveryKey::parse(recovery)?)?;
        Clinic::new(open_db(dir, &key)?, key, keys)
    }

    fn new(db: Db, key: DatabaseKey, keys: KeyFile) -> Result<Clinic> {
        let minutes = db.read(settings::get_settings)?.idle_lock_minutes;
        Ok(Clinic {
            db,
            key,
            keys: Mutex::new(keys),
            idle_lock_minutes: AtomicU32::new(minutes),
            printer: Mutex::new(Printer::default()),
        })
    }

    /// The database.
    pub fn db(&self) -> &Db {
        &self.db
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

    /// The clinic's local date by its clock.
    pub fn today(&self) -> NaiveDate {
        clock::local_date(self.now())
    }

    /// Minutes without activity after which a desk locks (a clinic setting).
    pub fn idle_lock_minutes(&self) -> u32 {
        self.idle_lock_minutes.load(Ordering::Relaxed)
    }

    /// The folder the clinic lives in.
    pub fn dir(&self) -> PathBuf {
        self.db.path().parent().map(Path::to_path_buf).unwrap_or_default()
    }

    /// Checks a user's password against the open database; records the login, or the
    /// failed attempt (with the name as typed).
    pub fn authenticate(&self, username: &str, password: &str) -> Result<Actor> {
        match self.db.read(|c| users::authenticate(c, username, password)) {
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

    /// Creates an account and lets its password open the database (admins only).
    pub fn create_user(&self, actor: &Actor, new: &NewUser) -> Result<User> {
        self.db.write(|tx| {
            let user = users::create_user(tx, actor, new)?;
            audit::record(
                tx,
                &actor
                    .audit(Action::UserCreate)
                    .on(entity::USER, user.id)
                    .described(format!("role {}", user.role.as_str())),
            )?;
            self.with_keys(|keys| keys.set_user(&user.username, &new.password, &self.key))?;
            Ok(user)
        })
    }

    /// Sets a new password for another account (admins only), replacing its wrapping.
    pub fn reset_password(&self, actor: &Actor, user_id: i64, password: &str) -> Result<User> {
        actor.require(Permission::ManageUsers)?;
        self.db.write(|tx| {
            let user = users::set_password(tx, user_id, password, "password")?;
            if !user.active {
                return Err(Error::invalid("password", "Reactivate the account first."));
            }
            audit::record(tx, &actor.audit(Action::PasswordReset).on(entity::USER, user.id))?;
            self.with_keys(|keys| keys.set_user(&user.username, password, &self.key))?;
            Ok(user)
        })
    }

    /// Changes the signed-in user's own password, after checking the current one.
    pub fn change_own_password(&self, actor: &Actor, current: &str, new: &str) -> Result<()> {
        if self.db.read(|c| users::authenticate(c, &actor.username, current)).is_err() {
            return Err(Error::invalid("currentPassword", "The current password is not right."));
        }
        self.db.write(|tx| {
            users::set_password(tx, actor.user_id, new, "newPassword")?;
            audit::record(tx, &actor.audit(Action::PasswordChange).on(entity::USER, actor.user_id))?;
            self.with_keys(|keys| keys.set_user(&actor.username, new, &self.key))
        })
    }

    /// Deactivates an account: it can no longer sign in nor open the database.
    pub fn deactivate_user(&self, actor: &Actor, user_id: i64) -> Result<User> {
        self.db.write(|tx| {
            let user = users::set_active(tx, actor, user_id, false)?;
            audit::record(tx, &actor.audit(Action::UserDeactivate).on(entity::USER, user.id))?;
            self.with_keys(|keys| {
                keys.remove_user(&user.username);
                Ok(())
            })?;
            Ok(user)
        })
    }

    /// Reactivates an account with a new password (its old wrapping was removed).
    pub fn reactivate_user(&self, actor: &Actor, user_id: i64, password: &str) -> Result<User> {
        self.db.write(|tx| {
            users::set_active(tx, actor, user_id, true)?;
            let user = users::set_password(tx, user_id, password, "password")?;
            audit::record(tx, &actor.audit(Action::UserReactivate).on(entity::USER, user.id))?;
            self.with_keys(|keys| keys.set_user(&user.username, password, &self.key))?;
            Ok(user)
        })
    }

    /// Changes an account's role (admins only).
    pub fn set_role(&self, actor: &Actor, user_id: i64, role: Role) -> Result<User> {
        self.db.write(|tx| {
            let user = users::set_role(tx, actor, user_id, role)?;
            audit::record(
                tx,
                &actor.audit(Action::RoleChange).on(entity::USER, user.id).described(format!("role {}", role.as_str())),
            )?;
            Ok(user)
        })
    }

    /// Changes the clinic's settings (admins only).
    pub fn update_settings(&self, actor: &Actor, new: &ClinicSettings) -> Result<ClinicSettings> {
        let saved = self.db.write(|tx| {
            let saved = settings::update_settings(tx, actor, new)?;
            audit::record(tx, &actor.audit(Action::SettingChange).on(entity::SETTING, "clinic"))?;
            Ok(saved)
        })?;
        self.idle_lock_minutes.store(saved.idle_lock_minutes, Ordering::Relaxed);
        Ok(saved)
    }

    /// Runs `change` on the key file and saves it. Called inside the database write it
    /// belongs to, so a key file that cannot be saved rolls the database change back.
    fn with_keys(&self, change: impl FnOnce(&mut KeyFile) -> Result<()>) -> Result<()> {
        let mut keys = self.keys.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        change(&mut keys)?;
        keys.save()
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
