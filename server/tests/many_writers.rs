//! Several workstations writing at once through one server: the booking conflict
//! check decides between them, and the audit chain stays whole.

mod common;

use std::sync::Arc;
use std::time::Duration;

use common::{clinic, paired, registration, sign_in_owner, start};
use glabella_core::check;
use glabella_core::db::Change;
use glabella_core::db::{KeyFile, DB_FILE};
use glabella_server::client::LinkError;
use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn of_five_workstations_booking_one_slot_at_once_exactly_one_gets_it() {
    let dir = clinic();
    let (server, address) = start(dir.path()).await;
    let mut links = Vec::new();
    for n in 1..=5 {
        let (_, link) = paired(&server, &address, &format!("Room {n}")).await;
        sign_in_owner(&link).await;
        links.push(Arc::new(link));
    }
    let ines = json!({"user": {"username": "ines", "displayName": "Ines Injector", "role": "injector", "password": "injector password"}});
    let ines = links[0].call("users::create_user", ines).await.unwrap();
    let ann = links[0].call("patients::register_patient", registration("Ann", "Lee", "1980-01-01")).await.unwrap();
    let form = json!({"form": {"patientId": ann["id"], "injectorId": ines["id"], "roomId": null, "kind": "neurotoxin",
        "date": "2027-03-02", "time": "10:00", "minutes": 30, "note": "", "bookAnyway": true}});

    let mut news = links[4].changes();
    let barrier = Arc::new(tokio::sync::Barrier::new(links.len()));
    let tries: Vec<_> = links
        .iter()
        .map(|link| {
            let (link, form, barrier) = (link.clone(), form.clone(), barrier.clone());
            tokio::spawn(async move {
                barrier.wait().await;
                link.call("appointments::book_appointment", form).await
            })
        })
        .collect();
    let mut booked = Vec::new();
    for attempt in tries {
        match attempt.await.unwrap() {
            Ok(appointment) => booked.push(appointment),
            Err(LinkError::Remote(e)) => {
                assert_eq!((e.code.as_str(), e.field.as_deref()), ("validation", Some("injectorId")), "{e:?}")
            }
            Err(other) => panic!("{other:?}"),
        }
    }
    assert_eq!(booked.len(), 1, "exactly one workstation gets the slot");

    // Every workstation's day view hears of the booking (and of a check-in).
    heard(&mut news, "appointment.book").await;
    let id = &booked[0]["appointment"]["id"];
    links[1].call("appointments::set_appointment_status", json!({"id": id, "status": "arrived"})).await.unwrap();
    heard(&mut news, "appointment.status").await;
}

/// Waits (at most 5 seconds) for news of a change done by `action`.
async fn heard(news: &mut tokio::sync::broadcast::Receiver<Vec<Change>>, action: &str) {
    let wait = async { while !news.recv().await.unwrap().iter().any(|c| c.action == action) {} };
    tokio::time::timeout(Duration::from_secs(5), wait).await.unwrap_or_else(|_| panic!("no news of {action}"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_thousand_writes_from_three_workstations_leave_the_audit_chain_whole() {
    const EACH: usize = 334;
    let dir = clinic();
    let (server, address) = start(dir.path()).await;
    let mut writers = Vec::new();
    for n in 1..=3 {
        let (_, link) = paired(&server, &address, &format!("Desk {n}")).await;
        sign_in_owner(&link).await;
        writers.push(tokio::spawn(async move {
            for i in 0..EACH {
                let mut patient = registration(&format!("Writer{n}"), &format!("Patient{i}"), "1970-01-01");
                patient["registerAnyway"] = json!(true);
                link.call("patients::register_patient", patient).await.unwrap();
            }
        }));
    }
    for writer in writers {
        writer.await.unwrap();
    }

    // Read-only, beside the running server, as `glabella-admin check` does.
    let key = KeyFile::load(dir.path()).unwrap().unwrap_with_password("owner", "owner password").unwrap();
    let report = check::check(&dir.path().join(DB_FILE), &key).unwrap();
    assert_eq!(report.problems, 0, "{:#?}", report.lines);
    assert!(report.lines.iter().any(|l| l.contains("hash chain intact")), "{:#?}", report.lines);
    assert!(report.lines.contains(&format!("{} patient record(s)", 3 * EACH)), "{:#?}", report.lines);
}
