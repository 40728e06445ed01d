//! The recall calls: who is due back and has nothing booked, each call's outcome, and
//! the whole list printed or saved as CSV (receptionists and administrators; each is
//! audited as a disclosure).

use crate::auth::{Actor, Permission};
use crate::booking::calls::{self, CallForm, CallList, CallListQuery};
use crate::clinic::Clinic;
use crate::files::{save_export, SaveDialog};
use crate::paperwork::{self, SavedList};
use crate::printing::Print;
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

/// Prints every patient `query` selects (all pages; its offset and limit are ignored):
/// typeset on a read connection, audited in a short write, then sent to `printer`
/// with no lock held. Returns how many patients it lists.
pub fn print_call_list(clinic: &Clinic, actor: &Actor, query: &CallListQuery, printer: &dyn Print) -> Result<u32> {
    let now = clinic.now();
    let (pdf, patients, name) = clinic.db().read(|c| {
        let (pdf, patients) = paperwork::call_list_pdf(c, actor, query, now)?;
        Ok((pdf, patients, paperwork::call_list_file_name(c, now)?))
    })?;
    clinic.db().write(|tx| paperwork::record_call_list(tx, actor, patients, "printed"))?;
    printer.print(&pdf, &format!("{name}.pdf"))?;
    Ok(patients)
}

/// Asks where to save the list `query` selects (all pages) as CSV, then makes,
/// audits and saves it; `None` if the person cancelled (nothing is read or audited).
pub fn export_call_list_csv(
    clinic: &Clinic,
    actor: &Actor,
    query: &CallListQuery,
    dialog: &dyn SaveDialog,
) -> Result<Option<SavedList>> {
    actor.require(Permission::Booking)?; // no dialog for someone refused
    let now = clinic.now();
    let name = clinic.db().read(|c| paperwork::call_list_file_name(c, now))?;
    let mut patients = 0;
    let saved = save_export(dialog, &format!("{name}.csv"), "CSV", "csv", || {
        let (csv, count) = clinic.db().write(|tx| paperwork::call_list_csv(tx, actor, query, now))?;
        patients = count;
        Ok(csv)
    })?;
    Ok(saved.map(|file_name| SavedList { file_name, patients }))
}
