//! The audit trail: who viewed or changed what, and when. Every login, patient view,
//! change and disclosure appends one row to `audit_log`; nothing ever edits or removes
//! one.
//!
//! Contract:
//! - [`record`] takes a `&Connection` and must run inside the caller's transaction
//!   (`db.write(|tx| …)`), so a change and its audit row commit — or roll back — together.
//! - A row holds the UTC time, the user, an [`Action`], the entity and its id and a short
//!   description. The description never carries patient details beyond the id: the log
//!   is read by admins who need not see charts.
//! - Two guards, because each covers what the other cannot. The triggers of migration
//!   0002 make SQLite refuse UPDATE and DELETE, which stops the app and casual tools.
//!   Someone with the file can drop the triggers, so each row also carries the SHA-256
//!   of the row before it and of its own content (a hash chain, see [`chain`]):
//!   [`verify_chain`] — run by `glabella-admin check` — then names the first edited,
//!   deleted or inserted row. The chain is not keyed, so it cannot stop someone who
//!   recomputes every hash after the one they changed, nor by itself show that the
//!   newest rows were cut off. For that the chain's head ([`chain_head`]) is recorded
//!   outside the database, in the key file (at sign-out, after admin operations and
//!   on every key-file save), and [`check_tail`] compares the log with it when the
//!   clinic opens and in `glabella-admin check`.

mod chain;
mod csv;

use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use rusqlite::types::Value;
use rusqlite::{params, params_from_iter, Connection, OptionalExtension, Row};
use serde::{Deserialize, Serialize};
use specta::Type;

use crate::calendar::{self, DateFormat};
use crate::clock;
pub use crate::types::AuditHead;
use crate::{Error, Result};
pub use chain::{
    chain_head, check_tail, entry_hash, verify_chain, ChainProblem, ChainStatus, TailProblem, GENESIS_HASH,
};
pub use csv::to_csv;

/// The entity names used in `audit_log.entity`.
pub mod entity {
    pub const PATIENT: &str = "patient";
    pub const USER: &str = "user";
    pub const SETTING: &str = "setting";
    pub const PRODUCT: &str = "product";
    pub const LOT: &str = "lot";
    pub const VIAL: &str = "vial";
    pub const ARTICLE: &str = "article";
    pub const TEMPLATE: &str = "template";
    pub const WORKSTATION: &str = "workstation";
}

/// Declares [`Action`] once, so its variants, their stored codes and [`Action::ALL`]
/// cannot drift apart.
macro_rules! actions {
    ($($(#[doc = $doc:literal])* $variant:ident = $code:literal,)*) => {
        /// What happened. Stored (and sent over IPC) as a stable dotted code such as
        /// `patient.view`; a code, once used, never changes meaning.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Type)]
        pub enum Action {
            $($(#[doc = $doc])* #[serde(rename = $code)] $variant,)*
        }

        impl Action {
            /// Every action, in the order an action filter lists them.
            pub const ALL: &'static [Action] = &[$(Action::$variant),*];

            /// The code stored in `audit_log.action`.
            pub fn code(self) -> &'static str {
                match self {
                    $(Action::$variant => $code,)*
                }
            }
        }
    };
}

actions! {
    Login = "login",
    Logout = "logout",
    /// A wrong username or password; the username is recorded as typed.
    LoginFailed = "login.failed",
    /// The screen was locked (by hand or after the idle time).
    Lock = "lock",
    Unlock = "unlock",
    /// A chart was opened.
    PatientView = "patient.view",
    PatientCreate = "patient.create",
    PatientUpdate = "patient.update",
    PatientArchive = "patient.archive",
    PatientUnarchive = "patient.unarchive",
    UserCreate = "user.create",
    UserUpdate = "user.update",
    UserDeactivate = "user.deactivate",
    UserReactivate = "user.reactivate",
    /// An admin set a new password for someone else.
    PasswordReset = "password.reset",
    /// Users changed their own password.
    PasswordChange = "password.change",
    RoleChange = "role.change",
    SettingChange = "setting.change",
    /// The audit log itself was exported.
    AuditExport = "audit.export",
    /// First start: the clinic and its first admin were set up.
    Setup = "setup",
    /// An injection session was started (recorded on the patient, like every session
    /// action, so the patient filter finds it; the description names the session).
    SessionCreate = "session.create",
    /// A session was opened to read.
    SessionView = "session.view",
    /// A draft session was saved.
    SessionSave = "session.save",
    SessionSign = "session.sign",
    /// A correction was appended to a signed session.
    SessionAmend = "session.amend",
    ProductCreate = "product.create",
    /// A product was edited, retired or brought back.
    ProductUpdate = "product.update",
    /// Stock was received: a lot, or more of one.
    LotReceive = "lot.receive",
    /// A vial or syringe was opened (a toxin vial reconstituted).
    VialOpen = "vial.open",
    /// A lot recall look-up showed who received a lot.
    RecallLookup = "recall.lookup",
    /// A lot recall list was exported: a disclosure of patients' contact details.
    RecallExport = "recall.export",
    ArticleCreate = "article.create",
    /// An article was edited (a published save is a new version).
    ArticleUpdate = "article.update",
    ArticleExport = "article.export",
    /// A new version of an aftercare template was saved.
    TemplateUpdate = "template.update",
    /// An aftercare handout was printed (a disclosure, recorded on the patient).
    HandoutPrint = "handout.print",
    /// An aftercare handout was saved as a PDF file.
    HandoutSave = "handout.save",
    HandoutReprint = "handout.reprint",
    /// A handout sent to the printer (or to a file) failed there; see `handout_failures`.
    HandoutFailed = "handout.failed",
    /// A backup was made (the description says how many folders verified).
    BackupCreate = "backup.create",
    /// The clinic was restored from a backup (recorded in the restored database).
    BackupRestore = "backup.restore",
    /// The recovery key opened the clinic and reset an administrator's password.
    EmergencyAccess = "emergency.access",
    /// An appointment was booked (recorded on the patient; the description names it).
    AppointmentBook = "appointment.book",
    /// An appointment was moved to another time, injector or room.
    AppointmentReschedule = "appointment.reschedule",
    AppointmentCancel = "appointment.cancel",
    /// An appointment's status changed: arrived, no-show, in treatment, completed.
    AppointmentStatus = "appointment.status",
    /// A recall call's outcome was recorded.
    RecallCall = "recall.call",
    /// The recall call list was printed or exported: a disclosure of contact details.
    CallListExport = "calllist.export",
    /// An injector's day sheet was printed: a disclosure of the day's patients.
    DaySheetPrint = "daysheet.print",
    /// Patients were imported from a CSV file (the description: how many added,
    /// merged, skipped and refused, and the file's SHA-256).
    PatientImport = "patient.import",
    /// Everything was exported (CSV or FHIR): a disclosure of every patient in it; the
    /// description names the format and the counts.
    DataExport = "data.export",
    /// A one-time pairing code for a new workstation was shown (clinic server only).
    WorkstationPairingCode = "workstation.code",
    /// A paired workstation was revoked: refused from then on, its connections closed.
    WorkstationRevoke = "workstation.revoke",
}

impl Action {
    /// The action with this stored code, if this build knows it.
    pub fn from_code(code: &str) -> Option<Action> {
        Action::ALL.iter().copied().find(|a| a.code() == code)
    }
}

/// What to append: everything of a row but its id, time and hashes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewEntry {
    /// `None` when nobody is known, e.g. a failed login.
    pub user_id: Option<i64>,
    /// The username as it is now (or as typed, for a failed login).
    pub username: String,
    pub action: Action,
    /// One of [`entity`], or empty.
    pub entity: String,
    pub entity_id: String,
    /// Short; never patient details beyond the id.
    pub description: String,
}

impl NewEntry {
    /// An entry about no particular entity, e.g. a login.
    pub fn new(user_id: Option<i64>, username: impl Into<String>, action: Action) -> NewEntry {
        NewEntry {
            user_id,
            username: username.into(),
            action,
            entity: String::new(),
            entity_id: String::new(),
            description: String::new(),
        }
    }

    /// The entity the action was about, e.g. `.on(entity::PATIENT, 42)`.
    pub fn on(mut self, entity: &str, id: impl ToString) -> NewEntry {
        self.entity = entity.to_string();
        self.entity_id = id.to_string();
        self
    }

    /// A short description.
    pub fn described(mut self, description: impl Into<String>) -> NewEntry {
        self.description = description.into();
        self
    }
}

/// A stored row of the audit log (without its hashes, which only the chain check reads).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct AuditEntry {
    pub id: i64,
    /// UTC, ISO-8601 with milliseconds, e.g. `2026-11-28T09:15:02.120Z`.
    pub at: String,
    pub user_id: Option<i64>,
    pub username: String,
    /// The stored code (see [`Action::code`]). Kept as text so a log written by a newer
    /// Glabella, with actions this build does not know, can still be read and exported.
    pub action: String,
    pub entity: String,
    pub entity_id: String,
    pub description: String,
}

/// Which entries the audit view shows. Every field left empty matches everything.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct AuditFilter {
    /// First day, `YYYY-MM-DD` (the clinic's local day), inclusive.
    pub from: Option<String>,
    /// Last day, `YYYY-MM-DD` (the clinic's local day), inclusive.
    pub to: Option<String>,
    pub user_id: Option<i64>,
    /// Entries about this patient (entity `patient` with this id).
    pub patient_id: Option<i64>,
    pub action: Option<Action>,
    /// At most this many entries, newest first; [`DEFAULT_LIMIT`] when `None`.
    pub limit: Option<u32>,
}

/// How many entries [`list_entries`] returns unless the filter says otherwise.
pub const DEFAULT_LIMIT: u32 = 1000;

/// Longest username and description stored, in characters: a failed login records
/// whatever was typed, and the log must not grow by a pasted novel.
const USERNAME_MAX: usize = 100;
const DESCRIPTION_MAX: usize = 1000;

const ENTRY_COLUMNS: &str = "id, at, user_id, username, action, entity, entity_id, description";

/// Appends `entry`, stamped with the current UTC time. Run it inside the transaction
/// of the change it records.
pub fn record(conn: &Connection, entry: &NewEntry) -> Result<AuditEntry> {
    record_at(conn, entry, clock::now(conn)?)
}

/// [`record`] at a given time: for tests and generated demo data.
pub fn record_at(conn: &Connection, entry: &NewEntry, at: DateTime<Utc>) -> Result<AuditEntry> {
    debug_assert!(!conn.is_autocommit(), "audit::record must run inside the caller's transaction");
    // Inside the caller's IMMEDIATE transaction nobody can append between this read and
    // the insert; were it ever called outside one, the explicit id makes a concurrent
    // append fail on the primary key instead of forking the chain.
    let (last_id, prev_hash) = conn
        .prepare_cached("SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1")?
        .query_row([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))
        .optional()?
        .unwrap_or_else(|| (0, GENESIS_HASH.to_string()));
    let stored = AuditEntry {
        id: last_id + 1,
        at: at.to_rfc3339_opts(SecondsFormat::Millis, true),
        user_id: entry.user_id,
        username: clip(&entry.username, USERNAME_MAX),
        action: entry.action.code().to_string(),
        entity: entry.entity.clone(),
        entity_id: entry.entity_id.clone(),
        description: clip(&entry.description, DESCRIPTION_MAX),
    };
    let hash = entry_hash(&prev_hash, &stored);
    conn.prepare_cached(
        "INSERT INTO audit_log (id, at, user_id, username, action, entity, entity_id, description, prev_hash, hash)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
    )?
    .execute(params![
        stored.id,
        stored.at,
        stored.user_id,
        stored.username,
        stored.action,
        stored.entity,
        stored.entity_id,
        stored.description,
        prev_hash,
        hash
    ])?;
    Ok(stored)
}

/// The entries matching `filter`, newest first.
pub fn list_entries(conn: &Connection, filter: &AuditFilter) -> Result<Vec<AuditEntry>> {
    let mut conditions = Vec::new();
    let mut values = Vec::new();
    let dates = DateFormat::of(conn)?;
    let from = parse_day(&filter.from, "from", "From", dates)?;
    let to = parse_day(&filter.to, "to", "To", dates)?;
    if let (Some(from), Some(to)) = (from, to) {
        if from > to {
            return Err(Error::invalid("to", "The end date is before the start date."));
        }
    }
    // `at` is fixed-width ISO-8601 text, so text order is time order. The days are the
    // clinic's local days, as the view shows the times.
    let zone = calendar::zone(conn)?;
    if let Some(from) = from {
        conditions.push("at >= ?");
        values.push(Value::Text(clock::iso(calendar::day_start(from, zone))));
    }
    if let Some(to) = to {
        conditions.push("at < ?");
        values.push(Value::Text(clock::iso(calendar::day_start(to.succ_opt().unwrap_or(NaiveDate::MAX), zone))));
    }
    if let Some(user_id) = filter.user_id {
        conditions.push("user_id = ?");
        values.push(Value::Integer(user_id));
    }
    if let Some(patient_id) = filter.patient_id {
        conditions.push("entity = ? AND entity_id = ?");
        values.extend([Value::Text(entity::PATIENT.to_string()), Value::Text(patient_id.to_string())]);
    }
    if let Some(action) = filter.action {
        conditions.push("action = ?");
        values.push(Value::Text(action.code().to_string()));
    }
    let filter_sql = if conditions.is_empty() { String::new() } else { format!("WHERE {}", conditions.join(" AND ")) };
    values.push(Value::Integer(filter.limit.unwrap_or(DEFAULT_LIMIT).into()));
    let sql = format!("SELECT {ENTRY_COLUMNS} FROM audit_log {filter_sql} ORDER BY at DESC, id DESC LIMIT ?");
    let mut stmt = conn.prepare_cached(&sql)?;
    let entries = stmt.query_map(params_from_iter(values), entry_from_row)?.collect::<rusqlite::Result<_>>()?;
    Ok(entries)
}

fn entry_from_row(row: &Row) -> rusqlite::Result<AuditEntry> {
    Ok(AuditEntry {
        id: row.get(0)?,
        at: row.get(1)?,
        user_id: row.get(2)?,
        username: row.get(3)?,
        action: row.get(4)?,
        entity: row.get(5)?,
        entity_id: row.get(6)?,
        description: row.get(7)?,
    })
}

/// An optional `YYYY-MM-DD` filter date, or a validation error on `field` (showing
/// how to write it the clinic's way, `dates`).
fn parse_day(value: &Option<String>, field: &'static str, label: &str, dates: DateFormat) -> Result<Option<NaiveDate>> {
    match value.as_deref().map(str::trim) {
        None | Some("") => Ok(None),
        Some(text) => NaiveDate::parse_from_str(text, "%Y-%m-%d").map(Some).map_err(|_| {
            Error::invalid(field, format!("{label} is not a valid date (write it as {}).", dates.hint(2026, 11, 28)))
        }),
    }
}

/// Midnight UTC of `day`, in the format of `audit_log.at`.
fn clip(text: &str, max_chars: usize) -> String {
    match text.char_indices().nth(max_chars) {
        Some((cut, _)) => text[..cut].to_string(),
        None => text.to_string(),
    }
}
