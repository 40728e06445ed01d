//! The one error type of the core. Every error has a stable `code()` that the UI and
//! tests can rely on, a message a receptionist understands, and — where a form field is
//! to blame — the name of that field, so the UI can show the message beside it.

use serde::Serialize;
use specta::Type;

/// Anything that can go wrong in the core.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Bad input in one field of a form.
    #[error("{message}")]
    Validation { field: &'static str, message: String },
    /// A patient with the same name and date of birth is already registered.
    #[error("A patient with the same name and date of birth is already registered.")]
    DuplicatePatient { existing: Vec<crate::patients::PatientSummary> },
    /// The requested record does not exist.
    #[error("{0} was not found.")]
    NotFound(&'static str),
    /// The database was written by a newer Glabella and must not be touched.
    #[error("This database was created by a newer version of Glabella (schema version {found}; this version understands up to {supported}). Please update Glabella. The database has not been changed.")]
    DatabaseTooNew { found: i64, supported: i64 },
    /// The database file is damaged or unreadable.
    #[error("The database could not be read: {0}")]
    Database(#[from] rusqlite::Error),
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
            Error::Validation { .. } => "validation",
            Error::DuplicatePatient { .. } => "patient.duplicate",
            Error::NotFound(_) => "not_found",
            Error::DatabaseTooNew { .. } => "db.too_new",
            Error::Database(_) => "db.error",
            Error::Io(_) => "io",
        }
    }

    /// The form field this error points at, if any.
    pub fn field(&self) -> Option<&'static str> {
        match self {
            Error::Validation { field, .. } => Some(field),
            _ => None,
        }
    }

    /// Shorthand for a field-level validation error.
    pub fn invalid(field: &'static str, message: impl Into<String>) -> Self {
        Error::Validation { field, message: message.into() }
    }
}

/// How an error crosses IPC: `{code, message, field?}` (plus the likely duplicates
/// for `patient.duplicate`, so the UI can show them before "register anyway").
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ApiError {
    pub code: String,
    pub message: String,
    pub field: Option<String>,
    pub duplicates: Vec<crate::patients::PatientSummary>,
}

impl From<Error> for ApiError {
    fn from(e: Error) -> Self {
        let duplicates = match &e {
            Error::DuplicatePatient { existing } => existing.clone(),
            _ => Vec::new(),
        };
        ApiError {
            code: e.code().to_string(),
            message: e.to_string(),
            field: e.field().map(str::to_string),
            duplicates,
        }
    }
}
