//! The operations by name: [`call`] runs any operation of [`OPERATIONS`](super::OPERATIONS)
//! from its name (`module::function`) and its arguments as one JSON object, the same
//! camelCase members the window's bindings send. It is the clinic server's door into
//! this API: the person and their role always come from the [`Desk`], never from the
//! arguments (an unknown member is refused), and the result is the function's own,
//! as JSON.
//!
//! The operations that open a dialog or print run here too, with the dialogs and the
//! printer of the computer in front of the person: the server lends them as
//! [`Peripherals`] that ask the workstation. Only the backup folder's two operations
//! stay with the computer that holds the records ([`AT_THE_SERVER`]).

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
use crate::files::SaveDialog;
use crate::handouts::Paper;
use crate::imports::ImportOptions;
use crate::imports::OpenDialog;
use crate::patients::PatientDetails;
use crate::printing::Print;
use crate::products::{ProductForm, TreatmentKind};
use crate::sessions::SessionForm;
use crate::stock::{LotForm, VialForm};
use crate::{Error, Result};

/// The computer in front of the person: its save and open dialogs and its printer.
/// In the app that is this computer; on the clinic server, the workstation the call
/// came from.
pub trait Peripherals: SaveDialog + OpenDialog + Print {}

impl<T: SaveDialog + OpenDialog + Print> Peripherals for T {}

/// Operations about folders on the computer that holds the records (its backups),
/// which a workstation's folder dialog cannot name.
pub const AT_THE_SERVER: &[&str] = &["signin::find_backups", "backups::choose_backup_folder"];

/// The table: `desk` rows run on the [`Desk`] itself (signing in and out), `actor`
/// rows for the signed-in, unlocked person, `server` rows for that person with the
/// server's [`Workstations`], `here` rows for that person with the [`Peripherals`] of
/// the computer in front of them. Each row names the arguments with their types; the
/// body sees them by those names.
macro_rules! operations {
    ($($kind:ident $module:ident :: $op:ident { $($arg:ident : $ty:ty),* $(,)? } => $body:expr;)*) => {
        /// Every operation [`call`] runs, `module::function`.
        pub const DISPATCHED: &[&str] = &[$(concat!(stringify!($module), "::", stringify!($op))),*];

        /// Runs the operation `op` with `args` (a JSON object, or `null` for none) for
        /// the person signed in at `desk`, on the clinic server whose paired devices
        /// are `devices`, with the dialogs and printer of `here`; its result as JSON.
        pub fn call(desk: &Desk, devices: &dyn Workstations, here: &dyn Peripherals, op: &str, args: Value) -> Result<Value> {
            $(
                if op == concat!(stringify!($module), "::", stringify!($op)) {
                    #[derive(Deserialize)]
                    #[serde(rename_all = "camelCase", deny_unknown_fields)]
                    struct Args { $($arg: $ty),* }
                    let Args { $($arg),* } = arguments(args)?;
                    return operations!(@run $kind desk, devices, here, $body);
                }
            )*
            if AT_THE_SERVER.contains(&op) {
                return Err(Error::invalid("op", "Backups are kept by the clinic server: choose their folder on the computer that runs it."));
            }
            Err(Error::invalid("op", format!("there is no operation {op:?}")))
        }
    };
    (@run desk $desk:ident, $devices:ident, $here:ident, $body:expr) => { as_json(($body)($desk)) };
    (@run actor $desk:ident, $devices:ident, $here:ident, $body:expr) => { for_actor($desk, $body) };
    (@run server $desk:ident, $devices:ident, $here:ident, $body:expr) => { for_actor($desk, |c, a| ($body)(c, a, $devices)) };
    (@run here $desk:ident, $devices:ident, $here:ident, $body:expr) => { for_actor($desk, |c, a| ($body)(c, a, $here)) };
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
    here audit::export_audit_csv { filter: AuditFilter } => |c, a, p: &dyn Peripherals| audit::export_audit_csv(c, a, &filter, p);
    here export::export_everything_csv {} => |c, a, p: &dyn Peripherals| export::export_everything_csv(c, a, p);
    here export::export_everything_fhir {} => |c, a, p: &dyn Peripherals| export::export_everything_fhir(c, a, p);
    here imports::choose_import_file {} => |c, a, p: &dyn Peripherals| imports::choose_import_file(c, a, p);
    here appointments::print_day_sheet { date: String, injector_id: i64 } => |c, a, p: &dyn Peripherals| appointments::print_day_sheet(c, a, &date, injector_id, p);
    here calls::print_call_list { query: CallListQuery } => |c, a, p: &dyn Peripherals| calls::print_call_list(c, a, &query, p);
    here calls::export_call_list_csv { query: CallListQuery } => |c, a, p: &dyn Peripherals| calls::export_call_list_csv(c, a, &query, p);
    here stock::export_recall_csv { lot_number: String } => |c, a, p: &dyn Peripherals| stock::export_recall_csv(c, a, &lot_number, p);
    here library::export_article_markdown { id: i64 } => |c, a, p: &dyn Peripherals| library::export_article_markdown(c, a, id, p);
    here handouts::print_handout { session_id: i64, article_ids: Vec<i64> } => |c, a, p: &dyn Peripherals| handouts::print_handout(c, a, session_id, &article_ids, p);
    here handouts::save_handout_pdf { session_id: i64, article_ids: Vec<i64> } => |c, a, p: &dyn Peripherals| handouts::save_handout_pdf(c, a, session_id, &article_ids, p);
    here handouts::reprint_handout { id: i64 } => |c, a, p: &dyn Peripherals| handouts::reprint_handout(c, a, id, p);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_operation_is_dispatched_or_kept_at_the_server() {
        let mut covered: Vec<&str> = DISPATCHED.iter().chain(AT_THE_SERVER).copied().collect();
        covered.sort_unstable();
        let mut all = OPERATIONS.to_vec();
        all.sort_unstable();
        assert_eq!(covered, all);
    }
}
