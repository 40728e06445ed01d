//! From a chosen file to a table of cells: read whole (with a size limit), refused if
//! it is not text, decoded (UTF-8 with or without BOM, else Windows-1252), split into
//! records by the `csv` crate (quoted cells may hold delimiters and line breaks), the
//! delimiter guessed from the first rows unless chosen.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use sha2::{Digest, Sha256};

use super::{Delimiter, TextEncoding};
use crate::{Error, Result};

/// The largest file read, in bytes: a patient list of 100,000 rows is far smaller.
pub const MAX_FILE_BYTES: u64 = 50 * 1024 * 1024;

/// The most rows (below the header) one import takes.
pub const MAX_ROWS: usize = 100_000;

const NOT_TEXT: &str =
    "This is not a CSV text file. In the spreadsheet, save the list with \"Save as\" → \"CSV\" and choose that file.";

/// The native "Open" dialog (or, in the end-to-end tests, a stand-in file): the file a
/// person picks for the core to read (a patient list to import).
pub trait OpenDialog: Send + Sync {
    /// Asks which file on this computer to open, titled `title`, offering files of type
    /// `filter` (e.g. "CSV") ending in one of `extensions`; `None` if the person cancelled.
    fn choose_file(&self, title: &str, filter: &str, extensions: &[&str]) -> Option<PathBuf> {
        let _ = (title, filter, extensions);
        None
    }

    /// Asks which file to open ([`OpenDialog::choose_file`]) and reads it; `None` if the
    /// person cancelled.
    fn open(&self, title: &str, filter: &str, extensions: &[&str]) -> Result<Option<CsvFile>> {
        self.choose_file(title, filter, extensions).map(|path| CsvFile::read(&path)).transpose()
    }
}

/// A chosen file, read whole.
#[derive(Debug, Clone)]
pub struct CsvFile {
    pub name: String,
    pub bytes: Vec<u8>,
    /// The SHA-256 of the bytes, in hex.
    pub sha256: String,
}

impl CsvFile {
    /// Reads the file at `path`, refusing one over [`MAX_FILE_BYTES`] before reading it.
    pub fn read(path: &Path) -> Result<CsvFile> {
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let unreadable = |e: std::io::Error| Error::invalid("file", format!("{name} could not be read: {e}"));
        let size = std::fs::metadata(path).map_err(unreadable)?.len();
        if size > MAX_FILE_BYTES {
            return Err(Error::invalid(
                "file",
                format!(
                    "{name} is {:.0} MB; Glabella imports files of up to {} MB. Split the list into smaller files.",
                    size as f64 / 1_048_576.0,
                    MAX_FILE_BYTES / 1_048_576
                ),
            ));
        }
        CsvFile::from_bytes(&name, std::fs::read(path).map_err(unreadable)?)
    }

    /// A file's bytes, refused if empty or not text (a spreadsheet's own format, a
    /// picture, a file saved as UTF-16).
    pub fn from_bytes(name: &str, bytes: Vec<u8>) -> Result<CsvFile> {
        if bytes.iter().all(|b| b.is_ascii_whitespace()) {
            return Err(Error::invalid("file", format!("{name} is empty.")));
        }
        let head = &bytes[..bytes.len().min(64 * 1024)];
        let controls = head.iter().filter(|&&b| b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0c)).count();
        if head.contains(&0) || controls * 100 > head.len() {
            return Err(Error::invalid("file", NOT_TEXT));
        }
        let sha256 = Sha256::digest(&bytes).iter().map(|b| format!("{b:02x}")).collect();
        Ok(CsvFile { name: name.to_string(), bytes, sha256 })
    }

    /// The encoding the bytes are most likely in: UTF-8 if they are valid UTF-8.
    pub fn detect_encoding(&self) -> TextEncoding {
        if std::str::from_utf8(&self.bytes).is_ok() {
            TextEncoding::Utf8
        } else {
            TextEncoding::Windows1252
        }
    }

    /// The text, decoded as `encoding` (a UTF-8 byte-order mark dropped; bytes that do
    /// not fit shown as �).
    pub fn text(&self, encoding: TextEncoding) -> String {
        match encoding {
            TextEncoding::Utf8 => encoding_rs::UTF_8.decode_with_bom_removal(&self.bytes).0.into_owned(),
            TextEncoding::Windows1252 => {
                encoding_rs::WINDOWS_1252.decode_without_bom_handling(&self.bytes).0.into_owned()
            }
        }
    }
}

/// The delimiter that splits the first rows of `text` most consistently into the most
/// columns (comma if none splits anything).
pub fn detect_delimiter(text: &str) -> Delimiter {
    let score = |d: Delimiter| {
        let mut reader = reader(text, d);
        let counts: Vec<usize> = reader.records().take(50).map_while(|r| r.ok()).map(|r| r.len()).collect();
        let columns = counts.first().copied().unwrap_or(0);
        let consistent = counts.iter().filter(|&&c| c == columns).count();
        if columns > 1 {
            (consistent, columns)
        } else {
            (0, 0)
        }
    };
    Delimiter::ALL.into_iter().max_by_key(|d| score(*d)).filter(|d| score(*d).1 > 1).unwrap_or(Delimiter::Comma)
}

fn reader(text: &str, delimiter: Delimiter) -> csv::Reader<&[u8]> {
    csv::ReaderBuilder::new().has_headers(false).flexible(true).delimiter(delimiter.byte()).from_reader(text.as_bytes())
}

/// The file's rows: the header, then each non-blank row with its number as a
/// spreadsheet shows it (the header is row 1).
pub struct Table {
    pub headers: Vec<String>,
    pub rows: Vec<(u32, Vec<String>)>,
}

/// Splits `text` into a [`Table`]; refuses a file with no header or over [`MAX_ROWS`].
pub fn table(text: &str, delimiter: Delimiter) -> Result<Table> {
    let mut records = reader(text, delimiter).into_records();
    let headers: Vec<String> = match records.next() {
        Some(Ok(header)) => header.iter().map(|h| h.trim().to_string()).collect(),
        _ => return Err(Error::invalid("file", "The file has no header row.")),
    };
    let mut rows = Vec::new();
    for (index, record) in records.enumerate() {
        let number = index as u32 + 2;
        let record = record.map_err(|e| Error::invalid("file", format!("Row {number} cannot be read: {e}")))?;
        if record.iter().all(|cell| cell.trim().is_empty()) {
            continue;
        }
        if rows.len() == MAX_ROWS {
            return Err(Error::invalid(
                "file",
                format!(
                    "This file has more than {MAX_ROWS} rows; Glabella imports up to {MAX_ROWS} at a time. Split the list into smaller files."
                ),
            ));
        }
        rows.push((number, record.iter().map(str::to_string).collect()));
    }
    Ok(Table { headers, rows })
}

/// The file chosen for an import, held between its preview and the import so the page
/// never handles it: one at a time (a new choice replaces it), named by a token.
#[derive(Debug, Default)]
pub struct Held(Mutex<Option<(String, Arc<CsvFile>)>>);

impl Held {
    /// Holds `file`; the token that names it.
    pub fn hold(&self, file: CsvFile) -> String {
        let token = format!("{:016x}", fastrand::u64(..));
        *self.0.lock().unwrap_or_else(|p| p.into_inner()) = Some((token.clone(), Arc::new(file)));
        token
    }

    /// The file held under `token`.
    pub fn get(&self, token: &str) -> Result<Arc<CsvFile>> {
        match &*self.0.lock().unwrap_or_else(|p| p.into_inner()) {
            Some((held, file)) if held == token => Ok(file.clone()),
            _ => Err(Error::invalid("file", "That file is no longer open for importing; choose it again.")),
        }
    }

    /// Lets go of the file held under `token` (after its import).
    pub fn release(&self, token: &str) {
        let mut held = self.0.lock().unwrap_or_else(|p| p.into_inner());
        if held.as_ref().is_some_and(|(t, _)| t == token) {
            *held = None;
        }
    }
}
