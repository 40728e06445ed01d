//! Moving a clinic's files out of the way into a dated folder beside them, never
//! deleting them: before a restore puts a backup in their place, and when a setup that
//! was cut short is started again.

use std::fs;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};

use super::{sync_dir, DB_FILE, KEY_FILE};
use crate::Result;

/// Moves the database (with its `-wal` and `-shm`), the key file and the `extra`
/// entries of `dir` that exist into a new folder `<prefix>-<time>` (with `-2`, `-3`…
/// if taken) inside `dir`. `None`, touching nothing, when none of them exists.
pub fn move_aside(dir: &Path, prefix: &str, extra: &[&str], now: DateTime<Utc>) -> Result<Option<PathBuf>> {
    let mut names = vec![DB_FILE.to_string(), format!("{DB_FILE}-wal"), format!("{DB_FILE}-shm"), KEY_FILE.to_string()];
    names.extend(extra.iter().map(|e| e.to_string()));
    let present: Vec<&String> = names.iter().filter(|f| dir.join(f).exists()).collect();
    if present.is_empty() {
        return Ok(None);
    }
    let aside = free_path(dir, &format!("{prefix}-{}", now.format("%Y%m%d-%H%M%S")));
    fs::create_dir(&aside)?;
    for file in present {
        fs::rename(dir.join(file), aside.join(file))?;
    }
    sync_dir(&aside);
    sync_dir(dir);
    Ok(Some(aside))
}

/// `dir/base`, or `dir/base-2`, `-3`… when that name is taken.
pub fn free_path(dir: &Path, base: &str) -> PathBuf {
    let mut path = dir.join(base);
    let mut n = 1;
    while path.exists() {
        n += 1;
        path = dir.join(format!("{base}-{n}"));
    }
    path
}
