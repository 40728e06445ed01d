//! Sending a PDF to the default printer the way each system expects: CUPS's `lp` on
//! Linux and macOS, the PDF viewer's "print" verb on Windows. A printer that does not
//! answer within [`PRINT_TIMEOUT`] is given up on with a clear message; callers never
//! print while they hold the database's write lock.
//!
//! There is no printer on a test machine, so `GLABELLA_PRINT_TO_DIR` (set by the
//! end-to-end tests) makes "printing" write the PDF into that folder instead: the one
//! stand-in for real hardware in the core. `GLABELLA_PRINT_TIMEOUT_SECONDS` shortens
//! the time-out, so a test need not wait half a minute for a hung printer.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::{Error, Result};

/// The test hook: print into this folder instead of to a printer.
const PRINT_TO_DIR_ENV: &str = "GLABELLA_PRINT_TO_DIR";
/// The test hook: give up on the printer after this many seconds.
const PRINT_TIMEOUT_ENV: &str = "GLABELLA_PRINT_TIMEOUT_SECONDS";

/// How long the print command may take before it is given up on.
pub const PRINT_TIMEOUT: Duration = Duration::from_secs(30);

fn timeout() -> Duration {
    std::env::var(PRINT_TIMEOUT_ENV).ok().and_then(|s| s.parse().ok()).map_or(PRINT_TIMEOUT, Duration::from_secs)
}

/// Prints `pdf`, named `name` (e.g. `handout-12.pdf`) for the print queue.
pub fn print_pdf(pdf: &[u8], name: &str) -> Result<()> {
    if let Some(dir) = std::env::var_os(PRINT_TO_DIR_ENV) {
        let printed = std::fs::create_dir_all(&dir).and_then(|()| std::fs::write(PathBuf::from(dir).join(name), pdf));
        return printed.map_err(|e| Error::PrintFailed(format!("The handout could not be printed: {e}.")));
    }
    let file = std::env::temp_dir().join(format!("glabella-{name}"));
    std::fs::write(&file, pdf)?;
    let result = run_with_timeout(print_command(&file));
    // `lp` has spooled its own copy by the time it returns; the Windows print verb
    // reads the file later, so there it stays in the temp folder.
    if cfg!(not(windows)) {
        let _ = std::fs::remove_file(&file);
    }
    result
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

/// Runs the print command, killing it after the time-out.
fn run_with_timeout(mut command: Command) -> Result<()> {
    let mut child = command.stdin(Stdio::null()).stdout(Stdio::null()).stderr(Stdio::piped()).spawn().map_err(|e| {
        Error::PrintFailed(format!(
            "The handout could not be printed: the print service is not available ({e}). Save it as a PDF instead."
        ))
    })?;
    let limit = timeout();
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
