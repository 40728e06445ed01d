//! `glabella-server service-unit`: the systemd unit it prints runs this very binary on
//! the clinic folder and address given, and systemd itself finds nothing wrong with it.
#![cfg(target_os = "linux")]

use std::process::Command;

const SERVER: &str = env!("CARGO_BIN_EXE_glabella-server");

#[test]
fn the_service_unit_runs_this_server_on_the_clinic_folder_and_systemd_accepts_it() {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(SERVER)
        .args(["--data-dir", dir.path().to_str().unwrap(), "service-unit", "--listen", "192.168.1.10:7443"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let unit = String::from_utf8(out.stdout).unwrap();
    let exec = format!("ExecStart={SERVER} --data-dir {} run --listen 192.168.1.10:7443", dir.path().display());
    assert!(unit.lines().any(|l| l == exec), "{unit}");
    assert!(unit.lines().any(|l| l == format!("ReadWritePaths={}", dir.path().display())), "{unit}");
    assert!(unit.contains("User=glabella\n") && unit.contains("Restart=on-failure\n"), "{unit}");

    let file = dir.path().join("glabella-server.service");
    std::fs::write(&file, &unit).unwrap();
    match Command::new("systemd-analyze").arg("verify").arg(&file).output() {
        Ok(verified) => assert!(
            verified.status.success() && verified.stderr.is_empty(),
            "systemd-analyze verify: {}",
            String::from_utf8_lossy(&verified.stderr)
        ),
        Err(_) => eprintln!("systemd-analyze is not installed; the unit was not verified by systemd"),
    }
}
