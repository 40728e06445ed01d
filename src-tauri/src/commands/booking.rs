//! Settings → Booking: opening hours, rooms, injectors' hours, appointment lengths.

use std::sync::Arc;

use glabella_core::api::booking;
use glabella_core::api::signin::Desk;
use glabella_core::booking::setup::{BookingSetup, DayHours, KindLength};
use glabella_core::error::ApiError;
use tauri::State;

use super::as_actor;

#[tauri::command]
#[specta::specta]
pub async fn get_booking_setup(desk: State<'_, Arc<Desk>>) -> Result<BookingSetup, ApiError> {
    as_actor(desk, booking::get_booking_setup).await
}

#[tauri::command]
#[specta::specta]
pub async fn save_opening_hours(
    desk: State<'_, Arc<Desk>>,
    days: Vec<Option<DayHours>>,
) -> Result<BookingSetup, ApiError> {
    as_actor(desk, move |c, a| booking::save_opening_hours(c, a, &days)).await
}

#[tauri::command]
#[specta::specta]
pub async fn save_injector_hours(
    desk: State<'_, Arc<Desk>>,
    user_id: i64,
    days: Option<Vec<Option<DayHours>>>,
) -> Result<BookingSetup, ApiError> {
    as_actor(desk, move |c, a| booking::save_injector_hours(c, a, user_id, days.as_deref())).await
}

#[tauri::command]
#[specta::specta]
pub async fn add_room(desk: State<'_, Arc<Desk>>, name: String) -> Result<BookingSetup, ApiError> {
    as_actor(desk, move |c, a| booking::add_room(c, a, &name)).await
}

#[tauri::command]
#[specta::specta]
pub async fn rename_room(desk: State<'_, Arc<Desk>>, id: i64, name: String) -> Result<BookingSetup, ApiError> {
    as_actor(desk, move |c, a| booking::rename_room(c, a, id, &name)).await
}

#[tauri::command]
#[specta::specta]
pub async fn set_room_retired(desk: State<'_, Arc<Desk>>, id: i64, retired: bool) -> Result<BookingSetup, ApiError> {
    as_actor(desk, move |c, a| booking::set_room_retired(c, a, id, retired)).await
}

#[tauri::command]
#[specta::specta]
pub async fn save_appointment_lengths(
    desk: State<'_, Arc<Desk>>,
    lengths: Vec<KindLength>,
) -> Result<BookingSetup, ApiError> {
    as_actor(desk, move |c, a| booking::save_appointment_lengths(c, a, &lengths)).await
}
