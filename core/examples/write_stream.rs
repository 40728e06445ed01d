//! The writer of the crash test (`scripts/crash-test.sh`): a stream of confirmed writes
//! through the core's API, to be killed with SIGKILL at a random moment.
//!
//! ```text
//! write_stream setup DIR          a new clinic (owner / "crash test password", cheap KDF)
//! write_stream write DIR ROUND    registers patients until killed, one transaction each;
//!                                 prints each id on stdout once the call has returned
//! write_stream verify DIR FILE    every "ROUND ID" line of FILE is a patient of that round
//! ```
//!
//! A line on stdout means "confirmed": it is written and flushed only after
//! `api::patients::register_patient` returned `Ok`, i.e. after the commit.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use glabella_core::api;
use glabella_core::auth::settings::ClinicSettings;
use glabella_core::auth::users::NewUser;
use glabella_core::auth::Role;
use glabella_core::clinic::Clinic;
use glabella_core::db::keys::KdfParams;
use glabella_core::patients::{self, PatientDetails};

const USER: &str = "owner";
const PASSWORD: &str = "crash test password";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.iter().map(String::as_str).collect::<Vec<_>>()[..] {
        ["setup", dir] => setup(Path::new(dir)),
        ["write", dir, round] => write(Path::new(dir), round),
        ["verify", dir, file] => verify(Path::new(dir), Path::new(file)),
        _ => Err("usage: write_stream setup DIR | write DIR ROUND | verify DIR FILE".into()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("write_stream: {message}");
            ExitCode::FAILURE
        }
    }
}

fn setup(dir: &Path) -> Result<(), String> {
    let settings = ClinicSettings {
        clinic_name: "Crash Test Clinic".into(),
        clinic_address: String::new(),
        clinic_phone: String::new(),
        idle_lock_minutes: 10,
        time_zone: "".into(),
        date_format: Default::default(),
        time_format: Default::default(),
    };
    let owner = NewUser {
        username: USER.into(),
        display_name: "Crash Owner".into(),
        role: Role::Admin,
        password: PASSWORD.into(),
    };
    Clinic::setup_with(dir, &settings, &owner, KdfParams::INSECURE_FAST).map_err(|e| e.to_string())?;
    Ok(())
}

/// The patient of round `round` number `n`: a name that says which write it was.
fn patient(round: &str, n: u64) -> PatientDetails {
    PatientDetails {
        given_name: format!("Round{round}"),
        family_name: format!("Write{n}"),
        date_of_birth: "1980-01-01".into(),
        phone: format!("555 {n:04}"),
        ..Default::default()
    }
}

fn write(dir: &Path, round: &str) -> Result<(), String> {
    let (clinic, actor) = Clinic::sign_in(dir, USER, PASSWORD).map_err(|e| e.to_string())?;
    let mut out = std::io::stdout().lock();
    for n in 0.. {
        let registered = api::patients::register_patient(&clinic, &actor, &patient(round, n), true);
        let id = registered.map_err(|e| e.to_string())?.id;
        // Confirmed: the transaction has committed. One write per line, then flushed.
        out.write_all(format!("{round} {id} {n}\n").as_bytes())
            .and_then(|()| out.flush())
            .map_err(|e| e.to_string())?;
    }
    Ok(())
}

fn verify(dir: &Path, file: &Path) -> Result<(), String> {
    let (clinic, actor) = Clinic::sign_in(dir, USER, PASSWORD).map_err(|e| e.to_string())?;
    let text = std::fs::read_to_string(file).map_err(|e| format!("{}: {e}", file.display()))?;
    let mut confirmed = 0;
    // A last line without its newline was being written when the kill came: not confirmed.
    for line in text.split_inclusive('\n').filter(|l| l.ends_with('\n')) {
        let [round, id, n] = line.split_whitespace().collect::<Vec<_>>()[..] else {
            return Err(format!("not a confirmation: {line:?}"));
        };
        let id: i64 = id.parse().map_err(|_| format!("not an id: {line:?}"))?;
        let expected = patient(round, n.parse().map_err(|_| format!("not a number: {line:?}"))?);
        let found =
            clinic.db().read(|c| patients::get_patient(c, &actor, id)).map_err(|e| format!("patient {id}: {e}"))?;
        if (found.details.given_name.as_str(), found.details.family_name.as_str())
            != (expected.given_name.as_str(), expected.family_name.as_str())
        {
            return Err(format!("patient {id} is not the one confirmed in {line:?}"));
        }
        confirmed += 1;
    }
    println!("{confirmed} confirmed writes present");
    Ok(())
}
