//! The product catalogue: the neurotoxins and fillers a clinic uses, each with its kind,
//! its unit (toxin units are brand-specific and never interchangeable; fillers are
//! measured in mL), its vial or syringe size and, for toxins, a default diluent volume.
//! Seeded by migration 0003; admins edit it. Products are retired, never deleted, since
//! lots and sessions refer to them for good.

use rusqlite::{params, Connection, OptionalExtension, Row, ToSql};
use serde::{Deserialize, Serialize};
use specta::Type;

use crate::audit::{self, entity, Action};
use crate::auth::{Actor, Permission};
use crate::clock;
use crate::error::FieldError;
use crate::text;
use crate::{Error, Result};

/// What kind of treatment a product, or a session, is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Type)]
#[serde(rename_all = "lowercase")]
pub enum TreatmentKind {
    Neurotoxin,
    Filler,
    Other,
}

impl TreatmentKind {
    /// Every kind, in the order the UI offers them.
    pub const ALL: [TreatmentKind; 3] = [TreatmentKind::Neurotoxin, TreatmentKind::Filler, TreatmentKind::Other];

    /// The stored text.
    pub fn as_str(self) -> &'static str {
        match self {
            TreatmentKind::Neurotoxin => "neurotoxin",
            TreatmentKind::Filler => "filler",
            TreatmentKind::Other => "other",
        }
    }

    /// The kind stored as `s` (unknown text reads as `Other`).
    pub fn parse(s: &str) -> TreatmentKind {
        match s {
            "neurotoxin" => TreatmentKind::Neurotoxin,
            "filler" => TreatmentKind::Filler,
            _ => TreatmentKind::Other,
        }
    }
}

/// The unit doses of a product are measured in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Type)]
pub enum DoseUnit {
    /// Units of a neurotoxin: brand-specific.
    #[serde(rename = "U")]
    Units,
    /// Millilitres, for fillers.
    #[serde(rename = "mL")]
    Millilitres,
}

impl DoseUnit {
    /// The stored and displayed symbol.
    pub fn symbol(self) -> &'static str {
        match self {
            DoseUnit::Units => "U",
            DoseUnit::Millilitres => "mL",
        }
    }

    /// The unit stored as `s`.
    pub fn parse(s: &str) -> DoseUnit {
        if s == "mL" {
            DoseUnit::Millilitres
        } else {
            DoseUnit::Units
        }
    }
}

/// What an admin enters about a product.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ProductForm {
    /// Brand and size as staff say it, e.g. "Botox Cosmetic 100 U".
    pub name: String,
    pub kind: TreatmentKind,
    pub unit: DoseUnit,
    /// Units per vial, or mL per syringe.
    pub size: f64,
    /// Toxins: the saline usually added to a vial, in mL.
    pub default_diluent_ml: Option<f64>,
    /// How many of this brand's units correspond to one Botox unit in the typical-dose
    /// advice (Dysport about 2.5 to 3); `None` gives no dose advice.
    pub dose_scale_min: Option<f64>,
    pub dose_scale_max: Option<f64>,
    /// The GS1 product number (GTIN-14) printed in the box's DataMatrix, if known.
    pub gtin: String,
}

/// A product of the catalogue.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct Product {
    pub id: i64,
    pub form: ProductForm,
    pub retired: bool,
}

const PRODUCT_COLUMNS: &str =
    "id, name, kind, unit, size, default_diluent_ml, dose_scale_min, dose_scale_max, gtin, retired_at IS NOT NULL";

fn product_from_row(row: &Row) -> rusqlite::Result<Product> {
    Ok(Product {
        id: row.get(0)?,
        form: ProductForm {
            name: row.get(1)?,
            kind: TreatmentKind::parse(&row.get::<_, String>(2)?),
            unit: DoseUnit::parse(&row.get::<_, String>(3)?),
            size: row.get(4)?,
            default_diluent_ml: row.get(5)?,
            dose_scale_min: row.get(6)?,
            dose_scale_max: row.get(7)?,
            gtin: row.get(8)?,
        },
        retired: row.get(9)?,
    })
}

/// Every product, retired ones last, each group by name.
pub fn list_products(conn: &Connection, actor: &Actor) -> Result<Vec<Product>> {
    actor.require(Permission::Demographics)?;
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {PRODUCT_COLUMNS} FROM products ORDER BY retired_at IS NOT NULL, name COLLATE NOCASE"
    ))?;
    let products = stmt.query_map([], product_from_row)?.collect::<rusqlite::Result<_>>()?;
    Ok(products)
}

/// The product with this id.
pub fn get_product(conn: &Connection, id: i64) -> Result<Product> {
    conn.prepare_cached(&format!("SELECT {PRODUCT_COLUMNS} FROM products WHERE id = ?1"))?
        .query_row([id], product_from_row)
        .optional()?
        .ok_or(Error::NotFound("The product"))
}

/// The product whose GTIN is `gtin`, if the catalogue knows it.
pub fn product_by_gtin(conn: &Connection, gtin: &str) -> Result<Option<Product>> {
    Ok(conn
        .prepare_cached(&format!("SELECT {PRODUCT_COLUMNS} FROM products WHERE gtin = ?1 AND gtin <> ''"))?
        .query_row([gtin], product_from_row)
        .optional()?)
}

/// Adds a product to the catalogue.
pub fn create_product(conn: &Connection, actor: &Actor, form: &ProductForm) -> Result<Product> {
    actor.require(Permission::ManageProducts)?;
    let f = form.validated()?;
    unique_name(conn, &f.name, None)?;
    write(
        conn,
        "INSERT INTO products (name, kind, unit, size, default_diluent_ml, dose_scale_min, dose_scale_max, gtin,
                               created_at, updated_at)
         VALUES (:name, :kind, :unit, :size, :diluent, :scale_min, :scale_max, :gtin, :now, :now)",
        &f,
        None,
    )?;
    let id = conn.last_insert_rowid();
    audit::record(conn, &actor.audit(Action::ProductCreate).on(entity::PRODUCT, id).described(&f.name))?;
    get_product(conn, id)
}

/// Saves an edited product. Its kind, unit and size cannot change once stock of it has
/// been received: recorded doses were measured in them.
pub fn update_product(conn: &Connection, actor: &Actor, id: i64, form: &ProductForm) -> Result<Product> {
    actor.require(Permission::ManageProducts)?;
    let f = form.validated()?;
    let old = get_product(conn, id)?;
    unique_name(conn, &f.name, Some(id))?;
    let stocked: bool = conn
        .prepare_cached("SELECT EXISTS (SELECT 1 FROM lots WHERE product_id = ?1)")?
        .query_row([id], |r| r.get(0))?;
    if stocked && (old.form.kind != f.kind || old.form.unit != f.unit || old.form.size != f.size) {
        return Err(Error::invalid(
            "size",
            "Kind, unit and size cannot change once stock of this product has been received. Add a new product instead.",
        ));
    }
    write(
        conn,
        "UPDATE products SET name = :name, kind = :kind, unit = :unit, size = :size, default_diluent_ml = :diluent,
                dose_scale_min = :scale_min, dose_scale_max = :scale_max, gtin = :gtin, updated_at = :now
         WHERE id = :id",
        &f,
        Some(id),
    )?;
    audit::record(conn, &actor.audit(Action::ProductUpdate).on(entity::PRODUCT, id).described(&f.name))?;
    get_product(conn, id)
}

/// Retires a product (no new stock of it, kept in history) or brings it back.
pub fn set_product_retired(conn: &Connection, actor: &Actor, id: i64, retired: bool) -> Result<Product> {
    actor.require(Permission::ManageProducts)?;
    let product = get_product(conn, id)?;
    let retired_at = if retired { Some(clock::now_iso(conn)?) } else { None };
    conn.prepare_cached("UPDATE products SET retired_at = ?1, updated_at = ?2 WHERE id = ?3")?.execute(params![
        retired_at,
        clock::now_iso(conn)?,
        id
    ])?;
    let what = if retired { "retired" } else { "brought back" };
    audit::record(
        conn,
        &actor.audit(Action::ProductUpdate).on(entity::PRODUCT, id).described(format!("{} {what}", product.form.name)),
    )?;
    get_product(conn, id)
}

/// Runs `sql` (an INSERT or UPDATE) with the form's columns as named parameters, the
/// current time as `:now` and, for an update, the product's `:id`.
fn write(conn: &Connection, sql: &str, f: &ProductForm, id: Option<i64>) -> Result<()> {
    let (now, kind, unit) = (clock::now_iso(conn)?, f.kind.as_str(), f.unit.symbol());
    let mut named: Vec<(&str, &dyn ToSql)> = vec![
        (":name", &f.name),
        (":kind", &kind),
        (":unit", &unit),
        (":size", &f.size),
        (":diluent", &f.default_diluent_ml),
        (":scale_min", &f.dose_scale_min),
        (":scale_max", &f.dose_scale_max),
        (":gtin", &f.gtin),
        (":now", &now),
    ];
    if let Some(id) = &id {
        named.push((":id", id));
    }
    conn.prepare_cached(sql)?.execute(named.as_slice())?;
    Ok(())
}

fn unique_name(conn: &Connection, name: &str, except: Option<i64>) -> Result<()> {
    let taken: bool = conn
        .prepare_cached("SELECT EXISTS (SELECT 1 FROM products WHERE name = ?1 AND id IS NOT ?2)")?
        .query_row(params![name, except], |r| r.get(0))?;
    if taken {
        return Err(Error::invalid("name", "A product with this name is already in the catalogue."));
    }
    Ok(())
}

impl ProductForm {
    /// Checks every field; returns the form trimmed, or every problem found.
    pub fn validated(&self) -> Result<ProductForm> {
        let mut f = self.clone();
        f.name = f.name.trim().to_string();
        f.gtin = f.gtin.trim().to_string();
        let mut problems = Vec::new();
        let mut problem = |field, message: &str| problems.push(FieldError { field, message: message.to_string() });
        if f.name.is_empty() {
            problem("name", "Name is required, e.g. Botox Cosmetic 100 U.");
        } else if f.name.chars().count() > 100 {
            problem("name", "Name must be one line of at most 100 characters.");
        } else if let Some(message) = text::line_problem(&f.name) {
            problem("name", &message);
        }
        if !(f.size.is_finite() && f.size > 0.0 && f.size <= 10_000.0) {
            problem("size", "Size must be a number above 0: units per vial, or mL per syringe.");
        }
        match (f.kind, f.unit) {
            (TreatmentKind::Neurotoxin, DoseUnit::Millilitres) => {
                problem("unit", "Neurotoxins are dosed in units (U).")
            }
            (TreatmentKind::Filler, DoseUnit::Units) => problem("unit", "Fillers are recorded in mL."),
            _ => {}
        }
        if f.default_diluent_ml.is_some_and(|v| !(v.is_finite() && v > 0.0 && v <= 20.0)) {
            problem("defaultDiluentMl", "Diluent must be between 0 and 20 mL, or left empty.");
        }
        for (scale, field) in [(f.dose_scale_min, "doseScaleMin"), (f.dose_scale_max, "doseScaleMax")] {
            if scale.is_some_and(|v| !(v.is_finite() && v > 0.0 && v <= 10.0)) {
                problem(field, "The scale must be between 0 and 10, or left empty.");
            }
        }
        if let (Some(min), Some(max)) = (f.dose_scale_min, f.dose_scale_max) {
            if min > max {
                problem("doseScaleMax", "The upper scale is below the lower one.");
            }
        }
        if !(f.gtin.is_empty() || f.gtin.len() == 14 && f.gtin.bytes().all(|b| b.is_ascii_digit())) {
            problem("gtin", "A GTIN has 14 digits (scan the box to fill it in), or leave it empty.");
        }
        if problems.is_empty() {
            Ok(f)
        } else {
            Err(Error::Validation(problems))
        }
    }
}
