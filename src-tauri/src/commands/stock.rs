//! Products, stock and lot recall commands.

use std::sync::Arc;

use glabella_core::api::signin::Desk;
use glabella_core::api::stock;
use glabella_core::error::ApiError;
use glabella_core::products::{Product, ProductForm};
use glabella_core::stock::{Inventory, Lot, LotForm, LotScan, RecallRow, Vial, VialForm};
use tauri::{AppHandle, State};

use super::{as_actor, Native};

#[tauri::command]
#[specta::specta]
pub async fn list_products(desk: State<'_, Arc<Desk>>) -> Result<Vec<Product>, ApiError> {
    as_actor(desk, stock::list_products).await
}

#[tauri::command]
#[specta::specta]
pub async fn create_product(desk: State<'_, Arc<Desk>>, form: ProductForm) -> Result<Product, ApiError> {
    as_actor(desk, move |c, a| stock::create_product(c, a, &form)).await
}

#[tauri::command]
#[specta::specta]
pub async fn update_product(desk: State<'_, Arc<Desk>>, id: i64, form: ProductForm) -> Result<Product, ApiError> {
    as_actor(desk, move |c, a| stock::update_product(c, a, id, &form)).await
}

#[tauri::command]
#[specta::specta]
pub async fn set_product_retired(desk: State<'_, Arc<Desk>>, id: i64, retired: bool) -> Result<Product, ApiError> {
    as_actor(desk, move |c, a| stock::set_product_retired(c, a, id, retired)).await
}

#[tauri::command]
#[specta::specta]
pub async fn scan_lot_code(desk: State<'_, Arc<Desk>>, text: String) -> Result<Option<LotScan>, ApiError> {
    as_actor(desk, move |c, a| stock::scan_lot_code(c, a, &text)).await
}

#[tauri::command]
#[specta::specta]
pub async fn receive_lot(desk: State<'_, Arc<Desk>>, form: LotForm) -> Result<Lot, ApiError> {
    as_actor(desk, move |c, a| stock::receive_lot(c, a, &form)).await
}

#[tauri::command]
#[specta::specta]
pub async fn get_inventory(desk: State<'_, Arc<Desk>>) -> Result<Inventory, ApiError> {
    as_actor(desk, stock::get_inventory).await
}

#[tauri::command]
#[specta::specta]
pub async fn list_usable_lots(desk: State<'_, Arc<Desk>>) -> Result<Vec<Lot>, ApiError> {
    as_actor(desk, stock::list_usable_lots).await
}

#[tauri::command]
#[specta::specta]
pub async fn open_vial(desk: State<'_, Arc<Desk>>, form: VialForm) -> Result<Vial, ApiError> {
    as_actor(desk, move |c, a| stock::open_vial(c, a, &form)).await
}

#[tauri::command]
#[specta::specta]
pub async fn list_recent_vials(desk: State<'_, Arc<Desk>>) -> Result<Vec<Vial>, ApiError> {
    as_actor(desk, stock::list_recent_vials).await
}

#[tauri::command]
#[specta::specta]
pub async fn recall_lot(desk: State<'_, Arc<Desk>>, lot_number: String) -> Result<Vec<RecallRow>, ApiError> {
    as_actor(desk, move |c, a| stock::recall_lot(c, a, &lot_number)).await
}

/// Saves a lot's recall list as CSV where the person chooses; the file's name, or
/// `null` if they cancelled.
#[tauri::command]
#[specta::specta]
pub async fn export_recall_csv(
    app: AppHandle,
    desk: State<'_, Arc<Desk>>,
    lot_number: String,
) -> Result<Option<String>, ApiError> {
    as_actor(desk, move |c, a| stock::export_recall_csv(c, a, &lot_number, &Native(app))).await
}
