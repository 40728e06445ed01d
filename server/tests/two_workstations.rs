//! Two workstations against one clinic server on 127.0.0.1, with the clinic's own
//! authority: pairing, mutual TLS, a sign-in per device, a patient registered at one
//! workstation found at the other (which also hears of it), a call sent twice run
//! once, and workstations the server does not know getting nothing.

mod common;

use std::time::Duration;

use common::{clinic, code, paired, registration, sign_in_owner, start};
use glabella_core::api::office::Office;
use glabella_core::db::Change;
use glabella_server::client::{pair, Identity, Link, LinkError};
use glabella_server::serve::Server;
use serde_json::{json, Value};

/// The next news of a change to a patient, waiting at most 5 seconds.
async fn patient_news(news: &mut tokio::sync::broadcast::Receiver<Vec<Change>>) -> Change {
    tokio::time::timeout(Duration::from_secs(5), async {
        loop {
            let changes = news.recv().await.unwrap();
            if let Some(change) = changes.into_iter().find(|c| c.entity == "patient") {
                return change;
            }
        }
    })
    .await
    .expect("no news of the patient within 5 seconds")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_patient_registered_at_the_desk_is_found_in_the_treatment_room() {
    let dir = clinic();
    let (server, address) = start(dir.path()).await;
    let (_, room) = paired(&server, &address, "Treatment room 1").await;
    let (_, front) = paired(&server, &address, "Front desk").await;
    assert_eq!(server.devices().list().len(), 2);

    // Nobody is signed in at either workstation yet, and the database is still locked.
    assert_eq!(
        code(front.call("patients::search_patients", json!({"query": "lee", "includeArchived": false})).await),
        "auth.required"
    );

    // The owner signs in from the treatment room (this unlocks the database) and adds a receptionist.
    sign_in_owner(&room).await;
    let rita = json!({"user": {"username": "rita", "displayName": "Rita Reception", "role": "receptionist", "password": "reception password"}});
    room.call("users::create_user", rita).await.unwrap();

    // The front desk is still nobody: a sign-in belongs to its workstation.
    assert_eq!(
        code(front.call("patients::search_patients", json!({"query": "lee", "includeArchived": false})).await),
        "auth.required"
    );
    let rita =
        front.call("signin::sign_in", json!({"username": "rita", "password": "reception password"})).await.unwrap();
    assert_eq!(rita["role"], "receptionist");

    // A workstation cannot name its own role: an unknown argument is refused.
    let sneaky = json!({"query": "lee", "includeArchived": false, "role": "admin"});
    assert_eq!(code(front.call("patients::search_patients", sneaky).await), "validation");

    let mut news = room.changes();
    let ann = front.call("patients::register_patient", registration("Ann", "Lee", "1980-01-01")).await.unwrap();
    let found =
        room.call("patients::search_patients", json!({"query": "lee", "includeArchived": false})).await.unwrap();
    assert_eq!(found.as_array().unwrap().len(), 1, "{found}");
    assert_eq!(found[0]["id"], ann["id"]);
    assert_eq!(found[0]["givenName"], "Ann");
    let change = patient_news(&mut news).await;
    assert_eq!((change.id.as_str(), change.action.as_str()), (ann["id"].to_string().as_str(), "patient.create"));

    // The same call sent twice (an answer lost on the way) registers once.
    let bea = registration("Bea", "Moss", "1990-02-02");
    let first = front.call_as("call-7", "patients::register_patient", bea.clone()).await;
    let again = front.call_as("call-7", "patients::register_patient", bea).await;
    assert_eq!(first, again);
    assert!(first.is_ok(), "{first:?}");
    let found =
        room.call("patients::search_patients", json!({"query": "moss", "includeArchived": false})).await.unwrap();
    assert_eq!(found.as_array().unwrap().len(), 1, "{found}");

    // The receptionist's role is decided on the server: no clinical notes for her.
    let session = front.call("sessions::open_session", json!({"id": 1})).await;
    assert_eq!(code(session), "auth.forbidden");

    // Settings → Workstations, for the administrator only.
    assert_eq!(code(front.call("workstations::list_workstations", Value::Null).await), "auth.forbidden");
    let listed = room.call("workstations::list_workstations", Value::Null).await.unwrap();
    let names: Vec<&str> = listed.as_array().unwrap().iter().map(|w| w["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["Treatment room 1", "Front desk"]);
    assert!(listed[1]["lastSeen"].is_string(), "{listed}");
    let here: Vec<bool> = listed.as_array().unwrap().iter().map(|w| w["thisComputer"].as_bool().unwrap()).collect();
    assert_eq!(here, [true, false], "the list marks the computer it is shown on");
    let own = room.call("workstations::revoke_workstation", json!({"id": listed[0]["id"]})).await;
    assert_eq!(code(own), "validation", "an administrator cannot cut off the computer they are using");
    let code = room.call("workstations::start_pairing", Value::Null).await.unwrap();
    pair(&address, code["code"].as_str().unwrap(), "Laptop").await.unwrap();
    room.call("workstations::revoke_workstation", json!({"id": listed[1]["id"]})).await.unwrap();
    let mut gone = front.connected();
    tokio::time::timeout(Duration::from_secs(5), gone.wait_for(|c| !c)).await.unwrap().unwrap();
    let listed = room.call("workstations::list_workstations", Value::Null).await.unwrap();
    assert_eq!(listed.as_array().unwrap().len(), 3);
    assert!(listed[1]["revokedAt"].is_string(), "{listed}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn workstations_the_server_does_not_know_get_nothing() {
    let dir = clinic();
    let (server, address) = start(dir.path()).await;

    // A wrong secret, and a code made by another clinic's server.
    let code = server.pairing_code().unwrap();
    let wrong = format!("ZZZZZZZZ{}", &code.replace('-', "")[8..]);
    assert!(matches!(pair(&address, &wrong, "Laptop").await, Err(LinkError::Refused(_))));
    let other = clinic();
    let other_code = Server::open(Office::new(other.path())).unwrap().pairing_code().unwrap();
    let refused = pair(&address, &other_code, "Laptop").await.unwrap_err();
    assert!(matches!(&refused, LinkError::Refused(m) if m.contains("not the one")), "{refused:?}");

    // A certificate the clinic's authority did not sign.
    let (stranger, _) = paired_elsewhere().await;
    assert!(matches!(Link::connect(&address, &stranger, common::nowhere()).await, Err(LinkError::Refused(_))));

    // A device that was paired, then revoked: its open connection closes, and it cannot come back.
    let (identity, link) = paired(&server, &address, "Old laptop").await;
    link.call("signin::app_status", Value::Null).await.unwrap();
    let id = server.devices().list()[0].id.clone();
    assert!(server.devices().revoke(&id, chrono::Utc::now()).unwrap());
    let mut connected = link.connected();
    tokio::time::timeout(Duration::from_secs(5), connected.wait_for(|c| !c)).await.unwrap().unwrap();
    let after = tokio::time::timeout(Duration::from_secs(2), link.call("signin::app_status", Value::Null)).await;
    assert!(after.is_err(), "a revoked device got an answer: {after:?}");
    // It is told why: revoked, not a network failure.
    let mut revoked = link.revoked();
    tokio::time::timeout(Duration::from_secs(5), revoked.wait_for(|r| *r)).await.unwrap().unwrap();
    let again = Link::connect(&address, &identity, common::nowhere()).await;
    assert!(matches!(again, Err(LinkError::Revoked)), "{:?}", again.err());
}

/// A workstation paired with another clinic's server.
async fn paired_elsewhere() -> (Identity, tempfile::TempDir) {
    let dir = clinic();
    let (server, address) = start(dir.path()).await;
    let identity = pair(&address, &server.pairing_code().unwrap(), "Elsewhere").await.unwrap();
    (identity, dir)
}
