//! The article library and the aftercare handouts, on a temp database: the starter
//! library and its search, versions, drafts, import and export; the clinic's
//! templates; a handout from a signed session read back from the PDF (`common::pdf`),
//! hostile values printed literally, recorded and reprinted identically.

mod common;

use common::treatment::*;
use glabella_core::articles::{self, ArticleForm, ImportFile, LibraryQuery};
use glabella_core::auth::{Actor, Role};
use glabella_core::handouts::{self, HandoutOutput};
use glabella_core::patients::{self, PatientDetails};
use glabella_core::products::TreatmentKind;
use glabella_core::sessions;
use glabella_core::{Db, Error};
use sha2::{Digest, Sha256};

fn seed(db: &Db) {
    db.write(|tx| {
        articles::seed_starter_library(tx)?;
        handouts::seed_templates(tx)
    })
    .unwrap();
}

fn search(db: &Db, actor: &Actor, text: &str) -> Vec<String> {
    let query = LibraryQuery { text: text.into(), ..Default::default() };
    db.read(|c| articles::search_articles(c, actor, &query)).unwrap().into_iter().map(|h| h.title).collect()
}

fn article(title: &str, body: &str, published: bool) -> ArticleForm {
    ArticleForm {
        title: title.into(),
        summary: String::new(),
        body: body.into(),
        tags: vec!["Aftercare".into(), "aftercare".into()],
        kinds: vec![TreatmentKind::Filler],
        source: "Glabella clinical team".into(),
        published,
    }
}

#[test]
fn the_starter_library_is_published_once_and_search_ranks_the_elasticity_article_first() {
    let (_dir, db) = common::temp_db();
    seed(&db);
    seed(&db);
    let reception = common::receptionist(&db);
    let all = search(&db, &reception, "");
    assert_eq!(all.len(), 8, "eight starter articles, seeded once: {all:?}");
    let elastic = search(&db, &reception, "elastic");
    assert!(elastic[0].to_lowercase().contains("elastic"), "{elastic:?}");
    let query = LibraryQuery { text: "elastic".into(), ..Default::default() };
    let hit = &db.read(|c| articles::search_articles(c, &reception, &query)).unwrap()[0];
    assert!(hit.snippet.iter().any(|p| p.hit && p.text.to_lowercase().starts_with("elastic")), "{:?}", hit.snippet);
    // Typed punctuation is never FTS5 syntax.
    assert!(search(&db, &reception, "\"elastic* OR (").len() >= 1);
    let body = db.read(|c| articles::get_article(c, &reception, 1)).unwrap().form.body;
    assert!(body.trim_end().ends_with(
        "*This article is for education. It is not medical advice; ask your injector about your own treatment.*"
    ));
}

#[test]
fn published_saves_are_versions_drafts_stay_with_writers_and_filters_narrow() {
    let (_dir, db) = common::temp_db();
    let injector = common::staff(&db, Role::Injector);
    let reception = common::receptionist(&db);
    let v1 = db
        .write(|t| articles::create_article(t, &injector, &article("Lips after filler", "Swelling is normal.", true)))
        .unwrap();
    assert_eq!((v1.version, v1.form.tags.clone()), (1, vec!["aftercare".to_string()]));
    let edited = article("Lips after filler", "Swelling is normal for two days.", true);
    let v2 = db.write(|t| articles::update_article(t, &injector, v1.id, &edited)).unwrap();
    assert_eq!(v2.version, 2);
    let versions = db.read(|c| articles::list_article_versions(c, &reception, v1.id)).unwrap();
    assert_eq!(versions.iter().map(|v| v.version).collect::<Vec<_>>(), [2, 1]);
    let first = db.read(|c| articles::get_article_version(c, &reception, v1.id, 1)).unwrap();
    assert_eq!(first.form.body, "Swelling is normal.");
    assert!(first.html.contains("<p>Swelling is normal.</p>"));

    let draft = db
        .write(|t| {
            articles::create_article(t, &injector, &article("Unfinished", "Draft <script>alert(1)</script>", false))
        })
        .unwrap();
    assert!(!draft.html.contains("<script"), "{}", draft.html);
    assert_eq!(search(&db, &reception, ""), ["Lips after filler"], "receptionists see published articles only");
    assert_eq!(search(&db, &injector, "").len(), 2);
    assert!(matches!(db.read(|c| articles::get_article(c, &reception, draft.id)), Err(Error::NotFound(_))));
    assert!(matches!(
        db.write(|t| articles::create_article(t, &reception, &article("X", "Y", true))),
        Err(Error::Forbidden)
    ));

    let by_kind = LibraryQuery { kind: Some(TreatmentKind::Neurotoxin), ..Default::default() };
    assert!(db.read(|c| articles::search_articles(c, &injector, &by_kind)).unwrap().is_empty());
    let by_tag = LibraryQuery { tag: Some("AfterCare".into()), ..Default::default() };
    assert_eq!(db.read(|c| articles::search_articles(c, &injector, &by_tag)).unwrap().len(), 2);
    assert_eq!(db.read(|c| articles::library_tags(c, &reception)).unwrap(), ["aftercare"]);
}

#[test]
fn import_reports_what_was_refused_and_why_and_export_reads_back() {
    let (_dir, db) = common::temp_db();
    let admin = common::staff(&db, Role::Admin);
    let files = [
        ImportFile {
            name: "good.md".into(),
            text: "---\ntitle: Sun after treatment\nsummary: Shade helps.\ntags: [sun, aftercare]\nkinds: [neurotoxin, filler]\nsource: Team\nstatus: published\n---\n\nWear a hat.".into(),
        },
        ImportFile { name: "notitle.md".into(), text: "# Heading only\n\nText.".into() },
        ImportFile { name: "laser.md".into(), text: "---\ntitle: Laser\nkinds: [laser]\n---\nText".into() },
    ];
    let report = db.write(|t| articles::import_articles(t, &admin, &files)).unwrap();
    assert_eq!(report.imported.len(), 1);
    assert_eq!(report.imported[0].title, "Sun after treatment");
    let reasons: Vec<(&str, &str)> = report.refused.iter().map(|r| (r.file.as_str(), r.reason.as_str())).collect();
    assert_eq!(
        reasons[0],
        ("notitle.md", "it has no title: start the file with front matter (---, then title: …, then ---).")
    );
    assert!(reasons[1].1.contains("laser"), "{reasons:?}");
    let exported = db.write(|t| articles::export_markdown(t, &admin, report.imported[0].article_id)).unwrap();
    let again = ArticleForm::from_markdown(&exported).unwrap();
    assert_eq!((again.title.as_str(), again.published, again.kinds.len()), ("Sun after treatment", true, 2));
}

#[test]
fn a_handout_from_a_signed_session_prints_the_facts_literally_and_reprints_identically() {
    let c = clinic();
    seed(&c.db);
    // A patient whose name and allergies look like markup of every kind.
    let hostile = PatientDetails {
        given_name: "#read(\"/etc/passwd\")".into(),
        family_name: "<script>alert(1)</script>".into(),
        date_of_birth: "1980-01-01".into(),
        ..Default::default()
    };
    let admin = common::staff(&c.db, Role::Admin);
    let patient = c.db.write(|t| patients::register_patient(t, &admin, &hostile, true, common::today())).unwrap().id;
    c.db.write(|t| {
        t.execute_batch(
            "INSERT OR REPLACE INTO settings (key, value) VALUES
                 ('clinic_name', '**Bold** Clinic'), ('clinic_address', '1 High St'), ('clinic_phone', '{{clinic.phone}}')",
        )?;
        Ok(())
    })
    .unwrap();
    let not_an_image = c.db.write(|t| handouts::set_clinic_logo(t, &admin, b"GIF89a"));
    assert_eq!(not_an_image.unwrap_err().field(), Some("logo"));
    c.db.write(|t| handouts::set_clinic_logo(t, &admin, &common::TINY_PNG)).unwrap();
    let draft =
        c.db.write(|t| sessions::start_session(t, &c.injector, patient, TreatmentKind::Neurotoxin, now())).unwrap();
    let form = signable(&draft, vec![point(&c.vial, "glabella", 20.0), point(&c.vial, "forehead", 10.0)]);
    let reception = common::receptionist(&c.db);
    let unsigned = c.db.write(|t| handouts::give_handout(t, &reception, draft.id, &[], HandoutOutput::Print, now()));
    assert_eq!(unsigned.unwrap_err().field(), Some("handout"));
    c.db.write(|t| sessions::sign_session(t, &c.injector, draft.id, &form, now())).unwrap();

    let elasticity = search(&c.db, &reception, "elastic");
    assert!(!elasticity.is_empty());
    let (record, pdf) =
        c.db.write(|t| handouts::give_handout(t, &reception, draft.id, &[2], HandoutOutput::Print, now())).unwrap();
    let text = common::pdf::text(&pdf);
    for expected in [
        "#read(\"/etc/passwd\") <script>alert(1)</script>",
        "28/11/2026",
        "Glabella 20 U, Forehead 10 U — Botox Cosmetic 100 U, lot C1234",
        "12/12/2026",
        "upright",
        "trouble swallowing, speaking or breathing",
        "**Bold** Clinic",
        "{{clinic.phone}}",
    ] {
        assert!(text.contains(expected), "the handout lacks {expected:?}: {text}");
    }
    assert!(!text.contains("root:x:0:0"), "a name was run as Typst code");
    assert!(text.contains(&elasticity[0]), "the chosen article is printed");
    assert_eq!(common::pdf::images(&pdf), 1, "the clinic's logo is in the header");

    assert_eq!(record.sha256, format!("{:x}", Sha256::digest(&pdf)));
    assert_eq!((record.template_version, record.articles.len(), record.articles[0].version), (1, 1, 1));
    // The article and template change later; a reprint is still the handout that was given.
    let mut changed = c.db.read(|t| articles::get_article(t, &admin, 2)).unwrap().form;
    changed.body.push_str("\n\nA later paragraph.");
    c.db.write(|t| articles::update_article(t, &admin, 2, &changed)).unwrap();
    let (again, reprinted) = c.db.write(|t| handouts::reprint_handout(t, &reception, record.id)).unwrap();
    assert_eq!(format!("{:x}", Sha256::digest(&reprinted)), record.sha256);
    assert_eq!(again, record);
    let listed = c.db.read(|t| handouts::list_handouts(t, &reception, patient)).unwrap();
    assert_eq!(listed, [record]);
}

#[test]
fn templates_are_versioned_and_refuse_unknown_placeholders() {
    let (_dir, db) = common::temp_db();
    seed(&db);
    let admin = common::staff(&db, Role::Admin);
    let current = db.read(|c| handouts::current_templates(c, &admin)).unwrap();
    assert_eq!(
        current.iter().map(|t| t.kind).collect::<Vec<_>>(),
        [TreatmentKind::Neurotoxin, TreatmentKind::Filler, TreatmentKind::Other]
    );
    assert!(current[0].body.contains("{{first_name}}"));
    let bad =
        db.write(|t| handouts::save_template(t, &admin, TreatmentKind::Neurotoxin, "Aftercare", "Hi {{clinic.phone}}"));
    let message = bad.unwrap_err().to_string();
    assert!(message.starts_with("{{clinic.phone}} is not a placeholder. Use {{first_name}}"), "{message}");
    let saved = db
        .write(|t| handouts::save_template(t, &admin, TreatmentKind::Neurotoxin, "Aftercare", "Hello {{first_name}}."))
        .unwrap();
    assert_eq!(saved.version, 2);
    let versions = db.read(|c| handouts::template_versions(c, &admin, TreatmentKind::Neurotoxin)).unwrap();
    assert_eq!(versions.iter().map(|t| t.version).collect::<Vec<_>>(), [2, 1]);
    let reception = common::receptionist(&db);
    let refused = db.write(|t| handouts::save_template(t, &reception, TreatmentKind::Filler, "A", "B"));
    assert!(matches!(refused, Err(Error::Forbidden)));
}
