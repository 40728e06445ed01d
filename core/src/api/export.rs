//! Export everything (administrators): the whole clinic as CSV files in a `.zip` or as
//! a FHIR R4 bundle, saved where the person chooses. The dialog comes first (nothing is
//! read if they cancel); the file is then streamed from one read transaction, with no
//! write lock held however long it takes; once it is on disk, a short write records
//! the disclosure, and only then does the file take its name.

use crate::auth::{Actor, Permission};
use crate::clinic::Clinic;
use crate::export::{self, Exported, Format};
use crate::files::{save_streamed, SaveDialog};
use crate::Result;

/// Saves everything as CSV files in one `.zip`; `None` if the person cancelled.
pub fn export_everything_csv(clinic: &Clinic, actor: &Actor, dialog: &dyn SaveDialog) -> Result<Option<Exported>> {
    export_everything(clinic, actor, dialog, Format::Csv)
}

/// Saves everything as one FHIR R4 JSON bundle; `None` if the person cancelled.
pub fn export_everything_fhir(clinic: &Clinic, actor: &Actor, dialog: &dyn SaveDialog) -> Result<Option<Exported>> {
    export_everything(clinic, actor, dialog, Format::Fhir)
}

fn export_everything(
    clinic: &Clinic,
    actor: &Actor,
    dialog: &dyn SaveDialog,
    format: Format,
) -> Result<Option<Exported>> {
    actor.require(Permission::ExportRecords)?; // no dialog for someone refused
    let (filter, extension) = format.file_type();
    let Some(target) = dialog.save_as(&format.file_name(clinic.today()), filter, extension)? else {
        return Ok(None);
    };
    let now = clinic.now();
    let (file_name, counts) = save_streamed(
        target,
        |out| {
            clinic.db().read(|c| {
                export::snapshot(c, |c| match format {
                    Format::Csv => export::csv::write_zip(c, actor, out),
                    Format::Fhir => export::fhir::write_bundle(c, actor, now, out),
                })
            })
        },
        |counts| clinic.db().write(|tx| export::record_export(tx, actor, format, counts)),
    )?;
    Ok(Some(Exported { file_name, counts }))
}
