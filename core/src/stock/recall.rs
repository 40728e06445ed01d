//! The lot recall look-up: given a lot number, every patient who received it, with the
//! session, the dose and how to reach them. Looking it up is audited; exporting it is a
//! disclosure of contact details and audited as one.

use rusqlite::Connection;
use serde::{Deserialize, Serialize};
use specta::Type;

use super::round;
use crate::audit::{self, entity, Action};
use crate::auth::{Actor, Permission};
use crate::csv::{document, push_row};
use crate::products::DoseUnit;
use crate::{Error, Result};

/// One patient's session with doses from the recalled lot.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct RecallRow {
    pub patient_id: i64,
    pub given_name: String,
    pub family_name: String,
    pub date_of_birth: String,
    pub phone: String,
    pub email: String,
    pub address: String,
    pub session_id: i64,
    /// UTC, ISO-8601.
    pub session_at: String,
    pub signed: bool,
    pub product_name: String,
    pub lot_number: String,
    /// Given from this lot in this session.
    pub dose: f64,
    pub unit: DoseUnit,
}

const CSV_HEADER: [&str; 14] = [
    "patient_no",
    "family_name",
    "given_name",
    "date_of_birth",
    "phone",
    "email",
    "address",
    "session_no",
    "session_time_utc",
    "status",
    "product",
    "lot",
    "dose",
    "unit",
];

/// Everyone who received lot `lot_number` (any product; case ignored), by name, then
/// session time. The look-up is recorded in the audit trail.
pub fn recall_lot(conn: &Connection, actor: &Actor, lot_number: &str) -> Result<Vec<RecallRow>> {
    let rows = find(conn, actor, lot_number)?;
    audit::record(
        conn,
        &actor.audit(Action::RecallLookup).on(entity::LOT, lot_number.trim()).described(format!(
            "{} sessions of {} patients",
            rows.len(),
            patients(&rows)
        )),
    )?;
    Ok(rows)
}

/// The recall list of `lot_number` as CSV, recorded as a disclosure.
pub fn recall_csv(conn: &Connection, actor: &Actor, lot_number: &str) -> Result<String> {
    let rows = find(conn, actor, lot_number)?;
    audit::record(
        conn,
        &actor
            .audit(Action::RecallExport)
            .on(entity::LOT, lot_number.trim())
            .described(format!("contact details of {} patients exported as CSV", patients(&rows))),
    )?;
    let mut out = document(&CSV_HEADER);
    for r in &rows {
        push_row(
            &mut out,
            [
                r.patient_id.to_string(),
                r.family_name.clone(),
                r.given_name.clone(),
                r.date_of_birth.clone(),
                r.phone.clone(),
                r.email.clone(),
                r.address.clone(),
                r.session_id.to_string(),
                r.session_at.clone(),
                if r.signed { "signed" } else { "draft" }.to_string(),
                r.product_name.clone(),
                r.lot_number.clone(),
                r.dose.to_string(),
                r.unit.symbol().to_string(),
            ],
        );
    }
    Ok(out)
}

fn patients(rows: &[RecallRow]) -> usize {
    let mut ids: Vec<i64> = rows.iter().map(|r| r.patient_id).collect();
    ids.sort_unstable();
    ids.dedup();
    ids.len()
}

fn find(conn: &Connection, actor: &Actor, lot_number: &str) -> Result<Vec<RecallRow>> {
    actor.require(Permission::ClinicalRead)?;
    let lot_number = lot_number.trim();
    if lot_number.is_empty() {
        return Err(Error::invalid("lotNumber", "Type the lot number to look up."));
    }
    // Doses are summed per session first, from the covering index on
    // (vial_id, session_id, dose), so sessions and patients are read once per session
    // rather than once per injection point.
    let mut stmt = conn.prepare_cached(
        "WITH doses AS (
             SELECT ip.session_id, v.lot_id, SUM(ip.dose) AS dose
             FROM lots l
             JOIN vials v ON v.lot_id = l.id
             JOIN injection_points ip ON ip.vial_id = v.id
             WHERE l.lot_number = ?1
             GROUP BY ip.session_id, v.lot_id
         )
         SELECT p.id, p.given_name, p.family_name, p.date_of_birth, p.phone, p.email, p.address,
                s.id, s.started_at, s.signed_at IS NOT NULL, pr.name, l.lot_number, d.dose, pr.unit
         FROM doses d
         JOIN sessions s ON s.id = d.session_id
         JOIN patients p ON p.id = s.patient_id
         JOIN lots l ON l.id = d.lot_id
         JOIN products pr ON pr.id = l.product_id
         ORDER BY p.sort_key, p.id, s.started_at",
    )?;
    let rows = stmt
        .query_map([lot_number], |r| {
            Ok(RecallRow {
                patient_id: r.get(0)?,
                given_name: r.get(1)?,
                family_name: r.get(2)?,
                date_of_birth: r.get(3)?,
                phone: r.get(4)?,
                email: r.get(5)?,
                address: r.get(6)?,
                session_id: r.get(7)?,
                session_at: r.get(8)?,
                signed: r.get(9)?,
                product_name: r.get(10)?,
                lot_number: r.get(11)?,
                dose: round(r.get(12)?),
                unit: DoseUnit::parse(&r.get::<_, String>(13)?),
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}
