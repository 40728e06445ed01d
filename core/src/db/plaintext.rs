//! Databases from before encryption at rest: recognising one, and encrypting it in
//! place.
//!
//! [`encrypt_plaintext`] copies the plaintext database into a new encrypted file with
//! SQLCipher's `sqlcipher_export`, checks the copy opens with the key, and then swaps it
//! in with one atomic rename, so a crash at any point leaves a database that opens:
//! the plaintext one before the rename, the encrypted one after. The plaintext file is
//! then overwritten with zeros before it is deleted (through a second name made before
//! the rename; a leftover from a crash is wiped by the next [`crate::Db::open`]).
//! Overwriting is best effort: SSDs and copy-on-write file systems may keep old blocks,
//! so a computer that held a plaintext database should also use full-disk encryption.

use std::fs;
use std::io::{Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use rusqlite::OpenFlags;

use super::keys::DatabaseKey;
use super::{migrations, open_unlocked, sync_dir, sync_file, DB_FILE};
use crate::{Error, Result};

/// What every plaintext SQLite file starts with. An SQLCipher file starts with its
/// random salt instead.
const SQLITE_HEADER: &[u8; 16] = b"SQLite format 3\0";

/// Whether the file at `path` is an unencrypted SQLite database (its first 16 bytes are
/// SQLite's header). A missing or empty file is not.
pub fn is_plaintext(path: &Path) -> Result<bool> {
    use std::io::Read;
    let mut file = match fs::File::open(path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(false),
        other => other?,
    };
    let mut header = [0u8; 16];
    let mut read = 0;
    while read < header.len() {
        match file.read(&mut header[read..])? {
            0 => return Ok(false),
            n => read += n,
        }
    }
    Ok(&header == SQLITE_HEADER)
}

/// Encrypts the plaintext database in `data_dir` (from a Glabella before encryption at
/// rest) with `key`, in place. Returns `false`, changing nothing, when there is no
/// plaintext database there (none at all, or already encrypted). A plaintext database
/// from a newer Glabella is refused untouched (`db.too_new`). Run it before the
/// database is opened, while no other Glabella has it open.
pub fn encrypt_plaintext(data_dir: &Path, key: &DatabaseKey) -> Result<bool> {
    let path = data_dir.join(DB_FILE);
    remove_leftovers(&path)?;
    if !is_plaintext(&path)? {
        return Ok(false);
    }
    let tmp = sibling(&path, ".encrypting");
    remove_if_exists(&tmp)?;
    remove_if_exists(&sibling(&tmp, "-journal"))?;

    let tables = {
        // ATTACH opens with the connection's flags, and the copy is a new file.
        let plain = open_unlocked(&path, OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE, None)?;
        let version = migrations::refuse_newer(&plain)?;
        let tables: i64 = plain.query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get(0))?;
        let tmp_name =
            tmp.to_str().ok_or_else(|| std::io::Error::other("the data folder's path is not valid Unicode"))?;
        plain.execute("ATTACH DATABASE ?1 AS encrypted KEY ?2", (tmp_name, key.sqlcipher_literal().as_str()))?;
        plain.query_row("SELECT sqlcipher_export('encrypted')", [], |_| Ok(()))?;
        plain.pragma_update(Some("encrypted"), "user_version", version)?;
        plain.execute_batch("DETACH DATABASE encrypted;")?;
        // Closing the last connection checkpoints the WAL into the file and deletes it.
        plain.close().map_err(|(_, e)| e)?;
        tables
    };

    // The copy must open with the key and hold everything before it replaces the original.
    {
        let copy = open_unlocked(&tmp, OpenFlags::SQLITE_OPEN_READ_ONLY, Some(key))?;
        let copied: i64 = copy.query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get(0))?;
        let check: String = copy.query_row("PRAGMA quick_check", [], |r| r.get(0))?;
        if copied != tables || check != "ok" {
            return Err(Error::Io(std::io::Error::other(format!(
                "the encrypted copy of the database is incomplete ({copied} of {tables} schema entries; check: {check}); the original is unchanged"
            ))));
        }
    }
    sync_file(&tmp)?;

    // A WAL left now would belong to another connection still writing to the plaintext
    // file; it must not be taken for the encrypted file's own.
    let wal = sibling(&path, "-wal");
    if fs::metadata(&wal).is_ok_and(|m| m.len() > 0) {
        remove_if_exists(&tmp)?;
        return Err(Error::Io(std::io::Error::other(
            "the database is open in another program (Glabella or glabella-admin); close it and try again",
        )));
    }
    remove_if_exists(&wal)?;
    remove_if_exists(&sibling(&path, "-shm"))?;

    // A second name for the plaintext, so it can be wiped after the swap (not on file
    // systems without hard links, such as FAT; then it is only unlinked).
    let old = sibling(&path, ".plaintext-old");
    remove_if_exists(&old)?;
    let linked = fs::hard_link(&path, &old).is_ok();
    fs::rename(&tmp, &path)?;
    sync_dir(data_dir);
    if linked {
        wipe(&old)?;
    }
    Ok(true)
}

/// Cleans up after an [`encrypt_plaintext`] that crashed: the half-written encrypted
/// copy, and the plaintext's second name — wiped only once the swap happened, since
/// before it both names are the same, live file.
pub(super) fn remove_leftovers(path: &Path) -> Result<()> {
    let old = sibling(path, ".plaintext-old");
    if old.exists() {
        if is_plaintext(path)? {
            remove_if_exists(&old)?;
        } else {
            wipe(&old)?;
        }
    }
    let tmp = sibling(path, ".encrypting");
    remove_if_exists(&tmp)?;
    remove_if_exists(&sibling(&tmp, "-journal"))
}

/// Overwrites the file with zeros, flushes, and deletes it.
fn wipe(path: &Path) -> Result<()> {
    {
        let mut file = fs::OpenOptions::new().write(true).open(path)?;
        let mut left = file.metadata()?.len();
        file.seek(SeekFrom::Start(0))?;
        let zeros = vec![0u8; 64 * 1024];
        while left > 0 {
            let n = left.min(zeros.len() as u64) as usize;
            file.write_all(&zeros[..n])?;
            left -= n as u64;
        }
        file.sync_all()?;
    }
    fs::remove_file(path)?;
    Ok(())
}

fn sibling(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

fn remove_if_exists(path: &Path) -> Result<()> {
    match fs::remove_file(path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e.into()),
        _ => Ok(()),
    }
}
