//! How fast the front desk is at clinic scale: the demo clinic (encrypted) with 100,000
//! patients, three years of sessions with an appointment behind each (about 320,000
//! appointments), three injectors and the next four weeks booked. Then, as the demo
//! receptionist: the day view by injector and by room, an injector's week, today's
//! list, the recall list's first page, and bookings with their conflict checks, each
//! one committed transaction (`synchronous=FULL`), audit entry and change row included.
//!
//! ```sh
//! cargo bench -p glabella-core --bench booking
//! ```
//!
//! Targets (issue "the front desk"): day and week views ≤ 5 ms and ≤ 10 ms at p99, a
//! booking ≤ 5 ms at p50, the recall list's first page ≤ 20 ms at p99. Days, weeks and
//! slots are seeded; the clinic's "today" is the real one (the demo books from now on).

mod timing;

use chrono::{Datelike, Days, NaiveDate, Utc, Weekday};
use glabella_core::auth::Role;
use glabella_core::booking::book::{self, BookingForm};
use glabella_core::booking::calls::{self, CallListQuery};
use glabella_core::booking::views::{self, Columns};
use glabella_core::booking::AppointmentKind;
use glabella_core::clinic::Clinic;
use glabella_core::demo;
use timing::{print_header, print_row, time_each};

const PATIENTS: usize = 100_000;
const SEED: u64 = 1;
const VIEWS: usize = 300;
const BOOKINGS: usize = 300;

fn load(when: &str) {
    if let Ok(load) = std::fs::read_to_string("/proc/loadavg") {
        println!("Load average {when}: {}", load.split_whitespace().take(3).collect::<Vec<_>>().join(" "));
    }
}

fn main() {
    let today = Utc::now().date_naive();
    let dir = tempfile::tempdir().expect("temp dir");
    let start = std::time::Instant::now();
    let (set_up, counts) = demo::create_demo_clinic(dir.path(), PATIENTS, SEED, today).expect("demo clinic");
    println!(
        "Generated the demo clinic: {PATIENTS} patients, {} sessions, {} appointments in {:.1} s",
        counts.sessions,
        counts.appointments,
        start.elapsed().as_secs_f64()
    );
    drop(set_up);
    let (username, password, ..) =
        demo::DEMO_ACCOUNTS.into_iter().find(|a| a.3 == Role::Receptionist).expect("a receptionist");
    let (clinic, desk) = Clinic::sign_in(dir.path(), username, password).expect("sign in");
    let db = clinic.db();
    let injectors: Vec<i64> = db.read(|c| demo::demo_injectors(c)).expect("injectors");
    let mut rng = fastrand::Rng::with_seed(SEED);
    let day = |rng: &mut fastrand::Rng| {
        (today - Days::new(365) + Days::new(rng.u64(0..365 + 28))).format("%Y-%m-%d").to_string()
    };
    let days: Vec<String> = (0..VIEWS).map(|_| day(&mut rng)).collect();
    // The days booked ahead, at a real clinic's density (the past days carry the demo
    // history's: about 280 sessions a day between three injectors).
    let ahead: Vec<String> =
        (0..VIEWS).map(|_| (today + Days::new(rng.u64(0..=28))).format("%Y-%m-%d").to_string()).collect();
    let now = clinic.now();
    load("before");
    print_header("shown");

    let stats = time_each(&days, |d| {
        let v = db.read(|c| views::day_view(c, &desk, d, Columns::Injectors, now)).expect("day view");
        v.columns.iter().map(|c| c.appointments.len()).sum()
    });
    print_row("day view by injector (read)", &stats);
    let stats = time_each(&days, |d| {
        let v = db.read(|c| views::day_view(c, &desk, d, Columns::Rooms, now)).expect("day view");
        v.columns.iter().map(|c| c.appointments.len()).sum()
    });
    print_row("day view by room (read)", &stats);
    let stats = time_each(&ahead, |d| {
        let v = db.read(|c| views::day_view(c, &desk, d, Columns::Injectors, now)).expect("day view");
        v.columns.iter().map(|c| c.appointments.len()).sum()
    });
    print_row("day view by injector, days ahead", &stats);
    for (name, dates) in [("week view of an injector (read)", &days), ("week view, weeks ahead", &ahead)] {
        let weeks: Vec<(String, i64)> =
            dates.iter().map(|d| (d.clone(), injectors[rng.usize(..injectors.len())])).collect();
        let stats = time_each(&weeks, |(d, injector)| {
            let v = db.read(|c| views::week_view(c, &desk, d, *injector, now)).expect("week view");
            v.columns.iter().map(|c| c.appointments.len()).sum()
        });
        print_row(name, &stats);
    }
    let stats = time_each(&[(); VIEWS], |_| db.read(|c| views::today_list(c, &desk, None, now)).expect("today").len());
    print_row("today's list (read)", &stats);
    let stats = time_each(&[(); VIEWS], |_| {
        db.read(|c| calls::recall_list(c, &desk, &CallListQuery::default(), now)).expect("recall list").rows.len()
    });
    print_row("recall list, first page (read)", &stats);

    // Bookings beyond the booked four weeks, on open weekdays, one per injector and
    // half-hour: every one passes its checks and commits.
    let mut slots = Vec::new();
    let mut date = today + Days::new(40);
    while slots.len() < BOOKINGS + 20 {
        if !matches!(date.weekday(), Weekday::Sat | Weekday::Sun) {
            for slot in 0..16 {
                for &injector in &injectors {
                    slots.push((date, format!("{:02}:{:02}", 9 + slot / 2, (slot % 2) * 30), injector));
                }
            }
        }
        date = date + Days::new(1);
    }
    slots.truncate(BOOKINGS + 20);
    let form = |(date, time, injector): &(NaiveDate, String, i64), patient: i64| BookingForm {
        patient_id: patient,
        injector_id: *injector,
        room_id: None,
        kind: AppointmentKind::Neurotoxin,
        date: date.format("%Y-%m-%d").to_string(),
        time: time.clone(),
        minutes: 30,
        note: String::new(),
        book_anyway: false,
    };
    let stats = time_each(&slots, |slot| {
        let f = form(slot, rng.i64(1..=PATIENTS as i64));
        db.write(|tx| book::book(tx, &desk, &f)).expect("booked").warnings.len()
    });
    print_row("book, checks + commit (write)", &stats);
    let stats = time_each(&slots, |slot| {
        let f = form(slot, rng.i64(1..=PATIENTS as i64));
        db.write(|tx| book::book(tx, &desk, &f)).is_err() as usize
    });
    print_row("book into a taken slot (refused)", &stats);
    load("after");
}
