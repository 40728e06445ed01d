//! What the commands share: the data folder, the open clinic (once someone has signed
//! in), who is signed in, and whether the app is locked. The session lives here, in
//! the shell, because it belongs to this window; what each person may do is decided in
//! the core, from the [`Actor`] handed to every call.

use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use glabella_core::audit::Action;
use glabella_core::auth::throttle::LoginThrottle;
use glabella_core::auth::Actor;
use glabella_core::clinic::Clinic;
use glabella_core::{Error, Result};

/// Environment variable that sets the idle lock in seconds, overriding the clinic's
/// setting: a test hook, so the lock can be tested without waiting minutes.
pub const IDLE_LOCK_ENV: &str = "GLABELLA_IDLE_LOCK_SECONDS";

/// The shell's managed state.
pub struct AppState {
    pub dir: PathBuf,
    /// When the process started, to log the time to a usable window.
    pub started: Instant,
    idle_override: Option<Duration>,
    inner: Mutex<Inner>,
}

#[derive(Default)]
struct Inner {
    clinic: Option<Arc<Clinic>>,
    session: Option<Session>,
    throttle: LoginThrottle,
    /// Failed sign-ins made before the database was open, recorded once it opens.
    unrecorded_failures: Vec<String>,
}

struct Session {
    actor: Actor,
    locked: bool,
    last_activity: Instant,
    idle_lock: Duration,
}

impl AppState {
    pub fn new(dir: PathBuf, started: Instant) -> Self {
        let idle_override = std::env::var(IDLE_LOCK_ENV).ok().and_then(|s| s.parse().ok()).map(Duration::from_secs);
        AppState { dir, started, idle_override, inner: Mutex::new(Inner::default()) }
    }

    fn inner(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The idle time after which the app locks for this clinic.
    pub fn idle_lock(&self, clinic: &Clinic) -> Duration {
        self.idle_override.unwrap_or_else(|| {
            let minutes = clinic
                .db()
                .read(glabella_core::auth::settings::get_settings)
                .map(|s| s.idle_lock_minutes)
                .unwrap_or(10);
            Duration::from_secs(u64::from(minutes) * 60)
        })
    }

    /// The open clinic and the signed-in, unlocked actor; counts as activity. Locks the
    /// app (and refuses) if it has been idle too long.
    pub fn actor(&self) -> Result<(Arc<Clinic>, Actor)> {
        let mut inner = self.inner();
        let clinic = inner.clinic.clone().ok_or(Error::NotSignedIn)?;
        let session = inner.session.as_mut().ok_or(Error::NotSignedIn)?;
        if session.locked {
            return Err(Error::Locked);
        }
        if session.last_activity.elapsed() > session.idle_lock {
            session.locked = true;
            let actor = session.actor.clone();
            drop(inner);
            clinic.record(&actor, Action::Lock)?;
            return Err(Error::Locked);
        }
        session.last_activity = Instant::now();
        Ok((clinic, session.actor.clone()))
    }

    /// The open clinic, if any (whoever is signed in).
    pub fn clinic(&self) -> Option<Arc<Clinic>> {
        self.inner().clinic.clone()
    }

    /// Who is signed in and whether the app is locked.
    pub fn session(&self) -> Option<(Actor, bool, Duration)> {
        self.inner().session.as_ref().map(|s| (s.actor.clone(), s.locked, s.idle_lock))
    }

    /// How long to wait before answering a sign-in for `username`.
    pub fn login_delay(&self, username: &str) -> Duration {
        self.inner().throttle.delay(username)
    }

    /// Signs `username` in: against the open clinic, or by opening it with their
    /// password. Failed attempts are recorded and slow down the next ones.
    pub fn sign_in(&self, username: &str, password: &str) -> Result<Actor> {
        let open = self.clinic();
        let result = match &open {
            Some(clinic) => clinic.authenticate(username, password).map(|actor| (clinic.clone(), actor)),
            None => Clinic::sign_in(&self.dir, username, password).map(|(clinic, actor)| (Arc::new(clinic), actor)),
        };
        match result {
            Ok((clinic, actor)) => {
                let mut inner = self.inner();
                inner.throttle.succeeded(username);
                for typed in std::mem::take(&mut inner.unrecorded_failures) {
                    clinic.record_failed_login(&typed)?;
                }
                if inner.session.as_ref().is_some_and(|s| s.locked && s.actor.user_id == actor.user_id) {
                    clinic.record(&actor, Action::Unlock)?;
                }
                let idle_lock = self.idle_lock(&clinic);
                inner.clinic = Some(clinic);
                inner.session =
                    Some(Session { actor: actor.clone(), locked: false, last_activity: Instant::now(), idle_lock });
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

    /// Opens a freshly set-up clinic with its first admin signed in.
    pub fn start(&self, clinic: Clinic, actor: Actor) {
        let idle_lock = self.idle_lock(&clinic);
        let mut inner = self.inner();
        inner.clinic = Some(Arc::new(clinic));
        inner.session = Some(Session { actor, locked: false, last_activity: Instant::now(), idle_lock });
    }

    /// Locks the app; the same person or another can sign in again.
    pub fn lock(&self) -> Result<()> {
        let mut inner = self.inner();
        let (Some(clinic), Some(session)) = (inner.clinic.clone(), inner.session.as_mut()) else { return Ok(()) };
        if !session.locked {
            session.locked = true;
            let actor = session.actor.clone();
            drop(inner);
            clinic.record(&actor, Action::Lock)?;
        }
        Ok(())
    }

    /// Signs the current person out (the database stays open for the next sign-in).
    pub fn sign_out(&self) -> Result<()> {
        let mut inner = self.inner();
        let session = inner.session.take();
        let clinic = inner.clinic.clone();
        drop(inner);
        if let (Some(session), Some(clinic)) = (session, clinic) {
            clinic.record(&session.actor, Action::Logout)?;
        }
        Ok(())
    }

    /// Re-reads the idle lock after an admin changed the settings.
    pub fn refresh_idle_lock(&self) {
        let mut inner = self.inner();
        if let (Some(clinic), Some(session)) = (inner.clinic.clone(), inner.session.as_mut()) {
            session.idle_lock = self.idle_lock(&clinic);
        }
    }
}
