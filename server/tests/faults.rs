//! The server as a real process, faulted: killed with SIGKILL during a stream of
//! writes from two workstations, and stopped with SIGSTOP for 10 seconds (a hung
//! server). The workstations notice, reconnect by themselves, and every write they
//! saw confirmed is there; the database passes its check.
#![cfg(unix)]

mod common;

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::Duration;

use common::{clinic, registration, sign_in_owner};
use glabella_core::check;
use glabella_core::db::{KeyFile, DB_FILE};
use glabella_server::client::{pair, Link, LinkError};
use serde_json::json;

const SERVER: &str = env!("CARGO_BIN_EXE_glabella-server");

/// A port that was free a moment ago on 127.0.0.1.
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// `glabella-server run` on `address`, once it says it is serving.
fn run_server(dir: &Path, address: &str) -> Child {
    let mut child = Command::new(SERVER)
        .args(["--data-dir", dir.to_str().unwrap(), "run", "--listen", address])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    assert!(line.contains("serving"), "{line}");
    child
}

fn pairing_code(dir: &Path) -> String {
    let out = Command::new(SERVER).args(["--data-dir", dir.to_str().unwrap(), "pair"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

fn signal(child: &Child, signal: &str) {
    assert!(Command::new("kill").args([signal, &child.id().to_string()]).status().unwrap().success());
}

async fn workstation(dir: &Path, address: &str, name: &str) -> Arc<Link> {
    let identity = pair(address, &pairing_code(dir), name).await.unwrap();
    let link = Link::connect(address, &identity, common::nowhere()).await.unwrap();
    sign_in_owner(&link).await;
    Arc::new(link)
}

/// Registers patients one after another until `stop`, signing in again whenever the
/// server says nobody is (after its restart). The ids it saw confirmed.
async fn write_until(link: Arc<Link>, name: &'static str, stop: tokio::sync::watch::Receiver<bool>) -> Vec<i64> {
    let mut confirmed = Vec::new();
    let mut i = 0;
    while !*stop.borrow() {
        i += 1;
        let mut patient = registration(name, &format!("Stream{i}"), "1975-05-05");
        patient["registerAnyway"] = json!(true);
        match link.call("patients::register_patient", patient).await {
            Ok(p) => confirmed.push(p["id"].as_i64().unwrap()),
            Err(LinkError::Remote(e)) if e.code == "auth.required" => sign_in_owner(&link).await,
            Err(other) => panic!("{other:?}"),
        }
    }
    confirmed
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_killed_mid_stream_loses_no_confirmed_write_and_the_workstations_come_back() {
    let dir = clinic();
    let address = format!("127.0.0.1:{}", free_port());
    let mut server = run_server(dir.path(), &address);
    let (a, b) = (workstation(dir.path(), &address, "Desk").await, workstation(dir.path(), &address, "Room").await);

    let (stop, stopped) = tokio::sync::watch::channel(false);
    let writers = [
        tokio::spawn(write_until(a.clone(), "Desk", stopped.clone())),
        tokio::spawn(write_until(b.clone(), "Room", stopped)),
    ];
    tokio::time::sleep(Duration::from_millis(1500)).await;
    signal(&server, "-KILL");
    server.wait().unwrap();
    let mut lost = a.connected();
    tokio::time::timeout(Duration::from_secs(10), lost.wait_for(|c| !c)).await.expect("the desk noticed").unwrap();

    let mut server = run_server(dir.path(), &address);
    for link in [&a, &b] {
        let mut back = link.connected();
        tokio::time::timeout(Duration::from_secs(15), back.wait_for(|c| *c)).await.expect("reconnected").unwrap();
    }
    tokio::time::sleep(Duration::from_millis(1500)).await; // writing on after the restart
    stop.send_replace(true);
    let mut confirmed = Vec::new();
    for writer in writers {
        confirmed.extend(writer.await.unwrap());
    }
    assert!(confirmed.len() > 10, "only {} writes confirmed", confirmed.len());
    for id in &confirmed {
        a.call("patients::open_patient_chart", json!({"id": id})).await.unwrap_or_else(|e| panic!("patient {id}: {e}"));
    }
    let key = KeyFile::load(dir.path()).unwrap().unwrap_with_password("owner", "owner password").unwrap();
    let report = check::check(&dir.path().join(DB_FILE), &key).unwrap();
    assert_eq!(report.problems, 0, "{:#?}", report.lines);
    signal(&server, "-KILL");
    server.wait().unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hung_server_is_noticed_and_a_call_made_meanwhile_is_answered_once_it_resumes() {
    let dir = clinic();
    let address = format!("127.0.0.1:{}", free_port());
    let mut server = run_server(dir.path(), &address);
    let desk = workstation(dir.path(), &address, "Desk").await;

    signal(&server, "-STOP");
    let call = {
        let desk = desk.clone();
        tokio::spawn(async move {
            desk.call("patients::register_patient", registration("Hana", "Hung", "1985-08-08")).await
        })
    };
    let mut connected = desk.connected();
    tokio::time::timeout(Duration::from_secs(10), connected.wait_for(|c| !c)).await.expect("the desk noticed").unwrap();
    tokio::time::sleep(Duration::from_secs(10)).await;
    assert!(!call.is_finished(), "the call waits for the server");
    signal(&server, "-CONT");

    let registered = tokio::time::timeout(Duration::from_secs(20), call).await.expect("answered").unwrap().unwrap();
    let found =
        desk.call("patients::search_patients", json!({"query": "hung", "includeArchived": false})).await.unwrap();
    assert_eq!(found.as_array().unwrap().len(), 1, "registered once: {found}");
    assert_eq!(found[0]["id"], registered["id"]);
    signal(&server, "-KILL");
    server.wait().unwrap();
}
