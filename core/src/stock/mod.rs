//! Stock: lots received (typed, or scanned from the box's GS1 DataMatrix), the vials
//! and syringes opened from them, the inventory and the lot recall. What is left of a
//! lot is always derived from the vials opened and the doses sessions drew, never a
//! counter edited by hand. Expired lots are refused wherever stock would be used.

pub mod gs1;
mod recall;
mod vials;

use chrono::{Days, NaiveDate};
use rusqlite::{params, Connection, OptionalExtension, Row};
use serde::{Deserialize, Serialize};
use specta::Type;

use crate::audit::{self, entity, Action};
use crate::auth::{Actor, Permission};
use crate::calendar::DateFormat;
use crate::clock;
use crate::error::FieldError;
use crate::products::{get_product, product_by_gtin, DoseUnit, Product, TreatmentKind};
use crate::text;
use crate::{Error, Result};
pub use recall::{recall_csv, recall_lot, RecallRow};
pub use vials::{draw_volume_ml, get_vial, open_vial, recent_vials, units_per_tenth_ml, Vial, VialForm, VIAL_HOURS};

/// Lots expiring within this many days are flagged in the inventory.
pub const EXPIRY_ALERT_DAYS: u64 = 30;
/// A product is low on stock when fewer unopened vials or syringes than this are left
/// in its usable lots.
pub const LOW_STOCK_UNITS: i64 = 2;

/// A delivery as entered (or scanned) on the "Receive stock" form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct LotForm {
    pub product_id: Option<i64>,
    pub lot_number: String,
    /// `YYYY-MM-DD`; usable through this day.
    pub expiry: String,
    /// Vials or syringes received.
    pub quantity: i64,
    /// The GTIN read from the box, if it was scanned: remembered for the product.
    pub gtin: String,
}

/// A lot of a product, with what is left of it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct Lot {
    pub id: i64,
    pub product_id: i64,
    pub product_name: String,
    pub kind: TreatmentKind,
    pub unit: DoseUnit,
    /// Units per vial, or mL per syringe.
    pub size: f64,
    pub lot_number: String,
    pub expiry: String,
    /// Vials or syringes received.
    pub quantity: i64,
    pub opened: i64,
    /// Received and not yet opened.
    pub unopened: i64,
    /// Drawn from this lot's vials by sessions, in the product's unit.
    pub drawn: f64,
    pub expired: bool,
    /// Expires within [`EXPIRY_ALERT_DAYS`].
    pub expires_soon: bool,
}

/// A product running short.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct LowStock {
    pub product_id: i64,
    pub product_name: String,
    /// Unopened vials or syringes left in lots that have not expired.
    pub unopened: i64,
}

/// The inventory view: lots still in stock, and the alerts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct Inventory {
    pub lots: Vec<Lot>,
    pub low_stock: Vec<LowStock>,
}

/// What a scan of a box's DataMatrix filled in.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct LotScan {
    pub gtin: String,
    pub lot_number: String,
    pub expiry: String,
    /// The catalogue's product with this GTIN, if it is known.
    pub product: Option<Product>,
}

const LOT_COLUMNS: &str = "l.id, l.product_id, p.name, p.kind, p.unit, p.size, l.lot_number, l.expiry, l.quantity,
    (SELECT COUNT(*) FROM vials v WHERE v.lot_id = l.id),
    (SELECT COALESCE(SUM(ip.dose), 0) FROM vials v JOIN injection_points ip ON ip.vial_id = v.id WHERE v.lot_id = l.id)";

fn lot_from_row(row: &Row, today: NaiveDate) -> rusqlite::Result<Lot> {
    let expiry: String = row.get(7)?;
    let quantity: i64 = row.get(8)?;
    let opened: i64 = row.get(9)?;
    let expiry_date = NaiveDate::parse_from_str(&expiry, "%Y-%m-%d").unwrap_or(NaiveDate::MIN);
    Ok(Lot {
        id: row.get(0)?,
        product_id: row.get(1)?,
        product_name: row.get(2)?,
        kind: TreatmentKind::parse(&row.get::<_, String>(3)?),
        unit: DoseUnit::parse(&row.get::<_, String>(4)?),
        size: row.get(5)?,
        lot_number: row.get(6)?,
        expiry,
        quantity,
        opened,
        unopened: (quantity - opened).max(0),
        drawn: round(row.get(10)?),
        expired: expiry_date < today,
        expires_soon: expiry_date >= today && expiry_date <= today + Days::new(EXPIRY_ALERT_DAYS),
    })
}

/// Rounds a sum of doses to what is recorded (0.001), hiding floating-point dust.
pub(crate) fn round(value: f64) -> f64 {
    (value * 1000.0).round() / 1000.0
}

/// The lot with this id.
pub fn get_lot(conn: &Connection, id: i64, today: NaiveDate) -> Result<Lot> {
    conn.prepare_cached(&format!(
        "SELECT {LOT_COLUMNS} FROM lots l JOIN products p ON p.id = l.product_id WHERE l.id = ?1"
    ))?
    .query_row([id], |r| lot_from_row(r, today))
    .optional()?
    .ok_or(Error::NotFound("The lot"))
}

/// Refuses a lot that expired before `on`, with a message naming it.
pub fn refuse_expired(
    conn: &Connection,
    lot_number: &str,
    expiry: &str,
    on: NaiveDate,
    field: &'static str,
) -> Result<()> {
    match NaiveDate::parse_from_str(expiry, "%Y-%m-%d") {
        Ok(date) if date >= on => Ok(()),
        parsed => {
            let expiry = parsed.map(|d| DateFormat::of(conn).map(|f| f.format(d))).unwrap_or(Ok(expiry.to_string()))?;
            Err(Error::LotExpired { lot_number: lot_number.to_string(), expiry, field })
        }
    }
}

/// Reads a scanner's text from the lot field: `None` if it is an ordinary typed lot
/// number, the GTIN, lot and expiry (and the product, if known) if it is a GS1 code.
pub fn scan_lot(conn: &Connection, actor: &Actor, text: &str) -> Result<Option<LotScan>> {
    actor.require(Permission::Stock)?;
    let Some(scan) = gs1::parse_gs1(text).map_err(|message| Error::invalid("lotNumber", message))? else {
        return Ok(None);
    };
    let gtin = scan.gtin.unwrap_or_default();
    let product = if gtin.is_empty() { None } else { product_by_gtin(conn, &gtin)? };
    Ok(Some(LotScan {
        gtin,
        lot_number: scan.lot.unwrap_or_default(),
        expiry: scan.expiry.map(|d| d.format("%Y-%m-%d").to_string()).unwrap_or_default(),
        product,
    }))
}

/// Records a delivery. More of a lot already in stock adds to it (same expiry); an
/// expired lot is refused. A scanned GTIN is remembered for a product that had none.
pub fn receive_lot(conn: &Connection, actor: &Actor, form: &LotForm, today: NaiveDate) -> Result<Lot> {
    actor.require(Permission::Stock)?;
    let (product, lot_number, expiry) = validated(conn, form)?;
    refuse_expired(conn, &lot_number, &expiry, today, "expiry")?;
    let existing: Option<(i64, String)> = conn
        .prepare_cached("SELECT id, expiry FROM lots WHERE product_id = ?1 AND lot_number = ?2")?
        .query_row(params![product.id, lot_number], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    let id = match existing {
        Some((_, old_expiry)) if old_expiry != expiry => {
            let dates = DateFormat::of(conn)?;
            let shown = NaiveDate::parse_from_str(&old_expiry, "%Y-%m-%d").map_or(old_expiry, |d| dates.format(d));
            return Err(Error::invalid(
                "expiry",
                format!("Lot {lot_number} is already in stock with expiry {shown}; check the box."),
            ));
        }
        Some((id, _)) => {
            conn.prepare_cached("UPDATE lots SET quantity = quantity + ?1 WHERE id = ?2")?
                .execute(params![form.quantity, id])?;
            id
        }
        None => {
            conn.prepare_cached(
                "INSERT INTO lots (product_id, lot_number, expiry, quantity, received_at, received_by)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )?
            .execute(params![
                product.id,
                lot_number,
                expiry,
                form.quantity,
                clock::now_iso(conn)?,
                actor.user_id
            ])?;
            conn.last_insert_rowid()
        }
    };
    let gtin = form.gtin.trim();
    if !gtin.is_empty() && product.form.gtin.is_empty() {
        conn.prepare_cached("UPDATE products SET gtin = ?1 WHERE id = ?2")?.execute(params![gtin, product.id])?;
    }
    audit::record(
        conn,
        &actor
            .audit(Action::LotReceive)
            .on(entity::LOT, id)
            .described(format!("{} × {} lot {lot_number}, expiry {expiry}", form.quantity, product.form.name)),
    )?;
    get_lot(conn, id, today)
}

/// The checked product, lot number and expiry of a delivery, or every problem found.
fn validated(conn: &Connection, form: &LotForm) -> Result<(Product, String, String)> {
    let mut problems = Vec::new();
    let mut problem = |field, message: String| problems.push(FieldError { field, message });
    let product = match form.product_id {
        None => {
            problem("productId", "Choose the product.".into());
            None
        }
        Some(id) => match get_product(conn, id) {
            Ok(p) if p.retired => {
                problem("productId", format!("{} is retired; bring it back in Products first.", p.form.name));
                None
            }
            Ok(p) => Some(p),
            Err(Error::NotFound(_)) => {
                problem("productId", "Choose the product.".into());
                None
            }
            Err(e) => return Err(e),
        },
    };
    let lot_number = form.lot_number.trim().to_string();
    if lot_number.is_empty() {
        problem("lotNumber", "The lot number is required (it is printed on the box and the vial).".into());
    } else if lot_number.chars().count() > 40 {
        problem("lotNumber", "A lot number is one line of at most 40 characters.".into());
    } else if let Some(message) = text::line_problem(&lot_number) {
        problem("lotNumber", message);
    }
    let expiry = form.expiry.trim().to_string();
    if NaiveDate::parse_from_str(&expiry, "%Y-%m-%d").is_err() {
        problem(
            "expiry",
            format!("The expiry date is required (write it as {}).", DateFormat::of(conn)?.hint(2027, 6, 30)),
        );
    }
    if !(1..=10_000).contains(&form.quantity) {
        problem("quantity", "The quantity is the number of vials or syringes received: 1 or more.".into());
    }
    if let Some(p) = &product {
        let gtin = form.gtin.trim();
        if !gtin.is_empty() {
            if let Some(other) = product_by_gtin(conn, gtin)?.filter(|o| o.id != p.id) {
                problem(
                    "productId",
                    format!("The scanned box is {}, not {}; choose that product.", other.form.name, p.form.name),
                );
            }
        }
    }
    match product {
        Some(product) if problems.is_empty() => Ok((product, lot_number, expiry)),
        _ => Err(Error::Validation(problems)),
    }
}

/// Lots that still have unopened vials or syringes (expired ones flagged, to be set
/// aside), soonest expiry first, and the products running low.
pub fn inventory(conn: &Connection, actor: &Actor, today: NaiveDate) -> Result<Inventory> {
    actor.require(Permission::Stock)?;
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {LOT_COLUMNS} FROM lots l JOIN products p ON p.id = l.product_id
         WHERE l.quantity > (SELECT COUNT(*) FROM vials v WHERE v.lot_id = l.id)
         ORDER BY l.expiry, p.name, l.lot_number"
    ))?;
    let lots: Vec<Lot> = stmt.query_map([], |r| lot_from_row(r, today))?.collect::<rusqlite::Result<_>>()?;
    // Every product ever stocked and not retired, with its usable unopened count.
    let mut stmt = conn.prepare_cached(
        "SELECT p.id, p.name FROM products p
         WHERE p.retired_at IS NULL AND EXISTS (SELECT 1 FROM lots l WHERE l.product_id = p.id)
         ORDER BY p.name",
    )?;
    let stocked: Vec<(i64, String)> =
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<rusqlite::Result<_>>()?;
    let low_stock = stocked
        .into_iter()
        .map(|(product_id, product_name)| {
            let unopened = lots.iter().filter(|l| l.product_id == product_id && !l.expired).map(|l| l.unopened).sum();
            LowStock { product_id, product_name, unopened }
        })
        .filter(|p| p.unopened < LOW_STOCK_UNITS)
        .collect();
    Ok(Inventory { lots, low_stock })
}

/// Lots a vial can be opened from today: not expired, with unopened vials left.
pub fn usable_lots(conn: &Connection, actor: &Actor, today: NaiveDate) -> Result<Vec<Lot>> {
    Ok(inventory(conn, actor, today)?.lots.into_iter().filter(|l| !l.expired).collect())
}
