//! Printing and files stay on the workstation: an operation run on the clinic server
//! saves into the folder the workstation's dialog chose (the whole clinic's export
//! too, streamed in pieces), reads the file the workstation's open dialog picked, and
//! prints on the workstation's printer; none of those files is written on the server.

mod common;

use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use common::{clinic, code, nowhere, paired_with, registration, sign_in_owner, start, Workbench};
use glabella_core::audit::AuditFilter;
use glabella_core::booking::calls::CallListQuery;
use serde_json::{json, Value};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn files_and_printing_happen_at_the_workstation() {
    let dir = clinic();
    let (server, address) = start(dir.path()).await;
    let desk = tempfile::tempdir().unwrap(); // the workstation's own disk
    let saved = desk.path().join("Documents");
    std::fs::create_dir(&saved).unwrap();
    let printed = desk.path().join("printer");
    let list = desk.path().join("patients.csv");
    std::fs::write(&list, "First name,Last name,DOB\nAnn,Lee,1980-02-03\nBo,Kim,1975-06-07\n").unwrap();
    let here = Arc::new(Workbench { saved: Some(saved.clone()), open: Some(list), printed: printed.clone() });
    let (_, link) = paired_with(&server, &address, "Front desk", here).await;
    sign_in_owner(&link).await;
    link.call("patients::register_patient", registration("Cara", "Diaz", "1990-01-01")).await.unwrap();

    // The audit log as CSV, saved where the workstation's dialog chose.
    let name = link.call("audit::export_audit_csv", json!({ "filter": AuditFilter::default() })).await.unwrap();
    assert_eq!(name, json!("glabella-audit.csv"));
    let audit = std::fs::read_to_string(saved.join("glabella-audit.csv")).unwrap();
    assert!(audit.lines().count() >= 3, "the header, the sign-in and the registration:\n{audit}");

    // The whole clinic as a zip, streamed from the server in pieces: a real archive.
    let exported = link.call("export::export_everything_csv", Value::Null).await.unwrap();
    assert_eq!(exported["counts"]["patients"], json!(1));
    let file = std::fs::File::open(saved.join(exported["fileName"].as_str().unwrap())).unwrap();
    let mut archive = zip::ZipArchive::new(file).unwrap();
    let mut patients = String::new();
    archive.by_name("patients.csv").unwrap().read_to_string(&mut patients).unwrap();
    assert!(patients.contains("Cara") && patients.contains("Diaz"), "{patients}");
    let left: Vec<_> = files_in(&saved).into_iter().filter(|f| f.to_string_lossy().ends_with(".part")).collect();
    assert!(left.is_empty(), "no half-saved file is left: {left:?}");

    // A patient list, picked in the workstation's open dialog and previewed on the server.
    let preview = link.call("imports::choose_import_file", Value::Null).await.unwrap();
    assert_eq!((preview["fileName"].clone(), preview["rows"].clone()), (json!("patients.csv"), json!(2)));

    // The recall list, printed on the workstation's printer.
    link.call("calls::print_call_list", json!({ "query": CallListQuery::default() })).await.unwrap();
    let pdfs = files_in(&printed);
    assert_eq!(pdfs.len(), 1, "{pdfs:?}");
    assert!(std::fs::read(&pdfs[0]).unwrap().starts_with(b"%PDF"));

    // None of it is on the server's disk.
    let on_server: Vec<PathBuf> = files_in(dir.path())
        .into_iter()
        .filter(|f| {
            let name = f.file_name().unwrap().to_string_lossy().into_owned();
            name.ends_with(".csv") || name.ends_with(".zip") || name.ends_with(".pdf") || name.ends_with(".part")
        })
        .collect();
    assert!(on_server.is_empty(), "the server wrote {on_server:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cancelled_dialog_saves_nothing_and_a_broken_printer_says_so() {
    let dir = clinic();
    let (server, address) = start(dir.path()).await;
    let (_, link) = paired_with(&server, &address, "Treatment room", nowhere()).await;
    sign_in_owner(&link).await;
    let before = link.call("audit::list_audit", json!({ "filter": AuditFilter::default() })).await.unwrap();

    // Every dialog of `nowhere` is cancelled: nothing is saved, read or audited.
    let export = link.call("audit::export_audit_csv", json!({ "filter": AuditFilter::default() })).await;
    assert_eq!(export.unwrap(), Value::Null);
    assert_eq!(link.call("imports::choose_import_file", Value::Null).await.unwrap(), Value::Null);
    let after = link.call("audit::list_audit", json!({ "filter": AuditFilter::default() })).await.unwrap();
    assert_eq!(entries(&after), entries(&before), "nothing was audited");

    // A printer that cannot print: the person is told, as the app tells them.
    let desk = tempfile::tempdir().unwrap();
    let not_a_folder = desk.path().join("printer");
    std::fs::write(&not_a_folder, b"a file where the printer's folder should be").unwrap();
    let broken = Arc::new(Workbench { printed: not_a_folder, ..Default::default() });
    let (_, other) = paired_with(&server, &address, "Back office", broken).await;
    sign_in_owner(&other).await;
    let printed = other.call("calls::print_call_list", json!({ "query": CallListQuery::default() })).await;
    assert_eq!(code(printed), "print.failed");

    // The backup folder belongs to the server's own computer.
    let refused = link.call("backups::choose_backup_folder", Value::Null).await;
    assert_eq!(code(refused), "validation");
}

fn entries(audit: &Value) -> usize {
    audit.as_array().expect("the audit entries").len()
}

/// Every file under `dir`.
fn files_in(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            files.extend(files_in(&path));
        } else {
            files.push(path);
        }
    }
    files
}
