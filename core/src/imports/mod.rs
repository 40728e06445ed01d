//! Importing patients from a spreadsheet's CSV file (Settings → Import patients, and
//! `glabella-admin import-patients`). The file is read once, whole, and held in memory
//! ([`CsvFile`], [`Held`]); its text encoding and delimiter are detected and may be
//! changed, its columns mapped to patients' fields from their headers and changed too.
//!
//! Nothing is written before the person has seen the preview: how many rows will be
//! added, how many are likely duplicates (of a registered patient, or of an earlier
//! row), and each row that cannot be imported with the reason — the registration
//! form's own rules ([`PatientDetails::validated`]). The import itself is one
//! transaction: every row that passed, or nothing; audited with the file's SHA-256.
//!
//! The slow parts (reading the file, decoding, splitting and checking every row) run
//! before any database work ([`prepare`]); only the duplicate look-ups and the inserts
//! run inside the transaction ([`import`]), which redoes the duplicate rule against the
//! database as it is then, so running the same file twice adds no one twice.

mod columns;
mod plan;
mod read;
mod rows;

use serde::{Deserialize, Serialize};
use specta::Type;

use crate::patients::PatientDetails;
pub use columns::{auto_columns, parse_mapping};
pub use plan::{import, preview};
pub use read::{CsvFile, Held, OpenDialog, MAX_FILE_BYTES, MAX_ROWS};
pub use rows::{prepare, Prepared};

/// A patient's field a column can fill.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub enum ImportField {
    FirstName,
    LastName,
    DateOfBirth,
    Sex,
    Phone,
    Email,
    Address,
    Allergies,
    Medications,
    Notes,
    ExternalId,
}

impl ImportField {
    /// Every field, in the order the mapping lists them.
    pub const ALL: [ImportField; 11] = [
        ImportField::FirstName,
        ImportField::LastName,
        ImportField::DateOfBirth,
        ImportField::Sex,
        ImportField::Phone,
        ImportField::Email,
        ImportField::Address,
        ImportField::Allergies,
        ImportField::Medications,
        ImportField::Notes,
        ImportField::ExternalId,
    ];

    /// The fields every row needs (the registration form's required ones).
    pub const REQUIRED: [ImportField; 3] = [ImportField::FirstName, ImportField::LastName, ImportField::DateOfBirth];

    /// How a message names it: "date of birth".
    pub fn label(self) -> &'static str {
        match self {
            ImportField::FirstName => "first name",
            ImportField::LastName => "last name",
            ImportField::DateOfBirth => "date of birth",
            ImportField::Sex => "sex",
            ImportField::Phone => "phone",
            ImportField::Email => "email",
            ImportField::Address => "address",
            ImportField::Allergies => "allergies",
            ImportField::Medications => "medications",
            ImportField::Notes => "notes",
            ImportField::ExternalId => "external id",
        }
    }

    /// Its short name in `glabella-admin import-patients --mapping`: `first`, `dob`…
    pub fn key(self) -> &'static str {
        match self {
            ImportField::FirstName => "first",
            ImportField::LastName => "last",
            ImportField::DateOfBirth => "dob",
            ImportField::ExternalId => "id",
            other => other.label(),
        }
    }
}

/// The file's text encoding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub enum TextEncoding {
    /// UTF-8, with or without a byte-order mark (Excel's "CSV UTF-8").
    Utf8,
    /// Windows-1252 (Excel's plain "CSV" on Western European and American Windows).
    Windows1252,
}

/// What separates the cells of a row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub enum Delimiter {
    Comma,
    Semicolon,
    Tab,
}

impl Delimiter {
    pub const ALL: [Delimiter; 3] = [Delimiter::Comma, Delimiter::Semicolon, Delimiter::Tab];

    pub fn byte(self) -> u8 {
        match self {
            Delimiter::Comma => b',',
            Delimiter::Semicolon => b';',
            Delimiter::Tab => b'\t',
        }
    }
}

/// How the file writes dates of birth.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub enum DatePattern {
    /// 03/14/1980
    MonthDayYear,
    /// 14/03/1980
    DayMonthYear,
    /// 1980-03-14
    YearMonthDay,
}

impl DatePattern {
    /// As a person reads it: `DD/MM/YYYY`.
    pub fn pattern(self) -> &'static str {
        match self {
            DatePattern::MonthDayYear => "MM/DD/YYYY",
            DatePattern::DayMonthYear => "DD/MM/YYYY",
            DatePattern::YearMonthDay => "YYYY-MM-DD",
        }
    }
}

/// What to do with a row that is likely a patient already registered.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub enum DuplicateRule {
    /// Leave the registered patient as it is.
    #[default]
    Skip,
    /// Fill the registered patient's empty fields from the row; nothing already filled
    /// in is changed.
    Merge,
}

/// How to read the file: each `None` is detected (or, for dates, the clinic's format).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ImportOptions {
    pub encoding: Option<TextEncoding>,
    pub delimiter: Option<Delimiter>,
    pub date_pattern: Option<DatePattern>,
    /// The field each column fills, in the file's order (`null`: not imported); `None`
    /// maps them from the header row.
    pub columns: Option<Vec<Option<ImportField>>>,
    pub duplicates: DuplicateRule,
}

/// How the file is being read, detected or chosen: shown, and changeable.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ImportSettings {
    pub encoding: TextEncoding,
    pub delimiter: Delimiter,
    pub date_pattern: DatePattern,
    pub columns: Vec<Option<ImportField>>,
    pub duplicates: DuplicateRule,
}

/// A row that cannot be imported, and why in plain words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct RefusedRow {
    /// The row as a spreadsheet numbers it: the header is row 1.
    pub row: u32,
    pub reason: String,
}

/// What an import would do, shown before anything is written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct PatientImportPreview {
    /// Names the file held for this preview and the import (see [`Held`]).
    pub token: String,
    pub file_name: String,
    pub size_bytes: u64,
    pub settings: ImportSettings,
    /// The header row's cells.
    pub headers: Vec<String>,
    /// The first few rows, cells shortened, to check the mapping against.
    pub sample: Vec<Vec<String>>,
    /// Rows below the header (blank ones not counted).
    pub rows: u32,
    /// Rows that would become new patients.
    pub to_add: u32,
    /// Rows that are likely a registered patient: skipped or merged as chosen.
    pub duplicates_existing: u32,
    /// Rows that repeat an earlier row of the file: counted once.
    pub duplicates_in_file: u32,
    /// Rows that cannot be imported (the first [`REFUSED_SHOWN`]), with the reason.
    pub refused: Vec<RefusedRow>,
    pub refused_count: u32,
    /// Required fields no column is mapped to: nothing can be imported until they are.
    pub unmapped: Vec<ImportField>,
}

/// What an import did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct PatientImportReport {
    pub added: u32,
    /// Registered patients whose empty fields were filled.
    pub merged: u32,
    /// Likely duplicates left as they were, and rows repeating an earlier row.
    pub skipped: u32,
    pub refused: Vec<RefusedRow>,
    pub refused_count: u32,
    /// The SHA-256 of the file, as recorded in the audit log.
    pub sha256: String,
}

/// How many refused rows a preview or report lists (all are counted).
pub const REFUSED_SHOWN: usize = 500;

/// One row ready to import: validated details and the external id.
#[derive(Debug, Clone)]
pub(crate) struct Candidate {
    pub details: PatientDetails,
    pub external_id: String,
}
