//! From the file's rows to patients' details: each row's cells put in their fields,
//! its date of birth read by the chosen pattern and its sex by the usual words, then
//! checked by the registration form's own rules. A row that fails is refused with the
//! reason in plain words; no database is needed, so this runs before any transaction.

use chrono::NaiveDate;

use super::read::{detect_delimiter, table};
use super::{auto_columns, Candidate, CsvFile, DatePattern, ImportField, ImportOptions, ImportSettings, RefusedRow};
use crate::calendar::DateFormat;
use crate::error::FieldError;
use crate::patients::{PatientDetails, Sex};
use crate::{text, Error, Result};

/// How many rows the preview shows, and how much of each cell.
const SAMPLE_ROWS: usize = 5;
const SAMPLE_CELL: usize = 60;

/// Longest external id, in characters.
const EXTERNAL_ID_MAX: usize = 100;

/// A file read with its settings: every row either a [`Candidate`] or refused.
pub struct Prepared {
    pub settings: ImportSettings,
    pub headers: Vec<String>,
    pub sample: Vec<Vec<String>>,
    pub rows: u32,
    pub(crate) candidates: Vec<Candidate>,
    pub refused: Vec<RefusedRow>,
    /// Required fields with no column.
    pub unmapped: Vec<ImportField>,
}

/// Reads `file` as `options` say (detecting what they leave open; dates the clinic's
/// way, `dates`, unless chosen) and checks every row as of `today`.
pub fn prepare(file: &CsvFile, options: &ImportOptions, today: NaiveDate, dates: DateFormat) -> Result<Prepared> {
    let encoding = options.encoding.unwrap_or_else(|| file.detect_encoding());
    let text = file.text(encoding);
    let delimiter = options.delimiter.unwrap_or_else(|| detect_delimiter(&text));
    let table = table(&text, delimiter)?;
    let mut columns = match &options.columns {
        Some(columns) => columns.clone(),
        None => auto_columns(&table.headers),
    };
    columns.resize(table.headers.len(), None);
    let date_pattern = options.date_pattern.unwrap_or(match dates {
        DateFormat::DayMonthYear => DatePattern::DayMonthYear,
        DateFormat::MonthDayYear => DatePattern::MonthDayYear,
    });
    let unmapped: Vec<ImportField> =
        ImportField::REQUIRED.into_iter().filter(|f| !columns.contains(&Some(*f))).collect();
    let sample = table
        .rows
        .iter()
        .take(SAMPLE_ROWS)
        .map(|(_, cells)| cells.iter().map(|c| shortened(c, SAMPLE_CELL)).collect())
        .collect();
    let mut candidates = Vec::with_capacity(table.rows.len());
    let mut refused = Vec::new();
    if unmapped.is_empty() {
        for (row, cells) in &table.rows {
            match candidate(cells, &columns, date_pattern, today, dates) {
                Ok((details, external_id)) => candidates.push(Candidate { details, external_id }),
                Err(reason) => refused.push(RefusedRow { row: *row, reason }),
            }
        }
    }
    Ok(Prepared {
        settings: ImportSettings { encoding, delimiter, date_pattern, columns, duplicates: options.duplicates },
        headers: table.headers,
        sample,
        rows: table.rows.len() as u32,
        candidates,
        refused,
        unmapped,
    })
}

/// One row's validated details and external id, or why it cannot be imported.
fn candidate(
    cells: &[String],
    columns: &[Option<ImportField>],
    pattern: DatePattern,
    today: NaiveDate,
    dates: DateFormat,
) -> std::result::Result<(PatientDetails, String), String> {
    let cell = |field: ImportField| -> Vec<&str> {
        columns
            .iter()
            .zip(cells)
            .filter(|(c, _)| **c == Some(field))
            .map(|(_, v)| crate::csv::unneutralised(v.trim()))
            .filter(|v| !v.is_empty())
            .collect()
    };
    let first = |field: ImportField| cell(field).first().map(|v| v.to_string()).unwrap_or_default();
    let lines = |field: ImportField| cell(field).join("\n");
    let mut details = PatientDetails {
        given_name: first(ImportField::FirstName),
        family_name: first(ImportField::LastName),
        phone: first(ImportField::Phone),
        email: first(ImportField::Email),
        address: lines(ImportField::Address),
        allergies: lines(ImportField::Allergies),
        medications: lines(ImportField::Medications),
        notes: lines(ImportField::Notes),
        ..PatientDetails::default()
    };
    let birth = first(ImportField::DateOfBirth);
    if !birth.is_empty() {
        let date = read_date(pattern, &birth).ok_or_else(|| {
            format!("date of birth {} is not a date (read as {})", shortened(&birth, 40), pattern.pattern())
        })?;
        details.date_of_birth = date.format("%Y-%m-%d").to_string();
    }
    let sex = first(ImportField::Sex);
    details.sex =
        read_sex(&sex).ok_or_else(|| format!("sex \"{}\" is not one of female, male or other", shortened(&sex, 20)))?;
    let external_id = first(ImportField::ExternalId);
    if external_id.chars().count() > EXTERNAL_ID_MAX {
        return Err(format!("the external id is too long (at most {EXTERNAL_ID_MAX} characters)"));
    }
    if let Some(problem) = text::line_problem(&external_id) {
        return Err(format!("external id: {problem}"));
    }
    match details.validated(today, dates) {
        Ok(details) => Ok((details, external_id)),
        Err(Error::Validation(problems)) => Err(reasons(&problems)),
        Err(e) => Err(e.to_string()),
    }
}

/// The registration form's messages about one row, in one sentence each.
fn reasons(problems: &[FieldError]) -> String {
    let label = |field: &str| match field {
        "givenName" => "First name",
        "familyName" => "Last name",
        "dateOfBirth" => "Date of birth",
        "email" => "Email",
        "phone" => "Phone",
        "address" => "Address",
        "allergies" => "Allergies",
        "medications" => "Medications",
        "notes" => "Notes",
        _ => "A cell",
    };
    problems
        .iter()
        .map(|p| {
            let label = label(p.field);
            if p.message.starts_with(label) {
                p.message.clone()
            } else {
                format!("{label}: {}", p.message)
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// A date of birth written the file's way (or as `YYYY-MM-DD` whatever the pattern).
fn read_date(pattern: DatePattern, text: &str) -> Option<NaiveDate> {
    match pattern {
        DatePattern::MonthDayYear => DateFormat::MonthDayYear.read(text),
        DatePattern::DayMonthYear => DateFormat::DayMonthYear.read(text),
        DatePattern::YearMonthDay => {
            let parts: Vec<&str> = text.trim().split(['-', '/', '.']).collect();
            let [year, month, day] = parts.as_slice() else { return None };
            if year.len() != 4 {
                return None;
            }
            NaiveDate::from_ymd_opt(year.parse().ok()?, month.parse().ok()?, day.parse().ok()?)
        }
    }
}

/// Sex as files write it: `F`, `female`, `woman`, `M`, `male`, `man`, `other`, `X`,
/// `diverse`, `non-binary`; empty or "unknown" is unknown.
fn read_sex(text: &str) -> Option<Sex> {
    match text::fold(text).replace(' ', "").as_str() {
        "" | "unknown" | "u" | "notknown" | "notstated" => Some(Sex::Unknown),
        "f" | "female" | "woman" | "w" => Some(Sex::Female),
        "m" | "male" | "man" => Some(Sex::Male),
        "o" | "other" | "x" | "diverse" | "d" | "nonbinary" => Some(Sex::Other),
        _ => None,
    }
}

/// `text` cut to `max` characters, with "…" if cut.
fn shortened(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_string()
    } else {
        format!("{}…", text.chars().take(max).collect::<String>())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_and_sexes_are_read_the_files_way() {
        let d = |y, m, d| NaiveDate::from_ymd_opt(y, m, d);
        assert_eq!(read_date(DatePattern::MonthDayYear, "03/14/1980"), d(1980, 3, 14));
        assert_eq!(read_date(DatePattern::DayMonthYear, "14.03.1980"), d(1980, 3, 14));
        assert_eq!(read_date(DatePattern::YearMonthDay, "1980/3/14"), d(1980, 3, 14));
        assert_eq!(read_date(DatePattern::DayMonthYear, "31/02/1980"), None);
        assert_eq!(read_date(DatePattern::MonthDayYear, "14/03/1980"), None);
        assert_eq!(read_sex(" F "), Some(Sex::Female));
        assert_eq!(read_sex("Non-binary"), Some(Sex::Other));
        assert_eq!(read_sex(""), Some(Sex::Unknown));
        assert_eq!(read_sex("Q"), None);
    }
}
