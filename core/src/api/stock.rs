//! Products, stock and lot recall: the catalogue, deliveries (typed or scanned), opened
//! vials, the inventory and everyone who received a lot. A lot's expiry may be typed the
//! clinic's way; it is stored as `YYYY-MM-DD` (as a scanned barcode gives it).

use crate::auth::{Actor, Permission};
use crate::calendar::{self, DateFormat};
use crate::clinic::Clinic;
use crate::files::{safe_name, save_export, SaveDialog};
use crate::products::{self, Product, ProductForm};
use crate::stock::{self, Inventory, Lot, LotForm, LotScan, RecallRow, Vial, VialForm};
use crate::Result;

pub fn list_products(clinic: &Clinic, actor: &Actor) -> Result<Vec<Product>> {
    clinic.db().read(|c| products::list_products(c, actor))
}

pub fn create_product(clinic: &Clinic, actor: &Actor, form: &ProductForm) -> Result<Product> {
    clinic.db().write(|tx| products::create_product(tx, actor, form))
}

pub fn update_product(clinic: &Clinic, actor: &Actor, id: i64, form: &ProductForm) -> Result<Product> {
    clinic.db().write(|tx| products::update_product(tx, actor, id, form))
}

/// Retires a product or brings it back.
pub fn set_product_retired(clinic: &Clinic, actor: &Actor, id: i64, retired: bool) -> Result<Product> {
    clinic.db().write(|tx| products::set_product_retired(tx, actor, id, retired))
}

/// Reads what a barcode scanner typed into the lot field: `None` for an ordinary lot
/// number, the GTIN, lot and expiry for a GS1 DataMatrix.
pub fn scan_lot_code(clinic: &Clinic, actor: &Actor, text: &str) -> Result<Option<LotScan>> {
    clinic.db().read(|c| stock::scan_lot(c, actor, text))
}

/// Receives a delivery; an expired lot is refused.
pub fn receive_lot(clinic: &Clinic, actor: &Actor, form: &LotForm) -> Result<Lot> {
    let today = clinic.today();
    clinic.db().write(|tx| {
        let mut form = form.clone();
        calendar::normalise_date(&mut form.expiry, DateFormat::of(tx)?);
        stock::receive_lot(tx, actor, &form, today)
    })
}

pub fn get_inventory(clinic: &Clinic, actor: &Actor) -> Result<Inventory> {
    let today = clinic.today();
    clinic.db().read(|c| stock::inventory(c, actor, today))
}

/// Lots a vial can be opened from today.
pub fn list_usable_lots(clinic: &Clinic, actor: &Actor) -> Result<Vec<Lot>> {
    let today = clinic.today();
    clinic.db().read(|c| stock::usable_lots(c, actor, today))
}

pub fn open_vial(clinic: &Clinic, actor: &Actor, form: &VialForm) -> Result<Vial> {
    let now = clinic.now();
    let today = clinic.today();
    clinic.db().write(|tx| stock::open_vial(tx, actor, form, now, today))
}

/// Vials opened in the last three days and not used up: what a session can draw from.
pub fn list_recent_vials(clinic: &Clinic, actor: &Actor) -> Result<Vec<Vial>> {
    let now = clinic.now();
    clinic.db().read(|c| stock::recent_vials(c, actor, now))
}

/// Everyone who received a lot; the look-up is audited.
pub fn recall_lot(clinic: &Clinic, actor: &Actor, lot_number: &str) -> Result<Vec<RecallRow>> {
    clinic.db().write(|tx| stock::recall_lot(tx, actor, lot_number))
}

/// Saves the recall list of a lot as CSV where the person chooses in `dialog`,
/// audited as a disclosure; `None` if they cancelled.
pub fn export_recall_csv(
    clinic: &Clinic,
    actor: &Actor,
    lot_number: &str,
    dialog: &dyn SaveDialog,
) -> Result<Option<String>> {
    actor.require(Permission::ClinicalRead)?; // as the recall itself: no dialog for someone refused
    let file_name = format!("glabella-recall-{}.csv", safe_name(lot_number));
    save_export(dialog, &file_name, "CSV", "csv", || clinic.db().write(|tx| stock::recall_csv(tx, actor, lot_number)))
}
