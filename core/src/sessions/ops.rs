//! The SQL of injection sessions. Functions take a `&Connection` inside the caller's
//! transaction; every change is audited on the patient (so the audit view's patient
//! filter finds it) with the session's number in the description.

use std::collections::hash_map::Entry;
use std::collections::HashMap;

use chrono::{DateTime, Days, NaiveDate, Utc};
use rusqlite::{params, Connection, OptionalExtension};

use super::{
    areas, dose_advice, totals, AdverseEvent, Amendment, PointDetail, PointInput, Session, SessionForm, SessionSummary,
    Severity, FOLLOW_UP_DAYS, NEXT_DUE_DAYS, RETREATMENT_DAYS,
};
use crate::audit::{self, entity, Action};
use crate::auth::{Actor, Permission};
use crate::calendar;
use crate::clock::{self, iso, parse_iso};
use crate::error::FieldError;
use crate::products::{get_product, DoseUnit, TreatmentKind};
use crate::stock::{draw_volume_ml, get_vial, refuse_expired, Vial, VIAL_HOURS};
use crate::text;
use crate::{Error, Result};

/// The clinic's local day of a stored UTC time.
fn local_day(conn: &Connection, text: &str) -> Result<NaiveDate> {
    Ok(calendar::local_date(parse_iso(text), calendar::zone(conn)?))
}

/// Starts a draft session for a patient, with the default follow-up (+14 days) and,
/// for toxins, next-due (+90 days) dates.
pub fn start_session(
    conn: &Connection,
    actor: &Actor,
    patient_id: i64,
    kind: TreatmentKind,
    now: DateTime<Utc>,
) -> Result<Session> {
    actor.require(Permission::ClinicalWrite)?;
    let archived: Option<bool> = conn
        .prepare_cached("SELECT archived_at IS NOT NULL FROM patients WHERE id = ?1")?
        .query_row([patient_id], |r| r.get(0))
        .optional()?;
    match archived {
        None => return Err(Error::NotFound("The patient")),
        Some(true) => {
            return Err(Error::invalid("patient", "This patient is archived; restore them before treating them."))
        }
        Some(false) => {}
    }
    let day = calendar::local_date(now, calendar::zone(conn)?);
    let follow_up = (day + Days::new(FOLLOW_UP_DAYS)).format("%Y-%m-%d").to_string();
    let next_due = match kind {
        TreatmentKind::Neurotoxin => (day + Days::new(NEXT_DUE_DAYS)).format("%Y-%m-%d").to_string(),
        _ => String::new(),
    };
    conn.prepare_cached(
        "INSERT INTO sessions (patient_id, injector_id, started_at, kind, follow_up_date, next_due_date, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?3)",
    )?
    .execute(params![patient_id, actor.user_id, iso(now), kind.as_str(), follow_up, next_due])?;
    let id = conn.last_insert_rowid();
    audit_session(conn, actor, Action::SessionCreate, patient_id, id)?;
    load(conn, id)
}

fn audit_session(conn: &Connection, actor: &Actor, action: Action, patient_id: i64, id: i64) -> Result<()> {
    audit::record(conn, &actor.audit(action).on(entity::PATIENT, patient_id).described(format!("session {id}")))?;
    Ok(())
}

/// Saves a draft as it stands. A signed session is refused with `session.signed`; a
/// point from an expired lot with `lot.expired`.
pub fn save_session(conn: &Connection, actor: &Actor, id: i64, form: &SessionForm) -> Result<Session> {
    actor.require(Permission::ClinicalWrite)?;
    let patient_id = write_draft(conn, id, form)?;
    audit_session(conn, actor, Action::SessionSave, patient_id, id)?;
    load(conn, id)
}

/// Saves the form and signs the session: from now on it cannot change.
pub fn sign_session(
    conn: &Connection,
    actor: &Actor,
    id: i64,
    form: &SessionForm,
    now: DateTime<Utc>,
) -> Result<Session> {
    actor.require(Permission::ClinicalWrite)?;
    let patient_id = write_draft(conn, id, form)?;
    load(conn, id)?.form.check_signable()?;
    conn.prepare_cached("UPDATE sessions SET signed_at = ?1, signed_by = ?2 WHERE id = ?3 AND signed_at IS NULL")?
        .execute(params![iso(now), actor.user_id, id])?;
    note_next_due(conn, id)?;
    audit_session(conn, actor, Action::SessionSign, patient_id, id)?;
    load(conn, id)
}

/// Keeps `patient_due` (the recall list's index) as a session is signed: the patient's
/// next-due date becomes this session's when it has one and is their latest.
fn note_next_due(conn: &Connection, session_id: i64) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO patient_due (patient_id, session_id, next_due_date)
         SELECT s.patient_id, s.id, s.next_due_date FROM sessions s WHERE s.id = ?1 AND s.next_due_date IS NOT NULL
         ON CONFLICT (patient_id) DO UPDATE SET session_id = excluded.session_id, next_due_date = excluded.next_due_date
         WHERE (SELECT started_at FROM sessions WHERE id = patient_due.session_id)
               <= (SELECT started_at FROM sessions WHERE id = excluded.session_id)",
    )?
    .execute([session_id])?;
    Ok(())
}

/// Validates and writes a draft's form; returns the patient's id.
fn write_draft(conn: &Connection, id: i64, form: &SessionForm) -> Result<i64> {
    let (patient_id, started_at, signed) = session_row(conn, id)?;
    if signed {
        return Err(Error::SessionSigned);
    }
    let day = local_day(conn, &started_at)?;
    let f = form.validated(day, calendar::DateFormat::of(conn)?)?;
    let mut vials: HashMap<i64, Vial> = HashMap::new();
    let mut problems = Vec::new();
    for (i, p) in f.points.iter().enumerate() {
        let vial = match vials.entry(p.vial_id) {
            Entry::Occupied(known) => known.into_mut(),
            Entry::Vacant(slot) => match get_vial(conn, p.vial_id) {
                Ok(v) => slot.insert(v),
                Err(Error::NotFound(_)) => {
                    problems.push(FieldError { field: "points", message: format!("Point {}: choose a vial.", i + 1) });
                    continue;
                }
                Err(e) => return Err(e),
            },
        };
        refuse_expired(conn, &vial.lot_number, &vial.expiry, day, "points")?;
        if f.kind != TreatmentKind::Other && vial.kind != TreatmentKind::Other && vial.kind != f.kind {
            problems.push(FieldError {
                field: "points",
                message: format!("Point {}: {} is not a {} product.", i + 1, vial.product_name, f.kind.as_str()),
            });
        }
    }
    if !problems.is_empty() {
        return Err(Error::Validation(problems));
    }
    conn.prepare_cached(
        "UPDATE sessions SET kind = ?1, consent_confirmed = ?2, consent_version = ?3, screen_acknowledged = ?4,
                notes = ?5, follow_up_date = ?6, next_due_date = ?7, updated_at = ?8 WHERE id = ?9",
    )?
    .execute(params![
        f.kind.as_str(),
        f.consent_confirmed,
        f.consent_version,
        f.screen_acknowledged,
        f.notes,
        Some(f.follow_up_date.as_str()).filter(|d| !d.is_empty()),
        Some(f.next_due_date.as_str()).filter(|d| !d.is_empty()),
        clock::now_iso(conn)?,
        id
    ])?;
    conn.prepare_cached("DELETE FROM injection_points WHERE session_id = ?1")?.execute([id])?;
    let mut insert = conn.prepare_cached(
        "INSERT INTO injection_points (session_id, position, vial_id, area, x, y, dose)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?;
    for (i, p) in f.points.iter().enumerate() {
        insert.execute(params![id, i as i64 + 1, p.vial_id, p.area, p.x, p.y, p.dose])?;
    }
    conn.prepare_cached("DELETE FROM adverse_events WHERE session_id = ?1")?.execute([id])?;
    let mut insert = conn.prepare_cached(
        "INSERT INTO adverse_events (session_id, position, what, severity, action_taken) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?;
    for (i, e) in f.adverse_events.iter().enumerate() {
        insert.execute(params![id, i as i64 + 1, e.what, e.severity.as_str(), e.action_taken])?;
    }
    Ok(patient_id)
}

/// Appends a correction to a signed session; the original stays as it was.
pub fn amend_session(
    conn: &Connection,
    actor: &Actor,
    id: i64,
    reason: &str,
    text: &str,
    now: DateTime<Utc>,
) -> Result<Session> {
    actor.require(Permission::ClinicalWrite)?;
    let (patient_id, _, signed) = session_row(conn, id)?;
    if !signed {
        return Err(Error::invalid("reason", "This session is still a draft: change it directly."));
    }
    let (reason, text) = (reason.trim(), text.trim());
    let mut problems = Vec::new();
    if reason.is_empty() || reason.chars().count() > 500 {
        problems.push(FieldError {
            field: "reason",
            message: "Say why the record is corrected (at most 500 characters).".into(),
        });
    } else if let Some(message) = text::line_problem(reason) {
        problems.push(FieldError { field: "reason", message });
    }
    if text.is_empty() || text.chars().count() > 4000 {
        problems.push(FieldError { field: "text", message: "Write the correction (at most 4000 characters).".into() });
    } else if let Some(message) = text::text_problem(text) {
        problems.push(FieldError { field: "text", message });
    }
    if !problems.is_empty() {
        return Err(Error::Validation(problems));
    }
    conn.prepare_cached(
        "INSERT INTO amendments (session_id, author_id, at, reason, text) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?
    .execute(params![id, actor.user_id, iso(now), reason, text])?;
    audit_session(conn, actor, Action::SessionAmend, patient_id, id)?;
    load(conn, id)
}

/// Opens a session to read; the view is audited.
pub fn open_session(conn: &Connection, actor: &Actor, id: i64) -> Result<Session> {
    actor.require(Permission::ClinicalRead)?;
    let session = load(conn, id)?;
    audit_session(conn, actor, Action::SessionView, session.patient_id, id)?;
    Ok(session)
}

/// A patient's sessions, newest first, as summaries (no clinical notes): what the
/// chart's timeline shows to everyone at the front desk.
pub fn list_sessions(conn: &Connection, actor: &Actor, patient_id: i64) -> Result<Vec<SessionSummary>> {
    actor.require(Permission::Demographics)?;
    summaries(conn, patient_id, None)
}

/// (patient, started at, signed) of a session.
fn session_row(conn: &Connection, id: i64) -> Result<(i64, String, bool)> {
    conn.prepare_cached("SELECT patient_id, started_at, signed_at IS NOT NULL FROM sessions WHERE id = ?1")?
        .query_row([id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .optional()?
        .ok_or(Error::NotFound("The session"))
}

/// Summaries of a patient's sessions, newest first; with `signed_before`, only the
/// latest signed one started before that time.
fn summaries(conn: &Connection, patient_id: i64, signed_before: Option<&str>) -> Result<Vec<SessionSummary>> {
    let mut stmt = conn.prepare_cached(
        "SELECT s.id, s.started_at, s.kind, s.signed_at IS NOT NULL, u.display_name,
                (SELECT COUNT(*) FROM amendments a WHERE a.session_id = s.id)
         FROM sessions s JOIN users u ON u.id = s.injector_id
         WHERE s.patient_id = ?1 AND (?2 IS NULL OR (s.signed_at IS NOT NULL AND s.started_at < ?2))
         ORDER BY s.started_at DESC, s.id DESC
         LIMIT CASE WHEN ?2 IS NULL THEN -1 ELSE 1 END",
    )?;
    let mut sessions: Vec<SessionSummary> = stmt
        .query_map(params![patient_id, signed_before], |r| {
            Ok(SessionSummary {
                id: r.get(0)?,
                started_at: r.get(1)?,
                kind: TreatmentKind::parse(&r.get::<_, String>(2)?),
                signed: r.get(3)?,
                injector_name: r.get(4)?,
                areas: Vec::new(),
                products: Vec::new(),
                amendments: r.get(5)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    for s in &mut sessions {
        let (areas, products) = totals(&point_details(conn, s.id)?);
        s.areas = areas;
        s.products = products;
    }
    Ok(sessions)
}

fn point_details(conn: &Connection, session_id: i64) -> Result<Vec<PointDetail>> {
    Ok(points(conn, session_id)?.into_iter().map(|(_, detail)| detail).collect())
}

/// A session's points in order: each as entered and as shown.
fn points(conn: &Connection, session_id: i64) -> Result<Vec<(PointInput, PointDetail)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT ip.position, ip.vial_id, ip.area, ip.x, ip.y, ip.dose, p.id, p.name, p.unit, p.size, l.lot_number,
                v.diluent_ml
         FROM injection_points ip
         JOIN vials v ON v.id = ip.vial_id
         JOIN lots l ON l.id = v.lot_id
         JOIN products p ON p.id = l.product_id
         WHERE ip.session_id = ?1 ORDER BY ip.position",
    )?;
    let rows = stmt.query_map([session_id], |r| {
        let area: String = r.get(2)?;
        let dose: f64 = r.get(5)?;
        let unit = DoseUnit::parse(&r.get::<_, String>(8)?);
        let input = PointInput { vial_id: r.get(1)?, area: area.clone(), x: r.get(3)?, y: r.get(4)?, dose };
        let detail = PointDetail {
            number: r.get(0)?,
            area_label: areas::label(&area),
            area,
            vial_id: input.vial_id,
            product_id: r.get(6)?,
            product_name: r.get(7)?,
            lot_number: r.get(10)?,
            dose,
            unit,
            volume_ml: draw_volume_ml(dose, unit, r.get(9)?, r.get(11)?),
        };
        Ok((input, detail))
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The whole session with its derived figures and warnings (not audited: callers are).
pub(crate) fn load(conn: &Connection, id: i64) -> Result<Session> {
    let mut session = conn
        .prepare_cached(
            "SELECT s.id, s.patient_id, u.display_name, s.started_at, s.kind, s.consent_confirmed, s.consent_version,
                    s.screen_acknowledged, s.notes, COALESCE(s.follow_up_date, ''), COALESCE(s.next_due_date, ''),
                    s.signed_at, signer.display_name
             FROM sessions s JOIN users u ON u.id = s.injector_id LEFT JOIN users signer ON signer.id = s.signed_by
             WHERE s.id = ?1",
        )?
        .query_row([id], |r| {
            Ok(Session {
                id: r.get(0)?,
                patient_id: r.get(1)?,
                injector_name: r.get(2)?,
                started_at: r.get(3)?,
                form: SessionForm {
                    kind: TreatmentKind::parse(&r.get::<_, String>(4)?),
                    consent_confirmed: r.get(5)?,
                    consent_version: r.get(6)?,
                    screen_acknowledged: r.get(7)?,
                    points: Vec::new(),
                    adverse_events: Vec::new(),
                    notes: r.get(8)?,
                    follow_up_date: r.get(9)?,
                    next_due_date: r.get(10)?,
                },
                signed_at: r.get(11)?,
                signed_by_name: r.get(12)?,
                points: Vec::new(),
                area_totals: Vec::new(),
                product_totals: Vec::new(),
                vials: Vec::new(),
                warnings: Vec::new(),
                amendments: Vec::new(),
                last_visit: None,
            })
        })
        .optional()?
        .ok_or(Error::NotFound("The session"))?;
    let (inputs, details): (Vec<_>, Vec<_>) = points(conn, id)?.into_iter().unzip();
    session.form.points = inputs;
    session.points = details;
    (session.area_totals, session.product_totals) = totals(&session.points);
    session.form.adverse_events = conn
        .prepare_cached(
            "SELECT what, severity, action_taken FROM adverse_events WHERE session_id = ?1 ORDER BY position",
        )?
        .query_map([id], |r| {
            Ok(AdverseEvent {
                what: r.get(0)?,
                severity: Severity::parse(&r.get::<_, String>(1)?),
                action_taken: r.get(2)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    session.amendments = conn
        .prepare_cached(
            "SELECT a.id, u.display_name, a.at, a.reason, a.text FROM amendments a JOIN users u ON u.id = a.author_id
             WHERE a.session_id = ?1 ORDER BY a.at, a.id",
        )?
        .query_map([id], |r| {
            Ok(Amendment { id: r.get(0)?, author_name: r.get(1)?, at: r.get(2)?, reason: r.get(3)?, text: r.get(4)? })
        })?
        .collect::<rusqlite::Result<_>>()?;
    let mut vial_ids: Vec<i64> = session.form.points.iter().map(|p| p.vial_id).collect();
    vial_ids.sort_unstable();
    vial_ids.dedup();
    session.vials = vial_ids.into_iter().map(|v| get_vial(conn, v)).collect::<Result<_>>()?;
    session.last_visit = summaries(conn, session.patient_id, Some(&session.started_at))?.pop();
    session.warnings = warnings(conn, &session)?;
    Ok(session)
}

/// Soft warnings: doses outside the typical range, re-treatment sooner than about three
/// months, a vial used more than 24 hours after reconstitution, more drawn than a vial
/// holds, a single-patient vial used for a second patient.
fn warnings(conn: &Connection, s: &Session) -> Result<Vec<String>> {
    let mut out = Vec::new();
    // Each product of the session read once: its kind and dose scale.
    let mut products = HashMap::new();
    for p in &s.points {
        if !products.contains_key(p.product_name.as_str()) {
            products.insert(p.product_name.as_str(), get_product(conn, p.product_id)?);
        }
    }
    for total in &s.area_totals {
        let product = &products[total.product_name.as_str()];
        if product.form.kind == TreatmentKind::Neurotoxin {
            out.extend(dose_advice(total, (product.form.dose_scale_min, product.form.dose_scale_max)));
        }
    }
    if s.form.kind == TreatmentKind::Neurotoxin {
        let last: Option<String> = conn
            .prepare_cached(
                "SELECT MAX(started_at) FROM sessions WHERE patient_id = ?1 AND id <> ?2 AND kind = 'neurotoxin'
                 AND signed_at IS NOT NULL AND started_at < ?3",
            )?
            .query_row(params![s.patient_id, s.id, s.started_at], |r| r.get(0))?;
        if let Some(last) = last {
            let days = (parse_iso(&s.started_at) - parse_iso(&last)).num_days();
            if days < RETREATMENT_DAYS {
                out.push(format!(
                    "Re-treatment after {days} days: the last neurotoxin session was on {}. Re-treatment is usually not sooner than about 3 months.",
                    calendar::spoken_date(local_day(conn, &last)?)
                ));
            }
        }
    }
    let started = parse_iso(&s.started_at);
    for v in &s.vials {
        let name = format!("{} lot {} (vial {})", v.product_name, v.lot_number, v.id);
        let hours = (started - parse_iso(&v.opened_at)).num_hours();
        if v.unit == DoseUnit::Units && hours >= VIAL_HOURS {
            out.push(format!(
                "{name} was reconstituted {hours} hours before this session; several labels say to use it within {VIAL_HOURS} hours."
            ));
        }
        if v.drawn > v.size {
            let unit = v.unit.symbol();
            out.push(format!("{name}: {} {unit} drawn in all, more than the {} {unit} it holds.", v.drawn, v.size));
        }
        if v.single_patient {
            let patients: i64 = conn
                .prepare_cached(
                    "SELECT COUNT(DISTINCT s.patient_id) FROM injection_points ip JOIN sessions s ON s.id = ip.session_id
                     WHERE ip.vial_id = ?1",
                )?
                .query_row([v.id], |r| r.get(0))?;
            if patients > 1 {
                out.push(format!("{name} is a single-patient vial and has also been used for another patient."));
            }
        }
    }
    Ok(out)
}
