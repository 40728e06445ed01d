//! The one error type of the core. Every error has a stable `code()` that the UI and
//! tests can rely on, a message a receptionist understands, and — where a form field is
//! to blame — the name of that field, so the UI can show the message beside it.

use serde::Serialize;
use specta::Type;

/// Anything that can go wrong in the core.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Bad input in one or more fields of a form (never empty; the first is shown
    /// as the message).
    #[error("{}", .0[0].message)]
    Validation(Vec<FieldError>),
    /// A patient with the same name and date of birth is already registered.
    #[error("A patient with the same name and date of birth is already registered.")]
    DuplicatePatient { existing: Vec<crate::types::PatientSummary> },
    /// The requested record does not exist.
    #[error("{0} was not found.")]
    NotFound(&'static str),
    /// The database was written by a newer Glabella and must not be touched.
    #[error("This database was created by a newer version of Glabella (schema version {found}; this version understands up to {supported}). Please update Glabella. The database has not been changed.")]
    DatabaseTooNew { found: i64, supported: i64 },
    /// A username/password pair did not unlock the database: the same error whether the
    /// user is unknown or the password is wrong, so neither can be told apart.
    /// The signed-in person's role does not allow this.
    #[error("Your role does not allow this. Ask an administrator if you need it.")]
    Forbidden,
    /// Nobody is signed in.
    #[error("Please sign in to continue.")]
    NotSignedIn,
    /// The app locked itself after being idle, or someone locked it.
    #[error("Glabella is locked. Enter your password to continue.")]
    Locked,
    /// Something that should not happen, described for the log.
    #[error("Something went wrong: {0}")]
    Internal(String),
    #[error("Wrong username or password.")]
    LoginFailed,
    /// A recovery key was well formed but does not unlock this database.
    #[error("This recovery key does not unlock this database. Check it against the printed copy.")]
    WrongRecoveryKey,
    /// The database key does not fit the database file (or the file is damaged).
    #[error("The database could not be unlocked: the key file beside it belongs to another database, or the database file is damaged.")]
    WrongDatabaseKey,
    /// A key was given for a database that is still unencrypted (from an older
    /// Glabella); it must be encrypted first (`db::encrypt_plaintext`).
    #[error("This database is not encrypted yet. It must be encrypted before it can be opened with a key.")]
    DatabaseNotEncrypted,
    /// There is no key file beside the database.
    #[error("The key file (glabella.keys) was not found in {0}.")]
    KeyFileMissing(String),
    /// A key file exists already, and creating one would lock its database out.
    #[error("A key file (glabella.keys) already exists in {0}; it is never overwritten.")]
    KeyFileExists(String),
    /// The key file cannot be used: damaged, or written by a newer Glabella.
    #[error("The key file (glabella.keys) cannot be used: {0}")]
    KeyFileInvalid(String),
    /// The key file could not be written (a full disk, or a file held open by another
    /// program such as a virus scanner); the change it belonged to was not made.
    #[error("The key file (glabella.keys) could not be saved, so nothing was changed: {0}. Another program (such as a virus scanner) may be holding it; try again in a moment.")]
    KeyFileNotSaved(String),
    /// Another Glabella (a window or `glabella-admin`) has this clinic folder open.
    #[error("Glabella is already open on this computer's clinic folder ({0}). Close the other window first.")]
    ClinicInUse(String),
    /// The clinic folder is on a network drive, where the database could be damaged.
    #[error("The clinic folder ({dir}) is on a network drive ({kind}). Glabella keeps its database on this computer's own disk, because a database shared over a network can be damaged. Choose a folder on this computer.")]
    NetworkFolder { dir: String, kind: String },
    /// The database file is damaged or unreadable.
    #[error("The database could not be read: {0}")]
    Database(#[from] rusqlite::Error),
    /// Stock past its expiry date: never used, whatever else the form says.
    #[error("Lot {lot_number} expired on {expiry}. Expired stock cannot be used; set it aside.")]
    LotExpired { lot_number: String, expiry: String, field: &'static str },
    /// A signed session was to be changed; corrections are amendments.
    #[error("This session is signed and cannot be changed. Add an amendment instead.")]
    SessionSigned,
    /// The printer refused a document, or did not answer in time.
    #[error("{0}")]
    PrintFailed(String),
    /// A file the person chose could not be written.
    #[error("{0}")]
    SaveFailed(String),
    /// A backup bundle is incomplete, damaged or does not match its manifest.
    #[error("This backup cannot be used: {0}")]
    BackupInvalid(String),
    /// A backup bundle was written by a newer Glabella.
    #[error(
        "This backup was made by a newer version of Glabella ({0}). Update Glabella first; nothing has been changed."
    )]
    BackupTooNew(String),
    /// A file-system problem, such as an unwritable data folder.
    #[error("{0}")]
    Io(#[from] std::io::Error),
}

/// Core result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// Stable machine-readable code, e.g. `validation` or `patient.duplicate`.
    pub fn code(&self) -> &'static str {
        match self {
            Error::Validation(_) => "validation",
            Error::DuplicatePatient { .. } => "patient.duplicate",
            Error::NotFound(_) => "not_found",
            Error::DatabaseTooNew { .. } => "db.too_new",
            Error::Forbidden => "auth.forbidden",
            Error::NotSignedIn => "auth.required",
            Error::Locked => "auth.locked",
            Error::Internal(_) => "internal",
            Error::LoginFailed => "auth.failed",
            Error::WrongRecoveryKey => "auth.wrong_recovery_key",
            Error::WrongDatabaseKey => "db.wrong_key",
            Error::DatabaseNotEncrypted => "db.not_encrypted",
            Error::KeyFileMissing(_) => "keys.missing",
            Error::KeyFileExists(_) => "keys.exists",
            Error::KeyFileInvalid(_) => "keys.invalid",
            Error::KeyFileNotSaved(_) => "keys.not_saved",
            Error::ClinicInUse(_) => "clinic.in_use",
            Error::NetworkFolder { .. } => "clinic.network_folder",
            Error::Database(_) => "db.error",
            Error::LotExpired { .. } => "lot.expired",
            Error::SessionSigned => "session.signed",
            Error::PrintFailed(_) => "print.failed",
            Error::SaveFailed(_) => "file.not_saved",
            Error::BackupInvalid(_) => "backup.invalid",
            Error::BackupTooNew(_) => "backup.too_new",
            Error::Io(_) => "io",
        }
    }

    /// The (first) form field this error points at, if any.
    pub fn field(&self) -> Option<&'static str> {
        match self {
            Error::Validation(errors) => Some(errors[0].field),
            Error::LotExpired { field, .. } => Some(field),
            _ => None,
        }
    }

    /// Shorthand for a validation error in one field.
    pub fn invalid(field: &'static str, message: impl Into<String>) -> Self {
        Error::Validation(vec![FieldError { field, message: message.into() }])
    }
}

/// What is wrong with one field of a form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type)]
pub struct FieldError {
    /// The field's name as the UI knows it, e.g. `dateOfBirth`.
    pub field: &'static str,
    pub message: String,
}

/// How an error crosses IPC: `{code, message, field?}`, plus every field error of a
/// rejected form (so the UI can mark all of them at once) and the likely duplicates
/// for `patient.duplicate` (shown before "register anyway").
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ApiError {
    pub code: String,
    pub message: String,
    pub field: Option<String>,
    pub field_errors: Vec<FieldError>,
    pub duplicates: Vec<crate::types::PatientSummary>,
}

impl From<Error> for ApiError {
    fn from(e: Error) -> Self {
        let (field_errors, duplicates) = match &e {
            Error::Validation(errors) => (errors.clone(), Vec::new()),
            Error::DuplicatePatient { existing } => (Vec::new(), existing.clone()),
            _ => (Vec::new(), Vec::new()),
        };
        ApiError {
            code: e.code().to_string(),
            message: e.to_string(),
            field: e.field().map(str::to_string),
            field_errors,
            duplicates,
        }
    }
}
