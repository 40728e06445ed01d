//! A demo clinic's treatment history: three years of deliveries (a lot of each stocked
//! product a week, as a clinic this busy orders), vials opened as the day's sessions need them, and about three
//! sessions per patient with realistic areas and doses — about a million injection
//! points for 100,000 patients. Written straight in SQL inside the caller's
//! transaction (no audit rows: nobody viewed or changed anything), deterministic for a
//! seed. Every session but today's is signed.

use std::collections::HashMap;

use chrono::{Days, Duration, NaiveDate, NaiveTime, SecondsFormat};
use rusqlite::{params, Connection};

use crate::Result;

/// Stocked products by their seeded id: (id, size, diluent mL, lot number prefix).
const TOXINS: [(i64, f64, f64, &str); 3] = [(2, 100.0, 2.5, "C"), (3, 300.0, 2.5, "D"), (5, 100.0, 2.5, "X")];
const FILLERS: [(i64, f64, &str); 2] = [(9, 1.0, "JU"), (13, 1.0, "RL")];
/// Where each area lies on the face chart (its centre and half-size, 0..1), so demo
/// points sit where an injector would have clicked.
const CHART: [(&str, f64, f64, f64, f64); 13] = [
    ("glabella", 0.5, 0.312, 0.03, 0.02),
    ("forehead", 0.5, 0.206, 0.15, 0.035),
    ("crows_feet_right", 0.275, 0.368, 0.02, 0.028),
    ("crows_feet_left", 0.725, 0.368, 0.02, 0.028),
    ("bunny_lines", 0.5, 0.412, 0.03, 0.012),
    ("lip_flip", 0.5, 0.567, 0.04, 0.004),
    ("masseter_right", 0.308, 0.562, 0.02, 0.03),
    ("masseter_left", 0.692, 0.562, 0.02, 0.03),
    ("lips", 0.5, 0.586, 0.06, 0.015),
    ("nasolabial_right", 0.418, 0.544, 0.006, 0.03),
    ("nasolabial_left", 0.582, 0.544, 0.006, 0.03),
    ("cheek_right", 0.32, 0.444, 0.035, 0.018),
    ("cheek_left", 0.68, 0.444, 0.035, 0.018),
];
/// Toxin areas with (points, dose per point in Botox units).
const TOXIN_AREAS: [(&str, u32, f64); 8] = [
    ("glabella", 5, 4.0),
    ("forehead", 4, 2.5),
    ("crows_feet_left", 3, 4.0),
    ("crows_feet_right", 3, 4.0),
    ("bunny_lines", 2, 2.0),
    ("lip_flip", 2, 2.0),
    ("masseter_left", 3, 8.0),
    ("masseter_right", 3, 8.0),
];
const FILLER_AREAS: [&str; 5] = ["lips", "nasolabial_left", "nasolabial_right", "cheek_left", "cheek_right"];
const YEARS: u64 = 3;

/// What [`add_demo_history`] wrote.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct HistoryCounts {
    pub lots: usize,
    pub vials: usize,
    pub sessions: usize,
    pub points: usize,
    pub appointments: usize,
}

/// The vial a product's sessions draw from today.
struct OpenVial {
    id: i64,
    day: NaiveDate,
    drawn: f64,
}

/// Adds lots, vials and sessions by the `injectors` (in turn, by chance) for every
/// patient who has none yet, then their appointments ([`super::book`]).
pub fn add_demo_history(
    conn: &Connection,
    injectors: &[i64],
    booked_by: i64,
    seed: u64,
    today: NaiveDate,
) -> Result<HistoryCounts> {
    let injector_id = *injectors.first().unwrap_or(&booked_by);
    let mut rng = fastrand::Rng::with_seed(seed ^ 0x5e55_1045);
    let mut counts = HistoryCounts::default();
    let start = today - Days::new(YEARS * 365);
    // Deliveries: one lot of each product a week, expiring two years later.
    let mut lots: HashMap<(i64, u32), i64> = HashMap::new();
    let products: Vec<(i64, &str)> =
        TOXINS.iter().map(|t| (t.0, t.3)).chain(FILLERS.iter().map(|f| (f.0, f.2))).collect();
    let mut insert_lot = conn.prepare_cached(
        "INSERT OR IGNORE INTO lots (product_id, lot_number, expiry, quantity, received_at, received_by)
         VALUES (?1, ?2, ?3, 1, ?4, ?5)",
    )?;
    for week in 0..=((today - start).num_days() as u32 / 7) {
        let received = start + Days::new(u64::from(week) * 7);
        for &(product, prefix) in &products {
            let number = format!("{prefix}{}{}", received.format("%y%W"), rng.u16(100..999));
            let expiry = received + Days::new(730);
            let at = received.and_time(NaiveTime::MIN).and_utc().to_rfc3339_opts(SecondsFormat::Millis, true);
            counts.lots +=
                insert_lot.execute(params![product, number, expiry.format("%Y-%m-%d").to_string(), at, injector_id])?;
            let id = conn
                .prepare_cached("SELECT id FROM lots WHERE product_id = ?1 AND lot_number = ?2")?
                .query_row(params![product, number], |r| r.get(0))?;
            lots.insert((product, week), id);
        }
    }
    // Sessions for every patient without any, in time order so vials fill realistically.
    let patients: Vec<i64> = conn
        .prepare("SELECT id FROM patients p WHERE NOT EXISTS (SELECT 1 FROM sessions s WHERE s.patient_id = p.id)")?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let span = (today - start).num_minutes();
    let mut planned: Vec<(i64, i64)> = Vec::new(); // (minutes after start, patient)
    for &patient in &patients {
        for _ in 0..rng.usize(1..=5) {
            // Clinic hours: 9:00 to 17:00.
            let day = rng.i64(0..span / 1440);
            planned.push((day * 1440 + 540 + rng.i64(0..480), patient));
        }
    }
    planned.sort_unstable();
    let mut insert_vial = conn.prepare_cached(
        "INSERT INTO vials (lot_id, diluent_ml, single_patient, opened_at, opened_by) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?;
    let mut insert_session = conn.prepare_cached(
        "INSERT INTO sessions (patient_id, injector_id, started_at, kind, consent_confirmed, consent_version,
                               screen_acknowledged, notes, follow_up_date, next_due_date, updated_at)
         VALUES (?1, ?2, ?3, ?4, 1, ?5, 1, '', ?6, ?7, ?3)",
    )?;
    let mut insert_point = conn.prepare_cached(
        "INSERT INTO injection_points (session_id, position, vial_id, area, x, y, dose) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?;
    let mut sign = conn.prepare_cached("UPDATE sessions SET signed_at = ?1, signed_by = ?2 WHERE id = ?3")?;
    let mut open: HashMap<i64, OpenVial> = HashMap::new();
    for (minutes, patient) in planned {
        let at = (start.and_time(NaiveTime::MIN) + Duration::minutes(minutes)).and_utc();
        let day = at.date_naive();
        let week = (day - start).num_days() as u32 / 7;
        let toxin = rng.u8(0..100) < 80;
        // What is injected: (area, doses of its points).
        let plan: Vec<(&str, Vec<f64>)> = if toxin {
            let mut areas = TOXIN_AREAS.to_vec();
            rng.shuffle(&mut areas);
            areas
                .into_iter()
                .take(rng.usize(1..=2))
                .map(|(area, points, dose)| (area, vec![dose; rng.u32(points.div_ceil(2)..=points) as usize]))
                .collect()
        } else {
            let area = FILLER_AREAS[rng.usize(..FILLER_AREAS.len())];
            // Never more than the 1 mL syringe holds.
            vec![(area, vec![0.1 * f64::from(rng.u8(1..=2)); rng.usize(2..=5)])]
        };
        let (product, size, diluent, scale) = if toxin {
            let (id, size, diluent, _) = TOXINS[rng.usize(..TOXINS.len())];
            (id, size, Some(diluent), if id == 3 { 2.5 } else { 1.0 })
        } else {
            let (id, size, _) = FILLERS[rng.usize(..FILLERS.len())];
            (id, size, None, 1.0)
        };
        let needed: f64 = plan.iter().flat_map(|(_, doses)| doses).sum::<f64>() * scale;
        let reuse = toxin && open.get(&product).is_some_and(|v| v.day == day && v.drawn + needed <= size);
        if !reuse {
            insert_vial.execute(params![
                lots[&(product, week)],
                diluent,
                !toxin,
                at.to_rfc3339_opts(SecondsFormat::Millis, true),
                injector_id
            ])?;
            open.insert(product, OpenVial { id: conn.last_insert_rowid(), day, drawn: 0.0 });
            counts.vials += 1;
        }
        let vial = open.get_mut(&product).expect("a vial was just opened");
        let injector_id = injectors.get(rng.usize(..injectors.len().max(1))).copied().unwrap_or(injector_id);
        vial.drawn += needed;
        let signed = (day < today).then(|| (at + Duration::minutes(25)).to_rfc3339_opts(SecondsFormat::Millis, true));
        insert_session.execute(params![
            patient,
            injector_id,
            at.to_rfc3339_opts(SecondsFormat::Millis, true),
            if toxin { "neurotoxin" } else { "filler" },
            if toxin { "Neurotoxin consent v2" } else { "Dermal filler consent v1" },
            (day + Days::new(14)).format("%Y-%m-%d").to_string(),
            toxin.then(|| (day + Days::new(90)).format("%Y-%m-%d").to_string()),
        ])?;
        let session = conn.last_insert_rowid();
        counts.sessions += 1;
        let mut position = 0;
        for (area, doses) in plan {
            for dose in doses {
                position += 1;
                let &(_, cx, cy, rx, ry) = CHART.iter().find(|c| c.0 == area).expect("every demo area is charted");
                let (x, y) = (cx + (rng.f64() * 2.0 - 1.0) * rx, cy + (rng.f64() * 2.0 - 1.0) * ry);
                insert_point.execute(params![session, position, vial.id, area, x, y, dose * scale])?;
                counts.points += 1;
            }
        }
        // Signed last: the database refuses points added to a signed session.
        if let Some(signed) = signed {
            sign.execute(params![signed, injector_id, session])?;
        }
    }
    // Each lot received just what was opened from it, and the last two weeks' lots a
    // few more still on the shelf; lots nobody opened were never ordered.
    let recent =
        (today - Days::new(14)).and_time(NaiveTime::MIN).and_utc().to_rfc3339_opts(SecondsFormat::Millis, true);
    counts.lots -= conn.execute(
        "DELETE FROM lots WHERE received_at < ?1 AND NOT EXISTS (SELECT 1 FROM vials v WHERE v.lot_id = lots.id)",
        [&recent],
    )?;
    conn.execute(
        "UPDATE lots SET quantity = (SELECT COUNT(*) FROM vials v WHERE v.lot_id = lots.id)
                                    + CASE WHEN received_at >= ?1 THEN 4 ELSE 0 END",
        [&recent],
    )?;
    counts.appointments = super::book::add_demo_book(conn, injectors, booked_by, seed, today)?;
    Ok(counts)
}
