//! One backup bundle: a folder holding an encrypted copy of the database, a copy of the
//! key file and a manifest. Made from a consistent snapshot while people keep working,
//! written under a temporary name and renamed when complete, then verified.

use std::collections::BTreeMap;
use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OpenFlags};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::audit::{self, AuditHead};
use crate::check;
use crate::clock;
use crate::db::{self, open_unlocked, DatabaseKey, KeyFile, DB_FILE, KEY_FILE, LATEST_VERSION};
use crate::{Error, Result};

/// What every bundle's folder name starts with; the rest is its UTC time to the
/// millisecond, `YYYYMMDD-HHMMSSmmm`, so names sort by age.
pub const BUNDLE_PREFIX: &str = "glabella-backup-";
/// The manifest's file name inside a bundle.
pub const MANIFEST_FILE: &str = "manifest.json";
/// The bundle format this build writes and reads.
pub const BUNDLE_FORMAT: u32 = 1;
/// A bundle still being written: `.<name>.partial`. Never taken for a backup.
const PARTIAL_SUFFIX: &str = ".partial";

/// What a bundle says of itself. It holds no patient data: counts and hashes only.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Manifest {
    /// The bundle format ([`BUNDLE_FORMAT`]).
    pub format: u32,
    /// The Glabella that wrote it.
    pub glabella_version: String,
    /// The database's schema version.
    pub schema_version: i64,
    /// When the snapshot was taken (UTC, ISO-8601).
    pub created_at: String,
    pub patients: i64,
    pub sessions: i64,
    pub audit_entries: i64,
    /// The hash of the newest audit row at the snapshot.
    pub audit_head: String,
    /// SHA-256 (lower-case hex) of each file of the bundle but the manifest.
    pub files: BTreeMap<String, String>,
}

/// Makes a bundle of the clinic in `data_dir` (open or not, by this process or
/// another) in the existing folder `dest`, at `now`, and returns its folder. A missing
/// `dest` is never created: it is a drive that is not plugged in. The database is copied by
/// SQLCipher's `sqlcipher_export` inside one read transaction, so the copy, its counts
/// and its audit head are one consistent snapshot, and it is encrypted with the same
/// key as the live file. Nothing in the live database is written or locked for writing.
pub fn make(data_dir: &Path, key: &DatabaseKey, dest: &Path, now: DateTime<Utc>) -> Result<PathBuf> {
    if !dest.is_dir() {
        return Err(folder_unavailable(dest, std::io::ErrorKind::NotFound.into()));
    }
    let done = db::free_path(dest, &format!("{BUNDLE_PREFIX}{}", now.format("%Y%m%d-%H%M%S%3f")));
    let name = done.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let partial = dest.join(format!(".{name}{PARTIAL_SUFFIX}"));
    let result = (|| {
        if partial.exists() {
            fs::remove_dir_all(&partial)?;
        }
        fs::create_dir(&partial)?;
        let mut manifest = snapshot(&data_dir.join(DB_FILE), key, &partial.join(DB_FILE), now)?;
        fs::copy(data_dir.join(KEY_FILE), partial.join(KEY_FILE))?;
        // The copy's audit head is the snapshot's, so a restored clinic compares its log
        // with the head it really had (the live file's may be newer).
        let mut keys = KeyFile::load(&partial)?;
        let head = AuditHead { entries: manifest.audit_entries, hash: manifest.audit_head.clone() };
        keys.set_audit_head(&head, manifest.created_at.clone());
        keys.save()?;
        for file in [DB_FILE, KEY_FILE] {
            let path = partial.join(file);
            db::sync_file(&path)?;
            manifest.files.insert(file.to_string(), sha256_file(&path)?);
        }
        let mut json = serde_json::to_vec_pretty(&manifest).expect("a manifest serializes");
        json.push(b'\n');
        fs::write(partial.join(MANIFEST_FILE), json)?;
        db::sync_file(&partial.join(MANIFEST_FILE))?;
        db::sync_dir(&partial);
        fs::rename(&partial, &done)?;
        db::sync_dir(dest);
        Ok(done)
    })();
    if result.is_err() {
        let _ = fs::remove_dir_all(&partial);
    }
    result.map_err(|e: Error| match e {
        Error::Io(io) => folder_unavailable(dest, io),
        other => other,
    })
}

/// The plain-words error for a backup folder that cannot be written.
fn folder_unavailable(dest: &Path, e: std::io::Error) -> Error {
    let why = match e.kind() {
        std::io::ErrorKind::NotFound => {
            "is not available — is the USB drive plugged in, or the network folder reachable?"
        }
        std::io::ErrorKind::PermissionDenied | std::io::ErrorKind::ReadOnlyFilesystem => {
            "cannot be written to — check that the drive is not write-protected and that Glabella may write there."
        }
        std::io::ErrorKind::StorageFull | std::io::ErrorKind::QuotaExceeded => {
            "is full — free some space or choose another folder."
        }
        _ => {
            return Error::Io(std::io::Error::other(format!(
                "The backup folder {} could not be written: {e}",
                dest.display()
            )))
        }
    };
    Error::Io(std::io::Error::other(format!("The backup folder {} {why}", dest.display())))
}

/// Copies the database at `source` into the new file `copy` and returns the manifest
/// of that snapshot (without the file hashes).
fn snapshot(source: &Path, key: &DatabaseKey, copy: &Path, now: DateTime<Utc>) -> Result<Manifest> {
    // ATTACH opens with the connection's flags, and the copy is a new file; the live
    // file exists, so CREATE never makes a database where there was none.
    if !source.is_file() {
        return Err(Error::NotFound("The clinic's database"));
    }
    let conn = open_unlocked(source, OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE, Some(key))?;
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    let copy_name =
        copy.to_str().ok_or_else(|| std::io::Error::other("the backup folder's path is not valid Unicode"))?;
    conn.execute("ATTACH DATABASE ?1 AS bundle KEY ?2", (copy_name, key.sqlcipher_literal().as_str()))?;
    conn.execute_batch("BEGIN")?;
    let made = (|| {
        let manifest = counts(&conn, now)?;
        conn.query_row("SELECT sqlcipher_export('bundle')", [], |_| Ok(()))?;
        conn.pragma_update(Some("bundle"), "user_version", manifest.schema_version)?;
        Ok(manifest)
    })();
    let end = if made.is_ok() { "COMMIT" } else { "ROLLBACK" };
    conn.execute_batch(end)?;
    conn.execute_batch("DETACH DATABASE bundle")?;
    made
}

/// The manifest's counts and audit head as `conn` sees the database now.
fn counts(conn: &Connection, now: DateTime<Utc>) -> Result<Manifest> {
    let count = |table: &str| conn.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get::<_, i64>(0));
    let head = audit::chain_head(conn)?;
    Ok(Manifest {
        format: BUNDLE_FORMAT,
        glabella_version: env!("CARGO_PKG_VERSION").to_string(),
        schema_version: db::schema_version(conn)?,
        created_at: clock::iso(now),
        patients: count("patients")?,
        sessions: count("sessions")?,
        audit_entries: head.entries,
        audit_head: head.hash,
        files: BTreeMap::new(),
    })
}

/// Reads a bundle's manifest. A bundle from a newer Glabella (a newer bundle format or
/// schema) is refused, untouched, with `backup.too_new`.
pub fn read_manifest(bundle: &Path) -> Result<Manifest> {
    let text = fs::read_to_string(bundle.join(MANIFEST_FILE)).map_err(|e| {
        Error::BackupInvalid(format!(
            "{} has no readable manifest ({e}); it is not a complete Glabella backup.",
            bundle.display()
        ))
    })?;
    let manifest: Manifest = serde_json::from_str(&text)
        .map_err(|e| Error::BackupInvalid(format!("the manifest of {} is damaged ({e}).", bundle.display())))?;
    if manifest.format > BUNDLE_FORMAT || manifest.schema_version > LATEST_VERSION {
        return Err(Error::BackupTooNew(manifest.glabella_version));
    }
    Ok(manifest)
}

/// What verifying a bundle found: nothing in `problems` means it is a good backup.
#[derive(Debug)]
pub struct Verification {
    pub manifest: Manifest,
    /// Each problem in plain words.
    pub problems: Vec<String>,
}

/// Checks a bundle with the database key: every file's SHA-256 against the manifest,
/// the key file readable, the copy opening with the key, SQLite's and SQLCipher's
/// integrity checks, the foreign keys, the audit chain, and the counts and audit head
/// against the manifest. `Err` only when the manifest itself cannot be read or is from
/// a newer Glabella.
pub fn verify(bundle: &Path, key: &DatabaseKey) -> Result<Verification> {
    let manifest = read_manifest(bundle)?;
    let mut problems = Vec::new();
    for file in [DB_FILE, KEY_FILE] {
        let path = bundle.join(file);
        match (sha256_file(&path), manifest.files.get(file)) {
            (Err(_), _) => problems.push(format!("{file} is missing from the backup.")),
            (Ok(_), None) => problems.push(format!("the manifest has no checksum for {file}.")),
            (Ok(actual), Some(expected)) if &actual != expected => problems
                .push(format!("{file} does not match the checksum in the manifest: the file was changed or damaged.")),
            _ => {}
        }
    }
    if bundle.join(KEY_FILE).exists() {
        if let Err(e) = KeyFile::load(bundle) {
            problems.push(e.to_string());
        }
    }
    if problems.is_empty() {
        if let Err(e) = check_copy(&bundle.join(DB_FILE), key, &manifest, &mut problems) {
            problems.push(format!("the database copy cannot be read: {e}"));
        }
    }
    Ok(Verification { manifest, problems })
}

/// The database checks of [`verify`].
fn check_copy(copy: &Path, key: &DatabaseKey, manifest: &Manifest, problems: &mut Vec<String>) -> Result<()> {
    let report = check::check(copy, key)?;
    problems.extend(report.lines.iter().filter_map(|l| l.strip_prefix("PROBLEM: ")).map(str::to_string));
    let conn = open_unlocked(copy, OpenFlags::SQLITE_OPEN_READ_ONLY, Some(key))?;
    let found = counts(&conn, Utc::now())?;
    for (what, expected, actual) in [
        ("patients", manifest.patients, found.patients),
        ("sessions", manifest.sessions, found.sessions),
        ("audit entries", manifest.audit_entries, found.audit_entries),
        ("schema version", manifest.schema_version, found.schema_version),
    ] {
        if expected != actual {
            problems.push(format!("the manifest says {expected} {what}, the copy holds {actual}."));
        }
    }
    if manifest.audit_head != found.audit_head {
        problems.push("the newest audit entry of the copy is not the one the manifest names.".into());
    }
    Ok(())
}

/// The bundles in `folder`, newest first (complete ones only; names that are not
/// Glabella bundles are ignored). `folder` may also be a bundle itself.
pub fn list(folder: &Path) -> Vec<PathBuf> {
    if folder.join(MANIFEST_FILE).is_file() {
        return vec![folder.to_path_buf()];
    }
    let mut found: Vec<PathBuf> = fs::read_dir(folder)
        .into_iter()
        .flatten()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with(BUNDLE_PREFIX) && e.path().is_dir())
        .map(|e| e.path())
        .collect();
    found.sort_by(|a, b| b.file_name().cmp(&a.file_name()));
    found
}

/// When the bundle named `name` was made, from its name.
pub fn made_at(name: &str) -> Option<DateTime<Utc>> {
    let stamp = name.strip_prefix(BUNDLE_PREFIX)?.get(..18)?;
    chrono::NaiveDateTime::parse_from_str(stamp, "%Y%m%d-%H%M%S%3f").ok().map(|t| t.and_utc())
}

/// Removes bundles of `folder` that were left half-written (by a crash or a pulled
/// drive) more than an hour ago.
pub fn remove_partial(folder: &Path, now: DateTime<Utc>) {
    for entry in fs::read_dir(folder).into_iter().flatten().flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let stale = name
            .strip_prefix('.')
            .and_then(|n| n.strip_suffix(PARTIAL_SUFFIX))
            .and_then(made_at)
            .is_some_and(|at| now - at > chrono::Duration::hours(1));
        if stale {
            let _ = fs::remove_dir_all(entry.path());
        }
    }
}

/// The SHA-256 of a file's bytes, in lower-case hex.
pub fn sha256_file(path: &Path) -> Result<String> {
    let mut file = fs::File::open(path)?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    loop {
        match file.read(&mut buf)? {
            0 => break,
            n => hasher.update(&buf[..n]),
        }
    }
    Ok(hasher.finalize().iter().map(|b| format!("{b:02x}")).collect())
}

/// The total size of a bundle's files in bytes.
pub fn size(bundle: &Path) -> u64 {
    fs::read_dir(bundle).into_iter().flatten().flatten().filter_map(|e| e.metadata().ok()).map(|m| m.len()).sum()
}
