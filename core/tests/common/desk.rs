//! A clinic opened at a [`Desk`] the way the app opens it, with an admin and an
//! injector, a patient and one signed session: for tests of the API's operations.

use std::sync::Arc;

use glabella_core::api::{self, signin::Desk};
use glabella_core::auth::settings::ClinicSettings;
use glabella_core::auth::users::NewUser;
use glabella_core::auth::{Actor, Role};
use glabella_core::clinic::Clinic;
use glabella_core::db::keys::KdfParams;
use glabella_core::products::TreatmentKind;
use glabella_core::sessions::{PointInput, SessionForm};
use glabella_core::stock::{LotForm, VialForm};

pub struct Signed {
    pub dir: tempfile::TempDir,
    pub desk: Desk,
    pub clinic: Arc<Clinic>,
    pub admin: Actor,
    pub injector: Actor,
    pub patient: i64,
    pub session: i64,
}

/// The clinic's details at setup.
pub fn settings() -> ClinicSettings {
    ClinicSettings {
        clinic_name: "Desk Clinic".into(),
        clinic_address: String::new(),
        clinic_phone: "555 0100".into(),
        idle_lock_minutes: 10,
        time_zone: "Europe/London".into(),
        date_format: Default::default(),
        time_format: Default::default(),
    }
}

/// The first administrator, `owner` / `owner password`.
pub fn owner() -> NewUser {
    NewUser {
        username: "owner".into(),
        display_name: "Olive Owner".into(),
        role: Role::Admin,
        password: "owner password".into(),
    }
}

/// A new clinic whose injector has signed one neurotoxin session of patient Ann Lee.
pub fn signed_session() -> Signed {
    let dir = tempfile::tempdir().unwrap();
    let desk = Desk::new(dir.path()).with_kdf(KdfParams::INSECURE_FAST);
    let admin = desk.setup_clinic(&settings(), &owner()).unwrap().user;
    let (clinic, _) = desk.actor().unwrap();
    let form = NewUser {
        username: "ines".into(),
        display_name: "Ines Injector".into(),
        role: Role::Injector,
        password: "injector password".into(),
    };
    let user = api::users::create_user(&clinic, &admin, &form).unwrap();
    let injector = Actor::new(user.id, user.username, user.display_name, Role::Injector);
    let patient =
        api::patients::register_patient(&clinic, &admin, &super::person("Ann", "Lee", "1980-01-01"), true).unwrap().id;
    let lot = LotForm {
        product_id: Some(2),
        lot_number: "C1234".into(),
        expiry: "2099-12-31".into(),
        quantity: 5,
        gtin: String::new(),
    };
    let lot = api::stock::receive_lot(&clinic, &injector, &lot).unwrap();
    let vial = api::stock::open_vial(
        &clinic,
        &injector,
        &VialForm { lot_id: lot.id, diluent_ml: Some(2.5), single_patient: false },
    )
    .unwrap();
    let session = api::sessions::start_session(&clinic, &injector, patient, TreatmentKind::Neurotoxin).unwrap();
    let form = SessionForm {
        consent_confirmed: true,
        consent_version: "v1".into(),
        screen_acknowledged: true,
        points: vec![PointInput { vial_id: vial.id, area: "glabella".into(), x: 0.5, y: 0.3, dose: 20.0 }],
        ..session.form.clone()
    };
    let session = api::sessions::sign_session(&clinic, &injector, session.id, &form).unwrap().id;
    Signed { dir, desk, clinic, admin, injector, patient, session }
}

/// Signs `injector`'s neurotoxin session `session` (20 U in the glabella, from a vial of
/// a lot received for it), with its default next-due date or `next_due`.
pub fn sign_neurotoxin(
    clinic: &Clinic,
    injector: &Actor,
    session: i64,
    next_due: Option<&str>,
) -> glabella_core::sessions::Session {
    let lot = LotForm {
        product_id: Some(2),
        lot_number: format!("L{}", fastrand::u32(..)),
        expiry: "2099-12-31".into(),
        quantity: 5,
        gtin: String::new(),
    };
    let lot = api::stock::receive_lot(clinic, injector, &lot).unwrap();
    let vial = VialForm { lot_id: lot.id, diluent_ml: Some(2.5), single_patient: false };
    let vial = api::stock::open_vial(clinic, injector, &vial).unwrap();
    let mut f = api::sessions::open_session(clinic, injector, session).unwrap().form;
    f.consent_confirmed = true;
    f.consent_version = "v1".into();
    f.screen_acknowledged = true;
    if let Some(due) = next_due {
        f.next_due_date = due.into();
    }
    f.points = vec![PointInput { vial_id: vial.id, area: "glabella".into(), x: 0.5, y: 0.3, dose: 20.0 }];
    api::sessions::sign_session(clinic, injector, session, &f).unwrap()
}
