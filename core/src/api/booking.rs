//! Setup for booking (Settings → Booking): opening hours, rooms, injectors' hours and the
//! length of each kind of appointment. Everyone reads it (the book is drawn from it);
//! administrators change it.

use crate::auth::Actor;
use crate::booking::setup::{self, BookingSetup, DayHours, KindLength};
use crate::clinic::Clinic;
use crate::Result;

/// Everything Settings → Booking shows.
pub fn get_booking_setup(clinic: &Clinic, _actor: &Actor) -> Result<BookingSetup> {
    clinic.db().read(setup::booking_setup)
}

/// Sets the clinic's opening hours, Monday first (`None`: closed).
pub fn save_opening_hours(clinic: &Clinic, actor: &Actor, days: &[Option<DayHours>]) -> Result<BookingSetup> {
    clinic.db().write(|tx| setup::save_opening_hours(tx, actor, days))
}

/// Sets an injector's working week, or (`None`) has them follow the opening hours.
pub fn save_injector_hours(
    clinic: &Clinic,
    actor: &Actor,
    user_id: i64,
    days: Option<&[Option<DayHours>]>,
) -> Result<BookingSetup> {
    clinic.db().write(|tx| setup::save_injector_hours(tx, actor, user_id, days))
}

pub fn add_room(clinic: &Clinic, actor: &Actor, name: &str) -> Result<BookingSetup> {
    clinic.db().write(|tx| setup::add_room(tx, actor, name))
}

pub fn rename_room(clinic: &Clinic, actor: &Actor, id: i64, name: &str) -> Result<BookingSetup> {
    clinic.db().write(|tx| setup::rename_room(tx, actor, id, name))
}

/// Retires a room or brings it back.
pub fn set_room_retired(clinic: &Clinic, actor: &Actor, id: i64, retired: bool) -> Result<BookingSetup> {
    clinic.db().write(|tx| setup::set_room_retired(tx, actor, id, retired))
}

pub fn save_appointment_lengths(clinic: &Clinic, actor: &Actor, lengths: &[KindLength]) -> Result<BookingSetup> {
    clinic.db().write(|tx| setup::save_appointment_lengths(tx, actor, lengths))
}
