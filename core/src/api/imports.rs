//! Settings → Import patients (administrators): choose a CSV file (the shell's native
//! open dialog; the core reads it and holds it, the page sees only its name, size and
//! rows), preview what would happen with the detected or chosen settings, import. The
//! file is read and every row checked before the transaction; the import's duplicate
//! look-ups and inserts are one write.

use crate::auth::{Actor, Permission};
use crate::calendar::DateFormat;
use crate::clinic::Clinic;
use crate::imports::{self, CsvFile, ImportOptions, OpenDialog, PatientImportPreview, PatientImportReport, Prepared};
use crate::Result;

/// Asks for the file in `dialog`, reads it and previews it with everything detected;
/// `None` if the person cancelled.
pub fn choose_import_file(
    clinic: &Clinic,
    actor: &Actor,
    dialog: &dyn OpenDialog,
) -> Result<Option<PatientImportPreview>> {
    actor.require(Permission::ManageSettings)?;
    let Some(file) = dialog.open("Choose the patients' CSV file", "CSV", &["csv", "txt", "tsv"])? else {
        return Ok(None);
    };
    let preview = preview_file(clinic, actor, &file, &ImportOptions::default())?;
    Ok(Some(PatientImportPreview { token: clinic.import_file().hold(file), ..preview }))
}

/// The preview of the chosen file (`token`) read with `options`.
pub fn preview_import(
    clinic: &Clinic,
    actor: &Actor,
    token: &str,
    options: &ImportOptions,
) -> Result<PatientImportPreview> {
    actor.require(Permission::ManageSettings)?;
    let file = clinic.import_file().get(token)?;
    Ok(PatientImportPreview { token: token.to_string(), ..preview_file(clinic, actor, &file, options)? })
}

/// Imports the chosen file (`token`) read with `options`; the file is let go after.
pub fn import_patients(
    clinic: &Clinic,
    actor: &Actor,
    token: &str,
    options: &ImportOptions,
) -> Result<PatientImportReport> {
    actor.require(Permission::ManageSettings)?;
    let file = clinic.import_file().get(token)?;
    let report = import_file(clinic, actor, &file, options)?;
    clinic.import_file().release(token);
    Ok(report)
}

/// What importing `file` with `options` would do (also `glabella-admin import-patients
/// --dry-run`).
pub fn preview_file(
    clinic: &Clinic,
    actor: &Actor,
    file: &CsvFile,
    options: &ImportOptions,
) -> Result<PatientImportPreview> {
    let prepared = prepare(clinic, actor, file, options)?;
    clinic.db().read(|c| imports::preview(c, actor, file, &prepared))
}

/// Imports `file` with `options` in one transaction (also `glabella-admin import-patients`).
pub fn import_file(
    clinic: &Clinic,
    actor: &Actor,
    file: &CsvFile,
    options: &ImportOptions,
) -> Result<PatientImportReport> {
    let prepared = prepare(clinic, actor, file, options)?;
    clinic.db().write(|tx| imports::import(tx, actor, file, &prepared))
}

/// Every row read and checked, before any transaction.
fn prepare(clinic: &Clinic, actor: &Actor, file: &CsvFile, options: &ImportOptions) -> Result<Prepared> {
    actor.require(Permission::ManageSettings)?;
    let dates = clinic.db().read(DateFormat::of)?;
    imports::prepare(file, options, clinic.today(), dates)
}
