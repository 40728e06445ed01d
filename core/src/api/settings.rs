//! The clinic's settings and one's own password.

use crate::auth::settings::{self, ClinicSettings};
use crate::auth::Actor;
use crate::clinic::Clinic;
use crate::Result;

/// The clinic's settings (anyone signed in may read them).
pub fn get_settings(clinic: &Clinic, _actor: &Actor) -> Result<ClinicSettings> {
    clinic.db().read(settings::get_settings)
}

/// Changes the clinic's settings (administrators only). The idle lock of the person
/// signed in follows at their next action (see [`super::signin::Desk`]).
pub fn update_settings(clinic: &Clinic, actor: &Actor, new: &ClinicSettings) -> Result<ClinicSettings> {
    clinic.update_settings(actor, new)
}

/// Changes the signed-in person's own password, after checking the current one.
pub fn change_own_password(clinic: &Clinic, actor: &Actor, current: &str, replacement: &str) -> Result<()> {
    clinic.change_own_password(actor, current, replacement)
}
