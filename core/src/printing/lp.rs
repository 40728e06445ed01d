//! Printing with CUPS's `lp` (Linux and macOS). The file handed to `lp` leaves nothing
//! behind: it is written into the private spool folder (0700, the file 0600) under a
//! random name, never the patient's, and removed as soon as `lp` returns, since `lp` has
//! spooled its own copy by then (or failed).

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::{Error, Result};

/// Prints `pdf` with `lp`, its file waiting in `spool`, giving up after `timeout`.
pub fn print(spool: &Path, pdf: &[u8], timeout: Duration) -> Result<()> {
    let file = spool_file(spool, pdf)
        .map_err(|e| Error::PrintFailed(format!("The handout could not be prepared for printing: {e}.")))?;
    let result = run_with_timeout(print_command(&file), timeout);
    let _ = std::fs::remove_file(&file);
    result
}

/// A name that says nothing about the patient: `glabella-<16 random hex digits>.pdf`.
fn random_name() -> String {
    format!("glabella-{:016x}.pdf", fastrand::u64(..))
}

/// Creates the private spool folder (0700) if need be.
fn private_dir(dir: &Path) -> std::io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir)?;
    std::fs::set_permissions(dir, std::os::unix::fs::PermissionsExt::from_mode(0o700))?;
    Ok(())
}

/// Writes `pdf` into a new file (0600) with a random name in `spool`.
fn spool_file(spool: &Path, pdf: &[u8]) -> std::io::Result<PathBuf> {
    private_dir(spool)?;
    let path = spool.join(random_name());
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let written = options.open(&path).and_then(|mut file: File| {
        file.write_all(pdf)?;
        file.sync_all()
    });
    if let Err(e) = written {
        let _ = std::fs::remove_file(&path);
        return Err(e);
    }
    Ok(path)
}

fn print_command(file: &Path) -> Command {
    let mut command = Command::new("lp");
    command.arg(file);
    command
}

/// Runs the print command, killing it after `limit`.
fn run_with_timeout(mut command: Command, limit: Duration) -> Result<()> {
    let mut child = command.stdin(Stdio::null()).stdout(Stdio::null()).stderr(Stdio::piped()).spawn().map_err(|e| {
        Error::PrintFailed(format!(
            "The handout could not be printed: the print service is not available ({e}). Save it as a PDF instead."
        ))
    })?;
    let deadline = Instant::now() + limit;
    loop {
        if let Some(status) = child.try_wait()? {
            if status.success() {
                return Ok(());
            }
            let mut stderr = String::new();
            if let Some(mut err) = child.stderr.take() {
                let _ = std::io::Read::read_to_string(&mut err, &mut stderr);
            }
            return Err(super::refused(stderr.trim()));
        }
        if Instant::now() >= deadline {
            let _ = child.kill();
            let _ = child.wait();
            return Err(super::timed_out(limit));
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}
