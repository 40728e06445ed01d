//! The audit log's view: reading and exporting (administrators only). The filter's
//! days may be typed the clinic's way.

use rusqlite::Connection;

use crate::audit::{self, Action, AuditEntry, AuditFilter};
use crate::auth::{Actor, Permission};
use crate::calendar::{self, DateFormat};
use crate::clinic::Clinic;
use crate::files::{save_export, SaveDialog};
use crate::Result;

/// Audit entries matching `filter`, newest first.
pub fn list_audit(clinic: &Clinic, actor: &Actor, filter: &AuditFilter) -> Result<Vec<AuditEntry>> {
    actor.require(Permission::ViewAudit)?;
    clinic.db().read(|c| audit::list_entries(c, &as_stored(c, filter)?))
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
            let entries = audit::list_entries(tx, &as_stored(tx, filter)?)?;
            audit::record(
                tx,
                &actor.audit(Action::AuditExport).described(format!("{} entries exported as CSV", entries.len())),
            )?;
            Ok(audit::to_csv(&entries))
        })
    })
}

/// `filter` with its days as `YYYY-MM-DD`, where they read as dates the clinic's way.
fn as_stored(conn: &Connection, filter: &AuditFilter) -> Result<AuditFilter> {
    let dates = DateFormat::of(conn)?;
    let mut filter = filter.clone();
    for day in [&mut filter.from, &mut filter.to].into_iter().flatten() {
        calendar::normalise_date(day, dates);
    }
    Ok(filter)
}
