//! Files a person saves out of the app (exports, handout PDFs), files they open (a list
//! to import: the import's `OpenDialog`), and folders they pick. Where to is always the
//! person's choice in a native save dialog, which only the shell can show: it hands the
//! core a [`SaveDialog`], and the core decides when to ask (before any database work,
//! never while a write is held) and writes the file into the [`SaveTarget`] it gives.
//! The page never names a path. On the clinic server the dialogs and the printer are
//! the workstation's (the API's `Peripherals`).

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use crate::db::{DB_FILE, KEY_FILE};
use crate::{Error, Result};

/// The native "Save as" dialog (or, in the end-to-end tests, a stand-in folder).
pub trait SaveDialog: Send + Sync {
    /// Asks where to save a file on this computer, suggesting `file_name`; `None` if the
    /// person cancelled. `filter` names the file type (e.g. "CSV") whose extension is
    /// `extension`.
    fn choose(&self, file_name: &str, filter: &str, extension: &str) -> Option<PathBuf> {
        let _ = (file_name, filter, extension);
        None
    }

    /// Asks where to save a file and opens it there ([`SaveDialog::choose`] and a
    /// [`FileTarget`]; a dialog on another computer, the workstation seen from the
    /// clinic server, opens its own). `None` if the person cancelled.
    fn save_as(&self, file_name: &str, filter: &str, extension: &str) -> Result<Option<Box<dyn SaveTarget>>> {
        match self.choose(file_name, filter, extension) {
            Some(path) => Ok(Some(Box::new(FileTarget::create(&path)?))),
            None => Ok(None),
        }
    }

    /// Asks for a folder (a backup folder, or where a backup is), titled `title`;
    /// `None` if the person cancelled.
    fn choose_folder(&self, title: &str) -> Option<PathBuf> {
        let _ = title;
        None
    }
}

/// A file being saved where the person chose: written, then finished (every byte on
/// disk, still under a temporary name), then named. Dropped before it is named, it
/// leaves nothing behind, so a failure never leaves half a file under the chosen name.
pub trait SaveTarget: Write + Send {
    /// Makes sure every byte written is on disk, still under a temporary name.
    fn finish(&mut self) -> Result<()>;

    /// Gives the finished file the name the person chose; returns that name.
    fn name_it(self: Box<Self>) -> Result<String>;

    /// The person's message for writing having failed with `e`.
    fn failed(&self, e: std::io::Error) -> Error;
}

/// A file on this computer: written into a temporary file beside the chosen one,
/// flushed, then renamed over it. The clinic's own database and key files are never
/// overwritten.
pub struct FileTarget {
    name: String,
    dir: PathBuf,
    path: PathBuf,
    temp: PathBuf,
    out: Option<BufWriter<File>>,
    named: bool,
}

impl FileTarget {
    /// Starts the file that will be `path`.
    pub fn create(path: &Path) -> Result<FileTarget> {
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        if name.is_empty() || name == KEY_FILE || name.starts_with(DB_FILE) {
            return Err(Error::invalid(
                "file",
                format!("Glabella does not save over \"{name}\"; choose another name."),
            ));
        }
        let dir = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new(".")).to_path_buf();
        let temp = dir.join(format!(".{name}.part"));
        let mut target = FileTarget { name, dir, path: path.to_path_buf(), temp, out: None, named: false };
        match File::create(&target.temp) {
            Ok(file) => target.out = Some(BufWriter::with_capacity(1 << 20, file)),
            Err(e) => return Err(target.failed(e)),
        }
        Ok(target)
    }

    fn out(&mut self) -> std::io::Result<&mut BufWriter<File>> {
        self.out.as_mut().ok_or_else(|| std::io::Error::other("the file was already finished"))
    }
}

impl Write for FileTarget {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.out()?.write(buf)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        match &mut self.out {
            Some(out) => out.flush(),
            None => Ok(()), // finished: already on disk
        }
    }
}

impl SaveTarget for FileTarget {
    fn finish(&mut self) -> Result<()> {
        let Some(out) = self.out.take() else { return Ok(()) };
        let synced = out.into_inner().map_err(|e| e.into_error()).and_then(|file| file.sync_all());
        // The file is closed here: Windows refuses to rename a file that is still open.
        synced.map_err(|e| self.failed(e))
    }

    fn name_it(mut self: Box<Self>) -> Result<String> {
        self.finish()?;
        std::fs::rename(&self.temp, &self.path).map_err(|e| self.failed(e))?;
        self.named = true;
        Ok(self.name.clone())
    }

    fn failed(&self, e: std::io::Error) -> Error {
        Error::SaveFailed(format!("{} could not be saved in {}: {e}", self.name, self.dir.display()))
    }
}

impl Drop for FileTarget {
    fn drop(&mut self) {
        if !self.named {
            self.out = None;
            let _ = std::fs::remove_file(&self.temp);
        }
    }
}

/// Writes `bytes` to `path` whole ([`FileTarget`]). Returns the file's name.
pub fn save_file(path: &Path, bytes: &[u8]) -> Result<String> {
    save_bytes(Box::new(FileTarget::create(path)?), bytes)
}

/// Writes `bytes` into `target` and names it. Returns the file's name.
pub fn save_bytes(target: Box<dyn SaveTarget>, bytes: &[u8]) -> Result<String> {
    save_streamed(target, |out| Ok(out.write_all(bytes)?), |_| Ok(())).map(|(name, ())| name)
}

/// Saves a file too big to hold in memory (a whole clinic's export) into `target`:
/// `write` streams it; once every byte is on disk, `before_naming` runs with what
/// `write` returned (an export records its disclosure there), and only then does the
/// file take its name. If either fails, no file is left behind. Returns the file's
/// name and what `write` returned.
pub fn save_streamed<T>(
    mut target: Box<dyn SaveTarget>,
    write: impl FnOnce(&mut dyn Write) -> Result<T>,
    before_naming: impl FnOnce(&T) -> Result<()>,
) -> Result<(String, T)> {
    let written = (|| {
        let value = write(&mut *target)?;
        target.flush()?;
        target.finish()?;
        before_naming(&value)?;
        Ok(value)
    })();
    match written {
        Ok(value) => Ok((target.name_it()?, value)),
        Err(Error::Io(e)) => Err(target.failed(e)),
        Err(other) => Err(other),
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
    let Some(target) = dialog.save_as(file_name, filter, extension)? else { return Ok(None) };
    save_bytes(target, make()?.as_bytes()).map(Some)
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
