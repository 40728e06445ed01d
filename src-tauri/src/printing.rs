//! Sending a handout to the printer the way each system expects: CUPS's `lp` on Linux
//! and macOS (the default printer), the PDF viewer's "print" verb on Windows.
//!
//! There is no printer on a test machine, so `GLABELLA_PRINT_TO_DIR` (set by the
//! end-to-end tests) makes "printing" write the PDF into that folder instead: the one
//! stand-in for real hardware in the app.

use std::path::PathBuf;
use std::process::Command;

use glabella_core::Error;

/// The test hook: print into this folder instead of to a printer.
const PRINT_TO_DIR_ENV: &str = "GLABELLA_PRINT_TO_DIR";

/// Prints `pdf` (handout number `id`).
pub fn print_pdf(pdf: &[u8], id: i64) -> Result<(), Error> {
    if let Some(dir) = std::env::var_os(PRINT_TO_DIR_ENV) {
        std::fs::create_dir_all(&dir)?;
        std::fs::write(PathBuf::from(dir).join(format!("handout-{id}.pdf")), pdf)?;
        return Ok(());
    }
    let file = std::env::temp_dir().join(format!("glabella-handout-{id}.pdf"));
    std::fs::write(&file, pdf)?;
    let result = send_to_printer(&file);
    // `lp` has spooled its own copy by the time it returns; the Windows print verb
    // reads the file later, so there it stays in the temp folder.
    if cfg!(not(windows)) {
        let _ = std::fs::remove_file(&file);
    }
    result
}

#[cfg(not(windows))]
fn send_to_printer(file: &std::path::Path) -> Result<(), Error> {
    let out = Command::new("lp").arg(file).output().map_err(|e| {
        Error::Internal(format!(
            "The handout could not be printed: CUPS (lp) is not available ({e}). Save it as a PDF instead."
        ))
    })?;
    if out.status.success() {
        Ok(())
    } else {
        Err(Error::Internal(format!(
            "The handout could not be printed: {}. Check the printer, or save it as a PDF instead.",
            String::from_utf8_lossy(&out.stderr).trim()
        )))
    }
}

#[cfg(windows)]
fn send_to_printer(file: &std::path::Path) -> Result<(), Error> {
    let path = file.display().to_string().replace('\'', "''");
    let status = Command::new("powershell")
        .args(["-NoProfile", "-NonInteractive", "-Command", &format!("Start-Process -FilePath '{path}' -Verb Print")])
        .status()?;
    if status.success() {
        Ok(())
    } else {
        Err(Error::Internal("The handout could not be printed; save it as a PDF instead.".into()))
    }
}
