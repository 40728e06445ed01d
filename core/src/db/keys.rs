//! The database key and the key file that holds it, wrapped, beside the database.
//!
//! # The scheme
//!
//! The database file is encrypted by SQLCipher with one random 256-bit
//! [`DatabaseKey`]. That key is never stored as it is. The key file
//! `glabella.keys` (JSON, beside `glabella.sqlite3`) holds it *wrapped* several times:
//!
//! - once per user: Argon2id turns the user's password and a random salt into a 256-bit
//!   key-encryption key, which seals the database key with XChaCha20-Poly1305 (random
//!   192-bit nonce; the slot's name — `user:<username>` or `recovery` — is bound in as
//!   associated data, so a wrapping cannot be moved to another slot);
//! - once with the [`RecoveryKey`], 160 random bits shown to a person once when the
//!   key file is created (to print and lock away), the same way.
//!
//! Logging in unwraps the database key with the user's password; creating a user or
//! resetting a password adds or replaces that user's wrapping ([`KeyFile::set_user`],
//! which needs the database key, so only a logged-in session can do it); deactivating a
//! user removes it ([`KeyFile::remove_user`]). The recovery key unlocks the database
//! when every password is forgotten.
//!
//! # Why this way
//!
//! - **No OS keychain.** Windows' Credential Manager, macOS' Keychain and Linux' Secret
//!   Service behave differently, tie the data to one OS account, and are missing on
//!   many Linux desktops. A key file plus a password works the same on all three, and
//!   the data folder can be backed up or moved to another computer as a whole.
//! - **The key file alone is worthless**: each wrapping costs an attacker one Argon2id
//!   evaluation (64 MiB, 3 passes by default) per password guess, and the recovery key
//!   has 160 random bits. Without the key file the database cannot be opened at all, so
//!   a backup must include both files.
//! - **Passwords change without re-encrypting** the database: only a 32-byte wrapping
//!   is rewritten.
//!
//! Argon2 parameters are stored with each wrapping, so files written with other
//! parameters keep opening. New wrappings use [`KdfParams::RECOMMENDED`] unless the
//! caller explicitly asks otherwise ([`KeyFile::create_with_params`],
//! [`KeyFile::set_kdf_params`]); the tests do, with [`KdfParams::INSECURE_FAST`].
//!
//! The key file is replaced atomically (temp file in the same folder, fsync, rename),
//! so a crash leaves either the old or the new file, never half of one.
//!
//! Since format 2 the file also carries the audit log's last recorded head
//! ([`AuditMark`]): how many entries the log had and the newest one's hash. It lives
//! outside the database so that cutting the newest audit rows shows (see
//! `audit::check_tail`).

use std::collections::BTreeMap;
use std::fmt;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use argon2::{Algorithm, Argon2, Params, Version};
use chacha20poly1305::aead::rand_core::RngCore;
use chacha20poly1305::aead::{Aead, KeyInit, OsRng, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use serde::{Deserialize, Serialize};
use zeroize::{Zeroize, Zeroizing};

use crate::types::AuditHead;
use crate::{Error, Result};

/// The key file's name inside the data directory.
pub const KEY_FILE: &str = "glabella.keys";

/// The key file format this build writes. Format 1 (no recorded audit head) still
/// reads; it is written as format 2 the next time the file is saved.
const FORMAT: u32 = 2;
/// The oldest format this build reads.
const OLDEST_FORMAT: u32 = 1;
/// The version bound into every wrapping's associated data. It stays 1 whatever the
/// file's format, or every wrapping written before a format change would stop opening.
const WRAPPING_VERSION: u32 = 1;
const KEY_LEN: usize = 32;
const SALT_LEN: usize = 16;
const NONCE_LEN: usize = 24;
const TAG_LEN: usize = 16;
const RECOVERY_LEN: usize = 20; // 160 bits: 32 base-32 characters
const RECOVERY_CHARS: usize = RECOVERY_LEN * 8 / 5;
/// Crockford's base 32: digits and capitals without I, L, O and U, which are easily
/// misread; [`RecoveryKey::parse`] reads I and L as 1 and O as 0.
const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
const KDF_NAME: &str = "argon2id-v19";
const CIPHER_NAME: &str = "xchacha20poly1305";
/// Upper bound for parameters read from a file, so a tampered file cannot make the app
/// allocate gigabytes or spin for minutes.
const MAX_MEMORY_KIB: u32 = 4 * 1024 * 1024;
const MAX_ITERATIONS: u32 = 64;
const MAX_PARALLELISM: u32 = 16;

/// The random key that encrypts the database file. Wiped from memory when dropped;
/// `Debug` never shows it.
#[derive(Clone)]
pub struct DatabaseKey(Zeroizing<[u8; KEY_LEN]>);

impl DatabaseKey {
    /// A fresh random key from the operating system's generator.
    pub fn generate() -> Result<DatabaseKey> {
        let mut key = DatabaseKey(Zeroizing::new([0; KEY_LEN]));
        random(&mut key.0[..])?;
        Ok(key)
    }

    /// The statements that unlock a raw SQLCipher connection with this key: `PRAGMA key`
    /// with the raw key as hex (so SQLCipher uses it as it is, with no key derivation of
    /// its own), then the pinned SQLCipher 4 file format. [`crate::Db`] applies it to
    /// every connection it opens; it is public for tests and repair tools. Never log it.
    pub fn sqlcipher_pragmas(&self) -> Zeroizing<String> {
        let mut sql = Zeroizing::new(String::with_capacity(128));
        sql.push_str("PRAGMA key = \"x'");
        push_hex(&mut sql, &self.0[..]);
        sql.push_str("'\"; PRAGMA cipher_compatibility = 4;");
        sql
    }

    /// The key as `x'<hex>'`, the form SQLCipher's `ATTACH … KEY` takes.
    pub(crate) fn sqlcipher_literal(&self) -> Zeroizing<String> {
        let mut s = Zeroizing::new(String::with_capacity(2 * KEY_LEN + 3));
        s.push_str("x'");
        push_hex(&mut s, &self.0[..]);
        s.push('\'');
        s
    }
}

impl fmt::Debug for DatabaseKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("DatabaseKey(..)")
    }
}

/// The recovery key: 160 random bits, written for people as eight groups of four
/// characters (`7K3Q-…`). It unlocks the database when every password is lost, so it
/// is shown once, to be printed and locked away. Wiped from memory when dropped.
#[derive(Clone, PartialEq, Eq)]
pub struct RecoveryKey(Zeroizing<[u8; RECOVERY_LEN]>);

impl RecoveryKey {
    fn generate() -> Result<RecoveryKey> {
        let mut key = RecoveryKey(Zeroizing::new([0; RECOVERY_LEN]));
        random(&mut key.0[..])?;
        Ok(key)
    }

    /// Reads a recovery key as a person types it: case, spaces and dashes don't
    /// matter, and O, I and L are read as 0, 1 and 1. Anything else that is not exactly
    /// 32 such characters is a validation error on the field `recoveryKey`.
    pub fn parse(text: &str) -> Result<RecoveryKey> {
        let invalid = || {
            Error::invalid(
                "recoveryKey",
                "A recovery key has 32 letters and digits in groups of four, like 7K3Q-XM2A-…; check it against the printed copy.",
            )
        };
        let mut key = RecoveryKey(Zeroizing::new([0; RECOVERY_LEN]));
        let (mut acc, mut bits, mut count, mut out) = (0u64, 0u32, 0usize, 0usize);
        for c in text.chars() {
            if c.is_whitespace() || c == '-' || c == '_' {
                continue;
            }
            let c = match c.to_ascii_uppercase() {
                'O' => '0',
                'I' | 'L' => '1',
                c => c,
            };
            let value = ALPHABET.iter().position(|&a| a as char == c).ok_or_else(invalid)?;
            count += 1;
            if count > RECOVERY_CHARS {
                return Err(invalid());
            }
            acc = (acc << 5) | value as u64;
            bits += 5;
            if bits >= 8 {
                bits -= 8;
                key.0[out] = (acc >> bits) as u8;
                out += 1;
            }
        }
        acc.zeroize();
        if count != RECOVERY_CHARS {
            return Err(invalid());
        }
        Ok(key)
    }
}

/// The key in groups of four, e.g. `7K3Q-XM2A-…` (eight groups).
impl fmt::Display for RecoveryKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (mut acc, mut bits, mut written) = (0u64, 0u32, 0usize);
        for &byte in self.0.iter() {
            acc = (acc << 8) | byte as u64;
            bits += 8;
            while bits >= 5 {
                bits -= 5;
                if written > 0 && written % 4 == 0 {
                    f.write_str("-")?;
                }
                let c = ALPHABET[((acc >> bits) & 31) as usize] as char;
                fmt::Write::write_char(f, c)?;
                written += 1;
            }
        }
        Ok(())
    }
}

impl fmt::Debug for RecoveryKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("RecoveryKey(..)")
    }
}

/// Argon2id cost parameters, stored with each wrapping.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct KdfParams {
    /// Memory in KiB.
    pub memory_kib: u32,
    /// Passes over the memory.
    pub iterations: u32,
    /// Lanes.
    pub parallelism: u32,
}

impl KdfParams {
    /// What new wrappings use: 64 MiB, 3 passes, 1 lane (RFC 9106's second
    /// recommendation, one lane since the derivation runs on one thread). Stronger than
    /// the `argon2` crate's default (19 MiB, 2 passes). About 0.2–0.4 s per login in
    /// an optimised build; much slower in an unoptimised debug build.
    pub const RECOMMENDED: KdfParams = KdfParams { memory_kib: 64 * 1024, iterations: 3, parallelism: 1 };

    /// Cheap parameters **for tests only**: a password wrapped with these falls to a
    /// guessing attack quickly. Production code never chooses them.
    pub const INSECURE_FAST: KdfParams = KdfParams { memory_kib: 64, iterations: 1, parallelism: 1 };

    fn argon2(self) -> Result<Argon2<'static>> {
        if self.memory_kib > MAX_MEMORY_KIB || self.iterations > MAX_ITERATIONS || self.parallelism > MAX_PARALLELISM {
            return Err(Error::KeyFileInvalid(format!("its Argon2 parameters are out of range ({self:?}).")));
        }
        let params = Params::new(self.memory_kib, self.iterations, self.parallelism, Some(KEY_LEN))
            .map_err(|e| Error::KeyFileInvalid(format!("its Argon2 parameters are invalid ({self:?}): {e}.")))?;
        Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
    }

    /// The key-encryption key for `secret` and `salt`.
    fn derive(self, secret: &[u8], salt: &[u8]) -> Result<Zeroizing<[u8; KEY_LEN]>> {
        let mut kek = Zeroizing::new([0u8; KEY_LEN]);
        self.argon2()?
            .hash_password_into(secret, salt, &mut kek[..])
            .map_err(|e| Error::KeyFileInvalid(format!("the key derivation failed: {e}.")))?;
        Ok(kek)
    }
}

/// One sealed copy of the database key, as stored in the key file.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Wrapping {
    /// Always `argon2id-v19`.
    kdf: String,
    kdf_params: KdfParams,
    #[serde(with = "hex")]
    salt: Vec<u8>,
    /// Always `xchacha20poly1305`.
    cipher: String,
    #[serde(with = "hex")]
    nonce: Vec<u8>,
    /// The 32-byte database key sealed, followed by the 16-byte tag.
    #[serde(with = "hex")]
    wrapped_key: Vec<u8>,
}

impl Wrapping {
    fn seal(key: &DatabaseKey, secret: &[u8], slot: &str, params: KdfParams) -> Result<Wrapping> {
        let mut salt = vec![0; SALT_LEN];
        random(&mut salt)?;
        let mut nonce = vec![0; NONCE_LEN];
        random(&mut nonce)?;
        let kek = params.derive(secret, &salt)?;
        let cipher = XChaCha20Poly1305::new_from_slice(&kek[..]).expect("a 32-byte key");
        let wrapped_key = cipher
            .encrypt(XNonce::from_slice(&nonce), Payload { msg: &key.0[..], aad: aad(slot).as_bytes() })
            .expect("sealing 32 bytes cannot fail");
        Ok(Wrapping { kdf: KDF_NAME.into(), kdf_params: params, salt, cipher: CIPHER_NAME.into(), nonce, wrapped_key })
    }

    /// The database key, or `None` when `secret` is not the one this was sealed with.
    fn open(&self, secret: &[u8], slot: &str) -> Result<Option<DatabaseKey>> {
        let kek = self.kdf_params.derive(secret, &self.salt)?;
        let cipher = XChaCha20Poly1305::new_from_slice(&kek[..]).expect("a 32-byte key");
        let Ok(plain) = cipher
            .decrypt(XNonce::from_slice(&self.nonce), Payload { msg: &self.wrapped_key, aad: aad(slot).as_bytes() })
        else {
            return Ok(None);
        };
        let plain = Zeroizing::new(plain);
        let mut key = DatabaseKey(Zeroizing::new([0; KEY_LEN]));
        key.0.copy_from_slice(&plain);
        Ok(Some(key))
    }

    fn validate(&self, slot: &str) -> Result<()> {
        let bad = |what: &str| Err(Error::KeyFileInvalid(format!("the entry for {slot} has {what}.")));
        if self.kdf != KDF_NAME {
            return bad(&format!("an unknown key derivation \"{}\"", self.kdf));
        }
        if self.cipher != CIPHER_NAME {
            return bad(&format!("an unknown cipher \"{}\"", self.cipher));
        }
        if self.salt.len() != SALT_LEN || self.nonce.len() != NONCE_LEN || self.wrapped_key.len() != KEY_LEN + TAG_LEN {
            return bad("a value of the wrong length");
        }
        self.kdf_params.argon2().map(|_| ())
    }
}

/// The associated data that binds a wrapping to its slot.
fn aad(slot: &str) -> String {
    format!("glabella.keys/{WRAPPING_VERSION}/{slot}")
}

fn user_slot(username: &str) -> String {
    format!("user:{username}")
}
const RECOVERY_SLOT: &str = "recovery";

/// The key file as stored. Unknown fields are refused rather than ignored: saving
/// would drop them, and with them perhaps someone's way in.
#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Stored {
    format: u32,
    /// Keyed by the normalized username.
    users: BTreeMap<String, Wrapping>,
    recovery: Wrapping,
    /// Absent in format 1 and until a head is first recorded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    audit_head: Option<AuditMark>,
}

/// The audit log's head as last recorded in the key file: how many entries the log had
/// (the newest entry's id, since ids run 1, 2, 3… in a log nobody cut), that entry's
/// hash, and when it was recorded (UTC, ISO-8601).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AuditMark {
    pub entries: i64,
    pub hash: String,
    pub recorded_at: String,
}

impl AuditMark {
    /// The recorded head as the audit module names it.
    pub fn head(&self) -> AuditHead {
        AuditHead { entries: self.entries, hash: self.hash.clone() }
    }

    fn validate(&self) -> Result<()> {
        if self.entries < 0 || self.hash.len() != 64 || !self.hash.bytes().all(|c| c.is_ascii_hexdigit()) {
            return Err(Error::KeyFileInvalid("its recorded audit head is damaged.".into()));
        }
        Ok(())
    }
}

/// The key file `glabella.keys`: the database key wrapped once per user and once with
/// the recovery key. Changes are kept in memory until [`KeyFile::save`]; to change the
/// file safely, change a clone, save it, and only then keep the clone.
#[derive(Clone)]
pub struct KeyFile {
    path: PathBuf,
    users: BTreeMap<String, Wrapping>,
    recovery: Wrapping,
    /// The Argon2 parameters new wrappings get.
    kdf_params: KdfParams,
    audit_head: Option<AuditMark>,
}

impl fmt::Debug for KeyFile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("KeyFile")
            .field("path", &self.path)
            .field("users", &self.users.keys().collect::<Vec<_>>())
            .finish()
    }
}

/// The form usernames are stored and compared in: trimmed and lower-cased (the same
/// rule as the `users` table's).
pub fn normalize_username(username: &str) -> String {
    username.trim().to_lowercase()
}

impl KeyFile {
    /// Whether `data_dir` has a key file.
    pub fn exists(data_dir: &Path) -> bool {
        data_dir.join(KEY_FILE).exists()
    }

    /// Reads the key file in `data_dir`. `keys.missing` when there is none,
    /// `keys.invalid` when it is damaged or from a newer Glabella.
    pub fn load(data_dir: &Path) -> Result<KeyFile> {
        let path = data_dir.join(KEY_FILE);
        let text = match fs::read_to_string(&path) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(Error::KeyFileMissing(data_dir.display().to_string()))
            }
            other => other?,
        };
        let format = serde_json::from_str::<serde_json::Value>(&text)
            .ok()
            .and_then(|v| v.get("format").and_then(|f| f.as_u64()));
        match format {
            Some(f) if f > u64::from(FORMAT) => {
                return Err(Error::KeyFileInvalid(format!(
                    "it was written by a newer version of Glabella (format {f}; this version reads format {FORMAT}). Please update Glabella."
                )))
            }
            Some(f) if f >= u64::from(OLDEST_FORMAT) => {}
            _ => return Err(Error::KeyFileInvalid("it is damaged (not a Glabella key file).".into())),
        }
        let stored: Stored =
            serde_json::from_str(&text).map_err(|e| Error::KeyFileInvalid(format!("it is damaged ({e}).")))?;
        for (name, wrapping) in &stored.users {
            wrapping.validate(&format!("user \"{name}\""))?;
        }
        stored.recovery.validate("the recovery key")?;
        if let Some(mark) = &stored.audit_head {
            mark.validate()?;
        }
        Ok(KeyFile {
            path,
            users: stored.users,
            recovery: stored.recovery,
            kdf_params: KdfParams::RECOMMENDED,
            audit_head: stored.audit_head,
        })
    }

    /// Creates the key file of a new database in `data_dir`: a fresh database key,
    /// wrapped for `username` with `password` and with a fresh recovery key, and saves
    /// it. Refuses (`keys.exists`) if a key file is already there, since replacing it
    /// would lock the existing database away for good. The recovery key must be shown
    /// to the person once; it is not stored anywhere.
    pub fn create(data_dir: &Path, username: &str, password: &str) -> Result<(KeyFile, DatabaseKey, RecoveryKey)> {
        KeyFile::create_with_params(data_dir, username, password, KdfParams::RECOMMENDED)
    }

    /// [`KeyFile::create`] with explicit Argon2 parameters for its wrappings (tests use
    /// [`KdfParams::INSECURE_FAST`]); they stay the parameters of later
    /// [`KeyFile::set_user`] calls on the returned value.
    pub fn create_with_params(
        data_dir: &Path,
        username: &str,
        password: &str,
        params: KdfParams,
    ) -> Result<(KeyFile, DatabaseKey, RecoveryKey)> {
        params.argon2()?;
        fs::create_dir_all(data_dir)?;
        let path = data_dir.join(KEY_FILE);
        if path.exists() {
            return Err(Error::KeyFileExists(data_dir.display().to_string()));
        }
        let key = DatabaseKey::generate()?;
        let recovery = RecoveryKey::generate()?;
        let mut file = KeyFile {
            path,
            users: BTreeMap::new(),
            recovery: Wrapping::seal(&key, &recovery.0[..], RECOVERY_SLOT, params)?,
            kdf_params: params,
            audit_head: None,
        };
        file.set_user(username, password, &key)?;
        file.save()?;
        Ok((file, key, recovery))
    }

    /// Sets the Argon2 parameters for wrappings made from now on (a loaded file starts
    /// with [`KdfParams::RECOMMENDED`]).
    pub fn set_kdf_params(&mut self, params: KdfParams) -> Result<()> {
        params.argon2()?;
        self.kdf_params = params;
        Ok(())
    }

    /// The Argon2 parameters the next wrapping will get.
    pub fn kdf_params(&self) -> KdfParams {
        self.kdf_params
    }

    /// Where the key file lives.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The (normalized) usernames that have a wrapping, in order.
    pub fn usernames(&self) -> impl Iterator<Item = &str> {
        self.users.keys().map(String::as_str)
    }

    /// The database key, unwrapped with a user's password. An unknown user and a wrong
    /// password give the same `auth.failed` and take about the same time (a derivation
    /// is run either way), so usernames cannot be probed.
    pub fn unwrap_with_password(&self, username: &str, password: &str) -> Result<DatabaseKey> {
        let username = normalize_username(username);
        match self.users.get(&username) {
            Some(wrapping) => wrapping.open(password.as_bytes(), &user_slot(&username))?.ok_or(Error::LoginFailed),
            None => {
                let _ = self.kdf_params.derive(password.as_bytes(), &[0; SALT_LEN])?;
                Err(Error::LoginFailed)
            }
        }
    }

    /// The database key, unwrapped with the recovery key (`auth.wrong_recovery_key` if
    /// it is not this database's).
    pub fn unwrap_with_recovery(&self, recovery: &RecoveryKey) -> Result<DatabaseKey> {
        self.recovery.open(&recovery.0[..], RECOVERY_SLOT)?.ok_or(Error::WrongRecoveryKey)
    }

    /// Adds or replaces `username`'s wrapping, made with `password` (for a new user or
    /// a password reset). `key` must be this database's key: it is what gets wrapped.
    pub fn set_user(&mut self, username: &str, password: &str, key: &DatabaseKey) -> Result<()> {
        let username = normalize_username(username);
        if username.is_empty() {
            return Err(Error::invalid("username", "Enter a username."));
        }
        if password.is_empty() {
            return Err(Error::invalid("password", "Enter a password."));
        }
        let wrapping = Wrapping::seal(key, password.as_bytes(), &user_slot(&username), self.kdf_params)?;
        self.users.insert(username, wrapping);
        Ok(())
    }

    /// Removes `username`'s wrapping (a deactivated user); whether there was one.
    pub fn remove_user(&mut self, username: &str) -> bool {
        self.users.remove(&normalize_username(username)).is_some()
    }

    /// The audit head last recorded in this file, if any.
    pub fn audit_head(&self) -> Option<&AuditMark> {
        self.audit_head.as_ref()
    }

    /// Records the audit log's head (kept in memory until [`KeyFile::save`]).
    pub fn set_audit_head(&mut self, head: &AuditHead, recorded_at: String) {
        self.audit_head = Some(AuditMark { entries: head.entries, hash: head.hash.clone(), recorded_at });
    }

    /// Replaces the recovery key with a new one (when the old one may have been seen),
    /// returning it to be shown once. The old recovery key stops working once saved.
    pub fn replace_recovery_key(&mut self, key: &DatabaseKey) -> Result<RecoveryKey> {
        let recovery = RecoveryKey::generate()?;
        self.recovery = Wrapping::seal(key, &recovery.0[..], RECOVERY_SLOT, self.kdf_params)?;
        Ok(recovery)
    }

    /// Writes the key file atomically: a temp file in the same folder, flushed to disk,
    /// renamed over the old one (and, on Unix, readable by the owner only). On failure
    /// (`keys.not_saved`) the file on disk is the old one.
    pub fn save(&self) -> Result<()> {
        self.write_atomically().map_err(|e| Error::KeyFileNotSaved(e.to_string()))
    }

    fn write_atomically(&self) -> std::io::Result<()> {
        let stored = Stored {
            format: FORMAT,
            users: self.users.clone(),
            recovery: self.recovery.clone(),
            audit_head: self.audit_head.clone(),
        };
        let mut json = serde_json::to_vec_pretty(&stored).expect("the key file serializes");
        json.push(b'\n');
        let dir = self.path.parent().unwrap_or(Path::new("."));
        let tmp = dir.join(format!("{KEY_FILE}.tmp"));
        let _ = fs::remove_file(&tmp); // a leftover keeps its permissions when reopened
        {
            let mut options = fs::OpenOptions::new();
            options.write(true).create(true).truncate(true);
            #[cfg(unix)]
            std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
            let mut file = options.open(&tmp)?;
            file.write_all(&json)?;
            file.sync_all()?;
        }
        fs::rename(&tmp, &self.path)?;
        super::sync_dir(dir);
        Ok(())
    }
}

/// Fills `buf` from the operating system's random number generator.
fn random(buf: &mut [u8]) -> Result<()> {
    OsRng
        .try_fill_bytes(buf)
        .map_err(|e| Error::Io(std::io::Error::other(format!("the system's random number generator failed: {e}"))))
}

fn push_hex(out: &mut String, bytes: &[u8]) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    for &b in bytes {
        out.push(HEX[(b >> 4) as usize] as char);
        out.push(HEX[(b & 15) as usize] as char);
    }
}

/// Byte strings as lower-case hex in the JSON.
mod hex {
    use serde::{de::Error as _, Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(bytes: &[u8], s: S) -> Result<S::Ok, S::Error> {
        let mut text = String::with_capacity(bytes.len() * 2);
        super::push_hex(&mut text, bytes);
        s.serialize_str(&text)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<u8>, D::Error> {
        let text = String::deserialize(d)?;
        let digit = |c: u8| (c as char).to_digit(16).map(|v| v as u8);
        if text.len() % 2 != 0 {
            return Err(D::Error::custom("hex of odd length"));
        }
        text.as_bytes()
            .chunks(2)
            .map(|pair| Some(digit(pair[0])? << 4 | digit(pair[1])?))
            .collect::<Option<Vec<u8>>>()
            .ok_or_else(|| D::Error::custom("not hex"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_recovery_key_reads_back_however_it_is_typed() {
        let key = RecoveryKey::generate().unwrap();
        let text = key.to_string();
        assert_eq!(text.len(), 8 * 4 + 7, "{text}");
        assert!(text.split('-').all(|g| g.len() == 4 && g.bytes().all(|c| ALPHABET.contains(&c))), "{text}");
        assert_eq!(RecoveryKey::parse(&text).unwrap(), key);
        let sloppy = format!("  {} ", text.to_lowercase().replace('-', " ").replace('0', "o").replace('1', "l"));
        assert_eq!(RecoveryKey::parse(&sloppy).unwrap(), key);
    }

    #[test]
    fn a_malformed_recovery_key_is_a_field_error() {
        let key = RecoveryKey::generate().unwrap().to_string();
        for bad in
            [&key[..key.len() - 1], &format!("{key}A"), &key.replacen(|c: char| c.is_ascii_alphanumeric(), "U", 1), ""]
        {
            let e = RecoveryKey::parse(bad).unwrap_err();
            assert_eq!((e.code(), e.field()), ("validation", Some("recoveryKey")), "{bad}");
        }
    }

    #[test]
    fn a_known_recovery_key_encodes_as_crockford_base32() {
        let mut key = RecoveryKey(Zeroizing::new([0; RECOVERY_LEN]));
        key.0[RECOVERY_LEN - 1] = 31;
        assert_eq!(key.to_string(), "0000-0000-0000-0000-0000-0000-0000-000Z");
        key.0[0] = 0b1111_1000;
        assert!(key.to_string().starts_with("Z000"));
    }

    #[test]
    fn the_pragma_carries_the_key_as_64_hex_digits() {
        let key = DatabaseKey::generate().unwrap();
        let sql = key.sqlcipher_pragmas();
        let hex = sql.split('\'').nth(1).unwrap();
        assert_eq!(hex.len(), 64);
        assert!(hex.bytes().all(|c| c.is_ascii_hexdigit()));
        assert_eq!(format!("{key:?}"), "DatabaseKey(..)");
    }
}
