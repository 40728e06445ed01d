//! Search as you type while a recall export runs beside it: the demo clinic (encrypted,
//! 100,000 patients with their treatment history), and on a second thread the CSV
//! export of the lot given to the most patients, over and over, while the search box
//! is timed (name fragments, two-word queries, phone digits).
//!
//! ```sh
//! cargo bench -p glabella-core --bench search_beside_export
//! ```
//!
//! Four rounds over the same queries, each printing p50 / p99 / max per class:
//! 1. nothing else running;
//! 2. the export as the app runs it, `db.write(|tx| stock::recall_csv(tx, …))` (it
//!    writes its audit entry, so it is a write, on the writer connection);
//! 3. the same export on a read connection, `db.read(|c| stock::recall_csv(c, …))`:
//!    what a long read does to the search (a recall look-up, an audit query), which
//!    waits for a free read connection;
//! 4. no export, but a small audited write (opening a chart) as often as the exports
//!    committed: the cost of the commits alone;
//! 5. a backup beside: the bundle made (`backup::bundle::make`) and verified, over and
//!    over, as the app's daily backup runs (its time alone is printed first); the
//!    queries go round 20 times here, to span whole backups.
//!
//! Only the public API is used, so the same file measures any `Db`, whether it has one
//! read connection or a pool of them (see BENCHMARKS.md, "Search beside a recall
//! export"). Everything is seeded, so two runs measure the same queries.

mod timing;

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Barrier;
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use glabella_core::auth::Role;
use glabella_core::backup::bundle;
use glabella_core::clinic::Clinic;
use glabella_core::db::KeyFile;
use glabella_core::demo;
use glabella_core::patients::search_patients;
use glabella_core::stock;
use glabella_core::text::{digits, words};
use timing::{print_header, print_row, time_each};

const PATIENTS: usize = 100_000;
const SEED: u64 = 1;
/// Queries per class.
const QUERIES: usize = 300;
/// Exports timed alone, for their own duration.
const EXPORTS_ALONE: usize = 5;

type Queries = Vec<(&'static str, Vec<String>)>;

fn main() {
    let today = NaiveDate::from_ymd_opt(2026, 11, 28).expect("valid date");
    let dir = tempfile::tempdir().expect("temp dir");
    let start = Instant::now();
    let (set_up, history) = demo::create_demo_clinic(dir.path(), PATIENTS, SEED, today).expect("demo clinic");
    println!("Demo clinic: {PATIENTS} patients, {history:?}, made in {:.1} s", start.elapsed().as_secs_f64());
    // Close and sign in again, as the app starts: the WAL is checkpointed into the file.
    drop(set_up);
    // The injector may both search and export a recall list.
    let (username, password, ..) =
        demo::DEMO_ACCOUNTS.into_iter().find(|a| a.3 == Role::Injector).expect("an injector");
    let (clinic, injector) = Clinic::sign_in(dir.path(), username, password).expect("sign in");
    let db = clinic.db();
    println!("Read connections: as `Db` opens them (core/src/db/mod.rs)");

    let (lot, patients, sessions): (String, i64, i64) = db
        .read(|c| {
            Ok(c.query_row(
                "SELECT l.lot_number, count(DISTINCT s.patient_id), count(DISTINCT s.id)
                 FROM lots l JOIN vials v ON v.lot_id = l.id
                 JOIN injection_points ip ON ip.vial_id = v.id
                 JOIN sessions s ON s.id = ip.session_id
                 GROUP BY l.id ORDER BY 2 DESC, l.id LIMIT 1",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )?)
        })
        .expect("the busiest lot");
    let mut alone = Vec::with_capacity(EXPORTS_ALONE);
    let mut bytes = 0;
    for _ in 0..EXPORTS_ALONE {
        let t = Instant::now();
        bytes = db.write(|tx| stock::recall_csv(tx, &injector, &lot)).expect("export").len();
        alone.push(t.elapsed());
    }
    alone.sort_unstable();
    println!(
        "Busiest lot {lot}: {patients} patients, {sessions} sessions; its CSV is {bytes} bytes and takes \
         {:.1} ms alone (median of {EXPORTS_ALONE}, after the first)",
        ms(alone[EXPORTS_ALONE / 2])
    );

    let queries = queries(&clinic);
    let search = |q: &String| db.read(|c| search_patients(c, &injector, q, false)).expect("search").len();
    let run = |title: &str| {
        println!("\n{title}");
        print_header("found");
        for (name, qs) in &queries {
            print_row(&format!("search: {name}"), &time_each(qs, search));
        }
    };

    run("Round 1: nothing else running");
    beside(&format!("Round 2: export beside, as the app runs it (db.write), lot {lot}"), &run, || {
        db.write(|tx| stock::recall_csv(tx, &injector, &lot)).expect("export");
    });
    beside(&format!("Round 3: export beside on a read connection (db.read), lot {lot}"), &run, || {
        db.read(|c| stock::recall_csv(c, &injector, &lot)).expect("export");
    });
    // What a commit alone does: an audited chart view (one small write, little CPU) as
    // often as the exports above committed. Every commit makes each read connection
    // drop its page cache at its next read (SQLite's WAL mode), so the search reads,
    // and decrypts, its pages again.
    let pause = alone[EXPORTS_ALONE / 2];
    let charts = AtomicUsize::new(0);
    beside("Round 4: an audited chart view (a small commit) beside, as often as the exports", &run, || {
        let id = (charts.fetch_add(1, Ordering::Relaxed) % PATIENTS + 1) as i64;
        db.write(|tx| glabella_core::patients::open_chart(tx, &injector, id)).expect("chart");
        std::thread::sleep(pause);
    });

    let key = KeyFile::load(dir.path()).and_then(|k| k.unwrap_with_password(username, password)).expect("key");
    let folder = tempfile::tempdir().expect("backup folder");
    let back_up = || {
        let t = Instant::now();
        let made = bundle::make(dir.path(), &key, folder.path(), chrono::Utc::now()).expect("backup");
        let written = t.elapsed();
        let problems = bundle::verify(&made, &key).expect("verify").problems;
        assert!(problems.is_empty(), "{problems:?}");
        let size = bundle::size(&made);
        std::fs::remove_dir_all(&made).expect("remove the bundle");
        (written, t.elapsed() - written, size)
    };
    let (written, verified, size) = back_up();
    println!(
        "\nA backup of the demo clinic: {:.1} MB, written in {:.2} s, verified in {:.2} s",
        size as f64 / 1e6,
        written.as_secs_f64(),
        verified.as_secs_f64()
    );
    // A backup takes seconds: the queries go round 20 times (about 10 s), so they meet
    // both its copy and its verification.
    let long_run = |title: &str| {
        println!("\n{title}");
        print_header("found");
        for (name, qs) in &queries {
            let repeated: Vec<String> = qs.iter().cycle().take(qs.len() * 20).cloned().collect();
            print_row(&format!("search: {name}"), &time_each(&repeated, search));
        }
    };
    beside("Round 5: a backup (made and verified) beside, over and over", &long_run, || drop(back_up()));
}

/// Runs `measure(title)` while `export` loops on another thread (started first, and
/// stopped after), then prints how many times it ran and how long each took.
fn beside(title: &str, measure: &(dyn Fn(&str) + Sync), export: impl Fn() + Sync) {
    let stop = AtomicBool::new(false);
    let done = AtomicUsize::new(0);
    let started = Barrier::new(2);
    let mut times: Vec<Duration> = std::thread::scope(|s| {
        let worker = s.spawn(|| {
            let mut times = Vec::new();
            started.wait();
            while !stop.load(Ordering::Relaxed) {
                let t = Instant::now();
                export();
                times.push(t.elapsed());
                done.fetch_add(1, Ordering::Relaxed);
            }
            times
        });
        started.wait();
        // Let the first export get going, so that every query has one beside it.
        std::thread::sleep(Duration::from_millis(5));
        let t = Instant::now();
        measure(title);
        let elapsed = t.elapsed();
        stop.store(true, Ordering::Relaxed);
        let times = worker.join().expect("export thread");
        println!(
            "  ({} ran on the other thread during the {:.1} s of searching)",
            done.load(Ordering::Relaxed),
            elapsed.as_secs_f64()
        );
        times
    });
    times.sort_unstable();
    if let Some(median) = times.get(times.len() / 2) {
        println!("  each of them took: median {:.1} ms, max {:.1} ms", ms(*median), ms(times[times.len() - 1]));
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

/// Queries from the demo data itself, as `benches/patients.rs` makes them: three
/// letters of a name, the two two-word shapes, and a run of four phone digits.
fn queries(clinic: &Clinic) -> Queries {
    let mut rng = fastrand::Rng::with_seed(SEED);
    let people: Vec<(String, String, String)> = clinic
        .db()
        .read(|c| {
            let mut stmt = c.prepare("SELECT given_name, family_name, phone FROM patients ORDER BY id")?;
            let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        })
        .expect("patients");
    let mut pick = |f: &dyn Fn(&mut fastrand::Rng, &(String, String, String)) -> Option<String>| {
        let mut out = Vec::with_capacity(QUERIES);
        while out.len() < QUERIES {
            let p = &people[rng.usize(..people.len())];
            out.extend(f(&mut rng, p));
        }
        out
    };
    let prefix = |w: &str, n: usize| (w.len() >= n).then(|| w[..n].to_string());
    let first_word = |name: &str| words(name).into_iter().next().unwrap_or_default();
    vec![
        ("name, 3 letters", pick(&|rng, (g, f, _)| prefix(&first_word(if rng.bool() { f } else { g }), 3))),
        (
            "two words (\"mar gar\")",
            pick(&|_, (g, f, _)| Some(format!("{} {}", prefix(&first_word(g), 3)?, prefix(&first_word(f), 3)?))),
        ),
        (
            "two words (\"garcia m\")",
            pick(&|_, (g, f, _)| Some(format!("{} {}", first_word(f), prefix(&first_word(g), 1)?))),
        ),
        (
            "phone, 4 digits",
            pick(&|rng, (_, _, phone)| {
                let d = digits(phone);
                (d.len() >= 4).then(|| {
                    let start = rng.usize(..=d.len() - 4);
                    d[start..start + 4].to_string()
                })
            }),
        ),
    ]
}
