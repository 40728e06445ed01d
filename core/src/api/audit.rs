//! The audit log's view: reading and exporting (administrators only).

use crate::audit::{self, Action, AuditEntry, AuditFilter};
use crate::auth::{Actor, Permission};
use crate::clinic::Clinic;
use crate::files::{save_export, SaveDialog};
use crate::Result;

/// Audit entries matching `filter`, newest first.
pub fn list_audit(clinic: &Clinic, actor: &Actor, filter: &AuditFilter) -> Result<Vec<AuditEntry>> {
    actor.require(Permission::ViewAudit)?;
    clinic.db().read(|c| audit::list_entries(c, filter))
}

/// Saves the entries matching `filter` as CSV where the person chooses in `dialog`;
/// the export is itself audited. `None` if they cancelled.
pub fn export_audit_csv(
    clinic: &Clinic,
    actor: &Actor,
    filter: &AuditFilter,
    dialog: &dyn SaveDialog,
) -> Result<Option<String>> {
    actor.require(Permission::ViewAudit)?;
    save_export(dialog, "glabella-audit.csv", "CSV", "csv", || {
        clinic.db().write(|tx| {
            let entries = audit::list_entries(tx, filter)?;
            audit::record(
                tx,
                &actor.audit(Action::AuditExport).described(format!("{} entries exported as CSV", entries.len())),
            )?;
            Ok(audit::to_csv(&entries))
        })
    })
}
