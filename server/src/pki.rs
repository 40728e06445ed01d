//! The clinic's own certificate authority (rcgen): made once when the server is set up,
//! it signs the server's certificate at each start and each workstation's certificate
//! when it pairs. Its fingerprint is part of every pairing code, so a workstation
//! knows it reached this clinic's server before it sends the code's secret.

use std::fs;
use std::io;
use std::path::Path;

use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair, KeyUsagePurpose,
    PublicKeyData, SignatureAlgorithm, PKCS_ECDSA_P256_SHA256,
};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use sha2::{Digest, Sha256};

use crate::{PAIRING_NAME, SERVER_NAME};

const CA_CERT: &str = "ca.der";
const CA_KEY: &str = "ca.key";
const CA_NAME: &str = "Glabella clinic authority";

/// The clinic's authority, and the server's certificate it signed at this start.
pub struct Authority {
    ca: CertificateDer<'static>,
    issuer: Issuer<'static, KeyPair>,
    server_cert: CertificateDer<'static>,
    server_key: PrivatePkcs8KeyDer<'static>,
}

impl Authority {
    /// The authority kept in `dir`, made there first if there is none.
    pub fn open_or_create(dir: &Path) -> io::Result<Authority> {
        if !dir.join(CA_KEY).exists() {
            create(dir)?;
        }
        let ca = CertificateDer::from(fs::read(dir.join(CA_CERT))?);
        let key = KeyPair::try_from(fs::read(dir.join(CA_KEY))?.as_slice()).map_err(invalid)?;
        let issuer = Issuer::new(ca_params(), key);
        let server_key = KeyPair::generate().map_err(invalid)?;
        let mut params =
            CertificateParams::new(vec![SERVER_NAME.to_string(), PAIRING_NAME.to_string()]).map_err(invalid)?;
        params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
        params.use_authority_key_identifier_extension = true;
        let server_cert = params.signed_by(&server_key, &issuer).map_err(invalid)?.der().clone();
        Ok(Authority { ca, issuer, server_cert, server_key: PrivatePkcs8KeyDer::from(server_key.serialize_der()) })
    }

    /// The authority's certificate, which every workstation trusts (and only it).
    pub fn ca(&self) -> &CertificateDer<'static> {
        &self.ca
    }

    /// The SHA-256 of the authority's certificate.
    pub fn fingerprint(&self) -> [u8; 32] {
        sha256(&self.ca)
    }

    /// The server's certificate chain and key for TLS.
    pub fn server_identity(&self) -> (Vec<CertificateDer<'static>>, PrivateKeyDer<'static>) {
        (vec![self.server_cert.clone(), self.ca.clone()], PrivateKeyDer::Pkcs8(self.server_key.clone_key()))
    }

    /// A workstation's certificate, for the P-256 public key it made itself (its
    /// private key never leaves it).
    pub fn sign_device(&self, name: &str, public_key: &[u8]) -> Result<CertificateDer<'static>, String> {
        if public_key.len() != 65 || public_key[0] != 4 {
            return Err("the workstation's key is not a P-256 public key".into());
        }
        let mut params = CertificateParams::new(Vec::<String>::new()).map_err(|e| e.to_string())?;
        params.distinguished_name.push(DnType::CommonName, name);
        params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ClientAuth];
        params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
        params.use_authority_key_identifier_extension = true;
        let cert = params.signed_by(&DeviceKey(public_key), &self.issuer).map_err(|e| e.to_string())?;
        Ok(cert.der().clone())
    }
}

/// The SHA-256 of a certificate: how devices and the authority are known.
pub fn sha256(der: &[u8]) -> [u8; 32] {
    Sha256::digest(der).into()
}

/// Lower-case hex, as devices are listed.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The authority's parameters: the same at each start, so certificates it signs name
/// the subject of the certificate made at setup.
fn ca_params() -> CertificateParams {
    let mut params = CertificateParams::new(Vec::<String>::new()).expect("no names to parse");
    params.distinguished_name.push(DnType::CommonName, CA_NAME);
    params.is_ca = IsCa::Ca(BasicConstraints::Constrained(0));
    params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign, KeyUsagePurpose::DigitalSignature];
    params
}

fn create(dir: &Path) -> io::Result<()> {
    fs::create_dir_all(dir)?;
    let key = KeyPair::generate().map_err(invalid)?;
    let cert = ca_params().self_signed(&key).map_err(invalid)?;
    write_private(&dir.join(CA_KEY), &key.serialize_der())?;
    fs::write(dir.join(CA_CERT), cert.der())
}

/// Writes a file only its owner can read (the authority's key).
fn write_private(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let mut options = fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    io::Write::write_all(&mut options.open(path)?, bytes)
}

fn invalid(e: impl std::fmt::Display) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, e.to_string())
}

/// A workstation's public key as rcgen signs it.
struct DeviceKey<'a>(&'a [u8]);

impl PublicKeyData for DeviceKey<'_> {
    fn der_bytes(&self) -> &[u8] {
        self.0
    }

    fn algorithm(&self) -> &'static SignatureAlgorithm {
        &PKCS_ECDSA_P256_SHA256
    }
}
