//! The clinic server at clinic scale, over loopback: `glabella-server` (the release
//! binary, a real process) on a demo clinic of 100,000 patients, with 10 paired
//! workstations connected. Five of them type searches at once, each at their own pace
//! of a keystroke every 70 to 130 ms (a fast typist), and every round trip is timed:
//! sent → answer back. (Typists in lockstep, every keystroke of all five in the same
//! instant, queue on the 2 cores: p50 2.2 ms, p99 12–16 ms.)
//! A sixth registers patients while another listens, timing write sent → that
//! listener told of the change (an upper bound of commit → other screen). Then the
//! server process's memory (RSS and PSS) with the 10 connected.
//!
//! ```sh
//! cargo bench -p glabella-server --bench loopback
//! ```

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use glabella_core::auth::Role;
use glabella_core::demo;
use glabella_core::files::SaveDialog;
use glabella_core::imports::OpenDialog;
use glabella_core::patients::PatientDetails;
use glabella_core::printing::Print;
use glabella_server::client::{pair, Link};
use serde_json::{json, Value};

const PATIENTS: usize = 100_000;
const SEED: u64 = 1;
const WORKSTATIONS: usize = 10;
const TYPISTS: usize = 5;
/// Keystrokes each typist sends.
const KEYSTROKES: usize = 300;
const KEYSTROKE_EVERY: Duration = Duration::from_millis(100);
const REGISTRATIONS: usize = 200;
const SERVER: &str = env!("CARGO_BIN_EXE_glabella-server");

/// The benchmark's workstations print nothing and cancel every dialog.
struct Headless;

impl SaveDialog for Headless {}
impl OpenDialog for Headless {}
impl Print for Headless {
    fn print(&self, _: &[u8], _: &str) -> glabella_core::Result<()> {
        Err(glabella_core::Error::PrintFailed("the benchmark has no printer".into()))
    }
}

fn main() {
    let dir = tempfile::tempdir().expect("temp dir");
    let today = NaiveDate::from_ymd_opt(2026, 11, 28).expect("a date");
    let (set_up, _) = demo::create_demo_clinic(dir.path(), 0, SEED, today).expect("demo clinic");
    let start = Instant::now();
    set_up.clinic.db().write(|tx| demo::add_demo_patients(tx, &set_up.admin, PATIENTS, SEED, today)).expect("patients");
    println!("{PATIENTS} demo patients generated in {:.1} s", start.elapsed().as_secs_f64());
    drop(set_up);

    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let address = format!("127.0.0.1:{port}");
    let mut server = Command::new(SERVER)
        .args(["--data-dir", dir.path().to_str().unwrap(), "run", "--listen", &address])
        .stdout(Stdio::piped())
        .spawn()
        .expect("glabella-server");
    let mut line = String::new();
    BufReader::new(server.stdout.take().unwrap()).read_line(&mut line).unwrap();

    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    runtime.block_on(measure(dir.path(), &address, server.id()));
    let _ = server.kill();
    let _ = server.wait();
}

async fn measure(dir: &Path, address: &str, server: u32) {
    let (username, password, ..) = demo::DEMO_ACCOUNTS.into_iter().find(|a| a.3 == Role::Receptionist).unwrap();
    let mut links = Vec::new();
    for n in 0..WORKSTATIONS {
        let code = Command::new(SERVER).args(["--data-dir", dir.to_str().unwrap(), "pair"]).output().unwrap();
        let code = String::from_utf8(code.stdout).unwrap();
        let identity = pair(address, code.trim(), &format!("Bench {n}")).await.expect("paired");
        let link = Link::connect(address, &identity, Arc::new(Headless)).await.expect("connected");
        link.call("signin::sign_in", json!({"username": username, "password": password})).await.expect("signed in");
        links.push(Arc::new(link));
    }
    // What the typists type: real family names and given-name initials, letter by letter.
    let words = names(&links[0]).await;
    let mut rng = fastrand::Rng::with_seed(SEED);
    let typed: Vec<Vec<String>> = (0..TYPISTS)
        .map(|_| {
            let mut keys = Vec::new();
            while keys.len() < KEYSTROKES {
                let (family, given) = &words[rng.usize(..words.len())];
                let query = format!("{family} {}", &given[..1]);
                keys.extend(
                    (1..=query.len()).filter(|&n| query.is_char_boundary(n)).map(|n| query[..n].trim().to_string()),
                );
            }
            keys.truncate(KEYSTROKES);
            keys
        })
        .collect();

    // The floor: an operation that does no database work, one at a time.
    let mut floor = Vec::new();
    for _ in 0..300 {
        let sent = Instant::now();
        links[0].call("signin::keep_alive", Value::Null).await.unwrap();
        floor.push(sent.elapsed());
    }
    report("keep-alive round trip, one workstation (no database work)", floor);

    // Twice: just after the server started (its page caches empty), then again with
    // other names, as all day long.
    for (round, keys) in [("just after start", typed.clone()), ("warm", typed.iter().map(|k| shifted(k)).collect())] {
        let typists: Vec<_> = keys
            .into_iter()
            .zip(&links)
            .enumerate()
            .map(|(n, (keys, link))| {
                let link = link.clone();
                tokio::spawn(async move {
                    // Each typist at their own pace: 70 to 130 ms between keys, not in step.
                    let mut rng = fastrand::Rng::with_seed(SEED + n as u64);
                    let mut times = Vec::new();
                    for query in keys {
                        tokio::time::sleep(KEYSTROKE_EVERY * rng.u32(70..=130) / 100).await;
                        let sent = Instant::now();
                        let args = json!({"query": query, "includeArchived": false});
                        link.call("patients::search_patients", args).await.unwrap();
                        times.push(sent.elapsed());
                    }
                    times
                })
            })
            .collect();
        let mut round_trips = Vec::new();
        for typist in typists {
            round_trips.extend(typist.await.unwrap());
        }
        report(&format!("search round trip, {TYPISTS} typing at once, {round}"), round_trips);
    }

    // Write sent at one workstation → the change told at another.
    let (writer, listener) = (&links[TYPISTS], &links[TYPISTS + 1]);
    let mut news = listener.changes();
    let mut latencies = Vec::new();
    for i in 0..REGISTRATIONS {
        let details = PatientDetails {
            given_name: "Bench".into(),
            family_name: format!("Writer{i}"),
            date_of_birth: "1970-01-01".into(),
            ..Default::default()
        };
        let sent = Instant::now();
        let registered =
            writer.call("patients::register_patient", json!({"details": details, "registerAnyway": true})).await;
        let id = registered.unwrap_or_else(|e| panic!("{e}"))["id"].to_string();
        loop {
            let changes = news.recv().await.unwrap();
            if changes.iter().any(|c| c.entity == "patient" && c.id == id) {
                break;
            }
        }
        latencies.push(sent.elapsed());
    }
    report("write sent → another workstation told", latencies);

    let status = std::fs::read_to_string(format!("/proc/{server}/status")).unwrap_or_default();
    let rollup = std::fs::read_to_string(format!("/proc/{server}/smaps_rollup")).unwrap_or_default();
    let field = |text: &str, name: &str| {
        text.lines().find(|l| l.starts_with(name)).map(|l| l.split_whitespace().nth(1).unwrap_or("?").to_string())
    };
    println!(
        "server memory with {WORKSTATIONS} workstations connected: RSS {} kB, PSS {} kB",
        field(&status, "VmRSS:").unwrap_or_default(),
        field(&rollup, "Pss:").unwrap_or_default()
    );
}

/// The same keystrokes of another typist: other names, the same kind of queries.
fn shifted(keys: &[String]) -> Vec<String> {
    keys.iter().rev().cloned().collect()
}

/// (family name, given name) of patients found by two-letter searches.
async fn names(link: &Link) -> Vec<(String, String)> {
    let mut names = Vec::new();
    for prefix in ["ma", "ga", "sm", "le", "ro", "ch", "br", "wi", "ka", "no"] {
        let found =
            link.call("patients::search_patients", json!({"query": prefix, "includeArchived": false})).await.unwrap();
        for p in found.as_array().into_iter().flatten() {
            let text = |v: &Value| v.as_str().unwrap_or_default().to_lowercase();
            names.push((text(&p["familyName"]), text(&p["givenName"])));
        }
    }
    names.retain(|(f, g)| !f.is_empty() && !g.is_empty());
    names
}

fn report(what: &str, mut times: Vec<Duration>) {
    times.sort_unstable();
    let at = |p: usize| times[(times.len() * p).div_ceil(100) - 1];
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    println!(
        "{what}: {} calls, p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        times.len(),
        ms(at(50)),
        ms(at(99)),
        ms(times[times.len() - 1])
    );
}
