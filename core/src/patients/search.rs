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
use crate::auth::{Actor, Permission};
use crate::text::{digits, words};
use crate::Result;

/// Most results returned for one query: more than a screen, fewer than a scroll.
pub const SEARCH_LIMIT: usize = 50;

/// Dates of birth are accepted as 1980-03-14, 14.03.1980, or with slashes in either
/// day/month order (both readings are searched, since both are in use).
const DATE_FORMATS: [&str; 4] = ["%Y-%m-%d", "%d.%m.%Y", "%d/%m/%Y", "%m/%d/%Y"];

/// Patients matching `query`, best first, at most [`SEARCH_LIMIT`]. Archived patients
/// are included only when `include_archived` is set.
pub fn search_patients(
    conn: &Connection,
    actor: &Actor,
    query: &str,
    include_archived: bool,
) -> Result<Vec<PatientSummary>> {
    actor.require(Permission::Demographics)?;
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

/// A token with fewer matches than this is read once into a list of its patients; a
/// commoner one (a letter or two) is checked by a lookup per scanned row instead.
const LIST_MAX: i64 = 10_000;

/// How many terms start with `token`, counted up to [`LIST_MAX`].
fn capped_match_count(conn: &Connection, token: &str) -> Result<i64> {
    let mut stmt = conn.prepare_cached(
        "SELECT count(*) FROM (SELECT 1 FROM patient_search_terms WHERE term >= ?1 AND term < ?2 LIMIT ?3)",
    )?;
    Ok(stmt.query_row(rusqlite::params![token, prefix_end(token), LIST_MAX], |r| r.get(0))?)
}

/// The SQL and parameters of a search for name-word or digit `tokens` (sorted, no
/// duplicates, at least one), or `None` when some token matches nothing.
///
/// One token drives the range scan, in (term, sort_key) order; every other token must
/// prefix-match some term of the same patient. Checking that with a lookup in the
/// patient index costs a random page read per scanned row (and, encrypted, a page
/// decryption), and when the words rarely occur together, as a given and a family name
/// prefix do ("mar gar": 8,221 and 988 terms, 62 patients), the whole driving range is
/// scanned: a thousand lookups or more. So a token with fewer than [`LIST_MAX`] matches
/// is read once into a list (a sequential range scan), and the token with the most
/// matches drives, checked against the lists: sequential reads only. A token too common
/// to list is checked by lookup; being common, it matches soon and the scan stops early.
fn terms_query(
    conn: &Connection,
    mut tokens: Vec<String>,
    include_archived: bool,
) -> Result<Option<(String, Vec<Value>)>> {
    let mut checks = String::new();
    if tokens.len() > 1 {
        let mut counted =
            tokens.into_iter().map(|t| Ok((capped_match_count(conn, &t)?, t))).collect::<Result<Vec<_>>>()?;
        if counted.iter().any(|(count, _)| *count == 0) {
            return Ok(None);
        }
        // Most matches first; among tokens too common to count, the longest.
        counted.sort_by_key(|(count, t)| (std::cmp::Reverse(*count), std::cmp::Reverse(t.len())));
        for (count, _) in &counted[1..] {
            checks.push_str(if *count < LIST_MAX {
                // The `+` keeps SQLite from driving the scan by the list instead, which
                // would cost a lookup per listed patient and a sort.
                "AND +t.patient_id IN (SELECT o.patient_id FROM patient_search_terms o WHERE o.term >= ? AND o.term < ?) "
            } else {
                "AND EXISTS (SELECT 1 FROM patient_search_terms o
                             WHERE o.patient_id = t.patient_id AND o.term >= ? AND o.term < ?) "
            });
        }
        tokens = counted.into_iter().map(|(_, t)| t).collect();
    }
    let sql = format!(
        "SELECT {SUMMARY_COLUMNS} FROM patient_search_terms t JOIN patients p ON p.id = t.patient_id
         WHERE t.term >= ? AND t.term < ? AND ({} OR p.archived_at IS NULL) {checks}
         ORDER BY t.term, t.sort_key",
        include_archived as i32
    );
    let bounds = tokens.iter().flat_map(|t| [Value::Text(t.clone()), Value::Text(prefix_end(t))]).collect();
    Ok(Some((sql, bounds)))
}

fn by_terms(conn: &Connection, mut tokens: Vec<String>, include_archived: bool) -> Result<Vec<PatientSummary>> {
    tokens.sort();
    tokens.dedup();
    if tokens.is_empty() {
        return Ok(Vec::new());
    }
    let Some((sql, bounds)) = terms_query(conn, tokens, include_archived)? else {
        return Ok(Vec::new());
    };
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::DatabaseKey;
    use crate::Db;

    /// Two-word searches scan one range in index order: no lookup per listed patient,
    /// no sort, whichever word is the rarer.
    #[test]
    fn a_rare_word_is_a_list_not_the_driver() {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::open_dir(dir.path(), &DatabaseKey::generate().unwrap()).unwrap();
        db.write(|tx| {
            tx.execute_batch(
                "INSERT INTO patients (id, given_name, family_name, date_of_birth, name_key, sort_key, created_at, updated_at)
                 VALUES (1, 'Maria', 'Garcia', '1980-01-01', 'maria garcia', 'garcia maria', '', '');
                 INSERT INTO patient_search_terms (term, sort_key, patient_id)
                 VALUES ('maria', 'garcia maria', 1), ('garcia', 'garcia maria', 1);",
            )?;
            Ok(())
        })
        .unwrap();
        let plan: Vec<String> = db
            .read(|c| {
                let (sql, bounds) = terms_query(c, vec!["gar".into(), "mar".into()], false)?.unwrap();
                let mut stmt = c.prepare(&format!("EXPLAIN QUERY PLAN {sql}"))?;
                let rows = stmt.query_map(params_from_iter(bounds), |r| r.get::<_, String>(3))?;
                Ok(rows.collect::<rusqlite::Result<_>>()?)
            })
            .unwrap();
        assert!(plan.iter().any(|l| l.contains("SEARCH t USING PRIMARY KEY")), "{plan:?}");
        assert!(plan.iter().any(|l| l.contains("LIST SUBQUERY")), "{plan:?}");
        assert!(!plan.iter().any(|l| l.contains("TEMP B-TREE")), "no sort needed: {plan:?}");
        assert!(
            db.read(|c| terms_query(c, vec!["mar".into(), "zzz".into()], false)).unwrap().is_none(),
            "a word matching nothing ends the search"
        );
    }
}
