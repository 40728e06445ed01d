//! Sending a PDF to the default printer the way each system expects: CUPS's `lp` on
//! Linux and macOS ([`lp`]), Windows' own PDF renderer and GDI on Windows ([`windows`]:
//! no PDF viewer is needed, and the PDF never touches the disk). A printer that does not
//! answer within its time-out is given up on with a clear message; callers never print
//! while they hold the database's write lock.
//!
//! A handout carries patient data, so the file handed to `lp` leaves none behind: it
//! waits in a private spool folder inside the clinic's data folder under a random name
//! and is removed once `lp` has it; whatever a crash leaves there is swept away at the
//! next start ([`sweep_spool`]).
//!
//! Which printer is used is the caller's choice, a [`Printer`]: the system's, or — for
//! the end-to-end tests, which have no printer — a folder. The core reads no
//! environment variable for it; only the shell's end-to-end build picks the folder.

#[cfg(not(windows))]
mod lp;
#[cfg(windows)]
mod windows;

use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::{Error, Result};

/// How long the print command may take before it is given up on.
pub const PRINT_TIMEOUT: Duration = Duration::from_secs(30);

/// The private folder (inside the clinic's data folder) that holds PDFs on their way
/// to the printer.
pub const SPOOL_DIR: &str = "print-spool";

/// Something that prints a PDF: the clinic's printer (the `Clinic` itself),
/// or on the clinic server the printer of the workstation the call came from.
pub trait Print: Send + Sync {
    /// Prints `pdf`; `job` (e.g. `handout-12.pdf`, never a patient's name) names it.
    fn print(&self, pdf: &[u8], job: &str) -> Result<()>;
}

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
    /// Prints `pdf` on this printer; `spool` is the private folder `lp`'s file waits in
    /// ([`SPOOL_DIR`] in the clinic's folder). `job` (e.g. `handout-12.pdf`, never a
    /// patient's name) names the file in a [`Printer::ToFolder`] and the Windows print job.
    pub fn print(&self, spool: &Path, pdf: &[u8], job: &str) -> Result<()> {
        match self {
            Printer::ToFolder(dir) => {
                let written = std::fs::create_dir_all(dir).and_then(|()| std::fs::write(dir.join(job), pdf));
                written.map_err(|e| Error::PrintFailed(format!("The handout could not be printed: {e}.")))
            }
            #[cfg(not(windows))]
            Printer::System { timeout } => {
                let _ = job;
                lp::print(spool, pdf, *timeout)
            }
            #[cfg(windows)]
            Printer::System { timeout } => {
                let _ = spool;
                windows::print(pdf, job, *timeout)
            }
        }
    }
}

/// The printer did not answer within `limit`.
fn timed_out(limit: Duration) -> Error {
    Error::PrintFailed(format!(
        "The printer did not answer within {} seconds. Check that it is on and connected, or save the handout as a PDF instead.",
        limit.as_secs()
    ))
}

/// The printer (or the system's print service) refused the handout, for `why`.
fn refused(why: &str) -> Error {
    Error::PrintFailed(format!(
        "The handout could not be printed: {why}. Check the printer, or save it as a PDF instead."
    ))
}

/// Removes every file left in the spool folder `spool` (by a crash, or a print the
/// app did not outlive); called when the app starts.
pub fn sweep_spool(spool: &Path) {
    let Ok(entries) = std::fs::read_dir(spool) else { return };
    for entry in entries.flatten() {
        if entry.file_type().is_ok_and(|t| t.is_file()) {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}
