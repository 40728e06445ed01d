//! How fast the library and the handouts are: full-text search over 2,000 articles
//! (the starter library plus generated ones of realistic length), and rendering an
//! aftercare handout — the first one after start (Typst loads its fonts and compiles
//! the template) and warm ones. Targets: a warm handout under 100 ms.
//!
//! ```sh
//! cargo bench -p glabella-core --bench library
//! ```

mod timing;

use std::time::Instant;

use glabella_core::articles::{self, ImportFile, LibraryQuery};
use glabella_core::clinic::Clinic;
use glabella_core::demo;
use glabella_core::handouts::{self, HandoutOutput};
use glabella_core::products::TreatmentKind;
use glabella_core::sessions::{self, PointInput, SessionForm};
use glabella_core::stock::{self, VialForm};
use timing::{print_header, print_row, time_each};

const ARTICLES: usize = 2_000;
const QUERIES: usize = 300;
const RENDERS: usize = 100;
/// Words the generated articles are made of: the vocabulary of the starter library.
const WORDS: &[&str] = &[
    "treatment",
    "muscle",
    "skin",
    "elastic",
    "swelling",
    "bruise",
    "filler",
    "lips",
    "cheek",
    "forehead",
    "glabella",
    "frown",
    "lines",
    "injector",
    "clinic",
    "follow-up",
    "weeks",
    "months",
    "results",
    "dose",
    "units",
    "vial",
    "safety",
    "allergy",
    "consent",
    "aftercare",
    "exercise",
    "alcohol",
    "sun",
    "massage",
    "hyaluronic",
    "collagen",
    "research",
    "study",
    "patients",
    "relax",
    "movement",
    "smile",
    "natural",
    "expect",
];

fn main() {
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 28).expect("date");
    let dir = tempfile::tempdir().expect("temp dir");
    let (set_up, _) = demo::create_demo_clinic(dir.path(), 200, 1, today).expect("demo clinic");
    drop(set_up);
    let (clinic, injector) = Clinic::sign_in(dir.path(), "injector", "glabella-injector").expect("sign in");
    let mut rng = fastrand::Rng::with_seed(7);
    let files: Vec<ImportFile> = (0..ARTICLES - 8)
        .map(|i| {
            let words = |rng: &mut fastrand::Rng, n: usize| -> String {
                (0..n).map(|_| WORDS[rng.usize(..WORDS.len())]).collect::<Vec<_>>().join(" ")
            };
            let body = (0..8).map(|_| format!("{}.", words(&mut rng, 50))).collect::<Vec<_>>().join("\n\n");
            let title = words(&mut rng, 5);
            ImportFile {
                name: format!("{i}.md"),
                text: format!("---\ntitle: {title}\nsummary: {}\ntags: [{}]\nkinds: [neurotoxin]\nstatus: published\n---\n\n{body}", words(&mut rng, 20), WORDS[i % WORDS.len()]),
            }
        })
        .collect();
    let start = Instant::now();
    let report = clinic.db().write(|tx| articles::import_articles(tx, &injector, &files)).expect("import");
    println!(
        "Imported {} generated articles (plus the 8 starter ones) in {:.2} s",
        report.imported.len(),
        start.elapsed().as_secs_f64()
    );

    print_header("found");
    let queries: Vec<String> = (0..QUERIES)
        .map(|i| match i % 3 {
            0 => WORDS[rng.usize(..WORDS.len())].to_string(),
            1 => format!("{} {}", WORDS[rng.usize(..WORDS.len())], WORDS[rng.usize(..WORDS.len())]),
            _ => WORDS[rng.usize(..WORDS.len())][..3].to_string(),
        })
        .collect();
    let stats = time_each(&queries, |q| {
        let query = LibraryQuery { text: q.clone(), ..Default::default() };
        clinic.db().read(|c| articles::search_articles(c, &injector, &query)).expect("search").len()
    });
    print_row("library search (2,000 articles)", &stats);
    let tagged: Vec<String> = (0..QUERIES).map(|i| WORDS[i % WORDS.len()].to_string()).collect();
    let stats = time_each(&tagged, |t| {
        let query = LibraryQuery { text: "skin".into(), tag: Some(t.clone()), kind: Some(TreatmentKind::Neurotoxin) };
        clinic.db().read(|c| articles::search_articles(c, &injector, &query)).expect("search").len()
    });
    print_row("library search + tag + kind filters", &stats);

    // A signed 12-point session, then handouts of it.
    let session = clinic
        .db()
        .write(|tx| {
            let lot =
                stock::usable_lots(tx, &injector, today)?.into_iter().find(|l| l.kind == TreatmentKind::Neurotoxin);
            let lot = lot.expect("a neurotoxin lot in stock");
            let vial = stock::open_vial(
                tx,
                &injector,
                &VialForm { lot_id: lot.id, diluent_ml: Some(2.5), single_patient: false },
                chrono::Utc::now(),
                today,
            )?;
            let draft = sessions::start_session(tx, &injector, 1, TreatmentKind::Neurotoxin, chrono::Utc::now())?;
            let areas = ["glabella", "forehead", "crows_feet_left", "crows_feet_right"];
            let points = (0..12)
                .map(|i| PointInput { vial_id: vial.id, area: areas[i % 4].into(), x: 0.5, y: 0.3, dose: 4.0 })
                .collect();
            let form = SessionForm {
                consent_confirmed: true,
                consent_version: "v1".into(),
                screen_acknowledged: true,
                points,
                ..draft.form
            };
            sessions::sign_session(tx, &injector, draft.id, &form, chrono::Utc::now())
        })
        .expect("signed session");
    let give = |articles: &[i64]| {
        clinic
            .db()
            .write(|tx| {
                handouts::give_handout(tx, &injector, session.id, articles, HandoutOutput::Pdf, chrono::Utc::now())
            })
            .expect("handout")
            .1
            .len()
    };
    let start = Instant::now();
    let bytes = give(&[]);
    println!("First handout after start: {:.1} ms ({bytes} bytes)", start.elapsed().as_secs_f64() * 1e3);
    let inputs: Vec<()> = vec![(); RENDERS];
    print_row("handout, warm (give: data, PDF, record)", &time_each(&inputs, |_| give(&[])));
    print_row("handout with 2 articles, warm", &time_each(&inputs, |_| give(&[1, 3])));
    let stats = time_each(&inputs, |_| {
        clinic.db().write(|tx| handouts::reprint_handout(tx, &injector, 1)).expect("reprint").1.len()
    });
    print_row("reprint (render recorded data)", &stats);
}
