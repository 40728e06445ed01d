//! How fast injection sessions, stock and the lot recall are at clinic scale: the demo
//! clinic (encrypted, as every clinic is) with 100,000 patients and three years of
//! treatment history — about 300,000 sessions and 1.1 million injection points — in a
//! temporary folder, signed in as the demo injector. Then: opening a chart with its
//! treatment history, opening a session, saving and signing a 20-point session, a lot
//! recall (on screen and as CSV) and the inventory. Writes are timed as the injector
//! pays for them: one committed transaction each (`synchronous=FULL`, so the fsync
//! counts), audit entry included.
//!
//! Run it in release (generating the clinic takes about half a minute):
//!
//! ```sh
//! cargo bench -p glabella-core --bench sessions
//! ```
//!
//! It prints p50, p99 and max per operation rather than a mean, because an injector
//! notices the slow save, not the average one; the targets are under 10 ms for opening
//! a chart with its history, saving and signing a 20-point session, and a lot recall
//! over about a million points. Inputs come from the demo data itself (real patient,
//! session and lot numbers), so every chart has a history and every recall finds
//! patients. Everything but the clock is seeded, so two runs measure the same inputs.

mod timing;

use std::path::Path;
use std::time::{Duration, Instant};

use chrono::{NaiveDate, Utc};
use glabella_core::auth::{Actor, Role};
use glabella_core::clinic::Clinic;
use glabella_core::demo::{self, HistoryCounts};
use glabella_core::patients::open_chart;
use glabella_core::products::TreatmentKind;
use glabella_core::sessions::{self, PointInput, SessionForm};
use glabella_core::stock::{self, VialForm};
use timing::{print_header, print_row, time_each};

const PATIENTS: usize = 100_000;
const SEED: u64 = 1;
/// Charts opened with their history (each an audited write, then a read).
const CHART_OPENS: usize = 500;
/// Timelines read on their own (reads are cheap, so more of them).
const TIMELINES: usize = 2_000;
const SESSION_OPENS: usize = 500;
/// 20-point drafts saved, then signed.
const DRAFTS: usize = 300;
const RECALLS: usize = 200;
const INVENTORIES: usize = 50;
/// Where the 20 points of a saved session go: (area, points).
const DRAFT_AREAS: [(&str, usize); 6] = [
    ("glabella", 5),
    ("forehead", 5),
    ("crows_feet_left", 3),
    ("crows_feet_right", 3),
    ("bunny_lines", 2),
    ("lip_flip", 2),
];

fn main() {
    let today = NaiveDate::from_ymd_opt(2026, 11, 28).expect("valid date");
    let dir = tempfile::tempdir().expect("temp dir");
    let (clinic, injector, counts, generation) = demo_clinic(dir.path(), today);
    let size = std::fs::metadata(clinic.db().path()).map_or(0, |m| m.len());
    println!("Database: encrypted (SQLCipher), as the app runs");
    println!(
        "Generated the demo clinic in one transaction: {PATIENTS} patients, {} lots, {} vials, {} sessions, \
         {} injection points: {:.2} s (database file {:.1} MB)",
        counts.lots,
        counts.vials,
        counts.sessions,
        counts.points,
        generation.as_secs_f64(),
        size as f64 / 1e6
    );
    print_load("before");
    measure(&clinic, &injector, today);
    print_load("after");
}

/// The demo clinic as `glabella-admin demo-data` makes it, with [`PATIENTS`] patients
/// and their history, signed in as the demo injector. Also returns what was generated
/// and how long that took.
fn demo_clinic(dir: &Path, today: NaiveDate) -> (Clinic, Actor, HistoryCounts, Duration) {
    let start = Instant::now();
    let (set_up, counts) = demo::create_demo_clinic(dir, PATIENTS, SEED, today).expect("demo clinic");
    let generation = start.elapsed();
    // Close and sign in again, as the injector does when the app starts: closing
    // checkpoints the WAL into the database file, so the bench reads what a clinic's app
    // would read.
    drop(set_up);
    let (username, password, ..) =
        demo::DEMO_ACCOUNTS.into_iter().find(|a| a.3 == Role::Injector).expect("an injector");
    let (clinic, injector) = Clinic::sign_in(dir, username, password).expect("sign in");
    (clinic, injector, counts, generation)
}

/// The load average, where the system reports one (the machine may be shared).
fn print_load(when: &str) {
    if let Ok(load) = std::fs::read_to_string("/proc/loadavg") {
        println!("Load average {when}: {}", load.split_whitespace().take(3).collect::<Vec<_>>().join(" "));
    }
}

/// Times the chart's history, sessions, the recall and the inventory on `clinic` as
/// `injector`, printing a table.
fn measure(clinic: &Clinic, injector: &Actor, today: NaiveDate) {
    let db = clinic.db();
    let mut rng = fastrand::Rng::with_seed(SEED);
    let max_id = |table: &str| -> i64 {
        db.read(|c| Ok(c.query_row(&format!("SELECT MAX(id) FROM {table}"), [], |r| r.get(0))?)).expect("max id")
    };
    let (max_patient, max_session) = (max_id("patients"), max_id("sessions"));
    let lot_numbers: Vec<String> = db
        .read(|c| {
            let mut stmt = c.prepare("SELECT lot_number FROM lots ORDER BY id")?;
            let numbers = stmt.query_map([], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
            Ok(numbers)
        })
        .expect("lot numbers");

    print_header("found");

    let stats = time_each(&[(); INVENTORIES], |_| {
        db.read(|c| stock::inventory(c, injector, today)).expect("inventory").lots.len()
    });
    print_row("inventory (read only)", &stats);

    // A chart opens with two calls: the patient (audited) and the treatment timeline.
    let patients: Vec<i64> = (0..TIMELINES).map(|_| rng.i64(1..=max_patient)).collect();
    let stats = time_each(&patients[..CHART_OPENS], |&id| {
        db.write(|tx| open_chart(tx, injector, id)).expect("open chart");
        db.read(|c| sessions::list_sessions(c, injector, id)).expect("timeline").len()
    });
    print_row("chart + history (1 tx + 1 read)", &stats);
    let stats =
        time_each(&patients, |&id| db.read(|c| sessions::list_sessions(c, injector, id)).expect("timeline").len());
    print_row("list_sessions (read only)", &stats);

    let session_ids: Vec<i64> = (0..SESSION_OPENS).map(|_| rng.i64(1..=max_session)).collect();
    let stats = time_each(&session_ids, |&id| {
        db.write(|tx| sessions::open_session(tx, injector, id)).expect("open session").points.len()
    });
    print_row("open_session (audited, 1 tx)", &stats);

    // Drafts to save, all made before the timing starts: a session started for a
    // random patient, drawing from a vial opened for it (a 20-point session takes most
    // of a 100 U vial). The demo keeps only a few unopened vials in stock, so once
    // they are all open the drafts share them in turn; sharing one vial among all the
    // drafts would instead make reading its total drawn (a sum over its points) grow
    // with every run.
    let now = Utc::now();
    let toxin_lots: Vec<stock::Lot> = db
        .read(|c| stock::usable_lots(c, injector, today))
        .expect("usable lots")
        .into_iter()
        .filter(|l| l.kind == TreatmentKind::Neurotoxin)
        .collect();
    let mut vials: Vec<i64> = Vec::with_capacity(DRAFTS);
    for lot in &toxin_lots {
        let form = VialForm { lot_id: lot.id, diluent_ml: Some(2.5), single_patient: false };
        for _ in 0..lot.unopened.min((DRAFTS - vials.len()) as i64) {
            vials.push(db.write(|tx| stock::open_vial(tx, injector, &form, now, today)).expect("open vial").id);
        }
    }
    assert!(!vials.is_empty(), "the demo has no unopened neurotoxin vials");
    let drafts: Vec<(i64, SessionForm)> = (0..DRAFTS)
        .map(|i| {
            let patient = rng.i64(1..=max_patient);
            let vial_id = vials[i % vials.len()];
            let draft = db
                .write(|tx| sessions::start_session(tx, injector, patient, TreatmentKind::Neurotoxin, now))
                .expect("start session");
            let points = DRAFT_AREAS
                .iter()
                .flat_map(|&(area, n)| std::iter::repeat_n(area, n))
                .map(|area| PointInput {
                    vial_id,
                    area: area.into(),
                    x: rng.f64(),
                    y: rng.f64(),
                    dose: 2.0 + 0.5 * f64::from(rng.u8(0..=4)),
                })
                .collect();
            let form = SessionForm {
                consent_confirmed: true,
                consent_version: "Neurotoxin consent v3".into(),
                screen_acknowledged: true,
                points,
                ..draft.form
            };
            (draft.id, form)
        })
        .collect();
    let stats = time_each(&drafts, |(id, form)| {
        db.write(|tx| sessions::save_session(tx, injector, *id, form)).expect("save session").points.len()
    });
    print_row("save a 20-point draft (1 tx)", &stats);
    let stats = time_each(&drafts, |(id, form)| {
        db.write(|tx| sessions::sign_session(tx, injector, *id, form, Utc::now())).expect("sign session").points.len()
    });
    print_row("sign a 20-point session (1 tx)", &stats);

    // The recall: real lot numbers, so each finds the few thousand points of its lot.
    let lots: Vec<&str> = (0..RECALLS).map(|_| lot_numbers[rng.usize(..lot_numbers.len())].as_str()).collect();
    let stats = time_each(&lots, |lot| db.write(|tx| stock::recall_lot(tx, injector, lot)).expect("recall").len());
    print_row("recall_lot (audited, 1 tx)", &stats);
    let stats = time_each(&lots, |lot| {
        // Rows end with CRLF; addresses inside a row only with LF. Less the header.
        db.write(|tx| stock::recall_csv(tx, injector, lot)).expect("recall CSV").matches("\r\n").count() - 1
    });
    print_row("recall_csv (audited, 1 tx)", &stats);
    println!();
    println!("The {DRAFTS} drafts drew from {} newly opened neurotoxin vials, in turn.", vials.len());
}
