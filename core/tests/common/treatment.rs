//! A clinic with stock, a vial and a patient, and the helpers that record sessions in
//! it: shared by the session, library and handout tests.

use chrono::{DateTime, Utc};
use glabella_core::auth::{Actor, Role};
use glabella_core::products::TreatmentKind;
use glabella_core::sessions::{self, PointInput, Session, SessionForm};
use glabella_core::stock::{self, LotForm, Vial, VialForm};
use glabella_core::Db;

pub fn now() -> DateTime<Utc> {
    "2026-11-28T10:00:00Z".parse().unwrap()
}

pub const BOTOX_100: i64 = 2;
pub const DYSPORT_300: i64 = 3;
pub const JUVEDERM_ULTRA: i64 = 9;

pub fn receive(db: &Db, actor: &Actor, product: i64, lot: &str, expiry: &str, quantity: i64) -> stock::Lot {
    let form = LotForm {
        product_id: Some(product),
        lot_number: lot.into(),
        expiry: expiry.into(),
        quantity,
        gtin: String::new(),
    };
    db.write(|tx| stock::receive_lot(tx, actor, &form, super::today())).unwrap()
}

pub fn open(
    db: &Db,
    actor: &Actor,
    lot_id: i64,
    diluent: Option<f64>,
    single_patient: bool,
    at: DateTime<Utc>,
) -> Vial {
    let form = VialForm { lot_id, diluent_ml: diluent, single_patient };
    db.write(|tx| stock::open_vial(tx, actor, &form, at, super::today())).unwrap()
}

pub fn point(vial: &Vial, area: &str, dose: f64) -> PointInput {
    PointInput { vial_id: vial.id, area: area.into(), x: 0.5, y: 0.3, dose }
}

pub fn signable(session: &Session, points: Vec<PointInput>) -> SessionForm {
    SessionForm {
        consent_confirmed: true,
        consent_version: "Neurotoxin consent v3".into(),
        screen_acknowledged: true,
        points,
        ..session.form.clone()
    }
}

pub struct Clinic {
    pub _dir: tempfile::TempDir,
    pub db: Db,
    pub injector: Actor,
    pub patient: i64,
    pub vial: Vial,
}

/// A clinic with a Botox lot C1234 received, one vial opened with 2.5 mL, and a patient.
pub fn clinic() -> Clinic {
    let (dir, db) = super::temp_db();
    let injector = super::staff(&db, Role::Injector);
    let patient = super::register(&db, super::person("Ann", "Lee", "1980-01-01")).id;
    let lot = receive(&db, &injector, BOTOX_100, "C1234", "2027-06-30", 5);
    let vial = open(&db, &injector, lot.id, Some(2.5), false, now());
    Clinic { _dir: dir, db, injector, patient, vial }
}

pub fn start(c: &Clinic, patient: i64, kind: TreatmentKind, at: DateTime<Utc>) -> Session {
    c.db.write(|tx| sessions::start_session(tx, &c.injector, patient, kind, at)).unwrap()
}
