//! The appointment book: views, booking, moving, cancelling, checking in, starting
//! an appointment's session, and printing a day sheet.

use std::sync::Arc;

use glabella_core::api::appointments;
use glabella_core::api::signin::Desk;
use glabella_core::booking::book::{AppointmentChange, Booked, BookingForm};
use glabella_core::booking::views::{BookView, Columns, PatientAppointments, TodayRow};
use glabella_core::booking::{Appointment, CancelReason, Status};
use glabella_core::error::ApiError;
use glabella_core::sessions::Session;
use tauri::State;

use super::as_actor;

#[tauri::command]
#[specta::specta]
pub async fn day_view(desk: State<'_, Arc<Desk>>, date: String, by: Columns) -> Result<BookView, ApiError> {
    as_actor(desk, move |c, a| appointments::day_view(c, a, &date, by)).await
}

#[tauri::command]
#[specta::specta]
pub async fn week_view(desk: State<'_, Arc<Desk>>, date: String, injector_id: i64) -> Result<BookView, ApiError> {
    as_actor(desk, move |c, a| appointments::week_view(c, a, &date, injector_id)).await
}

#[tauri::command]
#[specta::specta]
pub async fn today_list(desk: State<'_, Arc<Desk>>, injector_id: Option<i64>) -> Result<Vec<TodayRow>, ApiError> {
    as_actor(desk, move |c, a| appointments::today_list(c, a, injector_id)).await
}

#[tauri::command]
#[specta::specta]
pub async fn patient_appointments(
    desk: State<'_, Arc<Desk>>,
    patient_id: i64,
) -> Result<PatientAppointments, ApiError> {
    as_actor(desk, move |c, a| appointments::patient_appointments(c, a, patient_id)).await
}

#[tauri::command]
#[specta::specta]
pub async fn get_appointment(desk: State<'_, Arc<Desk>>, id: i64) -> Result<Appointment, ApiError> {
    as_actor(desk, move |c, a| appointments::get_appointment(c, a, id)).await
}

#[tauri::command]
#[specta::specta]
pub async fn appointment_history(desk: State<'_, Arc<Desk>>, id: i64) -> Result<Vec<AppointmentChange>, ApiError> {
    as_actor(desk, move |c, a| appointments::appointment_history(c, a, id)).await
}

#[tauri::command]
#[specta::specta]
pub async fn book_appointment(desk: State<'_, Arc<Desk>>, form: BookingForm) -> Result<Booked, ApiError> {
    as_actor(desk, move |c, a| appointments::book_appointment(c, a, &form)).await
}

#[tauri::command]
#[specta::specta]
pub async fn reschedule_appointment(
    desk: State<'_, Arc<Desk>>,
    id: i64,
    form: BookingForm,
) -> Result<Booked, ApiError> {
    as_actor(desk, move |c, a| appointments::reschedule_appointment(c, a, id, &form)).await
}

#[tauri::command]
#[specta::specta]
pub async fn cancel_appointment(
    desk: State<'_, Arc<Desk>>,
    id: i64,
    reason: CancelReason,
) -> Result<Appointment, ApiError> {
    as_actor(desk, move |c, a| appointments::cancel_appointment(c, a, id, reason)).await
}

#[tauri::command]
#[specta::specta]
pub async fn set_appointment_status(
    desk: State<'_, Arc<Desk>>,
    id: i64,
    status: Status,
) -> Result<Appointment, ApiError> {
    as_actor(desk, move |c, a| appointments::set_appointment_status(c, a, id, status)).await
}

#[tauri::command]
#[specta::specta]
pub async fn start_appointment_session(desk: State<'_, Arc<Desk>>, id: i64) -> Result<Session, ApiError> {
    as_actor(desk, move |c, a| appointments::start_appointment_session(c, a, id)).await
}

/// Prints an injector's day sheet; how many appointments it lists.
#[tauri::command]
#[specta::specta]
pub async fn print_day_sheet(desk: State<'_, Arc<Desk>>, date: String, injector_id: i64) -> Result<u32, ApiError> {
    as_actor(desk, move |c, a| appointments::print_day_sheet(c, a, &date, injector_id, c)).await
}
