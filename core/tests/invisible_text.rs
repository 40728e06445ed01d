//! Invisible characters, through the API, in every kind of field: one-line fields
//! (names, phones, email, lot numbers, product names, titles, usernames, the clinic's
//! name) refuse bidirectional controls and zero-width characters with a message at the
//! field; addresses do too, line breaks allowed; free text (notes, adverse events,
//! amendments' corrections) keeps its lines but refuses bidirectional controls, and has a length
//! limit its message states. A joiner inside an emoji sequence is kept.

mod common;

use glabella_core::api;
use glabella_core::articles::ArticleForm;
use glabella_core::auth::users::NewUser;
use glabella_core::auth::Role;
use glabella_core::products::TreatmentKind;
use glabella_core::sessions::{AdverseEvent, Severity};
use glabella_core::stock::LotForm;
use glabella_core::{Error, Result};

const RLO: char = '\u{202E}';

/// The message of a refusal at `field`, which must be the only field blamed.
fn refused_at<T: std::fmt::Debug>(result: Result<T>, field: &str) -> String {
    match result {
        Err(Error::Validation(problems)) => {
            assert_eq!(problems.len(), 1, "{problems:?}");
            assert_eq!(problems[0].field, field, "{problems:?}");
            problems[0].message.clone()
        }
        other => panic!("{field}: expected a validation error, got {other:?}"),
    }
}

fn invisible(message: &str, name: &str) {
    assert_eq!(message, format!("This field contains an invisible character ({name}) — retype it."));
}

#[test]
fn patient_fields_refuse_invisible_characters() {
    let c = common::desk::signed_session();
    let ann = || common::person("Ann", "Lee", "1980-01-01");
    let register = |d| api::patients::register_patient(&c.clinic, &c.admin, &d, true);

    let mut d = ann();
    d.given_name = format!("Ann{RLO}");
    invisible(&refused_at(register(d), "givenName"), "right-to-left override");
    d = ann();
    d.family_name = "Le\u{200B}e".into();
    invisible(&refused_at(register(d), "familyName"), "zero-width space");
    d = ann();
    d.preferred_name = "\u{FEFF}Annie".into();
    invisible(&refused_at(register(d), "preferredName"), "zero-width no-break space");
    d = ann();
    d.phone = "555\u{2066}0102030".into();
    invisible(&refused_at(register(d), "phone"), "left-to-right isolate");
    d = ann();
    d.email = "ann\u{200F}@example.com".into();
    invisible(&refused_at(register(d), "email"), "right-to-left mark");
    d = ann();
    d.emergency_contact_name = "Bo\u{00AD}b".into();
    invisible(&refused_at(register(d), "emergencyContactName"), "soft hyphen");
    d = ann();
    d.address = "1 High St\n\u{2060}Leeds".into();
    invisible(&refused_at(register(d), "address"), "word joiner");
    d = ann();
    d.given_name = "Ann\nMarie".into();
    assert!(refused_at(register(d), "givenName").contains("one line"));
    d = ann();
    d.notes = format!("Prefers mornings.\nAsk for {RLO}the side door");
    invisible(&refused_at(register(d), "notes"), "right-to-left override");
    d = ann();
    d.notes = "x".repeat(20_001);
    assert_eq!(refused_at(register(d), "notes"), "Notes is too long (at most 20000 characters).");

    // What a person can see is kept: accents, other scripts, an address on two lines,
    // notes with tabs and zero-width spaces, an emoji joined with ZWJ.
    let mut d = common::person("Zoë 👩\u{200D}⚕\u{FE0F}", "Núñez-محمد", "1980-01-01");
    d.address = "1 High St\nLeeds".into();
    d.notes = "Line one\n\tLine two\u{200B}".into();
    let kept = register(d.clone()).unwrap();
    assert_eq!(kept.details.given_name, d.given_name);
    assert_eq!(kept.details.notes, d.notes);

    // Editing goes through the same rule.
    let mut edit = kept.details.clone();
    edit.family_name = format!("{RLO}Lee");
    invisible(
        &refused_at(api::patients::update_patient(&c.clinic, &c.admin, kept.id, &edit), "familyName"),
        "right-to-left override",
    );
}

#[test]
fn staff_clinic_stock_and_library_fields_refuse_invisible_characters() {
    let c = common::desk::signed_session();
    let user = |username: &str, display: &str| NewUser {
        username: username.into(),
        display_name: display.into(),
        role: Role::Receptionist,
        password: "a good password".into(),
    };
    let create = |u| api::users::create_user(&c.clinic, &c.admin, &u);
    invisible(&refused_at(create(user("rosa", "Rosa\u{200D}Reyes")), "displayName"), "zero-width joiner");
    invisible(&refused_at(create(user("ro\u{200C}sa", "Rosa Reyes")), "username"), "zero-width non-joiner");

    let settings = api::settings::get_settings(&c.clinic, &c.admin).unwrap();
    let mut s = settings.clone();
    s.clinic_name = format!("Desk {RLO}Clinic");
    invisible(
        &refused_at(api::settings::update_settings(&c.clinic, &c.admin, &s), "clinicName"),
        "right-to-left override",
    );
    s = settings.clone();
    s.clinic_phone = "555\u{061C} 0100".into();
    invisible(
        &refused_at(api::settings::update_settings(&c.clinic, &c.admin, &s), "clinicPhone"),
        "Arabic letter mark",
    );

    let product = api::stock::list_products(&c.clinic, &c.injector).unwrap().remove(0);
    let mut form = product.form.clone();
    form.name = format!("Botox{RLO} 100 U");
    invisible(
        &refused_at(api::stock::update_product(&c.clinic, &c.admin, product.id, &form), "name"),
        "right-to-left override",
    );
    let lot = LotForm {
        product_id: Some(product.id),
        lot_number: "C\u{200B}999".into(),
        expiry: "2099-12-31".into(),
        quantity: 1,
        gtin: String::new(),
    };
    invisible(&refused_at(api::stock::receive_lot(&c.clinic, &c.injector, &lot), "lotNumber"), "zero-width space");

    let article = |title: &str, body: &str| ArticleForm {
        title: title.into(),
        summary: String::new(),
        body: body.into(),
        tags: vec![],
        kinds: vec![],
        source: String::new(),
        published: true,
    };
    let create = |a| api::library::create_article(&c.clinic, &c.admin, &a);
    invisible(&refused_at(create(article("Bruising\u{2067}", "Ice it.")), "title"), "right-to-left isolate");
    invisible(
        &refused_at(create(article("Bruising", &format!("Ice it.\n{RLO}Rest."))), "body"),
        "right-to-left override",
    );
    create(article("Bruising", "Ice it.\n\nRest.")).unwrap();

    let template = |title: &str| {
        api::handouts::save_aftercare_template(&c.clinic, &c.admin, TreatmentKind::Neurotoxin, title, "Rest.")
    };
    invisible(&refused_at(template("After\u{200E}care"), "title"), "left-to-right mark");
}

#[test]
fn session_text_keeps_lines_and_refuses_bidi_controls() {
    let c = common::desk::signed_session();
    let draft = api::sessions::start_session(&c.clinic, &c.injector, c.patient, TreatmentKind::Neurotoxin).unwrap();
    let save = |f| api::sessions::save_session(&c.clinic, &c.injector, draft.id, &f);

    let mut f = draft.form.clone();
    f.notes = format!("Relaxed.\n{RLO}No bruising.");
    invisible(&refused_at(save(f), "notes"), "right-to-left override");
    f = draft.form.clone();
    f.consent_version = "v1\u{200B}".into();
    invisible(&refused_at(save(f), "consentVersion"), "zero-width space");
    f = draft.form.clone();
    f.adverse_events = vec![AdverseEvent {
        what: "Bruise\n\u{202B}left".into(),
        severity: Severity::Mild,
        action_taken: "Ice".into(),
    }];
    let message = refused_at(save(f), "adverseEvents");
    assert_eq!(
        message,
        "Adverse event 1: This field contains an invisible character (right-to-left embedding) — retype it."
    );
    f = draft.form.clone();
    f.adverse_events =
        vec![AdverseEvent { what: "x".repeat(1001), severity: Severity::Mild, action_taken: String::new() }];
    assert!(refused_at(save(f), "adverseEvents").contains("at most 1000 characters"));
    f = draft.form.clone();
    f.notes = "Relaxed.\n\tNo bruising.".into();
    f.adverse_events =
        vec![AdverseEvent { what: "Bruise,\nleft brow".into(), severity: Severity::Mild, action_taken: "Ice".into() }];
    let saved = save(f).unwrap();
    assert_eq!(saved.form.notes, "Relaxed.\n\tNo bruising.");

    let amend =
        |reason: &str, text: &str| api::sessions::amend_session(&c.clinic, &c.injector, c.session, reason, text);
    invisible(&refused_at(amend("Typo", &format!("Dose was 18 U{RLO}")), "text"), "right-to-left override");
    invisible(&refused_at(amend("Ty\u{2069}po", "Dose was 18 U"), "reason"), "pop directional isolate");
    invisible(&refused_at(amend("Ty\u{200B}po", "Dose was 18 U"), "reason"), "zero-width space"); // one line
    assert!(refused_at(amend("Typo", &"x".repeat(4001)), "text").contains("at most 4000 characters"));
    amend("Typo", "Dose was 18 U,\nnot 20 U.").unwrap();
}
