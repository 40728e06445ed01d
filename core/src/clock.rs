//! The clinic's clock: the one place the core asks what time it is. A clinic runs on
//! the system clock; tests give it a [`TestClock`] they can set and move on, so a
//! re-treatment warning, an idle lock or an audit time can be checked at any moment.
//!
//! Feature code that stamps a record (the audit log, "registered at", "saved at")
//! takes the time from its connection with [`now`]: every connection the [`crate::Db`]
//! opens carries the clinic's clock as the SQL function `glabella_now()`, so a write
//! and its audit entry see the same clock without a time argument on every function.
//! Operations whose rules depend on the time (today's date for an expiry, the moment
//! a session is signed) get it from the clinic (`Clinic::now`) and pass it down.

use std::sync::{Arc, Mutex, RwLock};

use chrono::{DateTime, Duration, SecondsFormat, Utc};
use rusqlite::functions::FunctionFlags;
use rusqlite::Connection;

use crate::Result;

/// Where the time comes from.
pub trait Clock: Send + Sync {
    /// The current instant.
    fn now(&self) -> DateTime<Utc>;
}

/// The computer's clock.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// A clock that stands still until a test sets it or moves it on.
#[derive(Debug)]
pub struct TestClock(Mutex<DateTime<Utc>>);

impl TestClock {
    /// A clock showing `at`.
    pub fn at(at: DateTime<Utc>) -> Arc<TestClock> {
        Arc::new(TestClock(Mutex::new(at)))
    }

    /// Sets the time.
    pub fn set(&self, at: DateTime<Utc>) {
        *self.0.lock().unwrap_or_else(|p| p.into_inner()) = at;
    }

    /// Moves the time on by `by`.
    pub fn advance(&self, by: Duration) {
        let mut now = self.0.lock().unwrap_or_else(|p| p.into_inner());
        *now += by;
    }
}

impl Clock for TestClock {
    fn now(&self) -> DateTime<Utc> {
        *self.0.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// The clock a database's connections read, which can be swapped while it is open
/// (a test sets its own clock on an opened clinic).
#[derive(Clone)]
pub struct SharedClock(Arc<RwLock<Arc<dyn Clock>>>);

impl Default for SharedClock {
    fn default() -> Self {
        SharedClock(Arc::new(RwLock::new(Arc::new(SystemClock))))
    }
}

impl std::fmt::Debug for SharedClock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("SharedClock").field(&self.now()).finish()
    }
}

impl SharedClock {
    /// The current instant by the clock in use.
    pub fn now(&self) -> DateTime<Utc> {
        self.0.read().unwrap_or_else(|p| p.into_inner()).now()
    }

    /// Uses `clock` from now on.
    pub fn set(&self, clock: Arc<dyn Clock>) {
        *self.0.write().unwrap_or_else(|p| p.into_inner()) = clock;
    }

    /// Makes this clock `conn`'s `glabella_now()`.
    pub(crate) fn install(&self, conn: &Connection) -> Result<()> {
        let clock = self.clone();
        conn.create_scalar_function("glabella_now", 0, FunctionFlags::SQLITE_UTF8, move |_| Ok(iso(clock.now())))?;
        Ok(())
    }
}

/// The time by the clock of the database `conn` belongs to.
pub fn now(conn: &Connection) -> Result<DateTime<Utc>> {
    let text: String = conn.prepare_cached("SELECT glabella_now()")?.query_row([], |r| r.get(0))?;
    DateTime::parse_from_rfc3339(&text)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| crate::Error::Internal(format!("the clock read {text:?}: {e}")))
}

/// [`now`] as stored: UTC ISO-8601 with milliseconds.
pub fn now_iso(conn: &Connection) -> Result<String> {
    Ok(iso(now(conn)?))
}

/// An instant as stored: UTC ISO-8601 with milliseconds.
pub fn iso(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// A stored instant read back ([`iso`]'s inverse); the epoch if it is not one.
pub fn parse_iso(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text).map(|t| t.with_timezone(&Utc)).unwrap_or_default()
}
