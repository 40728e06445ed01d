//! Files a person saves out of the app (exports, handout PDFs), files they open (a list
//! to import: [`OpenDialog`]), and folders they pick. Where to is always the
//! person's choice in a native save dialog, which only the shell can show: it hands the
//! core a [`SaveDialog`], and the core decides when to ask (before any database work,
//! never while a write is held) and writes the file. The page never names a path.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use crate::db::{DB_FILE, KEY_FILE};
use crate::{Error, Result};

/// The native "Save as" dialog (or, in the end-to-end tests, a stand-in folder).
pub trait SaveDialog: Send + Sync {
    /// Asks where to save a file, suggesting `file_name`; `None` if the person cancelled.
    /// `filter` names the file type (e.g. "CSV") whose extension is `extension`.
    fn choose(&self, file_name: &str, filter: &str, extension: &str) -> Option<PathBuf>;

    /// Asks for a folder (a backup folder, or where a backup is), titled `title`;
    /// `None` if the person cancelled.
    fn choose_folder(&self, title: &str) -> Option<PathBuf> {
        let _ = title;
        None
    }
}

/// The native "Open" dialog (or, in the end-to-end tests, a stand-in file): the file a
/// person picks for the core to read (a patient list to import).
pub trait OpenDialog: Send + Sync {
    /// Asks which file to open, titled `title`, offering files of type `filter` (e.g.
    /// "CSV") ending in one of `extensions`; `None` if the person cancelled.
    fn choose_file(&self, title: &str, filter: &str, extensions: &[&str]) -> Option<PathBuf>;
}

/// Writes `bytes` to `path` whole: into a temporary file beside it, flushed, then
/// renamed over it, so a crash never leaves half a file under the chosen name. Returns
/// the file's name. The clinic's own database and key files are never overwritten.
pub fn save_file(path: &Path, bytes: &[u8]) -> Result<String> {
    save_streamed(path, |out| Ok(out.write_all(bytes)?), |_| Ok(())).map(|(name, ())| name)
}

/// [`save_file`] for a file too big to hold in memory (a whole clinic's export):
/// `write` streams it into the temporary file through a buffer; once every byte is on
/// disk, `before_naming` runs with what `write` returned (an export records its
/// disclosure there), and only then does the file take its name. If either fails, no
/// file is left behind. Returns the file's name and what `write` returned.
pub fn save_streamed<T>(
    path: &Path,
    write: impl FnOnce(&mut BufWriter<File>) -> Result<T>,
    before_naming: impl FnOnce(&T) -> Result<()>,
) -> Result<(String, T)> {
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    if name.is_empty() || name == KEY_FILE || name.starts_with(DB_FILE) {
        return Err(Error::invalid("file", format!("Glabella does not save over \"{name}\"; choose another name.")));
    }
    let dir = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let temp = dir.join(format!(".{name}.part"));
    let written = (|| {
        let mut out = BufWriter::with_capacity(1 << 20, File::create(&temp)?);
        let value = write(&mut out)?;
        let file = out.into_inner().map_err(|e| e.into_error())?;
        file.sync_all()?;
        drop(file); // Windows refuses to rename a file that is still open
        before_naming(&value)?;
        std::fs::rename(&temp, path)?;
        Ok(value)
    })();
    match written {
        Ok(value) => Ok((name, value)),
        Err(e) => {
            let _ = std::fs::remove_file(&temp);
            Err(match e {
                Error::Io(e) => Error::SaveFailed(format!("{name} could not be saved in {}: {e}", dir.display())),
                other => other,
            })
        }
    }
}

/// An export: asks `dialog` where to save `file_name`, then makes the file's text with
/// `make` (the transaction that reads and audits it) and saves it. `None` if the person
/// cancelled; `make` then never runs, so nothing is read or audited.
pub fn save_export(
    dialog: &dyn SaveDialog,
    file_name: &str,
    filter: &str,
    extension: &str,
    make: impl FnOnce() -> Result<String>,
) -> Result<Option<String>> {
    let Some(path) = dialog.choose(file_name, filter, extension) else { return Ok(None) };
    save_file(&path, make()?.as_bytes()).map(Some)
}

/// `text` made safe as part of a file name: letters, digits, `-` and `_` kept, the
/// rest `-`.
pub fn safe_name(text: &str) -> String {
    let name: String = text.trim().chars().map(|c| if c.is_alphanumeric() || c == '_' { c } else { '-' }).collect();
    if name.is_empty() {
        "export".into()
    } else {
        name
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn saves_whole_files_and_never_the_clinics_own() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(save_file(&dir.path().join("list.csv"), b"a,b\n").unwrap(), "list.csv");
        assert_eq!(std::fs::read(dir.path().join("list.csv")).unwrap(), b"a,b\n");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1, "no temporary file left behind");
        for name in [KEY_FILE, DB_FILE, "glabella.sqlite3-wal"] {
            std::fs::write(dir.path().join(name), b"keep").unwrap();
            assert_eq!(save_file(&dir.path().join(name), b"x").unwrap_err().code(), "validation");
            assert_eq!(std::fs::read(dir.path().join(name)).unwrap(), b"keep");
        }
        assert_eq!(safe_name(" C1234/5 "), "C1234-5");
    }
}
