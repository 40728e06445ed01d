//! Every command the UI can call × every role: allowed or refused with
//! `auth.forbidden`, decided in the core whatever the UI shows. The table names each
//! IPC command (src-tauri/src/commands) and the core operation behind it.

mod common;

use glabella_core::audit::AuditFilter;
use glabella_core::auth::settings::{get_settings, ClinicSettings};
use glabella_core::auth::users::{list_users, NewUser};
use glabella_core::auth::{Actor, Role};
use glabella_core::clinic::Clinic;
use glabella_core::db::keys::KdfParams;
use glabella_core::patients;
use glabella_core::{Error, Result};

type Operation = fn(&Clinic, &Actor) -> Result<()>;

const ALL: &[Role] = &[Role::Admin, Role::Injector, Role::Receptionist];
const ADMIN: &[Role] = &[Role::Admin];

/// (command, who may call it, what it does in the core). Commands about one's own
/// session (setup, sign in/out, lock, keep alive, own password, reading the clinic's
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
