//! Search as you type. A query is read as a date of birth if it is one, as phone
//! digits if it has digits and no letters, and otherwise as name-word prefixes that
//! must all match ("mar gar" finds María García). Matching uses the
//! `patient_search_terms` index as a prefix range scan, which already yields exact
//! matches first and then prefix matches, alphabetically: no table scan, no sort.

use std::collections::HashSet;

use chrono::NaiveDate;
use rusqlite::{params_from_iter, types::Value, Connection};

use super::ops::{summary_from_row, SUMMARY_COLUMNS};
use super::PatientSummary;
use crate::text::{digits, words};
use crate::Result;

/// Most results returned for one query: more than a screen, fewer than a scroll.
pub const SEARCH_LIMIT: usize = 50;

/// Dates of birth are accepted as 1980-03-14, 14.03.1980, or with slashes in either
/// day/month order (both readings are searched, since both are in use).
const DATE_FORMATS: [&str; 4] = ["%Y-%m-%d", "%d.%m.%Y", "%d/%m/%Y", "%m/%d/%Y"];

/// Patients matching `query`, best first, at most [`SEARCH_LIMIT`]. Archived patients
/// are included only when `include_archived` is set.
pub fn search_patients(conn: &Connection, query: &str, include_archived: bool) -> Result<Vec<PatientSummary>> {
    let query = query.trim();
    let mut dates: Vec<String> = DATE_FORMATS
        .iter()
        .filter_map(|f| NaiveDate::parse_from_str(query, f).ok())
        .map(|d| d.format("%Y-%m-%d").to_string())
        .collect();
    dates.dedup();
    if !dates.is_empty() {
        return by_birth_date(conn, &dates, include_archived);
    }
    let tokens = if query.chars().any(char::is_alphabetic) { words(query) } else { vec![digits(query)] };
    by_terms(conn, tokens.into_iter().filter(|t| !t.is_empty()).collect(), include_archived)
}

fn by_birth_date(conn: &Connection, dates: &[String], include_archived: bool) -> Result<Vec<PatientSummary>> {
    let placeholders = vec!["?"; dates.len()].join(", ");
    let sql = format!(
        "SELECT {SUMMARY_COLUMNS} FROM patients p
         WHERE p.date_of_birth IN ({placeholders}) AND ({} OR p.archived_at IS NULL)
         ORDER BY p.sort_key LIMIT {SEARCH_LIMIT}",
        include_archived as i32
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(params_from_iter(dates), summary_from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The upper bound of the range of strings starting with `prefix` (terms are ASCII).
fn prefix_end(prefix: &str) -> String {
    format!("{prefix}\u{10FFFF}")
}

fn by_terms(conn: &Connection, mut tokens: Vec<String>, include_archived: bool) -> Result<Vec<PatientSummary>> {
    if tokens.is_empty() {
        return Ok(Vec::new());
    }
    // The longest token drives the range scan: it has the fewest matches. Every other
    // token must prefix-match some other term of the same patient.
    tokens.sort_by_key(|t| std::cmp::Reverse(t.len()));
    tokens.dedup();
    let others = "AND EXISTS (SELECT 1 FROM patient_search_terms o
                              WHERE o.patient_id = t.patient_id AND o.term >= ? AND o.term < ?) "
        .repeat(tokens.len() - 1);
    let sql = format!(
        "SELECT {SUMMARY_COLUMNS} FROM patient_search_terms t JOIN patients p ON p.id = t.patient_id
         WHERE t.term >= ? AND t.term < ? AND ({} OR p.archived_at IS NULL) {others}
         ORDER BY t.term, t.sort_key",
        include_archived as i32
    );
    let bounds: Vec<Value> = tokens.iter().flat_map(|t| [Value::Text(t.clone()), Value::Text(prefix_end(t))]).collect();
    let mut stmt = conn.prepare_cached(&sql)?;
    let mut rows = stmt.query(params_from_iter(bounds))?;
    // Rows come one per matching term, so a patient can appear twice ("Ann Annan").
    let mut seen = HashSet::new();
    let mut results = Vec::with_capacity(SEARCH_LIMIT);
    while let Some(row) = rows.next()? {
        let summary = summary_from_row(row)?;
        if seen.insert(summary.id) {
            results.push(summary);
            if results.len() == SEARCH_LIMIT {
                break;
            }
        }
    }
    Ok(results)
}
