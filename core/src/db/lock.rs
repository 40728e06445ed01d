//! One Glabella per clinic folder. Two processes writing the same clinic — two app
//! windows, or the app and `glabella-admin demo-data` — would interleave their key-file
//! saves (one undoing the other's new password) and race on the audit chain, so the
//! folder is locked with an OS file lock on `glabella.lock` for as long as it is in
//! use. The OS drops the lock when the process ends, however it ends, so a crash never
//! leaves the folder locked.
//!
//! The lock belongs to the process: every [`lock_folder`] of the same folder within one
//! process shares one lock (the app's desk and the clinic it opens; tests that open a
//! clinic twice), and it is released when the last holder is dropped.
//!
//! A folder on a network file system is refused before it is locked: SQLite's WAL
//! mode needs shared memory that network file systems do not provide, and their file
//! locks are unreliable. Detected by the file system's type: `statfs` on Linux and
//! macOS, the drive type (and `\\server\share` paths) on Windows; elsewhere not checked.

use std::fs::{File, OpenOptions, TryLockError};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, Weak};

use crate::{Error, Result};

/// The lock file's name inside the data directory.
pub const LOCK_FILE: &str = "glabella.lock";

/// A held lock on a clinic folder; released when the last clone is dropped.
#[derive(Debug)]
pub struct FolderLock {
    dir: PathBuf,
    _file: File,
}

impl FolderLock {
    /// The (canonical) folder this lock holds.
    pub fn dir(&self) -> &Path {
        &self.dir
    }
}

/// The folders this process holds, so a second open in the same process shares the lock.
static HELD: Mutex<Vec<Weak<FolderLock>>> = Mutex::new(Vec::new());

/// Locks the clinic folder `dir` (creating it if needed) for this process:
/// `clinic.in_use` when another process holds it, `clinic.network_folder` when it is
/// on a network drive.
pub fn lock_folder(dir: &Path) -> Result<Arc<FolderLock>> {
    std::fs::create_dir_all(dir)?;
    let canonical = dir.canonicalize()?;
    if let Some(kind) = network_file_system(&canonical) {
        return Err(Error::NetworkFolder { dir: dir.display().to_string(), kind });
    }
    let mut held = HELD.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    held.retain(|lock| lock.strong_count() > 0);
    if let Some(lock) = held.iter().filter_map(Weak::upgrade).find(|lock| lock.dir == canonical) {
        return Ok(lock);
    }
    let file =
        OpenOptions::new().read(true).write(true).create(true).truncate(false).open(canonical.join(LOCK_FILE))?;
    // A few tries over a quarter of a second: a lock can outlive its holder for a
    // moment — the other copy is just closing, or a child process it started holds a
    // copy of its open files between fork and exec.
    let mut tries = 0;
    loop {
        match file.try_lock() {
            Ok(()) => break,
            Err(TryLockError::WouldBlock) if tries < 10 => {
                tries += 1;
                std::thread::sleep(std::time::Duration::from_millis(25));
            }
            Err(TryLockError::WouldBlock) => return Err(Error::ClinicInUse(dir.display().to_string())),
            Err(TryLockError::Error(e)) => return Err(e.into()),
        }
    }
    let lock = Arc::new(FolderLock { dir: canonical, _file: file });
    held.push(Arc::downgrade(&lock));
    Ok(lock)
}

/// The name of the network file system `dir` is on, if it is on one.
fn network_file_system(dir: &Path) -> Option<String> {
    platform::network_file_system(dir)
}

/// Whether a Linux file system type (`statfs`'s `f_type`) is a network one, by name.
pub fn linux_network_fs(f_type: i64) -> Option<&'static str> {
    Some(match f_type {
        0x6969 => "NFS",
        0x517B => "SMB",
        0xFF53_4D42 => "CIFS",
        0xFE53_4D42 => "SMB2",
        0x0102_1997 => "9p",
        0x5346_414F => "AFS",
        0x00C3_6400 => "Ceph",
        0x7375_7245 => "Coda",
        0x564C => "NCP",
        0x0BD0_0BD0 => "Lustre",
        _ => return None,
    })
}

/// Whether a macOS file system type name (`statfs`'s `f_fstypename`) is a network one.
pub fn macos_network_fs(name: &str) -> bool {
    matches!(name, "smbfs" | "nfs" | "afpfs" | "webdav" | "cifs" | "ftp")
}

#[cfg(target_os = "linux")]
mod platform {
    use std::ffi::CString;
    use std::os::unix::ffi::OsStrExt;
    use std::path::Path;

    pub fn network_file_system(dir: &Path) -> Option<String> {
        let path = CString::new(dir.as_os_str().as_bytes()).ok()?;
        // SAFETY: `path` is a valid C string and `stat` a properly sized, writable struct.
        let mut stat: libc::statfs = unsafe { std::mem::zeroed() };
        if unsafe { libc::statfs(path.as_ptr(), &mut stat) } != 0 {
            return None;
        }
        #[allow(clippy::unnecessary_cast)] // f_type's width differs between targets
        super::linux_network_fs(stat.f_type as i64).map(str::to_string)
    }
}

#[cfg(target_os = "macos")]
mod platform {
    use std::ffi::{CStr, CString};
    use std::os::unix::ffi::OsStrExt;
    use std::path::Path;

    pub fn network_file_system(dir: &Path) -> Option<String> {
        let path = CString::new(dir.as_os_str().as_bytes()).ok()?;
        // SAFETY: `path` is a valid C string and `stat` a properly sized, writable struct.
        let mut stat: libc::statfs = unsafe { std::mem::zeroed() };
        if unsafe { libc::statfs(path.as_ptr(), &mut stat) } != 0 {
            return None;
        }
        // SAFETY: the kernel fills `f_fstypename` with a NUL-terminated name.
        let name = unsafe { CStr::from_ptr(stat.f_fstypename.as_ptr()) }.to_string_lossy().into_owned();
        super::macos_network_fs(&name).then_some(name)
    }
}

#[cfg(windows)]
mod platform {
    use std::os::windows::ffi::OsStrExt;
    use std::path::{Component, Path, Prefix};

    use windows_sys::Win32::Storage::FileSystem::GetDriveTypeW;

    /// `GetDriveTypeW`'s answer for a network drive.
    const DRIVE_REMOTE: u32 = 4;

    pub fn network_file_system(dir: &Path) -> Option<String> {
        match dir.components().next() {
            Some(Component::Prefix(prefix)) => match prefix.kind() {
                Prefix::UNC(..) | Prefix::VerbatimUNC(..) => Some("a \\\\server\\share path".into()),
                Prefix::Disk(letter) | Prefix::VerbatimDisk(letter) => {
                    let root: Vec<u16> =
                        std::ffi::OsStr::new(&format!("{}:\\", letter as char)).encode_wide().chain([0]).collect();
                    // SAFETY: `root` is a NUL-terminated wide string that outlives the call.
                    let kind = unsafe { GetDriveTypeW(root.as_ptr()) };
                    (kind == DRIVE_REMOTE).then(|| format!("mapped network drive {}:", letter as char))
                }
                _ => None,
            },
            _ => None,
        }
    }
}

#[cfg(not(any(target_os = "linux", target_os = "macos", windows)))]
mod platform {
    pub fn network_file_system(_dir: &std::path::Path) -> Option<String> {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn network_file_systems_are_told_from_local_ones() {
        for (magic, name) in [(0x6969, "NFS"), (0xFF53_4D42, "CIFS"), (0xFE53_4D42, "SMB2"), (0x517B, "SMB")] {
            assert_eq!(linux_network_fs(magic), Some(name));
        }
        // ext4, btrfs, xfs, tmpfs, overlayfs
        for local in [0xEF53, 0x9123_683E, 0x5846_5342, 0x0102_1994, 0x794C_7630] {
            assert_eq!(linux_network_fs(local), None, "{local:#x}");
        }
        assert!(macos_network_fs("smbfs") && macos_network_fs("nfs") && !macos_network_fs("apfs"));
    }

    #[test]
    fn a_local_folder_is_not_a_network_one() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(network_file_system(dir.path()), None);
    }

    #[test]
    fn the_same_process_shares_its_lock_and_releases_it_with_the_last_holder() {
        let dir = tempfile::tempdir().unwrap();
        let first = lock_folder(dir.path()).unwrap();
        let second = lock_folder(dir.path()).unwrap();
        assert!(Arc::ptr_eq(&first, &second));
        // Another open file description of the lock file is refused while it is held ...
        let other = File::open(dir.path().join(LOCK_FILE)).unwrap();
        assert!(matches!(other.try_lock(), Err(TryLockError::WouldBlock)));
        drop((first, second));
        // ... and takes it once the last holder is gone.
        other.try_lock().unwrap();
    }
}
