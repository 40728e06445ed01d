//! The operations by name: [`call`] runs any operation of [`OPERATIONS`](super::OPERATIONS)
//! from its name (`module::function`) and its arguments as one JSON object, the same
//! camelCase members the window's bindings send. It is the clinic server's door into
//! this API: the person and their role always come from the [`Desk`], never from the
//! arguments (an unknown member is refused), and the result is the function's own,
//! as JSON.
//!
//! The few operations that open a dialog or a printer belong to the computer in front
//! of the person, not to the one that holds the records; they are listed in
//! [`AT_THE_WORKSTATION`] and refused here until the workstation can serve them.

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::signin::{Desk, RestoreUnlock};
use super::workstations::Workstations;
use super::*;
use crate::articles::{ArticleForm, ImportFile, LibraryQuery};
use crate::audit::AuditFilter;
use crate::auth::settings::ClinicSettings;
use crate::auth::users::NewUser;
use crate::auth::{Actor, Role};
use crate::booking::book::BookingForm;
use crate::booking::calls::{CallForm, CallListQuery};
use crate::booking::setup::{DayHours, KindLength};
use crate::booking::views::Columns;
use crate::booking::{CancelReason, Status};
use crate::clinic::Clinic;
use crate::handouts::Paper;
use crate::imports::ImportOptions;
use crate::patients::PatientDetails;
use crate::products::{ProductForm, TreatmentKind};
use crate::sessions::SessionForm;
use crate::stock::{LotForm, VialForm};
use crate::{Error, Result};

/// Operations that need the workstation's own dialogs or printer, with the reason.
pub const AT_THE_WORKSTATION: &[(&str, &str)] = &[
    ("signin::find_backups", "opens a folder dialog"),
    ("backups::choose_backup_folder", "opens a folder dialog"),
    ("audit::export_audit_csv", "opens a save dialog"),
    ("export::export_everything_csv", "opens a save dialog"),
    ("export::export_everything_fhir", "opens a save dialog"),
    ("imports::choose_import_file", "opens a file dialog"),
    ("appointments::print_day_sheet", "prints"),
    ("calls::print_call_list", "prints"),
    ("calls::export_call_list_csv", "opens a save dialog"),
    ("stock::export_recall_csv", "opens a save dialog"),
    ("library::export_article_markdown", "opens a save dialog"),
    ("handouts::print_handout", "prints"),
    ("handouts::save_handout_pdf", "opens a save dialog"),
    ("handouts::reprint_handout", "prints"),
];

/// The table: `desk` rows run on the [`Desk`] itself (signing in and out), `actor`
/// rows for the signed-in, unlocked person, `server` rows for that person with the
/// server's [`Workstations`]. Each row names the arguments with their types; the
/// body sees them by those names.
macro_rules! operations {
    ($($kind:ident $module:ident :: $op:ident { $($arg:ident : $ty:ty),* $(,)? } => $body:expr;)*) => {
        /// Every operation [`call`] runs, `module::function`.
        pub const DISPATCHED: &[&str] = &[$(concat!(stringify!($module), "::", stringify!($op))),*];

        /// Runs the operation `op` with `args` (a JSON object, or `null` for none) for
        /// the person signed in at `desk`, on the clinic server whose paired devices
        /// are `devices`; its result as JSON.
        pub fn call(desk: &Desk, devices: &dyn Workstations, op: &str, args: Value) -> Result<Value> {
            $(
                if op == concat!(stringify!($module), "::", stringify!($op)) {
                    #[derive(Deserialize)]
                    #[serde(rename_all = "camelCase", deny_unknown_fields)]
                    struct Args { $($arg: $ty),* }
                    let Args { $($arg),* } = arguments(args)?;
                    return operations!(@run $kind desk, devices, $body);
                }
            )*
            match AT_THE_WORKSTATION.iter().find(|(name, _)| *name == op) {
                Some((_, why)) => Err(Error::invalid("op", format!("{op} {why} on the workstation; it cannot run on the clinic server yet"))),
                None => Err(Error::invalid("op", format!("there is no operation {op:?}"))),
            }
        }
    };
    (@run desk $desk:ident, $devices:ident, $body:expr) => { as_json(($body)($desk)) };
    (@run actor $desk:ident, $devices:ident, $body:expr) => { for_actor($desk, $body) };
    (@run server $desk:ident, $devices:ident, $body:expr) => { for_actor($desk, |c, a| ($body)(c, a, $devices)) };
}

/// The arguments as the operation's own type; `null` reads as no arguments.
fn arguments<T: DeserializeOwned>(args: Value) -> Result<T> {
    let args = if args.is_null() { Value::Object(Default::default()) } else { args };
    serde_json::from_value(args).map_err(|e| Error::invalid("args", format!("the arguments do not fit: {e}")))
}

fn as_json<T: Serialize>(result: Result<T>) -> Result<Value> {
    serde_json::to_value(result?).map_err(|e| Error::Internal(format!("the answer could not be written: {e}")))
}

fn for_actor<T: Serialize>(desk: &Desk, f: impl FnOnce(&Clinic, &Actor) -> Result<T>) -> Result<Value> {
    let (clinic, actor) = desk.actor()?;
    as_json(f(&clinic, &actor))
}

operations! {
    desk signin::app_status {} => |d: &Desk| Ok(d.app_status());
    desk signin::setup_clinic { clinic: ClinicSettings, admin: NewUser } => |d: &Desk| d.setup_clinic(&clinic, &admin);
    desk signin::sign_in { username: String, password: String } => |d: &Desk| d.sign_in(&username, &password);
    desk signin::sign_out {} => |d: &Desk| d.sign_out();
    desk signin::lock_app {} => |d: &Desk| d.lock_app();
    desk signin::keep_alive {} => |d: &Desk| d.keep_alive();
    desk signin::list_backups {} => |d: &Desk| Ok(d.list_backups());
    desk signin::restore_backup { id: String, unlock: RestoreUnlock } => |d: &Desk| d.restore_backup(&id, &unlock);
    desk signin::recovery_admins { recovery_key: String } => |d: &Desk| d.recovery_admins(&recovery_key);
    desk signin::recover_access { recovery_key: String, user_id: i64, password: String } => |d: &Desk| d.recover_access(&recovery_key, user_id, &password);
    actor notices::notices {} => notices::notices;
    actor backups::backup_status {} => backups::backup_status;
    actor backups::back_up_now {} => backups::back_up_now;
    actor settings::change_own_password { current: String, replacement: String, } => |c, a| settings::change_own_password(c, a, &current, &replacement);
    actor settings::get_settings {} => settings::get_settings;
    actor settings::update_settings { settings: ClinicSettings } => |c, a| settings::update_settings(c, a, &settings);
    actor users::list_users {} => users::list_users;
    actor users::create_user { user: NewUser } => |c, a| users::create_user(c, a, &user);
    actor users::set_user_role { id: i64, role: Role } => |c, a| users::set_user_role(c, a, id, role);
    actor users::deactivate_user { id: i64 } => |c, a| users::deactivate_user(c, a, id);
    actor users::reactivate_user { id: i64, password: String } => |c, a| users::reactivate_user(c, a, id, &password);
    actor users::reset_user_password { id: i64, password: String } => |c, a| users::reset_user_password(c, a, id, &password);
    actor audit::list_audit { filter: AuditFilter } => |c, a| audit::list_audit(c, a, &filter);
    actor patients::search_patients { query: String, include_archived: bool, } => |c, a| patients::search_patients(c, a, &query, include_archived);
    actor patients::open_patient_chart { id: i64 } => |c, a| patients::open_patient_chart(c, a, id);
    actor patients::register_patient { details: PatientDetails, register_anyway: bool, } => |c, a| patients::register_patient(c, a, &details, register_anyway);
    actor patients::update_patient { id: i64, details: PatientDetails } => |c, a| patients::update_patient(c, a, id, &details);
    actor patients::archive_patient { id: i64 } => |c, a| patients::archive_patient(c, a, id);
    actor patients::unarchive_patient { id: i64 } => |c, a| patients::unarchive_patient(c, a, id);
    actor imports::preview_import { token: String, options: ImportOptions, } => |c, a| imports::preview_import(c, a, &token, &options);
    actor imports::import_patients { token: String, options: ImportOptions, } => |c, a| imports::import_patients(c, a, &token, &options);
    actor sessions::list_patient_sessions { patient_id: i64, } => |c, a| sessions::list_patient_sessions(c, a, patient_id);
    actor sessions::start_session { patient_id: i64, kind: TreatmentKind, } => |c, a| sessions::start_session(c, a, patient_id, kind);
    actor sessions::open_session { id: i64 } => |c, a| sessions::open_session(c, a, id);
    actor sessions::save_session { id: i64, form: SessionForm } => |c, a| sessions::save_session(c, a, id, &form);
    actor sessions::sign_session { id: i64, form: SessionForm } => |c, a| sessions::sign_session(c, a, id, &form);
    actor sessions::amend_session { id: i64, reason: String, text: String, } => |c, a| sessions::amend_session(c, a, id, &reason, &text);
    actor booking::get_booking_setup {} => booking::get_booking_setup;
    actor booking::save_opening_hours { days: Vec<Option<DayHours>>, } => |c, a| booking::save_opening_hours(c, a, &days);
    actor booking::save_injector_hours { user_id: i64, days: Option<Vec<Option<DayHours>>>, } => |c, a| booking::save_injector_hours(c, a, user_id, days.as_deref());
    actor booking::add_room { name: String } => |c, a| booking::add_room(c, a, &name);
    actor booking::rename_room { id: i64, name: String } => |c, a| booking::rename_room(c, a, id, &name);
    actor booking::set_room_retired { id: i64, retired: bool } => |c, a| booking::set_room_retired(c, a, id, retired);
    actor booking::save_appointment_lengths { lengths: Vec<KindLength>, } => |c, a| booking::save_appointment_lengths(c, a, &lengths);
    actor appointments::day_view { date: String, by: Columns } => |c, a| appointments::day_view(c, a, &date, by);
    actor appointments::week_view { date: String, injector_id: i64 } => |c, a| appointments::week_view(c, a, &date, injector_id);
    actor appointments::today_list { injector_id: Option<i64> } => |c, a| appointments::today_list(c, a, injector_id);
    actor appointments::patient_appointments { patient_id: i64, } => |c, a| appointments::patient_appointments(c, a, patient_id);
    actor appointments::get_appointment { id: i64 } => |c, a| appointments::get_appointment(c, a, id);
    actor appointments::appointment_history { id: i64 } => |c, a| appointments::appointment_history(c, a, id);
    actor appointments::book_appointment { form: BookingForm } => |c, a| appointments::book_appointment(c, a, &form);
    actor appointments::reschedule_appointment { id: i64, form: BookingForm, } => |c, a| appointments::reschedule_appointment(c, a, id, &form);
    actor appointments::cancel_appointment { id: i64, reason: CancelReason, } => |c, a| appointments::cancel_appointment(c, a, id, reason);
    actor appointments::set_appointment_status { id: i64, status: Status, } => |c, a| appointments::set_appointment_status(c, a, id, status);
    actor appointments::start_appointment_session { id: i64 } => |c, a| appointments::start_appointment_session(c, a, id);
    actor calls::recall_list { query: CallListQuery } => |c, a| calls::recall_list(c, a, &query);
    actor calls::record_call { form: CallForm } => |c, a| calls::record_call(c, a, &form);
    actor stock::list_products {} => stock::list_products;
    actor stock::create_product { form: ProductForm } => |c, a| stock::create_product(c, a, &form);
    actor stock::update_product { id: i64, form: ProductForm } => |c, a| stock::update_product(c, a, id, &form);
    actor stock::set_product_retired { id: i64, retired: bool } => |c, a| stock::set_product_retired(c, a, id, retired);
    actor stock::scan_lot_code { text: String } => |c, a| stock::scan_lot_code(c, a, &text);
    actor stock::receive_lot { form: LotForm } => |c, a| stock::receive_lot(c, a, &form);
    actor stock::get_inventory {} => stock::get_inventory;
    actor stock::list_usable_lots {} => stock::list_usable_lots;
    actor stock::open_vial { form: VialForm } => |c, a| stock::open_vial(c, a, &form);
    actor stock::list_recent_vials {} => stock::list_recent_vials;
    actor stock::recall_lot { lot_number: String } => |c, a| stock::recall_lot(c, a, &lot_number);
    actor library::search_library { query: LibraryQuery } => |c, a| library::search_library(c, a, &query);
    actor library::list_library_tags {} => library::list_library_tags;
    actor library::get_article { id: i64 } => |c, a| library::get_article(c, a, id);
    actor library::create_article { form: ArticleForm } => |c, a| library::create_article(c, a, &form);
    actor library::update_article { id: i64, form: ArticleForm } => |c, a| library::update_article(c, a, id, &form);
    actor library::list_article_versions { id: i64 } => |c, a| library::list_article_versions(c, a, id);
    actor library::get_article_version { id: i64, version: i64, } => |c, a| library::get_article_version(c, a, id, version);
    actor library::import_articles { files: Vec<ImportFile> } => |c, a| library::import_articles(c, a, &files);
    actor handouts::list_aftercare_templates {} => handouts::list_aftercare_templates;
    actor handouts::list_template_versions { kind: TreatmentKind, } => |c, a| handouts::list_template_versions(c, a, kind);
    actor handouts::save_aftercare_template { kind: TreatmentKind, title: String, body: String, } => |c, a| handouts::save_aftercare_template(c, a, kind, &title, &body);
    actor handouts::get_handout_paper {} => handouts::get_handout_paper;
    actor handouts::set_handout_paper { paper: Paper } => |c, a| handouts::set_handout_paper(c, a, paper);
    actor handouts::get_clinic_logo {} => handouts::get_clinic_logo;
    actor handouts::set_clinic_logo { image: Vec<u8> } => |c, a| handouts::set_clinic_logo(c, a, &image);
    actor handouts::list_handouts { patient_id: i64 } => |c, a| handouts::list_handouts(c, a, patient_id);
    server workstations::list_workstations {} => workstations::list_workstations;
    server workstations::start_pairing {} => workstations::start_pairing;
    server workstations::revoke_workstation { id: String } => |c, a, w| workstations::revoke_workstation(c, a, w, &id);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_operation_is_dispatched_or_named_for_the_workstation() {
        let mut covered: Vec<&str> =
            DISPATCHED.iter().copied().chain(AT_THE_WORKSTATION.iter().map(|(op, _)| *op)).collect();
        covered.sort_unstable();
        let mut all = OPERATIONS.to_vec();
        all.sort_unstable();
        assert_eq!(covered, all);
    }
}
