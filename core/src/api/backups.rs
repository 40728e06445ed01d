//! Backups (administrators): their state, *Back up now*, and the backup folder, which
//! the person picks in the native folder dialog (the page never names a path).

use crate::auth::{Actor, Permission};
use crate::backup::{self, BackupReason, BackupRun, BackupStatus};
use crate::clinic::Clinic;
use crate::files::SaveDialog;
use crate::Result;

/// Where backups go, the last verified one, failures, and when the next is due.
pub fn backup_status(clinic: &Clinic, actor: &Actor) -> Result<BackupStatus> {
    backup::status(clinic, actor)
}

/// Backs up now into the app's own folder and the chosen one, each verified.
pub fn back_up_now(clinic: &Clinic, actor: &Actor) -> Result<Vec<BackupRun>> {
    actor.require(Permission::ManageSettings)?;
    backup::back_up(clinic, Some(actor), BackupReason::Manual)
}

/// Asks for the backup folder (a USB drive or a network folder) and keeps it; the
/// status afterwards (unchanged if the person cancelled).
pub fn choose_backup_folder(clinic: &Clinic, actor: &Actor, dialog: &dyn SaveDialog) -> Result<BackupStatus> {
    actor.require(Permission::ManageSettings)?;
    if let Some(folder) = dialog.choose_folder("Choose the backup folder") {
        clinic.db().write(|tx| backup::set_chosen_folder(tx, actor, &folder))?;
    }
    backup::status(clinic, actor)
}
