//! How long a clinic's patient list takes to come in: a CSV file of 10,000 rows (and
//! one of 100,000) previewed and imported into an encrypted clinic, as an
//! administrator would from Settings → Import patients: the preview (decoding,
//! splitting, checking every row, the duplicate look-ups), the import (one transaction
//! with an audit entry per patient), and the same file again (every row a duplicate).
//!
//! ```sh
//! cargo bench -p glabella-core --bench import
//! ```
//!
//! Target (issue 14): 10,000 rows previewed and imported in seconds.

use std::time::Instant;

use glabella_core::imports::{CsvFile, ImportOptions};
use glabella_core::{api, demo};

const FIRST: &[&str] = &["Ana", "Zoë", "María", "Jean-Luc", "Siobhán", "Bo", "Priya", "Olu", "Kenji", "Fatima"];
const LAST: &[&str] = &["Müller", "O'Brien", "Núñez", "Kim", "Smith", "Nguyen", "Okafor", "Rossi", "Dubois", "Khan"];

/// `rows` distinct patients, as an old system would export them.
fn list(rows: usize) -> CsvFile {
    let mut text = String::from("Patient ID,First Name,Surname,DOB,Gender,Mobile,E-mail,Address,Allergies,Notes\n");
    for i in 0..rows {
        let (first, last) = (FIRST[i % 10], LAST[(i / 10) % 10]);
        let dob = format!("{:02}/{:02}/{}", 1 + i % 28, 1 + (i / 28) % 12, 1940 + (i / 336) % 60);
        text.push_str(&format!(
            "P{i:06},{first},{last}-{i},{dob},{},+1 555 {:07},p{i}@example.com,\"{i} Main St\nSpringfield\",{},\n",
            if i % 2 == 0 { "F" } else { "M" },
            i,
            if i % 7 == 0 { "latex" } else { "" },
        ));
    }
    CsvFile::from_bytes("patients.csv", text.into_bytes()).unwrap()
}

fn load(when: &str) {
    if let Ok(load) = std::fs::read_to_string("/proc/loadavg") {
        println!("Load average {when}: {}", load.split_whitespace().take(3).collect::<Vec<_>>().join(" "));
    }
}

fn main() {
    load("before");
    println!("{:<10} {:>8} {:>12} {:>12} {:>16}", "rows", "MB", "preview s", "import s", "same again s");
    for rows in [10_000, 100_000] {
        let dir = tempfile::tempdir().unwrap();
        // A demo clinic of one patient (a real key-derivation cost), its administrator importing.
        let (set_up, _) = demo::create_demo_clinic(dir.path(), 1, 1, chrono::Utc::now().date_naive()).unwrap();
        let (clinic, admin) = (set_up.clinic, set_up.admin);
        let file = list(rows);
        let options = ImportOptions::default();

        let start = Instant::now();
        let preview = api::imports::preview_file(&clinic, &admin, &file, &options).unwrap();
        let previewed = start.elapsed();
        assert_eq!((preview.to_add as usize, preview.refused_count), (rows, 0));

        let start = Instant::now();
        let report = api::imports::import_file(&clinic, &admin, &file, &options).unwrap();
        let imported = start.elapsed();
        assert_eq!(report.added as usize, rows);

        let start = Instant::now();
        let again = api::imports::import_file(&clinic, &admin, &file, &options).unwrap();
        let repeated = start.elapsed();
        assert_eq!((again.added, again.skipped as usize), (0, rows));

        println!(
            "{rows:<10} {:>8.1} {:>12.2} {:>12.2} {:>16.2}",
            file.bytes.len() as f64 / 1_048_576.0,
            previewed.as_secs_f64(),
            imported.as_secs_f64(),
            repeated.as_secs_f64()
        );
    }
    load("after");
}
