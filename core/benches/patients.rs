//! How fast the patient registry is at clinic scale: a demo clinic (encrypted, as every
//! clinic is) with 100,000 demo patients in a temporary folder, then search-as-you-type
//! (name fragments of 1, 3 and 6 letters, two-word queries, phone digit runs), opening
//! a chart, and registering a new patient. Writes are timed as the desk pays for them:
//! one committed transaction each (`synchronous=FULL`, so the fsync counts), audit
//! entry included.
//!
//! Run it in release:
//!
//! ```sh
//! cargo bench -p glabella-core --bench patients                              # encrypted, as the app runs
//! GLABELLA_BENCH_PLAINTEXT=1 cargo bench -p glabella-core --bench patients   # unencrypted, for comparison
//! ```
//!
//! The plaintext mode builds the same 100,000 patients in an unencrypted database (the
//! app never makes one) and measures the same operations with the same code, so the
//! difference between the two runs is the cost of encryption.
//!
//! It prints p50, p99 and max per operation rather than a mean, because a
//! receptionist notices the slow keystroke, not the average one; the target is a
//! search p99 under 1 ms. Queries come from the demo data itself (prefixes of real
//! folded names, digit runs of real phone numbers), so every class finds patients.
//! Everything is seeded, so two runs measure the same queries.

mod timing;

use std::path::Path;
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use glabella_core::auth::{Actor, Role};
use glabella_core::clinic::Clinic;
use glabella_core::demo;
use glabella_core::patients::{
    find_duplicates, get_patient, open_chart, register_patient, search_patients, Patient, PatientDetails,
};
use glabella_core::text::{digits, words};
use glabella_core::Db;
use timing::{print_header, print_row, time_each};

const PATIENTS: usize = 100_000;
const SEED: u64 = 1;
/// Queries per search class.
const QUERIES: usize = 500;
const CHART_OPENS: usize = 2_000;
const REGISTRATIONS: usize = 200;

/// The first `len` characters of `word`, if it has that many.
fn prefix(word: &str, len: usize) -> Option<String> {
    (word.len() >= len).then(|| word[..len].to_string())
}

/// A run of `len` consecutive digits from a random place in `phone`'s digits.
fn digit_run(rng: &mut fastrand::Rng, phone: &str, len: usize) -> Option<String> {
    let d = digits(phone);
    (d.len() >= len).then(|| {
        let start = rng.usize(..=d.len() - len);
        d[start..start + len].to_string()
    })
}

/// Set to `1` to measure an unencrypted database instead of an encrypted one.
const PLAINTEXT_VAR: &str = "GLABELLA_BENCH_PLAINTEXT";

fn main() {
    let today = NaiveDate::from_ymd_opt(2026, 11, 28).expect("valid date");
    let dir = tempfile::tempdir().expect("temp dir");
    if std::env::var(PLAINTEXT_VAR).is_ok_and(|v| v == "1") {
        println!("Database: plaintext (unencrypted; for comparison only)");
        let (db, desk, generation) = plaintext_registry(dir.path(), today);
        measure(&db, &desk, generation, today);
    } else {
        println!("Database: encrypted (SQLCipher), as the app runs");
        let (clinic, desk, generation) = encrypted_registry(dir.path(), today);
        measure(clinic.db(), &desk, generation, today);
    }
}

/// The demo clinic as `glabella-admin demo-data` makes it (encrypted, so the timings
/// include SQLCipher, and with its accounts), with [`PATIENTS`] patients, signed in
/// as the receptionist. Also returns how long generating the patients took.
fn encrypted_registry(dir: &Path, today: NaiveDate) -> (Clinic, Actor, Duration) {
    let (set_up, _) = demo::create_demo_clinic(dir, 0, SEED, today).expect("demo clinic");
    let start = Instant::now();
    set_up
        .clinic
        .db()
        .write(|tx| demo::add_demo_patients(tx, &set_up.admin, PATIENTS, SEED, today))
        .expect("demo patients");
    let generation = start.elapsed();
    // Close and sign in again, as the desk does when the app starts: closing
    // checkpoints the WAL into the database file, so searches read what a clinic's
    // app would read. The receptionist is the one searching and registering.
    drop(set_up);
    let (username, password, ..) =
        demo::DEMO_ACCOUNTS.into_iter().find(|a| a.3 == Role::Receptionist).expect("a receptionist");
    let (clinic, desk) = Clinic::sign_in(dir, username, password).expect("sign in");
    (clinic, desk, generation)
}

/// The same [`PATIENTS`] patients in an unencrypted database, with a receptionist
/// account made directly in SQL (no key, so no clinic set-up or sign-in), reopened
/// like the encrypted one. Also returns how long generating the patients took.
fn plaintext_registry(dir: &Path, today: NaiveDate) -> (Db, Actor, Duration) {
    let (username, _, display_name, role) =
        demo::DEMO_ACCOUNTS.into_iter().find(|a| a.3 == Role::Receptionist).expect("a receptionist");
    let db = Db::open_dir_unencrypted(dir).expect("plaintext database");
    let user_id = db
        .write(|tx| {
            tx.execute(
                "INSERT INTO users (username, display_name, role, password_hash, created_at, updated_at)
                 VALUES (?1, ?2, ?3, 'not used: the bench never signs in', '2026-11-28T00:00:00Z', '2026-11-28T00:00:00Z')",
                (username, display_name, role.as_str()),
            )?;
            Ok(tx.last_insert_rowid())
        })
        .expect("receptionist");
    let desk = Actor::new(user_id, username, display_name, role);
    let start = Instant::now();
    db.write(|tx| demo::add_demo_patients(tx, &desk, PATIENTS, SEED, today)).expect("demo patients");
    let generation = start.elapsed();
    // Close and reopen, as for the encrypted clinic: checkpoints the WAL, empties the cache.
    drop(db);
    (Db::open_dir_unencrypted(dir).expect("reopen plaintext database"), desk, generation)
}

/// Times search, chart and registration on `db` as `desk`, printing a table.
fn measure(db: &Db, desk: &Actor, generation: Duration, today: NaiveDate) {
    let size = std::fs::metadata(db.path()).map_or(0, |m| m.len());
    println!(
        "Generated {PATIENTS} demo patients in one transaction: {:.2} s (database file {:.1} MB)",
        generation.as_secs_f64(),
        size as f64 / 1e6
    );

    // Query fragments taken from randomly chosen real patients.
    let mut rng = fastrand::Rng::with_seed(SEED);
    let random_patient = |rng: &mut fastrand::Rng| -> Patient {
        let id = rng.i64(1..=PATIENTS as i64);
        db.read(|c| get_patient(c, desk, id)).expect("patient exists")
    };
    let name_fragments = |rng: &mut fastrand::Rng, len: usize| -> Vec<String> {
        let mut out = Vec::with_capacity(QUERIES);
        while out.len() < QUERIES {
            let p = random_patient(rng);
            let name = if rng.bool() { &p.details.family_name } else { &p.details.given_name };
            let word_list = words(name);
            if let Some(q) = prefix(&word_list[rng.usize(..word_list.len())], len) {
                out.push(q);
            }
        }
        out
    };
    let phone_fragments = |rng: &mut fastrand::Rng, len: usize| -> Vec<String> {
        (0..QUERIES)
            .filter_map(|_| {
                let phone = random_patient(rng).details.phone;
                digit_run(rng, &phone, len)
            })
            .collect()
    };
    // Two words from one patient's given and family names, shaped by `query`.
    let two_words = |rng: &mut fastrand::Rng, query: fn(&str, &str) -> Option<String>| -> Vec<String> {
        let mut out = Vec::with_capacity(QUERIES);
        while out.len() < QUERIES {
            let p = random_patient(rng);
            out.extend(query(&words(&p.details.given_name)[0], &words(&p.details.family_name)[0]));
        }
        out
    };
    let search_classes = [
        ("name, 1 letter", name_fragments(&mut rng, 1)),
        ("name, 3 letters", name_fragments(&mut rng, 3)),
        ("name, 6 letters", name_fragments(&mut rng, 6)),
        (
            "two words (\"mar gar\")",
            two_words(&mut rng, |given, family| Some(format!("{} {}", prefix(given, 3)?, prefix(family, 3)?))),
        ),
        (
            "two words (\"garcia m\")",
            two_words(&mut rng, |given, family| Some(format!("{family} {}", prefix(given, 1)?))),
        ),
        ("phone, 3 digits", phone_fragments(&mut rng, 3)),
        ("phone, 4 digits", phone_fragments(&mut rng, 4)),
        ("phone, 7 digits", phone_fragments(&mut rng, 7)),
    ];

    print_header("found");
    let mut on_cpu = Vec::new();
    for (name, queries) in &search_classes {
        let (stats, cpu) =
            time_search(queries, |q| db.read(|c| search_patients(c, desk, q, false)).expect("search").len());
        print_row(&format!("search: {name}"), &stats);
        on_cpu.push((name, cpu));
    }

    let ids: Vec<i64> = (0..CHART_OPENS).map(|_| rng.i64(1..=PATIENTS as i64)).collect();
    let stats = time_each(&ids, |&id| db.read(|c| get_patient(c, desk, id)).map(|_| 1).expect("open chart"));
    print_row("chart: get_patient (read only)", &stats);
    // Opening a chart is audited: the view is an entry in the audit trail, so the
    // desk's real cost is one committed write.
    let stats = time_each(&ids[..CHART_OPENS / 4], |&id| {
        db.write(|tx| open_chart(tx, desk, id)).map(|_| 1).expect("open chart")
    });
    print_row("chart: open_chart (audited, 1 tx)", &stats);

    // New patients: real demo details with a birth date no patient of that name has, so
    // the duplicate check runs and passes, as it does when the desk registers someone.
    let mut newcomers: Vec<PatientDetails> = Vec::with_capacity(REGISTRATIONS);
    while newcomers.len() < REGISTRATIONS {
        let mut d = random_patient(&mut rng).details;
        let same = |a: &PatientDetails, b: &PatientDetails| {
            (&a.given_name, &a.family_name, &a.date_of_birth) == (&b.given_name, &b.family_name, &b.date_of_birth)
        };
        while !db.read(|c| find_duplicates(c, &d)).expect("duplicate check").is_empty()
            || newcomers.iter().any(|n| same(n, &d))
        {
            let birth = NaiveDate::parse_from_str(&d.date_of_birth, "%Y-%m-%d").expect("stored date");
            d.date_of_birth = (birth - chrono::Days::new(1)).format("%Y-%m-%d").to_string();
        }
        newcomers.push(d);
    }
    let stats = time_each(&newcomers, |d| {
        db.write(|tx| register_patient(tx, desk, d, false, today)).map(|_| 1).expect("register")
    });
    print_row("register (1 committed tx)", &stats);

    // The same searches, each timed by the CPU time of this thread alone: the work the
    // query costs, without the time the thread waited for a core (on a shared machine
    // most of the p99 above).
    println!("\nSearch, on-CPU time of the searching thread (same calls as above):");
    print_header("found");
    for (name, cpu) in &on_cpu {
        print_row(&format!("search: {name}"), cpu);
    }
}

/// CPU time consumed by the calling thread so far (Linux: `CLOCK_THREAD_CPUTIME_ID`,
/// nanosecond resolution; std links the C library, so it is declared here rather than
/// adding a dependency).
#[cfg(target_os = "linux")]
fn thread_cpu_time() -> Duration {
    #[repr(C)]
    struct Timespec {
        tv_sec: i64,
        tv_nsec: i64,
    }
    extern "C" {
        fn clock_gettime(clock: i32, tp: *mut Timespec) -> i32;
    }
    const CLOCK_THREAD_CPUTIME_ID: i32 = 3;
    let mut t = Timespec { tv_sec: 0, tv_nsec: 0 };
    // SAFETY: `t` is a valid, writable timespec; the call only writes it.
    let ok = unsafe { clock_gettime(CLOCK_THREAD_CPUTIME_ID, &mut t) } == 0;
    if ok {
        Duration::new(t.tv_sec as u64, t.tv_nsec as u32)
    } else {
        Duration::ZERO
    }
}

#[cfg(not(target_os = "linux"))]
fn thread_cpu_time() -> Duration {
    Duration::ZERO
}

/// Like [`time_each`], but also returns each call's on-CPU time (of this thread), so
/// that a run on a busy machine shows the query's own cost beside the wall time.
fn time_search<I>(inputs: &[I], mut op: impl FnMut(&I) -> usize) -> (timing::Stats, timing::Stats) {
    let (warm_up, inputs) = inputs.split_at(timing::WARM_UP.min(inputs.len()));
    for input in warm_up {
        op(input);
    }
    let (mut wall, mut cpu, mut items) = (Vec::with_capacity(inputs.len()), Vec::with_capacity(inputs.len()), 0);
    for input in inputs {
        let (start, start_cpu) = (Instant::now(), thread_cpu_time());
        items += op(input);
        cpu.push(thread_cpu_time() - start_cpu);
        wall.push(start.elapsed());
    }
    let stats = |mut times: Vec<Duration>| {
        times.sort_unstable();
        let percentile = |p: usize| times[(times.len() * p).div_ceil(100) - 1];
        timing::Stats {
            runs: times.len(),
            p50: percentile(50),
            p99: percentile(99),
            max: times[times.len() - 1],
            mean_items: items as f64 / inputs.len() as f64,
        }
    };
    (stats(wall), stats(cpu))
}
