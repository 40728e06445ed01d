//! Opened vials and syringes, and the dilution arithmetic. A toxin vial records the
//! diluent actually added, so the app can show units per 0.1 mL and the volume to draw
//! for each dose (2.5 mL in a 100 U vial gives 4 U per 0.1 mL; 20 U is 0.5 mL).

use chrono::{DateTime, Duration, NaiveDate, SecondsFormat, Utc};
use rusqlite::{params, Connection, OptionalExtension, Row};
use serde::{Deserialize, Serialize};
use specta::Type;

use super::{get_lot, refuse_expired, round};
use crate::audit::{self, entity, Action};
use crate::auth::{Actor, Permission};
use crate::products::{DoseUnit, TreatmentKind};
use crate::{Error, Result};

/// Several labels say to use a reconstituted vial within this many hours.
pub const VIAL_HOURS: i64 = 24;
/// Vials opened longer ago than this are no longer offered for a session.
const RECENT_HOURS: i64 = 72;

/// Opening a vial or syringe of a lot.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct VialForm {
    pub lot_id: i64,
    /// Saline added to a toxin vial, in mL; ignored for fillers.
    pub diluent_ml: Option<f64>,
    /// Labelled for one patient only: using it for a second patient is warned about.
    pub single_patient: bool,
}

/// An opened vial or syringe.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct Vial {
    pub id: i64,
    pub lot_id: i64,
    pub product_id: i64,
    pub product_name: String,
    pub kind: TreatmentKind,
    pub unit: DoseUnit,
    pub size: f64,
    pub lot_number: String,
    pub expiry: String,
    pub diluent_ml: Option<f64>,
    pub single_patient: bool,
    /// UTC, ISO-8601.
    pub opened_at: String,
    /// Drawn from it by all sessions so far, in the product's unit.
    pub drawn: f64,
    /// Toxins: units in each 0.1 mL of the reconstituted vial.
    pub units_per_tenth_ml: Option<f64>,
    /// Its lot is past its expiry date today (by the clinic's clock): never to be used.
    pub expired: bool,
}

/// Units in each 0.1 mL of a vial of `size` units reconstituted with `diluent_ml`.
pub fn units_per_tenth_ml(size: f64, diluent_ml: f64) -> f64 {
    size / diluent_ml / 10.0
}

/// The volume to draw, in mL, for `dose` from a vial: for toxins from its dilution, for
/// fillers the dose itself (already in mL). `None` when a toxin vial has no diluent.
pub fn draw_volume_ml(dose: f64, unit: DoseUnit, size: f64, diluent_ml: Option<f64>) -> Option<f64> {
    match unit {
        DoseUnit::Millilitres => Some(dose),
        DoseUnit::Units => diluent_ml.map(|d| (dose * d / size * 1000.0).round() / 1000.0),
    }
}

const VIAL_COLUMNS: &str = "v.id, v.lot_id, p.id, p.name, p.kind, p.unit, p.size, l.lot_number, l.expiry,
    v.diluent_ml, v.single_patient, v.opened_at,
    (SELECT COALESCE(SUM(ip.dose), 0) FROM injection_points ip WHERE ip.vial_id = v.id),
    l.expiry < date(glabella_now(), 'localtime')";
const VIAL_FROM: &str = "vials v JOIN lots l ON l.id = v.lot_id JOIN products p ON p.id = l.product_id";

fn vial_from_row(row: &Row) -> rusqlite::Result<Vial> {
    let unit = DoseUnit::parse(&row.get::<_, String>(5)?);
    let size: f64 = row.get(6)?;
    let diluent_ml: Option<f64> = row.get(9)?;
    Ok(Vial {
        id: row.get(0)?,
        lot_id: row.get(1)?,
        product_id: row.get(2)?,
        product_name: row.get(3)?,
        kind: TreatmentKind::parse(&row.get::<_, String>(4)?),
        unit,
        size,
        lot_number: row.get(7)?,
        expiry: row.get(8)?,
        diluent_ml,
        single_patient: row.get(10)?,
        opened_at: row.get(11)?,
        drawn: round(row.get(12)?),
        units_per_tenth_ml: match unit {
            DoseUnit::Units => diluent_ml.map(|d| round(units_per_tenth_ml(size, d))),
            DoseUnit::Millilitres => None,
        },
        expired: row.get(13)?,
    })
}

/// The vial with this id.
pub fn get_vial(conn: &Connection, id: i64) -> Result<Vial> {
    conn.prepare_cached(&format!("SELECT {VIAL_COLUMNS} FROM {VIAL_FROM} WHERE v.id = ?1"))?
        .query_row([id], vial_from_row)
        .optional()?
        .ok_or(Error::NotFound("The vial"))
}

/// Opens a vial or syringe of a lot. An expired lot, or one with every vial opened, is
/// refused; a toxin needs the diluent volume.
pub fn open_vial(
    conn: &Connection,
    actor: &Actor,
    form: &VialForm,
    now: DateTime<Utc>,
    today: NaiveDate,
) -> Result<Vial> {
    actor.require(Permission::Stock)?;
    let lot = get_lot(conn, form.lot_id, today)?;
    refuse_expired(conn, &lot.lot_number, &lot.expiry, today, "lotId")?;
    if lot.unopened == 0 {
        return Err(Error::invalid(
            "lotId",
            format!(
                "Every vial of lot {} has been opened already; receive more stock or choose another lot.",
                lot.lot_number
            ),
        ));
    }
    let diluent_ml = match lot.unit {
        DoseUnit::Millilitres => None,
        DoseUnit::Units => match form.diluent_ml {
            Some(d) if d.is_finite() && d > 0.0 && d <= 20.0 => Some(d),
            _ => return Err(Error::invalid("diluentMl", "Enter the diluent added to the vial, in mL (e.g. 2.5).")),
        },
    };
    conn.prepare_cached(
        "INSERT INTO vials (lot_id, diluent_ml, single_patient, opened_at, opened_by) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?
    .execute(params![
        lot.id,
        diluent_ml,
        form.single_patient,
        now.to_rfc3339_opts(SecondsFormat::Millis, true),
        actor.user_id
    ])?;
    let id = conn.last_insert_rowid();
    let dilution = diluent_ml.map(|d| format!(" with {d} mL diluent")).unwrap_or_default();
    audit::record(
        conn,
        &actor
            .audit(Action::VialOpen)
            .on(entity::VIAL, id)
            .described(format!("{} lot {}{dilution}", lot.product_name, lot.lot_number)),
    )?;
    get_vial(conn, id)
}

/// Vials opened in the last three days and not yet used up, newest first: what an
/// injector can pick for a session (older ones are shown with a warning).
pub fn recent_vials(conn: &Connection, actor: &Actor, now: DateTime<Utc>) -> Result<Vec<Vial>> {
    actor.require(Permission::Stock)?;
    let since = (now - Duration::hours(RECENT_HOURS)).to_rfc3339_opts(SecondsFormat::Millis, true);
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {VIAL_COLUMNS} FROM {VIAL_FROM} WHERE v.opened_at >= ?1 ORDER BY v.opened_at DESC"
    ))?;
    let vials = stmt.query_map([since], vial_from_row)?.collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(vials.into_iter().filter(|v| v.drawn < v.size).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dilution_gives_units_per_tenth_ml_and_draw_volumes() {
        // PRODUCT.md: 2.5 mL of saline in a 100 U vial gives 4 U per 0.1 mL.
        assert_eq!(units_per_tenth_ml(100.0, 2.5), 4.0);
        assert_eq!(units_per_tenth_ml(50.0, 1.25), 4.0);
        assert_eq!(units_per_tenth_ml(300.0, 1.5), 20.0);
        assert_eq!(draw_volume_ml(20.0, DoseUnit::Units, 100.0, Some(2.5)), Some(0.5));
        assert_eq!(draw_volume_ml(4.0, DoseUnit::Units, 100.0, Some(2.5)), Some(0.1));
        assert_eq!(draw_volume_ml(12.0, DoseUnit::Units, 100.0, Some(1.0)), Some(0.12));
        assert_eq!(draw_volume_ml(50.0, DoseUnit::Units, 300.0, Some(2.5)), Some(0.417));
        assert_eq!(draw_volume_ml(0.5, DoseUnit::Millilitres, 1.0, None), Some(0.5));
        assert_eq!(draw_volume_ml(20.0, DoseUnit::Units, 100.0, None), None);
    }
}
