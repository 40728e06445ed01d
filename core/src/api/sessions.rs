//! Injection sessions: the chart's timeline, and an injector starting, saving, signing
//! and amending a session. The follow-up and next-due dates may be typed the clinic's
//! way; they are stored as `YYYY-MM-DD`.

use rusqlite::Connection;

use crate::auth::Actor;
use crate::booking;
use crate::calendar::{self, DateFormat};
use crate::clinic::Clinic;
use crate::products::TreatmentKind;
use crate::sessions::{self, Session, SessionForm, SessionSummary};
use crate::Result;

/// A patient's sessions, newest first, as summaries (everyone at the desk sees these).
pub fn list_patient_sessions(clinic: &Clinic, actor: &Actor, patient_id: i64) -> Result<Vec<SessionSummary>> {
    clinic.db().read(|c| sessions::list_sessions(c, actor, patient_id))
}

/// Starts a draft session for a patient, now.
pub fn start_session(clinic: &Clinic, actor: &Actor, patient_id: i64, kind: TreatmentKind) -> Result<Session> {
    let now = clinic.now();
    clinic.db().write(|tx| sessions::start_session(tx, actor, patient_id, kind, now))
}

/// Opens a session to read or go on with; the view is audited.
pub fn open_session(clinic: &Clinic, actor: &Actor, id: i64) -> Result<Session> {
    clinic.db().write(|tx| sessions::open_session(tx, actor, id))
}

/// Saves a draft as it stands (the session screen calls this as the injector works).
pub fn save_session(clinic: &Clinic, actor: &Actor, id: i64, form: &SessionForm) -> Result<Session> {
    clinic.db().write(|tx| sessions::save_session(tx, actor, id, &as_stored(tx, form)?))
}

/// Signs a session: from now on it is read-only and corrected only by amendments. The
/// appointment it was started from is completed in the same transaction.
pub fn sign_session(clinic: &Clinic, actor: &Actor, id: i64, form: &SessionForm) -> Result<Session> {
    let now = clinic.now();
    clinic.db().write(|tx| {
        let session = sessions::sign_session(tx, actor, id, &as_stored(tx, form)?, now)?;
        booking::book::complete_for_session(tx, actor, id)?;
        Ok(session)
    })
}

/// `form` with its dates as stored, where they read as dates the clinic's way.
fn as_stored(conn: &Connection, form: &SessionForm) -> Result<SessionForm> {
    let dates = DateFormat::of(conn)?;
    let mut form = form.clone();
    calendar::normalise_date(&mut form.follow_up_date, dates);
    calendar::normalise_date(&mut form.next_due_date, dates);
    Ok(form)
}

/// Appends an amendment to a signed session.
pub fn amend_session(clinic: &Clinic, actor: &Actor, id: i64, reason: &str, text: &str) -> Result<Session> {
    let now = clinic.now();
    clinic.db().write(|tx| sessions::amend_session(tx, actor, id, reason, text, now))
}
