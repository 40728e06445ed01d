//! A demo clinic's appointment book: three rooms, Saturday mornings open, an appointment
//! behind every session (completed once signed), about 5% no-shows and some
//! cancellations among them, and the next four weeks booked at a realistic density
//! (most slots of every injector's day, each with a patient due about then).

use chrono::{Datelike, Days, Duration, NaiveDate, NaiveTime, SecondsFormat};
use rusqlite::{params, Connection};

use crate::booking::setup;
use crate::{calendar, clock, Result};

const ROOMS: [&str; 3] = ["Room 1", "Room 2", "Room 3"];
/// Days ahead that are booked.
const AHEAD: u64 = 28;
/// Of the slots ahead, how many in a hundred are booked.
const BOOKED_PERCENT: u8 = 70;

fn iso(at: chrono::NaiveDateTime) -> String {
    at.and_utc().to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// Books the demo clinic; returns how many appointments were added.
pub fn add_demo_book(
    conn: &Connection,
    injectors: &[i64],
    booked_by: i64,
    seed: u64,
    today: NaiveDate,
) -> Result<usize> {
    let before: i64 = conn.query_row("SELECT COUNT(*) FROM appointments", [], |r| r.get(0))?;
    for room in ROOMS {
        conn.execute("INSERT OR IGNORE INTO rooms (name, created_at) VALUES (?1, glabella_now())", [room])?;
    }
    conn.execute("INSERT OR IGNORE INTO opening_hours (weekday, opens, closes) VALUES (5, '09:00', '13:00')", [])?;
    // The recall list's index of next-due dates, as signing would have kept it.
    conn.execute(
        "INSERT OR REPLACE INTO patient_due (patient_id, session_id, next_due_date)
         SELECT s.patient_id, s.id, s.next_due_date FROM sessions s
         WHERE s.signed_at IS NOT NULL AND s.next_due_date IS NOT NULL
           AND s.id = (SELECT t.id FROM sessions t WHERE t.patient_id = s.patient_id AND t.signed_at IS NOT NULL
                       AND t.next_due_date IS NOT NULL ORDER BY t.started_at DESC, t.id DESC LIMIT 1)",
        [],
    )?;
    // Behind every session its appointment, booked two weeks before; one in twenty
    // sessions follows a no-show a fortnight earlier, one in thirty a cancellation.
    let length = "CASE s.kind WHEN 'filler' THEN '+45 minutes' ELSE '+30 minutes' END";
    let room = "(SELECT id FROM rooms WHERE name = 'Room ' || (s.id % 3 + 1))";
    conn.execute(
        &format!(
            "INSERT INTO appointments (patient_id, injector_id, room_id, kind, starts_at, ends_at, status, session_id,
                                       created_at, created_by, updated_at)
             SELECT s.patient_id, s.injector_id, {room}, s.kind, s.started_at,
                    strftime('%Y-%m-%dT%H:%M:%fZ', s.started_at, {length}),
                    CASE WHEN s.signed_at IS NULL THEN 'in_treatment' ELSE 'completed' END, s.id,
                    strftime('%Y-%m-%dT%H:%M:%fZ', s.started_at, '-14 days'), ?1, COALESCE(s.signed_at, s.started_at)
             FROM sessions s WHERE NOT EXISTS (SELECT 1 FROM appointments a WHERE a.session_id = s.id)"
        ),
        [booked_by],
    )?;
    for (every, status, reason, earlier) in
        [(20, "no_show", None, "-14 days"), (30, "cancelled", Some("patient"), "-7 days")]
    {
        conn.execute(
            &format!(
                "INSERT INTO appointments (patient_id, injector_id, room_id, kind, starts_at, ends_at, status,
                                           cancel_reason, created_at, created_by, updated_at)
                 SELECT s.patient_id, s.injector_id, {room}, s.kind,
                        strftime('%Y-%m-%dT%H:%M:%fZ', s.started_at, ?3),
                        strftime('%Y-%m-%dT%H:%M:%fZ', s.started_at, ?3, {length}), ?1, ?2,
                        strftime('%Y-%m-%dT%H:%M:%fZ', s.started_at, ?3, '-14 days'), ?4,
                        strftime('%Y-%m-%dT%H:%M:%fZ', s.started_at, ?3)
                 FROM sessions s WHERE s.signed_at IS NOT NULL AND (s.id * 7919) % ?5 = 0
                   AND NOT EXISTS (SELECT 1 FROM appointments a WHERE a.patient_id = s.patient_id
                                   AND a.starts_at = strftime('%Y-%m-%dT%H:%M:%fZ', s.started_at, ?3))"
            ),
            params![status, reason, earlier, booked_by, every],
        )?;
    }
    book_ahead(conn, injectors, booked_by, seed, today)?;
    conn.execute(
        "INSERT INTO appointment_changes (appointment_id, changed_at, changed_by, what)
         SELECT a.id, a.created_at, a.created_by, 'booked (demo data)' FROM appointments a
         WHERE NOT EXISTS (SELECT 1 FROM appointment_changes c WHERE c.appointment_id = a.id)",
        [],
    )?;
    let after: i64 = conn.query_row("SELECT COUNT(*) FROM appointments", [], |r| r.get(0))?;
    Ok((after - before) as usize)
}

/// The rest of today and the next four weeks, unless something is booked ahead
/// already: most of each injector's free slots, in a room of their own, with patients
/// due about then first.
fn book_ahead(conn: &Connection, injectors: &[i64], booked_by: i64, seed: u64, today: NaiveDate) -> Result<()> {
    let tomorrow = iso((today + Days::new(1)).and_time(NaiveTime::MIN));
    let ahead: bool =
        conn.query_row("SELECT EXISTS (SELECT 1 FROM appointments WHERE starts_at >= ?1)", [&tomorrow], |r| r.get(0))?;
    let patients: i64 =
        conn.query_row("SELECT COALESCE(MAX(id), 0) FROM patients WHERE archived_at IS NULL", [], |r| r.get(0))?;
    if ahead || injectors.is_empty() || patients == 0 {
        return Ok(());
    }
    let mut rng = fastrand::Rng::with_seed(seed ^ 0xb00c);
    let horizon = (today + Days::new(AHEAD + 14)).format("%Y-%m-%d").to_string();
    let mut due: Vec<(i64, String)> = conn
        .prepare(
            "SELECT d.patient_id, s.kind FROM patient_due d JOIN sessions s ON s.id = d.session_id
             JOIN patients p ON p.id = d.patient_id
             WHERE d.next_due_date BETWEEN ?1 AND ?2 AND p.archived_at IS NULL ORDER BY d.next_due_date, d.patient_id",
        )?
        .query_map(params![today.format("%Y-%m-%d").to_string(), horizon], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    due.reverse(); // popped soonest first
    let rooms: Vec<i64> = conn
        .prepare("SELECT id FROM rooms ORDER BY id")?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let (now, zone) = (clock::now(conn)?, calendar::zone(conn)?);
    let mut taken = conn.prepare(
        "SELECT EXISTS (SELECT 1 FROM appointments WHERE injector_id = ?1 AND starts_at < ?3 AND ends_at > ?2
                        AND starts_at > ?4 AND status NOT IN ('cancelled', 'no_show'))",
    )?;
    let mut insert = conn.prepare(
        "INSERT INTO appointments (patient_id, injector_id, room_id, kind, starts_at, ends_at, created_at, created_by, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?7)",
    )?;
    for offset in 0..=AHEAD {
        let day = today + Days::new(offset);
        for (i, &injector) in injectors.iter().enumerate() {
            let Some((opens, closes)) = setup::working(conn, injector, day.weekday())? else { continue };
            let mut minute = opens;
            while minute + 30 <= closes {
                let (patient, kind) = due.pop().unwrap_or_else(|| (rng.i64(1..=patients), "neurotoxin".into()));
                let kind = if rng.u8(0..100) < 10 { "review".to_string() } else { kind };
                let minutes = match kind.as_str() {
                    "filler" => 45,
                    "review" => 15,
                    _ => 30,
                };
                if minute + minutes > closes {
                    break;
                }
                let local = day.and_time(NaiveTime::MIN) + Duration::minutes(i64::from(minute));
                let start = calendar::instant(local, zone).filter(|start| *start > now);
                let slot = start.map(|s| (clock::iso(s), clock::iso(s + Duration::minutes(i64::from(minutes)))));
                let free = match &slot {
                    Some((from, to)) => {
                        let longest = Duration::minutes(i64::from(*setup::MINUTES_RANGE.end()));
                        let earliest = clock::iso(start.expect("a slot has a start") - longest);
                        !taken.query_row(params![injector, from, to, earliest], |r| r.get::<_, bool>(0))?
                    }
                    None => false,
                };
                if let (true, Some((from, to)), true) = (free, slot, rng.u8(0..100) < BOOKED_PERCENT) {
                    let booked = local - Duration::days(rng.i64(1..=30));
                    let room = rooms.get(i % rooms.len().max(1));
                    insert.execute(params![patient, injector, room, kind, from, to, iso(booked), booked_by])?;
                } else {
                    due.push((patient, kind));
                }
                minute += minutes;
            }
        }
    }
    Ok(())
}
