//! Every command the UI can call × every role: allowed or refused with
//! `auth.forbidden`, decided in the core whatever the UI shows. The table names each
//! IPC command (src-tauri/src/commands) and the core operation behind it.

mod common;

use glabella_core::articles::{self, ArticleForm, ImportFile, LibraryQuery};
use glabella_core::audit::AuditFilter;
use glabella_core::auth::settings::{get_settings, ClinicSettings};
use glabella_core::auth::users::{list_users, NewUser};
use glabella_core::auth::{Actor, Role};
use glabella_core::clinic::Clinic;
use glabella_core::db::keys::KdfParams;
use glabella_core::handouts::{self, HandoutOutput, Paper};
use glabella_core::patients;
use glabella_core::products::{self, DoseUnit, ProductForm, TreatmentKind};
use glabella_core::sessions::{self, PointInput, SessionForm};
use glabella_core::stock::{self, LotForm, VialForm};
use glabella_core::{Error, Result};

type Operation = fn(&Clinic, &Actor) -> Result<()>;

const ALL: &[Role] = &[Role::Admin, Role::Injector, Role::Receptionist];
const ADMIN: &[Role] = &[Role::Admin];
const INJECTOR: &[Role] = &[Role::Injector];
/// Writing the library and the aftercare templates.
const WRITERS: &[Role] = &[Role::Admin, Role::Injector];
/// Reading clinical records, stock and recalls.
const CLINICAL: &[Role] = &[Role::Admin, Role::Injector];

/// Session 1 is signed (to amend), session 2 a draft; both of patient 1, from vial 1.
const SIGNED: i64 = 1;
const DRAFT: i64 = 2;

fn draft_form() -> SessionForm {
    SessionForm {
        kind: TreatmentKind::Neurotoxin,
        consent_confirmed: true,
        consent_version: "v1".into(),
        screen_acknowledged: true,
        points: vec![PointInput { vial_id: 1, area: "glabella".into(), x: 0.5, y: 0.3, dose: 20.0 }],
        adverse_events: Vec::new(),
        notes: String::new(),
        follow_up_date: String::new(),
        next_due_date: String::new(),
    }
}

fn article_form() -> ArticleForm {
    ArticleForm {
        title: "Sun care".into(),
        summary: String::new(),
        body: "Wear a hat.".into(),
        tags: Vec::new(),
        kinds: Vec::new(),
        source: String::new(),
        published: true,
    }
}

fn product_form() -> ProductForm {
    ProductForm {
        name: format!("Filler {}", fastrand::u32(..)),
        kind: TreatmentKind::Filler,
        unit: DoseUnit::Millilitres,
        size: 1.0,
        default_diluent_ml: None,
        dose_scale_min: None,
        dose_scale_max: None,
        gtin: String::new(),
    }
}

fn lot_form() -> LotForm {
    LotForm {
        product_id: Some(2),
        lot_number: "C1234".into(),
        expiry: "2099-12-31".into(),
        quantity: 10,
        gtin: String::new(),
    }
}

/// (command, who may call it, what it does in the core). Commands about one's own
/// session (setup, sign in/out, lock, keep alive, own password, reading the clinic's
/// settings, handout paper size and logo
/// name) need no role and are covered in tests/clinic.rs.
const TABLE: &[(&str, &[Role], Operation)] = &[
    ("search_patients", ALL, |c, a| c.db().read(|t| patients::search_patients(t, a, "ann", false)).map(drop)),
    ("open_patient_chart", ALL, |c, a| c.db().write(|t| patients::open_chart(t, a, 1)).map(drop)),
    ("register_patient", ALL, |c, a| {
        c.db()
            .write(|t| {
                patients::register_patient(t, a, &common::person("Ann", "Lee", "1980-01-01"), true, common::today())
            })
            .map(drop)
    }),
    ("update_patient", ALL, |c, a| {
        c.db()
            .write(|t| patients::update_patient(t, a, 1, &common::person("Ann", "Lee", "1980-01-02"), common::today()))
            .map(drop)
    }),
    ("archive_patient", ALL, |c, a| c.db().write(|t| patients::archive_patient(t, a, 1)).map(drop)),
    ("unarchive_patient", ALL, |c, a| c.db().write(|t| patients::unarchive_patient(t, a, 1)).map(drop)),
    ("list_patient_sessions", ALL, |c, a| c.db().read(|t| sessions::list_sessions(t, a, 1)).map(drop)),
    ("start_session", INJECTOR, |c, a| {
        c.db().write(|t| sessions::start_session(t, a, 1, TreatmentKind::Neurotoxin, chrono::Utc::now())).map(drop)
    }),
    ("open_session", CLINICAL, |c, a| c.db().write(|t| sessions::open_session(t, a, SIGNED)).map(drop)),
    ("save_session", INJECTOR, |c, a| c.db().write(|t| sessions::save_session(t, a, DRAFT, &draft_form())).map(drop)),
    ("sign_session", INJECTOR, |c, a| {
        c.db().write(|t| sessions::sign_session(t, a, DRAFT, &draft_form(), chrono::Utc::now())).map(drop)
    }),
    ("amend_session", INJECTOR, |c, a| {
        c.db().write(|t| sessions::amend_session(t, a, SIGNED, "why", "what", chrono::Utc::now())).map(drop)
    }),
    ("list_products", ALL, |c, a| c.db().read(|t| products::list_products(t, a)).map(drop)),
    ("create_product", ADMIN, |c, a| c.db().write(|t| products::create_product(t, a, &product_form())).map(drop)),
    ("update_product", ADMIN, |c, a| {
        let form = c.db().read(|t| products::get_product(t, 9))?.form;
        c.db().write(|t| products::update_product(t, a, 9, &form)).map(drop)
    }),
    ("set_product_retired", ADMIN, |c, a| c.db().write(|t| products::set_product_retired(t, a, 10, true)).map(drop)),
    ("scan_lot_code", CLINICAL, |c, a| c.db().read(|t| stock::scan_lot(t, a, "C1234")).map(drop)),
    ("receive_lot", CLINICAL, |c, a| {
        c.db().write(|t| stock::receive_lot(t, a, &lot_form(), common::today())).map(drop)
    }),
    ("get_inventory", CLINICAL, |c, a| c.db().read(|t| stock::inventory(t, a, common::today())).map(drop)),
    ("list_usable_lots", CLINICAL, |c, a| c.db().read(|t| stock::usable_lots(t, a, common::today())).map(drop)),
    ("open_vial", CLINICAL, |c, a| {
        let form = VialForm { lot_id: 1, diluent_ml: Some(2.5), single_patient: false };
        c.db().write(|t| stock::open_vial(t, a, &form, chrono::Utc::now(), common::today())).map(drop)
    }),
    ("list_recent_vials", CLINICAL, |c, a| c.db().read(|t| stock::recent_vials(t, a, chrono::Utc::now())).map(drop)),
    ("recall_lot", CLINICAL, |c, a| c.db().write(|t| stock::recall_lot(t, a, "C1234")).map(drop)),
    ("export_recall_csv", CLINICAL, |c, a| c.db().write(|t| stock::recall_csv(t, a, "C1234")).map(drop)),
    ("search_library", ALL, |c, a| {
        c.db().read(|t| articles::search_articles(t, a, &LibraryQuery::default())).map(drop)
    }),
    ("list_library_tags", ALL, |c, a| c.db().read(|t| articles::library_tags(t, a)).map(drop)),
    ("get_article", ALL, |c, a| c.db().read(|t| articles::get_article(t, a, 1)).map(drop)),
    ("create_article", WRITERS, |c, a| c.db().write(|t| articles::create_article(t, a, &article_form())).map(drop)),
    ("update_article", WRITERS, |c, a| c.db().write(|t| articles::update_article(t, a, 1, &article_form())).map(drop)),
    ("list_article_versions", ALL, |c, a| c.db().read(|t| articles::list_article_versions(t, a, 1)).map(drop)),
    ("get_article_version", ALL, |c, a| c.db().read(|t| articles::get_article_version(t, a, 1, 1)).map(drop)),
    ("import_articles", WRITERS, |c, a| {
        let files = [ImportFile { name: "x.md".into(), text: "---\ntitle: X\n---\nText".into() }];
        c.db().write(|t| articles::import_articles(t, a, &files)).map(drop)
    }),
    ("export_article_markdown", ALL, |c, a| c.db().write(|t| articles::export_markdown(t, a, 1)).map(drop)),
    ("list_aftercare_templates", ALL, |c, a| c.db().read(|t| handouts::current_templates(t, a)).map(drop)),
    ("list_template_versions", ALL, |c, a| {
        c.db().read(|t| handouts::template_versions(t, a, TreatmentKind::Filler)).map(drop)
    }),
    ("save_aftercare_template", WRITERS, |c, a| {
        c.db()
            .write(|t| handouts::save_template(t, a, TreatmentKind::Other, "Aftercare", "Hello {{first_name}}"))
            .map(drop)
    }),
    ("set_handout_paper", ADMIN, |c, a| c.db().write(|t| handouts::set_handout_paper(t, a, Paper::Letter)).map(drop)),
    ("set_clinic_logo", ADMIN, |c, a| c.db().write(|t| handouts::set_clinic_logo(t, a, &[])).map(drop)),
    ("print_handout", ALL, |c, a| {
        c.db().write(|t| handouts::give_handout(t, a, SIGNED, &[1], HandoutOutput::Print, chrono::Utc::now())).map(drop)
    }),
    ("save_handout_pdf", ALL, |c, a| {
        c.db().write(|t| handouts::give_handout(t, a, SIGNED, &[], HandoutOutput::Pdf, chrono::Utc::now())).map(drop)
    }),
    ("reprint_handout", ALL, |c, a| c.db().write(|t| handouts::reprint_handout(t, a, 1)).map(drop)),
    ("list_handouts", ALL, |c, a| c.db().read(|t| handouts::list_handouts(t, a, 1)).map(drop)),
    ("list_users", ADMIN, |c, a| c.db().read(|t| list_users(t, a)).map(drop)),
    ("create_user", ADMIN, |c, a| {
        let username = format!("new{}", fastrand::u32(..));
        c.create_user(
            a,
            &NewUser {
                username,
                display_name: "New Person".into(),
                role: Role::Receptionist,
                password: "long enough".into(),
            },
        )
        .map(drop)
    }),
    ("set_user_role", ADMIN, |c, a| c.set_role(a, 4, Role::Injector).map(drop)),
    ("deactivate_user", ADMIN, |c, a| c.deactivate_user(a, 4).map(drop)),
    ("reactivate_user", ADMIN, |c, a| c.reactivate_user(a, 4, "back again please").map(drop)),
    ("reset_user_password", ADMIN, |c, a| c.reset_password(a, 4, "a new password").map(drop)),
    ("list_audit", ADMIN, |c, a| c.audit_entries(a, &AuditFilter::default()).map(drop)),
    ("export_audit_csv", ADMIN, |c, a| c.export_audit(a, &AuditFilter::default()).map(drop)),
    ("update_settings", ADMIN, |c, a| {
        let s = c.db().read(get_settings)?;
        c.update_settings(a, &ClinicSettings { idle_lock_minutes: 15, ..s }).map(drop)
    }),
];

#[test]
fn every_command_is_allowed_or_refused_by_role() {
    let dir = tempfile::tempdir().unwrap();
    let settings = ClinicSettings {
        clinic_name: "Roles Clinic".into(),
        clinic_address: String::new(),
        clinic_phone: String::new(),
        idle_lock_minutes: 10,
    };
    let admin_form = NewUser {
        username: "boss".into(),
        display_name: "Boss".into(),
        role: Role::Admin,
        password: "admin password".into(),
    };
    let set_up = Clinic::setup_with(dir.path(), &settings, &admin_form, KdfParams::INSECURE_FAST).unwrap();
    let clinic = &set_up.clinic;
    let mut actors = vec![set_up.admin.clone()];
    for (name, role) in [("ines", Role::Injector), ("rosa", Role::Receptionist), ("target", Role::Receptionist)] {
        let form = NewUser { username: name.into(), display_name: name.into(), role, password: "a password".into() };
        let user = clinic.create_user(&set_up.admin, &form).unwrap();
        actors.push(Actor { user_id: user.id, username: user.username, display_name: user.display_name, role });
    }
    actors.truncate(3); // "target" (user 4) is only acted upon
    clinic
        .db()
        .write(|t| {
            patients::register_patient(
                t,
                &set_up.admin,
                &common::person("Ann", "Lee", "1980-01-01"),
                true,
                common::today(),
            )
        })
        .unwrap();
    let injector = &actors[1];
    clinic
        .db()
        .write(|t| {
            stock::receive_lot(t, injector, &lot_form(), common::today())?;
            let vial = VialForm { lot_id: 1, diluent_ml: Some(2.5), single_patient: false };
            stock::open_vial(t, injector, &vial, chrono::Utc::now(), common::today())?;
            let now = chrono::Utc::now();
            let signed = sessions::start_session(t, injector, 1, TreatmentKind::Neurotoxin, now)?;
            sessions::sign_session(t, injector, signed.id, &draft_form(), now)?;
            let draft = sessions::start_session(t, injector, 1, TreatmentKind::Neurotoxin, now)?;
            assert_eq!((signed.id, draft.id), (SIGNED, DRAFT));
            handouts::give_handout(t, injector, SIGNED, &[], HandoutOutput::Print, now)?;
            Ok(())
        })
        .unwrap();

    let mut wrong = Vec::new();
    for (command, allowed, operation) in TABLE {
        for actor in &actors {
            let refused = matches!(operation(clinic, actor), Err(Error::Forbidden));
            if refused == allowed.contains(&actor.role) {
                wrong.push(format!("{command} as {:?}: {}", actor.role, if refused { "refused" } else { "allowed" }));
            }
        }
    }
    assert!(wrong.is_empty(), "role checks disagree with the table:\n{}", wrong.join("\n"));
}
