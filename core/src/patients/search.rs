//! Search as you type. A query is read as a date of birth if it is one, as phone
//! digits if it has digits and no letters, and otherwise as name-word prefixes that
//! must all match ("mar gar" finds María García). Matching uses the
//! `patient_search_terms` index as a prefix range scan, which already yields exact
//! matches first and then prefix matches, alphabetically: no table scan, no sort.
//!
//! A query of several words lists the patients in the order of one of its words, the
//! longest (the "driver", usually the one typed in full): by that word's matching term,
//! then by name, so "garcia m" lists the Garcías by given name. Its other words are
//! checked on the `patient_name_terms` row just read, which carries all of the
//! patient's name terms, so no word costs a lookup per row (see [`by_name_words`]).
//! Two words, the commonest case, are read from `patient_name_pairs`, which holds only
//! the patients who have both (see [`by_name_pair`]).

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
/// Several words that all have a letter are searched by [`by_name_words`] instead,
/// with no lookup and no list; this remains the way of one word and of queries mixing
/// words and digits.
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
        if let [a, b] = &tokens[..] {
            if !a.starts_with(b.as_str()) && !b.starts_with(a.as_str()) {
                return by_name_pair(conn, &tokens, include_archived);
            }
        }
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

/// Searches two name words (sorted, each with a letter, neither starting with the
/// other) in `patient_name_pairs`: the rows of the driver's ([`driver_of`]) terms whose
/// other term starts with the other word's first three letters (its first letter, if it
/// is shorter), in the driver's order. Only patients with both words are read, so the
/// search reads about as many rows as it lists, however rarely the words go together.
///
/// A term starting with both words would need one to start with the other, so the
/// two are always different terms of the patient, which is what the table pairs.
fn by_name_pair(conn: &Connection, tokens: &[String], include_archived: bool) -> Result<Vec<PatientSummary>> {
    let driver = driver_of(tokens);
    let (d, o) = (&tokens[driver], &tokens[1 - driver]);
    let prefix = if o.len() >= 3 { &o[..3] } else { &o[..1] };
    let mut scan = conn.prepare_cached(
        "SELECT patient_id FROM patient_name_pairs
         WHERE other_prefix = ?1 AND term >= ?2 AND term < ?3 AND other >= ?4 AND other < ?5
         ORDER BY term, sort_key, patient_id",
    )?;
    let mut rows = scan.query(rusqlite::params![prefix, d, prefix_end(d), o, prefix_end(o)])?;
    let mut listing = Listing::new(conn, include_archived)?;
    // A patient is listed at the first of her rows: several terms may pair.
    while let Some(row) = rows.next()? {
        if listing.add(row.get(0)?)? {
            break;
        }
    }
    Ok(listing.results)
}

/// The patients a search lists, fetched by id in the order found: each once, archived
/// ones only when asked for, at most [`SEARCH_LIMIT`].
struct Listing<'c> {
    fetch: rusqlite::CachedStatement<'c>,
    include_archived: bool,
    seen: HashSet<i64>,
    results: Vec<PatientSummary>,
}

impl<'c> Listing<'c> {
    fn new(conn: &'c Connection, include_archived: bool) -> Result<Self> {
        let fetch = conn.prepare_cached(&format!("SELECT {SUMMARY_COLUMNS} FROM patients p WHERE p.id = ?1"))?;
        Ok(Listing { fetch, include_archived, seen: HashSet::new(), results: Vec::with_capacity(SEARCH_LIMIT) })
    }

    /// Lists patient `id` unless already seen (or archived and not asked for); true
    /// once the list is full.
    fn add(&mut self, id: i64) -> Result<bool> {
        if self.seen.insert(id) {
            let summary = self.fetch.query_row([id], summary_from_row)?;
            if self.include_archived || !summary.archived {
                self.results.push(summary);
            }
        }
        Ok(self.results.len() == SEARCH_LIMIT)
    }
}

/// Rows of the driver's range read before [`by_name_words`] considers reading a rarer
/// word's range instead: about 0.15 ms of reading.
const DRIVER_BUDGET: usize = 1_000;

/// How many terms start with `token`, counted up to `cap`.
fn match_count_up_to(conn: &Connection, token: &str, cap: i64) -> Result<i64> {
    let mut stmt = conn.prepare_cached(
        "SELECT count(*) FROM (SELECT 1 FROM patient_search_terms WHERE term >= ?1 AND term < ?2 LIMIT ?3)",
    )?;
    Ok(stmt.query_row(rusqlite::params![token, prefix_end(token), cap], |r| r.get(0))?)
}

/// The driver of several words (sorted, no duplicates): the longest, of equal lengths
/// the first.
fn driver_of(tokens: &[String]) -> usize {
    (0..tokens.len()).max_by_key(|&i| (tokens[i].len(), Reverse(i))).expect("at least one token")
}

/// Searches several name words (sorted, no duplicates, each with a letter): the
/// patients with a term starting with every word, by the driver's ([`driver_of`])
/// first matching term, then sort key, then id.
///
/// Each row of `patient_name_terms` carries the patient's name terms, so a word is
/// checked on the row being read (`instr`), with no lookup and no list. The driver's
/// range is read in order and the search stops at the [`SEARCH_LIMIT`]th patient, which
/// words that often go together ("garcia m", "martin m") reach within a few hundred
/// rows. Words that rarely go together ("mar zo") would read the whole range, so after
/// [`DRIVER_BUDGET`] rows the other words are counted: if one has fewer terms than the
/// scan still has to read ([`rarer_word`]), its range is read in full instead
/// ([`by_rarest_word`]: at most [`LIST_MAX`] rows, however rarely the words occur
/// together).
fn by_name_words(conn: &Connection, tokens: Vec<String>, include_archived: bool) -> Result<Vec<PatientSummary>> {
    by_name_words_within(conn, &tokens, include_archived, DRIVER_BUDGET)
}

/// [`by_name_words`] with the driver's scan reading `budget` rows before counting (tests
/// use small ones).
fn by_name_words_within(
    conn: &Connection,
    tokens: &[String],
    include_archived: bool,
    budget: usize,
) -> Result<Vec<PatientSummary>> {
    let driver = driver_of(tokens);
    let others = spaced_others(tokens, driver);
    let hit = vec!["instr(words, ?) > 0"; others.len()].join(" AND ");
    let sql = format!(
        "SELECT patient_id, {hit} FROM patient_name_terms WHERE term >= ? AND term < ? ORDER BY term, sort_key"
    );
    let d = &tokens[driver];
    let mut params = others;
    params.extend([Value::Text(d.clone()), Value::Text(prefix_end(d))]);
    let mut scan = conn.prepare_cached(&sql)?;
    let mut rows = scan.query(params_from_iter(params))?;
    let mut listing = Listing::new(conn, include_archived)?;
    let mut read = 0;
    while let Some(row) = rows.next()? {
        read += 1;
        // A patient with two terms in the range ("Ann Annan") is listed at the first.
        if row.get(1)? && listing.add(row.get(0)?)? {
            break;
        }
        if read == budget {
            let found = (read, listing.seen.len(), listing.results.len());
            if let Some(rarer) = rarer_word(conn, tokens, driver, found)? {
                drop(rows);
                return by_rarest_word(conn, tokens, driver, rarer, include_archived);
            }
        }
    }
    Ok(listing.results)
}

/// After the driver's scan has read `read` rows and found `found` patients (some
/// perhaps archived, `listed` kept): the word whose whole range is shorter than what
/// the scan still has to read — its rows left, or fewer if the patients found so far
/// say it will reach [`SEARCH_LIMIT`] sooner — if there is one (the shortest).
fn rarer_word(
    conn: &Connection,
    tokens: &[String],
    driver: usize,
    (read, found, listed): (usize, usize, usize),
) -> Result<Option<usize>> {
    let read = read as i64;
    let at_this_rate = match found {
        0 => LIST_MAX,
        _ => (((SEARCH_LIMIT - listed) * read as usize / found) as i64).min(LIST_MAX),
    };
    let mut cap = match_count_up_to(conn, &tokens[driver], read + at_this_rate)? - read;
    let mut rarest = None;
    for i in (0..tokens.len()).filter(|&i| i != driver) {
        let n = match_count_up_to(conn, &tokens[i], cap)?;
        if n < cap {
            (rarest, cap) = (Some(i), n);
        }
    }
    Ok(rarest)
}

/// `" word"`, which `words` holds exactly when one of its terms starts with `word`.
fn spaced(t: &str) -> Value {
    Value::Text(format!(" {t}"))
}

/// The tokens but the one at `except`, as `instr` parameters.
fn spaced_others(tokens: &[String], except: usize) -> Vec<Value> {
    tokens.iter().enumerate().filter(|&(i, _)| i != except).map(|(_, t)| spaced(t)).collect()
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
    let mut listing = Listing::new(conn, include_archived)?;
    for (_, _, id) in order {
        if listing.add(id)? {
            break;
        }
    }
    Ok(listing.results)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::DatabaseKey;
    use crate::Db;
    use chrono::NaiveDate;

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

    /// The pairs written at registration and edit are exactly those migration 0010 makes
    /// from the terms (so an edit leaves no stale pair), and a two-word search reads
    /// them in order, with no sort.
    #[test]
    fn name_pairs_are_the_migrations_and_are_read_in_order() {
        use crate::auth::Role;
        use crate::patients::update_patient;

        let dir = tempfile::tempdir().unwrap();
        let db = Db::open_dir(dir.path(), &DatabaseKey::generate().unwrap()).unwrap();
        let today = NaiveDate::from_ymd_opt(2026, 11, 28).unwrap();
        let desk = Actor::new(1, "desk", "Desk", Role::Admin);
        db.write(|tx| {
            tx.execute(
                "INSERT INTO users (id, username, display_name, role, password_hash, created_at, updated_at)
                 VALUES (1, 'desk', 'Desk', 'admin', 'not-a-hash', '', '')",
                [],
            )?;
            crate::demo::add_demo_patients(tx, &desk, 300, 5, today)
        })
        .unwrap();
        for id in (1..300).step_by(7) {
            let mut d = db.read(|c| crate::patients::get_patient(c, &desk, id)).unwrap().details;
            d.given_name = format!("{} O'Neill", d.given_name);
            d.family_name = "Marsh".into();
            db.write(|tx| update_patient(tx, &desk, id, &d, today)).unwrap();
        }
        type Pair = (String, String, String, i64, String);
        let pairs = |c: &Connection| -> Result<Vec<Pair>> {
            let mut stmt = c.prepare("SELECT * FROM patient_name_pairs ORDER BY 1, 2, 3, 4, 5")?;
            let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)))?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        };
        let written = db.read(pairs).unwrap();
        assert!(written.len() > 600, "{}", written.len());
        let migration = include_str!("../../migrations/0010_name_pairs.sql");
        let fill = &migration[migration.find("INSERT").unwrap()..];
        let migrated = db
            .write(|tx| {
                tx.execute_batch(&format!("DELETE FROM patient_name_pairs; {fill}"))?;
                pairs(tx)
            })
            .unwrap();
        assert_eq!(written, migrated);

        let plan: Vec<String> = db
            .read(|c| {
                let mut stmt = c.prepare(
                    "EXPLAIN QUERY PLAN SELECT patient_id FROM patient_name_pairs
                     WHERE other_prefix = 'gar' AND term >= 'mar' AND term < 'mas' AND other >= 'gar' AND other < 'gas'
                     ORDER BY term, sort_key, patient_id",
                )?;
                let rows = stmt.query_map([], |r| r.get::<_, String>(3))?;
                Ok(rows.collect::<rusqlite::Result<_>>()?)
            })
            .unwrap();
        assert!(plan.iter().any(|l| l.contains("USING PRIMARY KEY")), "{plan:?}");
        assert!(!plan.iter().any(|l| l.contains("TEMP B-TREE")), "no sort needed: {plan:?}");
    }

    /// Several words find every patient with a term starting with each of them, by the
    /// longest word's first matching term, then name, then id — as worked out here from
    /// the patients' own rows, for words drawn from their names (preferred and apostrophe
    /// names included, after edits, with and without archived patients): scanning the
    /// driver with any budget, and reading any word's range in full.
    #[test]
    fn several_words_find_every_patient_with_all_of_them_in_the_longest_words_order() {
        use crate::auth::Role;
        use crate::patients::{archive_patient, register_patient, unarchive_patient, update_patient, PatientDetails};
        use crate::text::name_terms;

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
        for id in (1..2_000).step_by(58) {
            db.write(|tx| unarchive_patient(tx, &desk, id)).unwrap();
        }
        for id in (5..2_000).step_by(37) {
            let mut d = db.read(|c| crate::patients::get_patient(c, &desk, id)).unwrap().details;
            d.family_name = format!("{} Marsh", d.family_name);
            db.write(|tx| update_patient(tx, &desk, id, &d, today)).unwrap();
        }
        // Every patient: the summary, the sort key and the name terms.
        let patients: Vec<(PatientSummary, String, Vec<String>)> = db
            .read(|c| {
                let mut stmt = c.prepare(&format!(
                    "SELECT {SUMMARY_COLUMNS}, p.sort_key, p.given_name || ' ' || p.family_name || ' ' || p.preferred_name
                     FROM patients p"
                ))?;
                let rows = stmt.query_map([], |r| Ok((summary_from_row(r)?, r.get(7)?, name_terms(&r.get::<_, String>(8)?))))?;
                Ok(rows.collect::<rusqlite::Result<_>>()?)
            })
            .unwrap();
        let expected = |tokens: &[String], archived: bool| -> Vec<PatientSummary> {
            let d = &tokens[driver_of(tokens)];
            let mut found: Vec<(&String, &String, i64, &PatientSummary)> = patients
                .iter()
                .filter(|(p, _, terms)| {
                    (archived || !p.archived) && tokens.iter().all(|t| terms.iter().any(|w| w.starts_with(t.as_str())))
                })
                .map(|(p, sort, terms)| {
                    (terms.iter().filter(|w| w.starts_with(d.as_str())).min().unwrap(), sort, p.id, p)
                })
                .collect();
            found.sort_by(|a, b| (a.0, a.1, a.2).cmp(&(b.0, b.1, b.2)));
            found.into_iter().take(SEARCH_LIMIT).map(|(.., p)| p.clone()).collect()
        };
        let mut rng = fastrand::Rng::with_seed(3);
        let mut queries: Vec<String> = [
            "o bri",
            "shay o",
            "brien sean",
            "m a",
            "ma mar",
            "ann ann",
            "annie a",
            "jose garcia mar",
            "a e i",
            "marsh a",
            "mar marsh",
            "a marsh",
        ]
        .map(String::from)
        .to_vec();
        for _ in 0..150 {
            let terms = &patients[rng.usize(..patients.len())].2;
            let n = rng.usize(2..=3);
            let q: Vec<String> = (0..n)
                .map(|_| {
                    let t = &terms[rng.usize(..terms.len())];
                    t[..rng.usize(1..=t.len())].to_string()
                })
                .collect();
            queries.push(q.join(" "));
            // And words of two different patients, which mostly find no one.
            let other = &patients[rng.usize(..patients.len())].2;
            queries.push(format!("{} {}", &q[0], &other[0][..rng.usize(1..=other[0].len())]));
        }
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
                    let expected = expected(&tokens, archived);
                    assert_eq!(search_patients(c, &desk, q, archived)?, expected, "{q}");
                    for budget in [1, 3, 40, 400] {
                        assert_eq!(by_name_words_within(c, &tokens, archived, budget)?, expected, "{q}, {budget}");
                    }
                    let driver = driver_of(&tokens);
                    for scanned in 0..tokens.len() {
                        assert_eq!(by_rarest_word(c, &tokens, driver, scanned, archived)?, expected, "{q}");
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
