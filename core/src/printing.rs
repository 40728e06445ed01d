//! Sending a PDF to the default printer the way each system expects: CUPS's `lp` on
//! Linux and macOS, the PDF viewer's "print" verb on Windows. A printer that does not
//! answer within its time-out is given up on with a clear message; callers never print
//! while they hold the database's write lock.
//!
//! A handout carries patient data, so the file handed to the print command leaves none
//! behind: it is written into a private spool folder (user-only, 0700 on Unix; inside
//! the per-user data folder on every system) under a random name, never the patient's,
//! and removed once the print command has it: at once where `lp` has spooled its own
//! copy, later on Windows, whose print verb reads the file after it returns. Whatever a
//! crash leaves there is swept away at the next start ([`sweep_spool`]).
//!
//! Which printer is used is the caller's choice, a [`Printer`]: the system's, or — for
//! the end-to-end tests, which have no printer — a folder. The core reads no
//! environment variable for it; only the shell's end-to-end build picks the folder.

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::{Error, Result};

/// How long the print command may take before it is given up on.
pub const PRINT_TIMEOUT: Duration = Duration::from_secs(30);

/// The private folder (inside the clinic's data folder) that holds PDFs on their way
/// to the printer.
pub const SPOOL_DIR: &str = "print-spool";

/// Where handouts are printed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Printer {
    /// The system's default printer, given up on after `timeout`.
    System { timeout: Duration },
    /// A stand-in for tests: each PDF is written into this folder.
    ToFolder(PathBuf),
}

impl Default for Printer {
    fn default() -> Self {
        Printer::System { timeout: PRINT_TIMEOUT }
    }
}

impl Printer {
    /// Prints `pdf` on this printer; `spool` is the private folder the system printer's
    /// file waits in ([`SPOOL_DIR`] in the clinic's folder). `job` (e.g. `handout-12.pdf`,
    /// never a patient's name) names the file only in a [`Printer::ToFolder`].
    pub fn print(&self, spool: &Path, pdf: &[u8], job: &str) -> Result<()> {
        match self {
            Printer::ToFolder(dir) => {
                let written = std::fs::create_dir_all(dir).and_then(|()| std::fs::write(dir.join(job), pdf));
                written.map_err(|e| Error::PrintFailed(format!("The handout could not be printed: {e}.")))
            }
            Printer::System { timeout } => {
                let file = spool_file(spool, pdf)
                    .map_err(|e| Error::PrintFailed(format!("The handout could not be prepared for printing: {e}.")))?;
                let result = run_with_timeout(print_command(&file), *timeout);
                remove_when_printed(file, result.is_ok());
                result
            }
        }
    }
}

/// A name that says nothing about the patient: `glabella-<16 random hex digits>.pdf`.
fn random_name() -> String {
    format!("glabella-{:016x}.pdf", fastrand::u64(..))
}

/// Creates the private spool folder (0700 on Unix) if need be.
fn private_dir(dir: &Path) -> std::io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir)?;
    #[cfg(unix)]
    std::fs::set_permissions(dir, std::os::unix::fs::PermissionsExt::from_mode(0o700))?;
    Ok(())
}

/// Writes `pdf` into a new file (0600 on Unix) with a random name in `spool`.
fn spool_file(spool: &Path, pdf: &[u8]) -> std::io::Result<PathBuf> {
    private_dir(spool)?;
    let path = spool.join(random_name());
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
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

/// Removes the printed file: at once where the print command has spooled its own copy
/// when it returns (`lp`), or whenever printing failed. The Windows print verb hands
/// the file to the PDF viewer, which opens it after the command returned and keeps it
/// open (and undeletable) while it prints, so there a thread tries again until the
/// viewer has let go; if the app ends first, [`sweep_spool`] removes it at the next start.
fn remove_when_printed(file: PathBuf, printed: bool) {
    if cfg!(not(windows)) || !printed {
        let _ = std::fs::remove_file(&file);
        return;
    }
    std::thread::spawn(move || {
        std::thread::sleep(Duration::from_secs(30)); // let the viewer open it
        for _ in 0..60 {
            if std::fs::remove_file(&file).is_ok() || !file.exists() {
                return;
            }
            std::thread::sleep(Duration::from_secs(10));
        }
    });
}

/// Removes every file left in the spool folder `spool` (by a crash, or a print the
/// app did not outlive); called when the app starts. Files still in use (Windows)
/// stay until the next time.
pub fn sweep_spool(spool: &Path) {
    let Ok(entries) = std::fs::read_dir(spool) else { return };
    for entry in entries.flatten() {
        if entry.file_type().is_ok_and(|t| t.is_file()) {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

#[cfg(not(windows))]
fn print_command(file: &Path) -> Command {
    let mut command = Command::new("lp");
    command.arg(file);
    command
}

#[cfg(windows)]
fn print_command(file: &Path) -> Command {
    let path = file.display().to_string().replace('\'', "''");
    let mut command = Command::new("powershell");
    command.args([
        "-NoProfile",
        "-NonInteractive",
        "-Command",
        &format!("Start-Process -FilePath '{path}' -Verb Print"),
    ]);
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
            return Err(Error::PrintFailed(format!(
                "The handout could not be printed: {}. Check the printer, or save it as a PDF instead.",
                stderr.trim()
            )));
        }
        if Instant::now() >= deadline {
            let _ = child.kill();
            let _ = child.wait();
            return Err(Error::PrintFailed(format!(
                "The printer did not answer within {} seconds. Check that it is on and connected, or save the handout as a PDF instead.",
                limit.as_secs()
            )));
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}
