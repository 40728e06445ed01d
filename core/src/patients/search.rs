//! Search as you type. A query is read as a date of birth if it is one, as phone
//! digits if it has digits and no letters, and otherwise as name-word prefixes that
//! must all match ("mar gar" finds María García). Matching uses the
//! `patient_search_terms` index as a prefix range scan, which already yields exact
//! matches first and then prefix matches, alphabetically: no table scan, no sort.
//!
//! A query of several words lists the patients in the order of one of its words, the
//! one with the most matching terms (the "driver"): by that word's matching term, then
//! by name. Its other words are checked on the `patient_name_terms` row just read,
//! which carries all of the patient's name terms, so no word costs a lookup per row
//! (see [`by_name_words`]).

use std::cmp::Reverse;
use std::collections::{HashMap, HashSet};

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
    match_count_up_to(conn, token, LIST_MAX)
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
///
/// Several words that all have a letter are searched by [`by_name_words`] instead, which
/// gives the same results in the same order with no lookup and no list; this remains
/// the way of one word and of queries mixing words and digits.
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
    // Words with a letter can only match name terms, which `patient_name_terms` holds
    // with all of the patient's other name terms. A query mixing words and digits
    // ("ann 555") is rare and takes the general way below.
    if tokens.len() > 1 && tokens.iter().all(|t| t.bytes().any(|b| b.is_ascii_alphabetic())) {
        return by_name_words(conn, tokens, include_archived);
    }
    by_any_terms(conn, tokens, include_archived)
}

/// Searches `tokens` (sorted, no duplicates, at least one) of any kind: the general way.
fn by_any_terms(conn: &Connection, tokens: Vec<String>, include_archived: bool) -> Result<Vec<PatientSummary>> {
    let Some((sql, bounds)) = terms_query(conn, tokens, include_archived)? else {
        return Ok(Vec::new());
    };
    first_patients(conn, &sql, bounds)
}

/// The first [`SEARCH_LIMIT`] patients of a query whose rows are summaries in order.
/// Rows come one per matching term, so a patient can appear twice ("Ann Annan").
fn first_patients(conn: &Connection, sql: &str, params: Vec<Value>) -> Result<Vec<PatientSummary>> {
    let mut stmt = conn.prepare_cached(sql)?;
    let mut rows = stmt.query(params_from_iter(params))?;
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

/// Terms counted per word before deciding which word drives (see [`driver_and_rarest`]).
const PROBE: i64 = 1_024;

/// How many terms start with `token`, counted up to `cap`.
fn match_count_up_to(conn: &Connection, token: &str, cap: i64) -> Result<i64> {
    let mut stmt = conn.prepare_cached(
        "SELECT count(*) FROM (SELECT 1 FROM patient_search_terms WHERE term >= ?1 AND term < ?2 LIMIT ?3)",
    )?;
    Ok(stmt.query_row(rusqlite::params![token, prefix_end(token), cap], |r| r.get(0))?)
}

/// For `tokens` (sorted, no duplicates, at least two): the index of the driver, the
/// token with the most matching terms counted up to [`LIST_MAX`] (ties: the longer,
/// then the first), as [`terms_query`] chooses it; and the index and exact count of
/// the token with the fewest matches, if it has fewer than [`LIST_MAX`]. `None` when
/// some token matches nothing.
///
/// Counting is a scan of the token's range, so it is kept short. Of two words of
/// different lengths, the longer is counted and the shorter only up to one more than
/// it. Otherwise every token is first counted up to [`PROBE`]; if only one reaches it,
/// that one drives. Only when several do are they counted further, the longest first
/// and (of two) the next only up to one more than the first, which says which has more.
fn driver_and_rarest(conn: &Connection, tokens: &[String]) -> Result<Option<(usize, Option<(usize, i64)>)>> {
    driver_and_rarest_probing(conn, tokens, PROBE)
}

/// [`driver_and_rarest`] with the first count going up to `probe` (tests use small ones).
fn driver_and_rarest_probing(
    conn: &Connection,
    tokens: &[String],
    probe: i64,
) -> Result<Option<(usize, Option<(usize, i64)>)>> {
    // Per token: its count, and whether it is exact (below the cap it was counted to).
    let mut counts: Vec<(i64, bool)> = vec![(0, false); tokens.len()];
    let mut by_length: Vec<usize> = (0..tokens.len()).collect();
    by_length.sort_by_key(|&i| Reverse(tokens[i].len()));
    if tokens.len() == 2 && tokens[by_length[1]].len() < tokens[by_length[0]].len() {
        // Two words, one longer ("garcia m"): the longer is most likely the rarer, so it
        // is counted first and the other only up to one more than it, which is all it
        // takes to choose (no probe, which the longer word would pass anyway).
        let (a, b) = (by_length[0], by_length[1]);
        let na = match_count_up_to(conn, &tokens[a], LIST_MAX)?;
        let cap = (na + 1).min(LIST_MAX);
        let nb = if na == 0 { 0 } else { match_count_up_to(conn, &tokens[b], cap)? };
        if nb == 0 {
            return Ok(None);
        }
        counts[a] = (na, na < LIST_MAX);
        counts[b] = (nb, nb < cap);
        return Ok(Some(choose(tokens, &counts)));
    }
    for (i, t) in tokens.iter().enumerate() {
        let n = match_count_up_to(conn, t, probe)?;
        if n == 0 {
            return Ok(None);
        }
        counts[i] = (n, n < probe);
    }
    let mut contenders: Vec<usize> = (0..tokens.len()).filter(|&i| !counts[i].1).collect();
    if contenders.len() > 1 {
        contenders.sort_by_key(|&i| (Reverse(tokens[i].len()), i));
        if contenders.len() == 2 {
            let (a, b) = (contenders[0], contenders[1]);
            let na = match_count_up_to(conn, &tokens[a], LIST_MAX)?;
            counts[a] = (na, na < LIST_MAX);
            let cap = (na + 1).min(LIST_MAX);
            let nb = match_count_up_to(conn, &tokens[b], cap)?;
            // Reaching `cap` below LIST_MAX only says "more than a"; enough to choose.
            counts[b] = (nb, nb < cap);
        } else {
            for &i in &contenders {
                let n = match_count_up_to(conn, &tokens[i], LIST_MAX)?;
                counts[i] = (n, n < LIST_MAX);
            }
        }
    }
    Ok(Some(choose(tokens, &counts)))
}

/// The driver and the rarest token from the tokens' `counts` (each with whether it is
/// exact; an inexact one is at least that), as [`driver_and_rarest`] returns them.
fn choose(tokens: &[String], counts: &[(i64, bool)]) -> (usize, Option<(usize, i64)>) {
    // The driver as `terms_query` sorts: most matches (capped), then longest, then first.
    let driver = (0..tokens.len())
        .min_by_key(|&i| (Reverse(counts[i].0.min(LIST_MAX)), Reverse(tokens[i].len()), i))
        .expect("at least one token");
    let rarest = (0..tokens.len())
        .filter(|&i| counts[i].1 && counts[i].0 < LIST_MAX)
        .min_by_key(|&i| counts[i].0)
        .map(|i| (i, counts[i].0));
    (driver, rarest)
}

/// Searches several name words (sorted, no duplicates, each with a letter), with the
/// same results in the same order as [`terms_query`] gives: patients with a term
/// starting with every word, by the driver's matching term, then sort key, then id.
///
/// Each row of `patient_name_terms` carries the patient's name terms, so a word is
/// checked on the row being read (`instr`), with no lookup and no list. Then:
/// - when some word has fewer than [`LIST_MAX`] matches (a whole family name, three
///   letters), its range alone is read, in full, keeping the rows that have the other
///   words; the driver's order is rebuilt from the terms on those rows and only the
///   first [`SEARCH_LIMIT`] patients are fetched. At most [`LIST_MAX`] rows are read,
///   sequentially, however rarely the words occur together.
/// - when every word is that common (a letter or two each), the driver's range is read
///   in order and the scan stops at the [`SEARCH_LIMIT`]th patient; words that common
///   occur together often, so that is soon.
fn by_name_words(conn: &Connection, tokens: Vec<String>, include_archived: bool) -> Result<Vec<PatientSummary>> {
    match driver_and_rarest(conn, &tokens)? {
        None => Ok(Vec::new()),
        Some((driver, Some((rarest, _)))) => by_rarest_word(conn, &tokens, driver, rarest, include_archived),
        Some((driver, None)) => by_driver_word(conn, &tokens, driver, include_archived),
    }
}

/// `" word"`, which `words` holds exactly when one of its terms starts with `word`.
fn spaced(t: &str) -> Value {
    Value::Text(format!(" {t}"))
}

/// The tokens but the one at `except`, as `instr` parameters.
fn spaced_others(tokens: &[String], except: usize) -> Vec<Value> {
    tokens.iter().enumerate().filter(|&(i, _)| i != except).map(|(_, t)| spaced(t)).collect()
}

/// Every word common: the driver's range in order, the other words checked on each
/// row, stopping at the [`SEARCH_LIMIT`]th patient.
fn by_driver_word(
    conn: &Connection,
    tokens: &[String],
    driver: usize,
    include_archived: bool,
) -> Result<Vec<PatientSummary>> {
    let others = spaced_others(tokens, driver);
    let checks = "AND instr(t.words, ?) > 0 ".repeat(others.len());
    let sql = format!(
        "SELECT {SUMMARY_COLUMNS} FROM patient_name_terms t JOIN patients p ON p.id = t.patient_id
         WHERE t.term >= ? AND t.term < ? AND ({} OR p.archived_at IS NULL) {checks}
         ORDER BY t.term, t.sort_key",
        include_archived as i32
    );
    let d = &tokens[driver];
    let mut params = vec![Value::Text(d.clone()), Value::Text(prefix_end(d))];
    params.extend(others);
    first_patients(conn, &sql, params)
}

/// The range of the word at `scanned` read in full, keeping the rows with every other
/// word; the patients found are put in the driver's order (its first matching term
/// among the row's `words`, then sort key, then id: where the driver's range scan
/// would list them), and only the first [`SEARCH_LIMIT`] are fetched.
fn by_rarest_word(
    conn: &Connection,
    tokens: &[String],
    driver: usize,
    scanned: usize,
    include_archived: bool,
) -> Result<Vec<PatientSummary>> {
    let others = spaced_others(tokens, scanned);
    let checks = "AND instr(words, ?) > 0 ".repeat(others.len());
    let sql =
        format!("SELECT patient_id, sort_key, words FROM patient_name_terms WHERE term >= ? AND term < ? {checks}");
    let s = &tokens[scanned];
    let mut params = vec![Value::Text(s.clone()), Value::Text(prefix_end(s))];
    params.extend(others);
    let d = tokens[driver].as_str();
    let mut found: HashMap<i64, (String, String)> = HashMap::new();
    {
        let mut stmt = conn.prepare_cached(&sql)?;
        let mut rows = stmt.query(params_from_iter(params))?;
        while let Some(row) = rows.next()? {
            let id: i64 = row.get(0)?;
            if found.contains_key(&id) {
                continue; // a patient with two terms in the range ("Ann Annan")
            }
            let words = row.get_ref(2)?.as_str().map_err(rusqlite::Error::from)?;
            // Always there: the driver is checked on the row, or is the scanned word.
            if let Some(first) = words.split(' ').filter(|w| w.starts_with(d)).min() {
                found.insert(id, (first.to_string(), row.get(1)?));
            }
        }
    }
    let mut order: Vec<(String, String, i64)> = found.into_iter().map(|(id, (term, sort))| (term, sort, id)).collect();
    order.sort_unstable();
    let mut stmt = conn.prepare_cached(&format!("SELECT {SUMMARY_COLUMNS} FROM patients p WHERE p.id = ?1"))?;
    let mut results = Vec::with_capacity(SEARCH_LIMIT.min(order.len()));
    for (_, _, id) in order {
        let mut rows = stmt.query([id])?;
        if let Some(row) = rows.next()? {
            let summary = summary_from_row(row)?;
            if include_archived || !summary.archived {
                results.push(summary);
                if results.len() == SEARCH_LIMIT {
                    break;
                }
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

    /// The several-word ways find what the general way finds, in its order: both scans
    /// (whichever word is scanned in full), with any first count, for words drawn from
    /// the patients' own names, preferred names and apostrophe names included, with and
    /// without archived patients.
    #[test]
    fn several_words_find_what_the_general_search_finds() {
        use crate::auth::Role;
        use crate::patients::{archive_patient, register_patient, PatientDetails};
        use chrono::NaiveDate;

        let dir = tempfile::tempdir().unwrap();
        let db = Db::open_dir(dir.path(), &DatabaseKey::generate().unwrap()).unwrap();
        let today = NaiveDate::from_ymd_opt(2026, 11, 28).unwrap();
        let desk = db
            .write(|tx| {
                tx.execute(
                    "INSERT INTO users (username, display_name, role, password_hash, created_at, updated_at)
                     VALUES ('desk', 'Desk', 'admin', 'not-a-hash', '', '')",
                    [],
                )?;
                Ok(Actor::new(tx.last_insert_rowid(), "desk", "Desk", Role::Admin))
            })
            .unwrap();
        db.write(|tx| crate::demo::add_demo_patients(tx, &desk, 2_000, 7, today)).unwrap();
        let extra = [("Seán", "O'Brien", "Shay"), ("María José", "García Márquez", ""), ("Ann", "Annan", "Annie")];
        for (given, family, preferred) in extra {
            let d = PatientDetails {
                given_name: given.into(),
                family_name: family.into(),
                preferred_name: preferred.into(),
                date_of_birth: "1980-01-01".into(),
                ..Default::default()
            };
            db.write(|tx| register_patient(tx, &desk, &d, true, today)).unwrap();
        }
        for id in (1..2_000).step_by(29) {
            db.write(|tx| archive_patient(tx, &desk, id)).unwrap();
        }
        let names: Vec<Vec<String>> = db
            .read(|c| {
                let mut stmt =
                    c.prepare("SELECT given_name || ' ' || family_name || ' ' || preferred_name FROM patients")?;
                let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
                Ok(rows.map(|n| n.map(|n| crate::text::name_terms(&n))).collect::<rusqlite::Result<_>>()?)
            })
            .unwrap();
        let mut rng = fastrand::Rng::with_seed(3);
        let mut queries: Vec<String> =
            ["o bri", "shay o", "brien sean", "m a", "ma mar", "ann ann", "annie a", "jose garcia mar", "a e i"]
                .map(String::from)
                .to_vec();
        for _ in 0..150 {
            let terms = &names[rng.usize(..names.len())];
            let n = rng.usize(2..=3);
            let q: Vec<String> = (0..n)
                .map(|_| {
                    let t = &terms[rng.usize(..terms.len())];
                    t[..rng.usize(1..=t.len())].to_string()
                })
                .collect();
            queries.push(q.join(" "));
            // And words of two different patients, which mostly find no one.
            let other = &names[rng.usize(..names.len())];
            queries.push(format!("{} {}", &q[0], &other[0][..rng.usize(1..=other[0].len())]));
        }
        let ids = |r: Vec<PatientSummary>| r.into_iter().map(|p| p.id).collect::<Vec<_>>();
        let mut compared = 0;
        db.read(|c| {
            for q in &queries {
                let mut tokens = crate::text::words(q);
                tokens.sort();
                tokens.dedup();
                if tokens.len() < 2 {
                    continue;
                }
                for archived in [false, true] {
                    let expected = ids(by_any_terms(c, tokens.clone(), archived)?);
                    assert_eq!(ids(search_patients(c, &desk, q, archived)?), expected, "{q}");
                    for probe in [1, 2, 20, 150, PROBE] {
                        let Some((driver, rarest)) = driver_and_rarest_probing(c, &tokens, probe)? else {
                            assert!(expected.is_empty(), "{q}");
                            continue;
                        };
                        let (_, bounds) = terms_query(c, tokens.clone(), archived)?.unwrap();
                        assert_eq!(bounds[0], Value::Text(tokens[driver].clone()), "the same driver for {q}");
                        if let Some((i, n)) = rarest {
                            assert_eq!(n, match_count_up_to(c, &tokens[i], LIST_MAX)?, "{q}");
                        }
                        assert_eq!(ids(by_driver_word(c, &tokens, driver, archived)?), expected, "{q}");
                        for scanned in 0..tokens.len() {
                            assert_eq!(ids(by_rarest_word(c, &tokens, driver, scanned, archived)?), expected, "{q}");
                        }
                    }
                    compared += usize::from(!expected.is_empty());
                }
            }
            Ok(())
        })
        .unwrap();
        assert!(compared > 200, "enough queries find someone: {compared}");
    }
}
