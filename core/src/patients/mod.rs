//! Patients: the registry at the heart of the front desk. This module holds the types
//! that cross IPC and the validation rules; `ops` holds the SQL and `search` the
//! search-as-you-type. Patients are archived, never deleted.

mod ops;
mod search;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use specta::Type;

use crate::calendar::DateFormat;
use crate::error::FieldError;
use crate::text;
pub use crate::types::PatientSummary;
use crate::{Error, Result};
pub use ops::{
    archive_patient, duplicate_of, fill_empty_fields, find_duplicates, get_patient, insert_imported, name_key,
    open_chart, register_patient, unarchive_patient, update_patient,
};
pub use search::{search_patients, SEARCH_LIMIT};

/// Sex as recorded on the chart.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "lowercase")]
pub enum Sex {
    Female,
    Male,
    Other,
    #[default]
    Unknown,
}

impl Sex {
    /// The stored text.
    pub fn as_str(self) -> &'static str {
        match self {
            Sex::Female => "female",
            Sex::Male => "male",
            Sex::Other => "other",
            Sex::Unknown => "unknown",
        }
    }

    fn parse(s: &str) -> Sex {
        match s {
            "female" => Sex::Female,
            "male" => Sex::Male,
            "other" => Sex::Other,
            _ => Sex::Unknown,
        }
    }
}

/// Medical flags that matter for neurotoxins and fillers; any one set is shown
/// prominently on the chart.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct MedicalFlags {
    pub pregnant_or_breastfeeding: bool,
    /// Myasthenia gravis, Lambert-Eaton syndrome, ALS and the like.
    pub neuromuscular_disorder: bool,
    pub aminoglycoside_antibiotics: bool,
    pub blood_thinners: bool,
    pub keloid_history: bool,
    pub active_skin_infection: bool,
    pub previous_adverse_reaction: bool,
}

/// Everything a receptionist enters about a patient: the register and edit form.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct PatientDetails {
    pub given_name: String,
    pub family_name: String,
    pub preferred_name: String,
    /// `YYYY-MM-DD`.
    pub date_of_birth: String,
    pub sex: Sex,
    pub phone: String,
    pub email: String,
    pub address: String,
    pub emergency_contact_name: String,
    pub emergency_contact_phone: String,
    pub allergies: String,
    pub medications: String,
    pub flags: MedicalFlags,
    pub consents: String,
    pub notes: String,
}

/// A stored patient.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct Patient {
    pub id: i64,
    pub details: PatientDetails,
    /// UTC time of archiving; `None` while the patient is active.
    pub archived_at: Option<String>,
    pub created_at: String,
    pub updated_at: String,
    /// The patient's id in the system they were imported from; empty if none.
    pub external_id: String,
}

/// Oldest age accepted for a date of birth.
const MAX_AGE_YEARS: i32 = 130;

/// Length limits, in characters.
const NAME_MAX: usize = 100;
const PHONE_MAX: usize = 30;
const EMAIL_MAX: usize = 254;
const ADDRESS_MAX: usize = 500;
const TEXT_MAX: usize = 4000;
const NOTES_MAX: usize = 20_000;

impl PatientDetails {
    /// Checks every field and returns the details trimmed, or every problem found,
    /// each with the field it belongs to. `today` is the clinic's local date; `dates`
    /// how it writes dates (a message about the date of birth shows that way).
    pub fn validated(&self, today: NaiveDate, dates: DateFormat) -> Result<PatientDetails> {
        let mut d = self.clone();
        let mut problems = Vec::new();
        for (value, field, label, max) in [
            (&mut d.given_name, "givenName", "First name", NAME_MAX),
            (&mut d.family_name, "familyName", "Last name", NAME_MAX),
            (&mut d.preferred_name, "preferredName", "Preferred name", NAME_MAX),
            (&mut d.date_of_birth, "dateOfBirth", "Date of birth", 10),
            (&mut d.phone, "phone", "Phone", PHONE_MAX),
            (&mut d.email, "email", "Email", EMAIL_MAX),
            (&mut d.address, "address", "Address", ADDRESS_MAX),
            (&mut d.emergency_contact_name, "emergencyContactName", "Emergency contact name", NAME_MAX),
            (&mut d.emergency_contact_phone, "emergencyContactPhone", "Emergency contact phone", PHONE_MAX),
            (&mut d.allergies, "allergies", "Allergies", TEXT_MAX),
            (&mut d.medications, "medications", "Medications", TEXT_MAX),
            (&mut d.consents, "consents", "Consents on file", TEXT_MAX),
            (&mut d.notes, "notes", "Notes", NOTES_MAX),
        ] {
            *value = value.trim().to_string();
            let characters = match field {
                "address" => text::lines_problem,
                "allergies" | "medications" | "consents" | "notes" => text::text_problem,
                _ => text::line_problem,
            };
            if value.chars().count() > max {
                problems
                    .push(FieldError { field, message: format!("{label} is too long (at most {max} characters).") });
            } else if let Some(message) = characters(value) {
                problems.push(FieldError { field, message });
            }
        }
        let checks = [
            ("givenName", required(&d.given_name, "First name")),
            ("familyName", required(&d.family_name, "Last name")),
            ("dateOfBirth", validate_birth_date(&d.date_of_birth, today, dates)),
            ("phone", validate_phone(&d.phone, "Phone")),
            ("email", validate_email(&d.email)),
            ("emergencyContactPhone", validate_phone(&d.emergency_contact_phone, "Emergency contact phone")),
        ];
        for (field, outcome) in checks {
            // One message per field: a too-long value needs no second complaint.
            if let Err(message) = outcome {
                if !problems.iter().any(|p| p.field == field) {
                    problems.push(FieldError { field, message });
                }
            }
        }
        if problems.is_empty() {
            Ok(d)
        } else {
            Err(Error::Validation(problems))
        }
    }
}

type Check = std::result::Result<(), String>;

fn required(value: &str, label: &str) -> Check {
    if value.is_empty() {
        return Err(format!("{label} is required."));
    }
    Ok(())
}

fn validate_birth_date(value: &str, today: NaiveDate, dates: DateFormat) -> Check {
    required(value, "Date of birth")?;
    let date = NaiveDate::parse_from_str(value, "%Y-%m-%d")
        .map_err(|_| format!("Date of birth is not a valid date (write it as {}).", dates.hint(1980, 3, 14)))?;
    if date > today {
        return Err("Date of birth cannot be in the future.".to_string());
    }
    if date < today.with_year_offset(-MAX_AGE_YEARS) {
        return Err(format!("Date of birth is more than {MAX_AGE_YEARS} years ago; please check the year."));
    }
    Ok(())
}

/// `NaiveDate` year arithmetic that lands 29 February on 28 February.
trait YearOffset {
    fn with_year_offset(self, years: i32) -> NaiveDate;
}

impl YearOffset for NaiveDate {
    fn with_year_offset(self, years: i32) -> NaiveDate {
        use chrono::Datelike;
        let year = self.year() + years;
        NaiveDate::from_ymd_opt(year, self.month(), self.day())
            .or_else(|| NaiveDate::from_ymd_opt(year, self.month(), self.day() - 1))
            .expect("28 February exists in every year")
    }
}

/// Plausible phone: digits with the usual formatting characters, 6 to 15 digits
/// (15 is the international maximum).
fn validate_phone(value: &str, label: &str) -> Check {
    if value.is_empty() {
        return Ok(());
    }
    let formatting_only = value.chars().all(|c| c.is_ascii_digit() || " +-().\u{a0}/".contains(c));
    let digits = crate::text::digits(value).len();
    if !formatting_only || value.chars().skip(1).any(|c| c == '+') {
        return Err(format!("{label} may contain only digits, spaces and + - ( ) . /"));
    }
    if !(6..=15).contains(&digits) {
        return Err(format!("{label} should have between 6 and 15 digits."));
    }
    Ok(())
}

/// Plausible email: one `@`, something before it, a dotted domain after it, no spaces.
fn validate_email(value: &str) -> Check {
    if value.is_empty() {
        return Ok(());
    }
    let plausible = match value.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && !domain.contains('@')
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !domain.contains("..")
                && !value.chars().any(char::is_whitespace)
        }
        None => false,
    };
    if !plausible {
        return Err("Email does not look like an address (e.g. name@example.com).".to_string());
    }
    Ok(())
}
