//! Products, stock and lot recall commands.

use std::path::PathBuf;

use glabella_core::error::ApiError;
use glabella_core::products::{self, Product, ProductForm};
use glabella_core::stock::{self, Inventory, Lot, LotForm, LotScan, RecallRow, Vial, VialForm};
use tauri::State;

use super::{as_actor, today};
use crate::state::AppState;

#[tauri::command]
#[specta::specta]
pub async fn list_products(state: State<'_, AppState>) -> Result<Vec<Product>, ApiError> {
    as_actor(state, move |clinic, actor| clinic.db().read(|c| products::list_products(c, actor))).await
}

#[tauri::command]
#[specta::specta]
pub async fn create_product(state: State<'_, AppState>, form: ProductForm) -> Result<Product, ApiError> {
    as_actor(state, move |clinic, actor| clinic.db().write(|tx| products::create_product(tx, actor, &form))).await
}

#[tauri::command]
#[specta::specta]
pub async fn update_product(state: State<'_, AppState>, id: i64, form: ProductForm) -> Result<Product, ApiError> {
    as_actor(state, move |clinic, actor| clinic.db().write(|tx| products::update_product(tx, actor, id, &form))).await
}

/// Retires a product or brings it back.
#[tauri::command]
#[specta::specta]
pub async fn set_product_retired(state: State<'_, AppState>, id: i64, retired: bool) -> Result<Product, ApiError> {
    as_actor(state, move |clinic, actor| clinic.db().write(|tx| products::set_product_retired(tx, actor, id, retired)))
        .await
}

/// Reads what a barcode scanner typed into the lot field: `null` for an ordinary lot
/// number, the GTIN, lot and expiry for a GS1 DataMatrix.
#[tauri::command]
#[specta::specta]
pub async fn scan_lot_code(state: State<'_, AppState>, text: String) -> Result<Option<LotScan>, ApiError> {
    as_actor(state, move |clinic, actor| clinic.db().read(|c| stock::scan_lot(c, actor, &text))).await
}

#[tauri::command]
#[specta::specta]
pub async fn receive_lot(state: State<'_, AppState>, form: LotForm) -> Result<Lot, ApiError> {
    as_actor(state, move |clinic, actor| clinic.db().write(|tx| stock::receive_lot(tx, actor, &form, today()))).await
}

#[tauri::command]
#[specta::specta]
pub async fn get_inventory(state: State<'_, AppState>) -> Result<Inventory, ApiError> {
    as_actor(state, move |clinic, actor| clinic.db().read(|c| stock::inventory(c, actor, today()))).await
}

/// Lots a vial can be opened from today.
#[tauri::command]
#[specta::specta]
pub async fn list_usable_lots(state: State<'_, AppState>) -> Result<Vec<Lot>, ApiError> {
    as_actor(state, move |clinic, actor| clinic.db().read(|c| stock::usable_lots(c, actor, today()))).await
}

#[tauri::command]
#[specta::specta]
pub async fn open_vial(state: State<'_, AppState>, form: VialForm) -> Result<Vial, ApiError> {
    as_actor(state, move |clinic, actor| {
        clinic.db().write(|tx| stock::open_vial(tx, actor, &form, chrono::Utc::now(), today()))
    })
    .await
}

/// Vials opened in the last three days and not used up: what a session can draw from.
#[tauri::command]
#[specta::specta]
pub async fn list_recent_vials(state: State<'_, AppState>) -> Result<Vec<Vial>, ApiError> {
    as_actor(state, move |clinic, actor| clinic.db().read(|c| stock::recent_vials(c, actor, chrono::Utc::now()))).await
}

/// Everyone who received a lot; the look-up is audited.
#[tauri::command]
#[specta::specta]
pub async fn recall_lot(state: State<'_, AppState>, lot_number: String) -> Result<Vec<RecallRow>, ApiError> {
    as_actor(state, move |clinic, actor| clinic.db().write(|tx| stock::recall_lot(tx, actor, &lot_number))).await
}

/// Writes the recall list of a lot as CSV to `path` (chosen in the native save
/// dialog), audited as a disclosure; returns the path written.
#[tauri::command]
#[specta::specta]
pub async fn export_recall_csv(
    state: State<'_, AppState>,
    lot_number: String,
    path: PathBuf,
) -> Result<String, ApiError> {
    as_actor(state, move |clinic, actor| {
        let csv = clinic.db().write(|tx| stock::recall_csv(tx, actor, &lot_number))?;
        std::fs::write(&path, csv)?;
        Ok(path.display().to_string())
    })
    .await
}
