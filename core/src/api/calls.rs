//! The recall calls: who is due back and has nothing booked, and each call's outcome.

use crate::auth::Actor;
use crate::booking::calls::{self, CallForm, CallList, CallListQuery};
use crate::clinic::Clinic;
use crate::Result;

/// A page of the patients to call.
pub fn recall_list(clinic: &Clinic, actor: &Actor, query: &CallListQuery) -> Result<CallList> {
    let now = clinic.now();
    clinic.db().read(|c| calls::recall_list(c, actor, query, now))
}

/// Records how a call went.
pub fn record_call(clinic: &Clinic, actor: &Actor, form: &CallForm) -> Result<()> {
    let now = clinic.now();
    clinic.db().write(|tx| calls::record_call(tx, actor, form, now))
}
