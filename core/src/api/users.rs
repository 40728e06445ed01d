//! Staff accounts (administrators only). Creating, resetting, deactivating and
//! reactivating also change who can unwrap the database key, so they go through the
//! [`Clinic`], which keeps the key file and the database in step.

use crate::auth::users::{self, NewUser, User};
use crate::auth::{Actor, Role};
use crate::clinic::Clinic;
use crate::Result;

pub fn list_users(clinic: &Clinic, actor: &Actor) -> Result<Vec<User>> {
    clinic.db().read(|c| users::list_users(c, actor))
}

pub fn create_user(clinic: &Clinic, actor: &Actor, new: &NewUser) -> Result<User> {
    clinic.create_user(actor, new)
}

pub fn set_user_role(clinic: &Clinic, actor: &Actor, id: i64, role: Role) -> Result<User> {
    clinic.set_role(actor, id, role)
}

pub fn deactivate_user(clinic: &Clinic, actor: &Actor, id: i64) -> Result<User> {
    clinic.deactivate_user(actor, id)
}

/// Reactivates an account with a new password (the old one no longer opens the database).
pub fn reactivate_user(clinic: &Clinic, actor: &Actor, id: i64, password: &str) -> Result<User> {
    clinic.reactivate_user(actor, id, password)
}

pub fn reset_user_password(clinic: &Clinic, actor: &Actor, id: i64, password: &str) -> Result<User> {
    clinic.reset_password(actor, id, password)
}
