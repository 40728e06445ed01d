//! The paired workstations (`devices.json`) and the pairing codes (`pairing.json`), in
//! the server's folder beside the clinic's encrypted database, not inside it: TLS must
//! know which devices may connect before anyone has signed in and unlocked the
//! database. A device is known by the SHA-256 of its certificate; revoking it refuses
//! its next handshake and closes its open connections at once.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};

use chrono::{DateTime, Duration, Utc};
use glabella_core::files::save_file;
use serde::{Deserialize, Serialize};
use tokio::sync::watch;

use crate::pki::{hex, sha256};

const DEVICES: &str = "devices.json";
const CODES: &str = "pairing.json";
const FAILURES: &str = "pairing-failures.json";

/// How long a pairing code stays valid.
pub const CODE_LIFETIME: Duration = Duration::minutes(10);

/// Wrong secrets tried before every open pairing code is void.
const TRIES: u32 = 5;

/// The characters of a pairing code (Crockford's base 32: no I, L, O or U).
const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// Characters of the one-time secret at the start of a code (40 bits).
const SECRET_LEN: usize = 8;

/// Characters of the authority's fingerprint after it (80 bits).
const PIN_LEN: usize = 16;

/// One paired workstation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Device {
    /// The SHA-256 of its certificate, in hex.
    pub id: String,
    pub name: String,
    pub paired_at: DateTime<Utc>,
    pub last_seen: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
}

/// The paired workstations, as the server has them.
pub struct Devices {
    dir: PathBuf,
    list: Mutex<Vec<Device>>,
    /// One per device that has connected: `true` once it is revoked.
    revoked: Mutex<HashMap<String, watch::Sender<bool>>>,
}

impl Devices {
    /// The devices paired with the server whose folder is `dir`.
    pub fn open(dir: &Path) -> std::io::Result<Devices> {
        Ok(Devices {
            dir: dir.to_path_buf(),
            list: Mutex::new(read_json(&dir.join(DEVICES))?),
            revoked: Mutex::default(),
        })
    }

    /// Every device ever paired, revoked ones too.
    pub fn list(&self) -> Vec<Device> {
        self.devices().clone()
    }

    /// Whether the certificate `der` belongs to a paired device that is not revoked.
    pub fn is_active(&self, der: &[u8]) -> bool {
        let id = hex(&sha256(der));
        self.devices().iter().any(|d| d.id == id && d.revoked_at.is_none())
    }

    /// Adds a device with the certificate `der`, just signed for it.
    pub fn add(&self, name: &str, der: &[u8], now: DateTime<Utc>) -> glabella_core::Result<Device> {
        let device =
            Device { id: hex(&sha256(der)), name: name.to_string(), paired_at: now, last_seen: None, revoked_at: None };
        let mut list = self.devices();
        list.push(device.clone());
        self.save(&list)?;
        Ok(device)
    }

    /// Refuses the device `id` from now on and closes its open connections. `false` if
    /// there is no such device (or it was revoked already).
    pub fn revoke(&self, id: &str, now: DateTime<Utc>) -> glabella_core::Result<bool> {
        let mut list = self.devices();
        let Some(device) = list.iter_mut().find(|d| d.id == id && d.revoked_at.is_none()) else {
            return Ok(false);
        };
        device.revoked_at = Some(now);
        self.save(&list)?;
        if let Some(sender) = self.revoked.lock().unwrap_or_else(PoisonError::into_inner).get(id) {
            sender.send_replace(true);
        }
        Ok(true)
    }

    /// Notes that the device `id` was heard from (kept in memory; written with the next change).
    pub fn seen(&self, id: &str, now: DateTime<Utc>) {
        if let Some(device) = self.devices().iter_mut().find(|d| d.id == id) {
            device.last_seen = Some(now);
        }
    }

    /// Notes that the device `id` connected, and gives what tells its connection to close.
    pub fn connected(&self, id: &str, now: DateTime<Utc>) -> watch::Receiver<bool> {
        self.seen(id, now);
        let mut revoked = self.revoked.lock().unwrap_or_else(PoisonError::into_inner);
        revoked.entry(id.to_string()).or_insert_with(|| watch::channel(false).0).subscribe()
    }

    fn devices(&self) -> std::sync::MutexGuard<'_, Vec<Device>> {
        self.list.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn save(&self, list: &[Device]) -> glabella_core::Result<()> {
        save_json(&self.dir.join(DEVICES), list)
    }
}

/// An open pairing code, as kept on disk: only the secret's hash.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct OpenCode {
    secret_sha256: String,
    expires_at: DateTime<Utc>,
}

/// A new one-time pairing code for the server in `dir` whose authority has
/// `fingerprint`, valid for [`CODE_LIFETIME`]: `XXXX-XXXX-XXXX-XXXX-XXXX-XXXX`, the
/// secret then the fingerprint's first 80 bits.
pub fn new_pairing_code(dir: &Path, fingerprint: &[u8; 32], now: DateTime<Utc>) -> glabella_core::Result<String> {
    let secret: String = (0..SECRET_LEN).map(|_| ALPHABET[fastrand::usize(..32)] as char).collect();
    let mut codes = open_codes(dir, now)?;
    codes.push(OpenCode { secret_sha256: hex(&sha256(secret.as_bytes())), expires_at: now + CODE_LIFETIME });
    save_json(&dir.join(CODES), &codes)?;
    let code = format!("{secret}{}", base32(fingerprint, PIN_LEN));
    Ok(code.as_bytes().chunks(4).map(|c| std::str::from_utf8(c).unwrap_or_default()).collect::<Vec<_>>().join("-"))
}

/// Uses up the open code whose secret is `secret`. A wrong secret counts against every
/// open code; after [`TRIES`] of them, they are void.
pub fn redeem_secret(dir: &Path, secret: &str, now: DateTime<Utc>) -> glabella_core::Result<bool> {
    let mut codes = open_codes(dir, now)?;
    let hash = hex(&sha256(secret.as_bytes()));
    let found = codes.iter().position(|c| c.secret_sha256 == hash);
    match found {
        Some(i) => {
            codes.remove(i);
        }
        None => {
            let failures = read_json::<Vec<DateTime<Utc>>>(&dir.join(FAILURES))?;
            let mut failures: Vec<_> = failures.into_iter().filter(|at| *at + CODE_LIFETIME > now).collect();
            failures.push(now);
            if failures.len() as u32 >= TRIES {
                codes.clear();
                failures.clear();
            }
            save_json(&dir.join(FAILURES), &failures)?;
        }
    }
    save_json(&dir.join(CODES), &codes)?;
    Ok(found.is_some())
}

/// A pairing code as typed (any case, with or without dashes or spaces) split into its
/// secret and the authority's fingerprint prefix; `None` if it is not a code.
pub fn read_pairing_code(code: &str) -> Option<(String, String)> {
    let clean: String =
        code.chars().filter(|c| !c.is_whitespace() && *c != '-').map(|c| c.to_ascii_uppercase()).collect();
    let fits = clean.len() == SECRET_LEN + PIN_LEN && clean.bytes().all(|b| ALPHABET.contains(&b));
    fits.then(|| (clean[..SECRET_LEN].to_string(), clean[SECRET_LEN..].to_string()))
}

/// Whether the certificate `der` is the one the fingerprint prefix `pin` names.
pub fn pin_matches(pin: &str, der: &[u8]) -> bool {
    base32(&sha256(der), PIN_LEN) == pin
}

/// The first `len` characters of `bytes` in Crockford's base 32.
fn base32(bytes: &[u8], len: usize) -> String {
    (0..len)
        .map(|i| {
            let bit = i * 5;
            let word = u16::from(bytes[bit / 8]) << 8 | u16::from(*bytes.get(bit / 8 + 1).unwrap_or(&0));
            ALPHABET[usize::from((word >> (11 - bit % 8)) & 31)] as char
        })
        .collect()
}

fn open_codes(dir: &Path, now: DateTime<Utc>) -> glabella_core::Result<Vec<OpenCode>> {
    let codes: Vec<OpenCode> = read_json(&dir.join(CODES))?;
    Ok(codes.into_iter().filter(|c| c.expires_at > now).collect())
}

fn read_json<T: serde::de::DeserializeOwned + Default>(path: &Path) -> std::io::Result<T> {
    match std::fs::read(path) {
        Ok(bytes) => serde_json::from_slice(&bytes)
            .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, format!("{}: {e}", path.display()))),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(T::default()),
        Err(e) => Err(e),
    }
}

fn save_json<T: Serialize + ?Sized>(path: &Path, value: &T) -> glabella_core::Result<()> {
    let bytes = serde_json::to_vec_pretty(value).map_err(|e| glabella_core::Error::Internal(e.to_string()))?;
    save_file(path, &bytes).map(drop)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_code_reads_back_as_its_secret_and_the_authoritys_fingerprint() {
        let dir = tempfile::tempdir().unwrap();
        let ca = b"the authority's certificate";
        let now = Utc::now();
        let code = new_pairing_code(dir.path(), &sha256(ca), now).unwrap();
        assert_eq!(code.len(), 29, "{code}");
        let (secret, pin) = read_pairing_code(&code.to_lowercase().replace('-', " ")).unwrap();
        assert!(pin_matches(&pin, ca));
        assert!(!pin_matches(&pin, b"another authority"));
        assert!(redeem_secret(dir.path(), &secret, now).unwrap());
        assert!(!redeem_secret(dir.path(), &secret, now).unwrap(), "a code pairs once");
    }

    #[test]
    fn a_code_expires_after_ten_minutes_and_five_wrong_secrets_void_it() {
        let dir = tempfile::tempdir().unwrap();
        let now = Utc::now();
        let code = new_pairing_code(dir.path(), &[7; 32], now).unwrap();
        let (secret, _) = read_pairing_code(&code).unwrap();
        assert!(!redeem_secret(dir.path(), &secret, now + CODE_LIFETIME).unwrap());

        let code = new_pairing_code(dir.path(), &[7; 32], now).unwrap();
        let (secret, _) = read_pairing_code(&code).unwrap();
        for _ in 0..TRIES {
            assert!(!redeem_secret(dir.path(), "WRONGONE", now).unwrap());
        }
        assert!(!redeem_secret(dir.path(), &secret, now).unwrap());
    }

    #[test]
    #[allow(clippy::unusual_byte_groupings)] // grouped as the five-bit characters
    fn base32_reads_five_bits_at_a_time() {
        assert_eq!(base32(&[0b00001_000, 0b10_00011_0, 0], 4), "1230");
    }
}
