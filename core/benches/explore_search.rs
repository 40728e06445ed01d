//! TEMPORARY exploration (not to be committed): where two-word searches spend time.
mod timing;
use chrono::NaiveDate;
use glabella_core::auth::Role;
use glabella_core::clinic::Clinic;
use glabella_core::demo;
use glabella_core::patients::search_patients;
use glabella_core::text::words;
use std::time::Instant;
use timing::{print_header, print_row, time_each};

fn main() {
    let today = NaiveDate::from_ymd_opt(2026, 11, 28).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let (set_up, _) = demo::create_demo_clinic(dir.path(), 0, 1, today).unwrap();
    set_up.clinic.db().write(|tx| demo::add_demo_patients(tx, &set_up.admin, 100_000, 1, today)).unwrap();
    drop(set_up);
    let (u, p, ..) = demo::DEMO_ACCOUNTS.into_iter().find(|a| a.3 == Role::Receptionist).unwrap();
    let (clinic, desk) = Clinic::sign_in(dir.path(), u, p).unwrap();
    let db = clinic.db();
    let people: Vec<(String, String)> = db
        .read(|c| {
            let mut s = c.prepare("SELECT given_name, family_name FROM patients")?;
            let r = s.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
            Ok(r.collect::<rusqlite::Result<_>>()?)
        })
        .unwrap();
    let mut rng = fastrand::Rng::with_seed(5);
    let mut q1 = Vec::new();
    let mut q2 = Vec::new();
    for _ in 0..500 {
        let (g, f) = &people[rng.usize(..people.len())];
        let (g, f) = (words(g).remove(0), words(f).remove(0));
        if g.len() >= 3 && f.len() >= 3 {
            q1.push(format!("{} {}", &g[..3], &f[..3]));
        }
        q2.push(format!("{f} {}", &g[..1]));
    }
    let stats = db.read(|c| Ok(c.query_row("SELECT (SELECT count(*) FROM patient_name_terms), (SELECT count(*) FROM patient_search_terms), (SELECT count(*) FROM patients)", [], |r| Ok((r.get::<_,i64>(0)?, r.get::<_,i64>(1)?, r.get::<_,i64>(2)?)))?)).unwrap();
    println!("rows name/search/patients {stats:?}");
    print_header("found");
    for pass in 0..2 {
        for (n, qs) in [("mar gar", &q1), ("garcia m", &q2)] {
            print_row(
                &format!("pass {pass} {n}"),
                &time_each(qs, |q| db.read(|c| search_patients(c, &desk, q, false)).unwrap().len()),
            );
        }
    }
    // Stage costs on fresh queries: the fetch of summaries by id, for random ids (cold).
    let ids: Vec<i64> = (0..50 * 200).map(|_| rng.i64(1..=100_000)).collect();
    let chunks: Vec<&[i64]> = ids.chunks(50).collect();
    print_row(
        "50 random patient rows by id",
        &time_each(&chunks, |ch| {
            db.read(|c| {
        let mut s = c.prepare_cached("SELECT id, given_name, family_name, preferred_name, date_of_birth, phone, archived_at IS NOT NULL FROM patients WHERE id = ?1")?;
        let mut n = 0; for id in ch.iter() { let mut r = s.query([id])?; if r.next()?.is_some() { n += 1; } } Ok(n) }).unwrap()
        }),
    );
    print_row(
        "same 50 again (warm)",
        &time_each(&chunks, |ch| {
            db.read(|c| {
        let mut s = c.prepare_cached("SELECT id, given_name, family_name, preferred_name, date_of_birth, phone, archived_at IS NOT NULL FROM patients WHERE id = ?1")?;
        let mut n = 0; for id in ch.iter() { let mut r = s.query([id])?; if r.next()?.is_some() { n += 1; } } Ok(n) }).unwrap()
        }),
    );
    // count scans
    let toks: Vec<String> = q1.iter().map(|q| q.split(' ').nth(1).unwrap().to_string()).collect();
    print_row(
        "count family 3 letters (cap 1024)",
        &time_each(&toks, |t| {
            db.read(|c| {
        let mut s = c.prepare_cached("SELECT count(*) FROM (SELECT 1 FROM patient_search_terms WHERE term >= ?1 AND term < ?2 LIMIT 1024)")?;
        Ok(s.query_row(rusqlite::params![t, format!("{t}\u{10FFFF}")], |r| r.get::<_, i64>(0))? as usize) }).unwrap()
        }),
    );
    print_row(
        "scan name terms of it (all cols)",
        &time_each(&toks, |t| {
            db.read(|c| {
        let mut s = c.prepare_cached("SELECT patient_id, sort_key, words FROM patient_name_terms WHERE term >= ?1 AND term < ?2 AND instr(words, ' zz') = 0")?;
        let mut r = s.query(rusqlite::params![t, format!("{t}\u{10FFFF}")])?; let mut n = 0; while r.next()?.is_some() { n += 1; } Ok(n) }).unwrap()
        }),
    );
    let t = Instant::now();
    let _ = t;
}
