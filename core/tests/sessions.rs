//! Injection sessions on a temp database: stock in, vials opened, a session recorded,
//! signed and amended; the database's own refusal to change a signed session; expired
//! lots; the soft warnings; what stock and the lot recall derive from sessions.

mod common;

use chrono::Duration;
use common::treatment::*;
use glabella_core::auth::Role;
use glabella_core::products::TreatmentKind;
use glabella_core::sessions::{self, AdverseEvent, PointInput, SessionForm, Severity};
use glabella_core::stock::{self, LotForm, VialForm};
use glabella_core::Error;

#[test]
fn a_session_is_recorded_signed_and_shown_in_the_chart() {
    let c = clinic();
    let draft = start(&c, c.patient, TreatmentKind::Neurotoxin, now());
    assert_eq!(draft.form.follow_up_date, "2026-12-12", "follow-up defaults to 14 days");
    assert_eq!(draft.form.next_due_date, "2027-02-26", "next due defaults to 90 days for toxins");
    let points =
        vec![point(&c.vial, "glabella", 8.0), point(&c.vial, "glabella", 12.0), point(&c.vial, "forehead", 10.0)];
    let saved =
        c.db.write(|tx| sessions::save_session(tx, &c.injector, draft.id, &signable(&draft, points.clone()))).unwrap();
    assert_eq!(saved.points.len(), 3);
    assert_eq!(saved.points[0].volume_ml, Some(0.2), "8 U at 4 U per 0.1 mL");
    assert_eq!(saved.points[1].volume_ml, Some(0.3));
    assert_eq!(saved.vials[0].units_per_tenth_ml, Some(4.0));
    let glabella = saved.area_totals.iter().find(|t| t.area == "glabella").unwrap();
    assert_eq!((glabella.dose, glabella.product_name.as_str()), (20.0, "Botox Cosmetic 100 U"));
    assert_eq!(saved.product_totals.len(), 1);
    assert_eq!(saved.product_totals[0].dose, 30.0);
    assert_eq!(saved.product_totals[0].lot_numbers, ["C1234"]);
    assert!(saved.warnings.is_empty(), "typical doses give no warnings: {:?}", saved.warnings);

    let signed = c.db.write(|tx| sessions::sign_session(tx, &c.injector, draft.id, &saved.form, now())).unwrap();
    assert!(signed.signed_at.is_some());
    assert_eq!(signed.signed_by_name.as_deref(), Some(c.injector.display_name.as_str()));

    let timeline = c.db.read(|c2| sessions::list_sessions(c2, &common::receptionist(&c.db), c.patient)).unwrap();
    assert_eq!(timeline.len(), 1);
    assert!(timeline[0].signed);
    assert_eq!(timeline[0].products[0].dose, 30.0);
    assert_eq!(timeline[0].areas.len(), 2);

    // The next session shows what was done last time.
    let next = start(&c, c.patient, TreatmentKind::Neurotoxin, now() + Duration::days(120));
    let last = next.last_visit.expect("last visit");
    assert_eq!(last.id, draft.id);
    assert_eq!(last.areas[0].area_label, "Glabella");
}

#[test]
fn signing_needs_consent_the_screen_and_a_point_and_only_an_injector_signs() {
    let c = clinic();
    let draft = start(&c, c.patient, TreatmentKind::Neurotoxin, now());
    let Err(Error::Validation(problems)) =
        c.db.write(|tx| sessions::sign_session(tx, &c.injector, draft.id, &draft.form, now()))
    else {
        panic!("an empty draft must not sign");
    };
    let fields: Vec<_> = problems.iter().map(|p| p.field).collect();
    assert_eq!(fields, ["consentConfirmed", "consentVersion", "screenAcknowledged", "points"]);
    let unsigned = c.db.read(|c2| sessions::list_sessions(c2, &c.injector, c.patient)).unwrap();
    assert!(!unsigned[0].signed, "nothing was signed");

    let admin = common::staff(&c.db, Role::Admin);
    let form = signable(&draft, vec![point(&c.vial, "glabella", 20.0)]);
    let refused = c.db.write(|tx| sessions::sign_session(tx, &admin, draft.id, &form, now()));
    assert!(matches!(refused, Err(Error::Forbidden)), "{refused:?}");
    let reception = common::receptionist(&c.db);
    assert!(matches!(c.db.write(|tx| sessions::open_session(tx, &reception, draft.id)), Err(Error::Forbidden)));
}

#[test]
fn the_database_refuses_to_change_a_signed_session() {
    let c = clinic();
    let draft = start(&c, c.patient, TreatmentKind::Neurotoxin, now());
    let form = signable(&draft, vec![point(&c.vial, "glabella", 20.0)]);
    c.db.write(|tx| sessions::sign_session(tx, &c.injector, draft.id, &form, now())).unwrap();

    // Through the core: refused with a clear error.
    let again = c.db.write(|tx| sessions::save_session(tx, &c.injector, draft.id, &form));
    assert!(matches!(again, Err(Error::SessionSigned)), "{again:?}");
    // Around the core, in plain SQL: the triggers refuse it too.
    let id = draft.id;
    for sql in [
        format!("UPDATE sessions SET notes = 'changed' WHERE id = {id}"),
        format!("UPDATE sessions SET signed_at = NULL WHERE id = {id}"),
        format!("DELETE FROM sessions WHERE id = {id}"),
        format!("UPDATE injection_points SET dose = 40 WHERE session_id = {id}"),
        format!("DELETE FROM injection_points WHERE session_id = {id}"),
        format!("INSERT INTO injection_points (session_id, position, vial_id, area, x, y, dose) VALUES ({id}, 2, 1, 'forehead', 0.5, 0.2, 10)"),
        format!("INSERT INTO adverse_events (session_id, position, what, severity) VALUES ({id}, 1, 'bruise', 'mild')"),
        "UPDATE vials SET diluent_ml = 1".to_string(),
    ] {
        let result = c.db.write(|tx| Ok(tx.execute(&sql, [])?));
        let message = format!("{result:?}");
        assert!(result.is_err(), "{sql} was allowed");
        assert!(message.contains("cannot be changed"), "{sql}: {message}");
    }
    let stored = c.db.write(|tx| sessions::open_session(tx, &c.injector, id)).unwrap();
    assert_eq!(stored.points.len(), 1);
    assert_eq!(stored.points[0].dose, 20.0);
    assert_eq!(stored.form.notes, "");
}

#[test]
fn amendments_are_appended_with_author_time_and_reason_and_the_original_stays() {
    let c = clinic();
    let draft = start(&c, c.patient, TreatmentKind::Neurotoxin, now());
    let form =
        SessionForm { notes: "Tolerated well.".into(), ..signable(&draft, vec![point(&c.vial, "glabella", 20.0)]) };
    c.db.write(|tx| sessions::sign_session(tx, &c.injector, draft.id, &form, now())).unwrap();

    let blank = c.db.write(|tx| sessions::amend_session(tx, &c.injector, draft.id, " ", "", now()));
    assert!(matches!(&blank, Err(Error::Validation(p)) if p.len() == 2), "{blank:?}");
    let later = now() + Duration::hours(3);
    let amended =
        c.db.write(|tx| {
            sessions::amend_session(tx, &c.injector, draft.id, "Wrong area noted", "Point 1 was procerus.", later)
        })
        .unwrap();
    assert_eq!(amended.amendments.len(), 1);
    let a = &amended.amendments[0];
    assert_eq!((a.reason.as_str(), a.text.as_str()), ("Wrong area noted", "Point 1 was procerus."));
    assert_eq!(a.author_name, c.injector.display_name);
    assert_eq!(a.at, "2026-11-28T13:00:00.000Z");
    assert_eq!(amended.form.notes, "Tolerated well.", "the original stays visible");
    assert_eq!(amended.points[0].area, "glabella");
    let raw = c.db.write(|tx| Ok(tx.execute("UPDATE amendments SET text = 'x'", [])?));
    assert!(raw.is_err(), "amendments are append-only");
    let timeline = c.db.read(|c2| sessions::list_sessions(c2, &c.injector, c.patient)).unwrap();
    assert_eq!(timeline[0].amendments, 1);
}

#[test]
fn expired_lots_are_refused_when_received_opened_or_used() {
    let c = clinic();
    let form = LotForm {
        product_id: Some(BOTOX_100),
        lot_number: "OLD1".into(),
        expiry: "2026-11-27".into(),
        quantity: 2,
        gtin: String::new(),
    };
    let received = c.db.write(|tx| stock::receive_lot(tx, &c.injector, &form, common::today()));
    match received {
        Err(e @ Error::LotExpired { .. }) => {
            assert_eq!(e.to_string(), "Lot OLD1 expired on 27/11/2026. Expired stock cannot be used; set it aside.");
            assert_eq!(e.field(), Some("expiry"));
        }
        other => panic!("expected lot.expired, got {other:?}"),
    }
    // A lot that expires on 2026-12-31 is fine today, refused for a vial opened in January…
    let lot = receive(&c.db, &c.injector, BOTOX_100, "DEC31", "2026-12-31", 2);
    let january = "2027-01-02".parse().unwrap();
    let opened = c.db.write(|tx| {
        stock::open_vial(
            tx,
            &c.injector,
            &VialForm { lot_id: lot.id, diluent_ml: Some(2.5), single_patient: false },
            now(),
            january,
        )
    });
    assert!(matches!(opened, Err(Error::LotExpired { .. })), "{opened:?}");
    // … and a vial opened before then cannot be used in a session after it.
    let vial = open(&c.db, &c.injector, lot.id, Some(2.5), false, now());
    let session = start(&c, c.patient, TreatmentKind::Neurotoxin, "2027-01-05T10:00:00Z".parse().unwrap());
    let used = c.db.write(|tx| {
        sessions::save_session(tx, &c.injector, session.id, &signable(&session, vec![point(&vial, "glabella", 20.0)]))
    });
    assert_eq!(used.unwrap_err().code(), "lot.expired");
}

#[test]
fn soft_warnings_never_block() {
    let c = clinic();
    // A Dysport vial, single-patient, opened 30 hours before the session.
    let dysport = receive(&c.db, &c.injector, DYSPORT_300, "D77", "2027-03-31", 1);
    let old_vial = open(&c.db, &c.injector, dysport.id, Some(2.5), true, now() - Duration::hours(30));
    let first = start(&c, c.patient, TreatmentKind::Neurotoxin, now() - Duration::days(40));
    let form = signable(&first, vec![point(&c.vial, "glabella", 20.0)]);
    c.db.write(|tx| sessions::sign_session(tx, &c.injector, first.id, &form, now() - Duration::days(40))).unwrap();

    let other = common::register(&c.db, common::person("Bea", "Ruiz", "1975-05-05")).id;
    let earlier = start(&c, other, TreatmentKind::Neurotoxin, now());
    c.db.write(|tx| {
        sessions::save_session(
            tx,
            &c.injector,
            earlier.id,
            &signable(&earlier, vec![point(&old_vial, "forehead", 50.0)]),
        )
    })
    .unwrap();

    let session = start(&c, c.patient, TreatmentKind::Neurotoxin, now());
    let points = vec![point(&c.vial, "glabella", 40.0), point(&old_vial, "masseter_left", 260.0)];
    let saved =
        c.db.write(|tx| sessions::save_session(tx, &c.injector, session.id, &signable(&session, points))).unwrap();
    let all = saved.warnings.join("\n");
    assert!(all.contains("Glabella: 40 U of Botox Cosmetic 100 U is above the typical 15–25 U"), "{all}");
    assert!(all.contains("Masseter (left): 260 U of Dysport 300 U is above the typical 50–90 U per side"), "{all}");
    assert!(all.contains("Re-treatment after 40 days"), "{all}");
    assert!(all.contains("reconstituted 30 hours before this session"), "{all}");
    assert!(all.contains("310 U drawn in all, more than the 300 U it holds"), "{all}");
    assert!(all.contains("single-patient vial and has also been used for another patient"), "{all}");
    let signed = c.db.write(|tx| sessions::sign_session(tx, &c.injector, session.id, &saved.form, now()));
    assert!(signed.is_ok(), "warnings never block signing: {signed:?}");
}

#[test]
fn points_must_fit_the_treatment_and_the_chart() {
    let c = clinic();
    let filler_lot = receive(&c.db, &c.injector, JUVEDERM_ULTRA, "F100", "2027-09-30", 3);
    let syringe = open(&c.db, &c.injector, filler_lot.id, None, true, now());
    assert_eq!(syringe.diluent_ml, None);
    let session = start(&c, c.patient, TreatmentKind::Neurotoxin, now());
    let bad = vec![
        point(&c.vial, "lips", 4.0),
        point(&syringe, "glabella", 0.5),
        PointInput { x: 1.5, ..point(&c.vial, "glabella", 4.0) },
        point(&c.vial, "forehead", 0.0),
    ];
    let Err(Error::Validation(problems)) = c.db.write(|tx| {
        sessions::save_session(tx, &c.injector, session.id, &SessionForm { points: bad, ..session.form.clone() })
    }) else {
        panic!("bad points must be refused");
    };
    let messages: Vec<_> = problems.iter().map(|p| p.message.as_str()).collect();
    assert_eq!(
        messages,
        [
            "Point 1: Lips is not an area for this kind of treatment.",
            "Point 3 lies outside the face chart.",
            "Point 4: the dose must be a number above 0.",
        ]
    );
    let mixed = vec![point(&syringe, "glabella", 0.5)];
    let err =
        c.db.write(|tx| {
            sessions::save_session(tx, &c.injector, session.id, &SessionForm { points: mixed, ..session.form.clone() })
        })
        .unwrap_err();
    assert_eq!(err.to_string(), "Point 1: Juvéderm Ultra XC 1.0 mL is not a neurotoxin product.");

    let filler = start(&c, c.patient, TreatmentKind::Filler, now());
    assert_eq!(filler.form.next_due_date, "", "no default next-due date for fillers");
    let adverse =
        vec![AdverseEvent { what: "Bruise at lip".into(), severity: Severity::Mild, action_taken: "Cold pack".into() }];
    let form =
        SessionForm { points: vec![point(&syringe, "lips", 0.5)], adverse_events: adverse, ..filler.form.clone() };
    let saved = c.db.write(|tx| sessions::save_session(tx, &c.injector, filler.id, &form)).unwrap();
    assert_eq!(saved.points[0].volume_ml, Some(0.5));
    assert_eq!(saved.product_totals[0].unit.symbol(), "mL");
    assert_eq!(saved.form.adverse_events[0].what, "Bruise at lip");
}

#[test]
fn stock_follows_from_vials_and_sessions_and_recall_finds_every_patient() {
    let c = clinic();
    let reception = common::receptionist(&c.db);
    let other = common::register(&c.db, common::person("=cmd|' /C calc'!A0", "Ruiz", "1975-05-05")).id;
    for (patient, dose) in [(c.patient, 20.0), (other, 12.0)] {
        let s = start(&c, patient, TreatmentKind::Neurotoxin, now());
        c.db.write(|tx| {
            sessions::save_session(tx, &c.injector, s.id, &signable(&s, vec![point(&c.vial, "glabella", dose)]))
        })
        .unwrap();
    }
    let inventory = c.db.read(|t| stock::inventory(t, &c.injector, common::today())).unwrap();
    let lot = inventory.lots.iter().find(|l| l.lot_number == "C1234").unwrap();
    assert_eq!((lot.quantity, lot.opened, lot.unopened, lot.drawn), (5, 1, 4, 32.0));
    assert!(!lot.expired && !lot.expires_soon);
    assert!(matches!(c.db.read(|t| stock::inventory(t, &reception, common::today())), Err(Error::Forbidden)));

    // Low stock and soon-expiring lots are flagged.
    let lot = receive(&c.db, &c.injector, DYSPORT_300, "D1", "2026-12-15", 1);
    let inventory = c.db.read(|t| stock::inventory(t, &c.injector, common::today())).unwrap();
    assert!(inventory.lots.iter().any(|l| l.id == lot.id && l.expires_soon));
    assert_eq!(inventory.low_stock.iter().map(|p| p.product_name.as_str()).collect::<Vec<_>>(), ["Dysport 300 U"]);

    let rows = c.db.write(|t| stock::recall_lot(t, &c.injector, " c1234 ")).unwrap();
    assert_eq!(rows.len(), 2, "lot numbers match whatever their case");
    assert_eq!(rows[0].family_name, "Lee");
    assert_eq!((rows[0].dose, rows[0].phone.as_str()), (20.0, "(555) 010-2030"));
    assert_eq!(rows[1].dose, 12.0);
    assert!(c.db.write(|t| stock::recall_lot(t, &c.injector, "NOPE")).unwrap().is_empty());
    assert!(matches!(c.db.write(|t| stock::recall_lot(t, &reception, "C1234")), Err(Error::Forbidden)));
    let csv = c.db.write(|t| stock::recall_csv(t, &c.injector, "C1234")).unwrap();
    assert!(csv.starts_with("\u{feff}patient_no,family_name,given_name"), "{csv}");
    assert!(csv.contains(",'=cmd|' /C calc'!A0,"), "a formula-looking name is neutralised: {csv}");
    let actions: Vec<String> =
        c.db.read(|t| {
            Ok(t.prepare("SELECT action FROM audit_log WHERE action LIKE 'recall.%' ORDER BY id")?
                .query_map([], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?)
        })
        .unwrap();
    assert_eq!(actions, ["recall.lookup", "recall.lookup", "recall.export"]);
}

#[test]
fn every_session_step_is_audited_on_the_patient() {
    let c = clinic();
    let session = start(&c, c.patient, TreatmentKind::Neurotoxin, now());
    let form = signable(&session, vec![point(&c.vial, "glabella", 20.0)]);
    c.db.write(|tx| sessions::save_session(tx, &c.injector, session.id, &form)).unwrap();
    c.db.write(|tx| sessions::sign_session(tx, &c.injector, session.id, &form, now())).unwrap();
    c.db.write(|tx| sessions::amend_session(tx, &c.injector, session.id, "typo", "20 U, not 2 U", now())).unwrap();
    c.db.write(|tx| sessions::open_session(tx, &c.injector, session.id)).unwrap();
    let rows: Vec<(String, String, String)> =
        c.db.read(|t| {
            Ok(t.prepare("SELECT action, entity || ' ' || entity_id, description FROM audit_log ORDER BY id")?
                .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
                .collect::<rusqlite::Result<_>>()?)
        })
        .unwrap();
    let actions: Vec<&str> = rows.iter().map(|r| r.0.as_str()).collect();
    assert_eq!(
        actions,
        [
            "patient.create",
            "lot.receive",
            "vial.open",
            "session.create",
            "session.save",
            "session.sign",
            "session.amend",
            "session.view"
        ]
    );
    let patient = format!("patient {}", c.patient);
    assert!(rows[3..].iter().all(|r| r.1 == patient && r.2 == format!("session {}", session.id)), "{rows:?}");
    assert_eq!(rows[1].2, "5 × Botox Cosmetic 100 U lot C1234, expiry 2027-06-30");
}
