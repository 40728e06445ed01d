//! The appointment book: the day and week views, today's list, booking with its
//! conflict checks (inside the booking's own write transaction), moving, cancelling,
//! checking in, starting the session of an appointment, and printing an injector's
//! day sheet.

use crate::auth::{Actor, Permission};
use crate::booking::book::{self, AppointmentChange, Booked, BookingForm};
use crate::booking::views::{self, BookView, Columns, PatientAppointments, TodayRow};
use crate::booking::{Appointment, CancelReason, Status};
use crate::clinic::Clinic;
use crate::paperwork;
use crate::printing::Print;
use crate::sessions::Session;
use crate::Result;

/// One day of the book by injector or by room; `date` empty for today.
pub fn day_view(clinic: &Clinic, actor: &Actor, date: &str, by: Columns) -> Result<BookView> {
    let now = clinic.now();
    clinic.db().read(|c| views::day_view(c, actor, date, by, now))
}

/// One injector's week around `date`.
pub fn week_view(clinic: &Clinic, actor: &Actor, date: &str, injector_id: i64) -> Result<BookView> {
    let now = clinic.now();
    clinic.db().read(|c| views::week_view(c, actor, date, injector_id, now))
}

/// Today's appointments (one injector's, or everyone's).
pub fn today_list(clinic: &Clinic, actor: &Actor, injector_id: Option<i64>) -> Result<Vec<TodayRow>> {
    let now = clinic.now();
    clinic.db().read(|c| views::today_list(c, actor, injector_id, now))
}

/// A patient's appointments and next-due date, for the chart.
pub fn patient_appointments(clinic: &Clinic, actor: &Actor, patient_id: i64) -> Result<PatientAppointments> {
    let now = clinic.now();
    clinic.db().read(|c| views::patient_appointments(c, actor, patient_id, now))
}

pub fn get_appointment(clinic: &Clinic, actor: &Actor, id: i64) -> Result<Appointment> {
    actor.require(Permission::Demographics)?;
    clinic.db().read(|c| views::get(c, id))
}

/// Every change of an appointment.
pub fn appointment_history(clinic: &Clinic, actor: &Actor, id: i64) -> Result<Vec<AppointmentChange>> {
    clinic.db().read(|c| book::history(c, actor, id))
}

/// Books an appointment; a conflict is refused with the reason beside its field.
pub fn book_appointment(clinic: &Clinic, actor: &Actor, form: &BookingForm) -> Result<Booked> {
    clinic.db().write(|tx| book::book(tx, actor, form))
}

pub fn reschedule_appointment(clinic: &Clinic, actor: &Actor, id: i64, form: &BookingForm) -> Result<Booked> {
    clinic.db().write(|tx| book::reschedule(tx, actor, id, form))
}

pub fn cancel_appointment(clinic: &Clinic, actor: &Actor, id: i64, reason: CancelReason) -> Result<Appointment> {
    clinic.db().write(|tx| book::cancel(tx, actor, id, reason))
}

/// Marks arrived, takes an arrival back, or marks a no-show.
pub fn set_appointment_status(clinic: &Clinic, actor: &Actor, id: i64, status: Status) -> Result<Appointment> {
    clinic.db().write(|tx| book::set_status(tx, actor, id, status))
}

/// Starts (or reopens) the session of an appointment: the appointment is then in treatment.
pub fn start_appointment_session(clinic: &Clinic, actor: &Actor, id: i64) -> Result<Session> {
    let now = clinic.now();
    clinic.db().write(|tx| book::start_session(tx, actor, id, now))
}

/// Prints the day sheet of `injector_id` on `date` (empty for today): typeset on a read
/// connection, audited in a short write, then sent to `printer` with no lock held.
/// Returns how many appointments it lists.
pub fn print_day_sheet(
    clinic: &Clinic,
    actor: &Actor,
    date: &str,
    injector_id: i64,
    printer: &dyn Print,
) -> Result<u32> {
    let now = clinic.now();
    let sheet = clinic.db().read(|c| paperwork::day_sheet(c, actor, date, injector_id, now))?;
    clinic.db().write(|tx| paperwork::record_day_sheet(tx, actor, &sheet))?;
    printer.print(&sheet.pdf, &paperwork::day_sheet_job(&sheet))?;
    Ok(sheet.appointments)
}
