//! A clinic server on 127.0.0.1 over a temp clinic folder, and paired workstations.

#![allow(dead_code)] // each test file uses some of these

use std::path::PathBuf;
use std::sync::Arc;

use glabella_core::api::office::Office;
use glabella_core::api::signin::Desk;
use glabella_core::auth::settings::ClinicSettings;
use glabella_core::auth::users::NewUser;
use glabella_core::auth::Role;
use glabella_core::db::keys::KdfParams;
use glabella_core::files::SaveDialog;
use glabella_core::imports::OpenDialog;
use glabella_core::patients::PatientDetails;
use glabella_core::printing::{Print, Printer};
use glabella_server::client::{pair, Identity, Link, LinkError};
use glabella_server::serve::Server;
use serde_json::{json, Value};
use tokio::net::TcpListener;

/// A clinic set up in a temp folder with the owner (an administrator), closed again,
/// as the server finds it after a restart: the database locked until someone signs in.
pub fn clinic() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let desk = Desk::new(dir.path()).with_kdf(KdfParams::INSECURE_FAST);
    let settings = ClinicSettings {
        clinic_name: "Two Rooms Clinic".into(),
        clinic_address: String::new(),
        clinic_phone: "555 0100".into(),
        idle_lock_minutes: 10,
        time_zone: "Europe/London".into(),
        date_format: Default::default(),
        time_format: Default::default(),
    };
    let owner = NewUser {
        username: "owner".into(),
        display_name: "Olive Owner".into(),
        role: Role::Admin,
        password: "owner password".into(),
    };
    desk.setup_clinic(&settings, &owner).unwrap();
    desk.sign_out().unwrap();
    drop(desk);
    dir
}

/// The server on a free port of 127.0.0.1, serving until the test's runtime ends.
pub async fn start(dir: &std::path::Path) -> (Arc<Server>, String) {
    let server = Server::open(Office::new(dir).with_kdf(KdfParams::INSECURE_FAST)).unwrap();
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap().to_string();
    tokio::spawn(server.clone().serve(listener));
    (server, address)
}

/// A workstation's dialogs and printer: files are "saved" into `saved`, the "chosen"
/// file to open is `open` (nothing: cancelled), and PDFs are "printed" into `printed`.
/// With no `saved` folder the save dialog is cancelled.
#[derive(Default)]
pub struct Workbench {
    pub saved: Option<PathBuf>,
    pub open: Option<PathBuf>,
    pub printed: PathBuf,
}

impl SaveDialog for Workbench {
    fn choose(&self, file_name: &str, _: &str, _: &str) -> Option<PathBuf> {
        self.saved.as_ref().map(|dir| dir.join(file_name))
    }
}

impl OpenDialog for Workbench {
    fn choose_file(&self, _: &str, _: &str, _: &[&str]) -> Option<PathBuf> {
        self.open.clone()
    }
}

impl Print for Workbench {
    fn print(&self, pdf: &[u8], job: &str) -> glabella_core::Result<()> {
        Printer::ToFolder(self.printed.clone()).print(&self.printed, pdf, job)
    }
}

/// A workstation whose dialogs are always cancelled and whose printer is a temp folder.
pub fn nowhere() -> Arc<Workbench> {
    Arc::new(Workbench { printed: std::env::temp_dir().join("glabella-test-printed"), ..Default::default() })
}

pub async fn paired(server: &Server, address: &str, name: &str) -> (Identity, Link) {
    paired_with(server, address, name, nowhere()).await
}

/// A workstation paired and connected, with `here` for its dialogs and printer.
pub async fn paired_with(server: &Server, address: &str, name: &str, here: Arc<Workbench>) -> (Identity, Link) {
    let identity = pair(address, &server.pairing_code().unwrap(), name).await.unwrap();
    let link = Link::connect(address, &identity, here).await.unwrap();
    (identity, link)
}

pub fn code(result: Result<Value, LinkError>) -> String {
    match result {
        Err(LinkError::Remote(e)) => e.code,
        other => panic!("expected an operation's error, got {other:?}"),
    }
}

/// The arguments of `patients::register_patient` for a new patient.
pub fn registration(given: &str, family: &str, date_of_birth: &str) -> Value {
    let details = PatientDetails {
        given_name: given.into(),
        family_name: family.into(),
        date_of_birth: date_of_birth.into(),
        ..Default::default()
    };
    json!({ "details": details, "registerAnyway": false })
}

/// Signs `link` in as the clinic's owner, an administrator.
pub async fn sign_in_owner(link: &Link) {
    link.call("signin::sign_in", json!({"username": "owner", "password": "owner password"})).await.unwrap();
}
