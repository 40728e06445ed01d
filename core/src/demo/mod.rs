//! A realistic, deterministic demo clinic: the same seed always gives the same
//! patients and treatment history (`history`). Names carry accents, apostrophes and hyphens; phones come formatted the
//! ways people write them; ages spread from 18 to 90. Used by `glabella-admin
//! demo-data`, the benchmarks and the tests.

mod book;
mod history;

use chrono::{Days, NaiveDate};
use rusqlite::Connection;

use std::path::Path;

use crate::auth::settings::{ClinicSettings, DEFAULT_IDLE_LOCK_MINUTES};
use crate::auth::users::NewUser;
use crate::auth::{Actor, Role};
use crate::calendar::{DateFormat, TimeFormat};
use crate::clinic::{Clinic, SetUp};
use crate::patients::{register_patient, MedicalFlags, PatientDetails, Sex};
use crate::Result;
pub use history::{add_demo_history, HistoryCounts};

const GIVEN_FEMALE: &[&str] = &[
    "María",
    "Zoë",
    "Chloé",
    "Renée",
    "Siobhán",
    "Ana-Sofía",
    "Mónica",
    "Léa",
    "Anne-Marie",
    "Ingrid",
    "Aoife",
    "Françoise",
    "Beatriz",
    "Małgorzata",
    "Sarah",
    "Emily",
    "Olivia",
    "Grace",
    "Hannah",
    "Priya",
    "Mei",
    "Yuki",
    "Fatima",
    "Amélie",
    "Inès",
    "Noémie",
    "Jennifer",
    "Laura",
    "Elena",
    "Sofia",
    "Ayşe",
    "Agnès",
    "Brigitte",
    "Dolores",
    "Carmen",
    "Lucía",
    "Nuria",
    "Åsa",
    "Björg",
    "Joanna",
    "Claire",
    "Mary-Kate",
    "Linh",
    "Thảo",
];
const GIVEN_MALE: &[&str] = &[
    "José",
    "Björn",
    "François",
    "Jürgen",
    "Seán",
    "Ángel",
    "João",
    "Noël",
    "Jean-Luc",
    "Rafael",
    "David",
    "Michael",
    "James",
    "Liam",
    "Oliver",
    "Lucas",
    "Mateo",
    "Hugo",
    "Raj",
    "Wei",
    "Kenji",
    "Omar",
    "Çağrı",
    "Stéphane",
    "André",
    "Jesús",
    "Iñaki",
    "Søren",
    "Tomás",
    "Paddy",
    "Ciarán",
    "Mark",
    "Peter",
    "Minh",
];
const FAMILY: &[&str] = &[
    "Núñez",
    "O'Brien",
    "García",
    "Müller",
    "Smith-Jones",
    "D'Angelo",
    "Nguyễn",
    "Øvergaard",
    "Fernández-López",
    "MacDonald",
    "Kowalski",
    "Dubois",
    "Ó Súilleabháin",
    "Smith",
    "Johnson",
    "Williams",
    "Brown",
    "Jones",
    "Martínez",
    "Rodríguez",
    "López",
    "González",
    "Pérez",
    "Sánchez",
    "Ramírez",
    "Torres",
    "Schäfer",
    "Weiß",
    "Jørgensen",
    "Lefèvre",
    "Gómez",
    "Díaz",
    "Chen",
    "Wang",
    "Kim",
    "Patel",
    "Singh",
    "Yılmaz",
    "Öztürk",
    "Rossi",
    "Esposito",
    "Bianchi",
    "Romano",
    "Costa",
    "Silva",
    "Gonçalves",
    "Šimunović",
    "Dvořák",
    "Nováková",
    "Lindqvist",
    "Åberg",
    "O'Connor",
    "O'Neill",
    "McCarthy",
    "Fitzgerald",
    "van der Berg",
    "de la Cruz",
    "Le Blanc",
    "St. John",
    "Lee",
    "Taylor",
    "Anderson",
    "Thomas",
    "Jackson",
    "White",
    "Harris",
    "Martin",
    "Thompson",
    "Moore",
    "Clark",
    "Lewis",
    "Walker",
    "Hall",
    "Allen",
    "Young",
    "King",
    "Wright",
    "Scott",
    "Green",
    "Baker",
    "Adams",
    "Nelson",
    "Hill",
    "Campbell",
    "Mitchell",
    "Roberts",
    "Carter",
    "Phillips",
    "Evans",
    "Turner",
    "Parker",
    "Collins",
    "Edwards",
    "Stewart",
    "Morris",
    "Murphy",
    "Cook",
    "Rogers",
];
const STREETS: &[&str] =
    &["Main Street", "Oak Avenue", "Rue de la Paix", "Calle Mayor", "Bahnhofstraße", "Elm Road", "Harbour View"];
const CITIES: &[&str] =
    &["Springfield 40210", "Lyon 69002", "Madrid 28013", "München 80331", "Cork T12 X2", "Portland 97205"];
const ALLERGIES: &[&str] =
    &["Penicillin", "Latex", "Lidocaine", "Albumin (human)", "Cow's milk protein", "Hyaluronidase", "Nickel"];
const MEDICATIONS: &[&str] = &[
    "Warfarin 5 mg daily",
    "Aspirin 81 mg",
    "Levothyroxine 50 µg",
    "Sertraline 50 mg",
    "Gentamicin (course ended)",
    "Oral contraceptive",
];

/// The demo clinic's accounts, one per role: (username, password, full name, role).
/// Documented in the README; for trying Glabella out, never for real patients.
pub const DEMO_ACCOUNTS: [(&str, &str, &str, Role); 5] = [
    ("admin", "glabella-admin", "Avery Admin", Role::Admin),
    ("injector", "glabella-injector", "Inès Injector", Role::Injector),
    ("reception", "glabella-reception", "Rémy Reception", Role::Receptionist),
    ("dana", "glabella-dana", "Dana Dermal", Role::Injector),
    ("theo", "glabella-theo", "Theo Tox", Role::Injector),
];

/// Sets up a demo clinic in `dir` with [`DEMO_ACCOUNTS`], `patients` demo patients and
/// their treatment history (about three sessions each, recorded by the demo injector).
pub fn create_demo_clinic(dir: &Path, patients: usize, seed: u64, today: NaiveDate) -> Result<(SetUp, HistoryCounts)> {
    let settings = ClinicSettings {
        clinic_name: "Glabella Demo Clinic".into(),
        clinic_address: "12 Harbour View\nSpringfield 40210".into(),
        clinic_phone: "(555) 010-0000".into(),
        idle_lock_minutes: DEFAULT_IDLE_LOCK_MINUTES,
        time_zone: String::new(),
        date_format: DateFormat::default(),
        time_format: TimeFormat::default(),
    };
    let account = |(username, password, name, role): (&str, &str, &str, Role)| NewUser {
        username: username.into(),
        display_name: name.into(),
        role,
        password: password.into(),
    };
    let set_up = Clinic::setup(dir, &settings, &account(DEMO_ACCOUNTS[0]))?;
    for demo in &DEMO_ACCOUNTS[1..] {
        set_up.clinic.create_user(&set_up.admin, &account(*demo))?;
    }
    let history = set_up.clinic.db().write(|tx| {
        add_demo_patients(tx, &set_up.admin, patients, seed, today)?;
        add_demo_history(tx, &demo_injectors(tx)?, set_up.admin.user_id, seed, today)
    })?;
    Ok((set_up, history))
}

/// Builds the details of demo patient number `index` from `rng`.
fn demo_patient(rng: &mut fastrand::Rng, today: NaiveDate) -> PatientDetails {
    let female = rng.u8(0..100) < 82; // aesthetic clinics see mostly women
    let given =
        if female { GIVEN_FEMALE[rng.usize(..GIVEN_FEMALE.len())] } else { GIVEN_MALE[rng.usize(..GIVEN_MALE.len())] };
    let family = FAMILY[rng.usize(..FAMILY.len())];
    let age_days = rng.u64(18 * 365..90 * 365);
    let birth = today.checked_sub_days(Days::new(age_days)).expect("within calendar range");
    let area = rng.u16(201..989);
    let (a, b) = (rng.u16(100..999), rng.u16(1000..9999));
    let phone = match rng.u8(0..4) {
        0 => format!("({area}) {a}-{b}"),
        1 => format!("+1 {area} {a} {b}"),
        2 => format!("{area}.{a}.{b}"),
        _ => format!("+44 7{} {a}{}", area % 1000, b % 1000),
    };
    let ascii = crate::text::fold(given).replace(' ', "");
    let email_family = crate::text::fold(family).replace(' ', "");
    let pick = |rng: &mut fastrand::Rng, list: &[&str], percent: u8| {
        if rng.u8(0..100) < percent {
            list[rng.usize(..list.len())].to_string()
        } else {
            String::new()
        }
    };
    PatientDetails {
        given_name: given.to_string(),
        family_name: family.to_string(),
        preferred_name: String::new(),
        date_of_birth: birth.format("%Y-%m-%d").to_string(),
        sex: if female { Sex::Female } else { Sex::Male },
        phone,
        email: if rng.bool() {
            format!("{ascii}.{email_family}{}@example.com", rng.u16(1..999))
        } else {
            String::new()
        },
        address: format!(
            "{} {}\n{}",
            rng.u16(1..300),
            STREETS[rng.usize(..STREETS.len())],
            CITIES[rng.usize(..CITIES.len())]
        ),
        emergency_contact_name: if rng.bool() {
            format!("{} {family}", GIVEN_MALE[rng.usize(..GIVEN_MALE.len())])
        } else {
            String::new()
        },
        emergency_contact_phone: if rng.bool() {
            format!("({}) {}-{}", rng.u16(201..989), rng.u16(100..999), rng.u16(1000..9999))
        } else {
            String::new()
        },
        allergies: pick(rng, ALLERGIES, 12),
        medications: pick(rng, MEDICATIONS, 20),
        flags: MedicalFlags {
            pregnant_or_breastfeeding: female && age_days < 45 * 365 && rng.u8(0..100) < 3,
            neuromuscular_disorder: rng.u16(0..1000) < 3,
            aminoglycoside_antibiotics: rng.u16(0..1000) < 5,
            blood_thinners: rng.u8(0..100) < 6,
            keloid_history: rng.u8(0..100) < 2,
            active_skin_infection: rng.u16(0..1000) < 5,
            previous_adverse_reaction: rng.u8(0..100) < 2,
        },
        consents: if rng.u8(0..100) < 70 { "Neurotoxin treatment consent (v1)".to_string() } else { String::new() },
        notes: String::new(),
    }
}

/// Adds `count` deterministic demo patients (from `seed`) to the database, registered
/// by `actor`, and returns how many were added. Call it inside one write transaction.
pub fn add_demo_patients(conn: &Connection, actor: &Actor, count: usize, seed: u64, today: NaiveDate) -> Result<usize> {
    let mut rng = fastrand::Rng::with_seed(seed);
    for _ in 0..count {
        let details = demo_patient(&mut rng, today);
        register_patient(conn, actor, &details, true, today)?;
    }
    Ok(count)
}

/// The clinic's active injectors, who record the demo sessions between them.
pub fn demo_injectors(conn: &Connection) -> Result<Vec<i64>> {
    Ok(conn
        .prepare("SELECT id FROM users WHERE role = 'injector' AND active ORDER BY id")?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A demo clinic may start with no patients and have them added after (the patient
    /// bench does): its booking history then books no one rather than patients who do
    /// not exist.
    #[test]
    fn a_demo_clinic_without_patients_has_nobody_booked() {
        let dir = tempfile::tempdir().unwrap();
        let today = NaiveDate::from_ymd_opt(2026, 11, 28).unwrap();
        let (set_up, _) = create_demo_clinic(dir.path(), 0, 1, today).expect("an empty demo clinic");
        let booked: i64 = set_up
            .clinic
            .db()
            .read(|c| Ok(c.query_row("SELECT count(*) FROM appointments", [], |r| r.get(0))?))
            .unwrap();
        assert_eq!(booked, 0);
    }
}
