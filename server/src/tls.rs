//! TLS 1.3 with ring as the one crypto provider. The server listens on one port with
//! two configurations, chosen by the name the workstation asks for: the pairing name
//! (no client certificate: it serves pairing only) and the server's name (mutual
//! TLS: a certificate from the clinic's authority, of a device that is paired and not
//! revoked). A workstation trusts the clinic's authority and nothing else.

use std::sync::{Arc, Mutex, PoisonError};

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::client::WebPkiServerVerifier;
use rustls::crypto::{self, CryptoProvider};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer, ServerName, UnixTime};
use rustls::server::danger::{ClientCertVerified, ClientCertVerifier};
use rustls::server::{NoServerSessionStorage, WebPkiClientVerifier};
use rustls::{
    CertificateError, ClientConfig, DigitallySignedStruct, DistinguishedName, Error, RootCertStore, ServerConfig,
    SignatureScheme,
};

use crate::devices::{pin_matches, Devices};
use crate::pki::Authority;

/// The crypto provider, named every time: never a process default.
pub fn provider() -> Arc<CryptoProvider> {
    Arc::new(crypto::ring::default_provider())
}

/// The server's two configurations: (mutual TLS for paired devices, pairing).
pub fn server_configs(
    authority: &Authority,
    devices: Arc<Devices>,
) -> Result<(Arc<ServerConfig>, Arc<ServerConfig>), Error> {
    let provider = provider();
    let (chain, key) = authority.server_identity();
    let webpki = WebPkiClientVerifier::builder_with_provider(Arc::new(roots(authority.ca())?), provider.clone())
        .build()
        .map_err(|e| Error::General(e.to_string()))?;
    let verifier = Arc::new(KnownDevices { webpki, devices });
    let mut main = ServerConfig::builder_with_provider(provider.clone())
        .with_protocol_versions(&[&rustls::version::TLS13])?
        .with_client_cert_verifier(verifier)
        .with_single_cert(chain.clone(), key.clone_key())?;
    // A resumed session would skip the device check: a revoked device must not come back.
    main.session_storage = Arc::new(NoServerSessionStorage {});
    main.send_tls13_tickets = 0;
    let pairing = ServerConfig::builder_with_provider(provider)
        .with_protocol_versions(&[&rustls::version::TLS13])?
        .with_no_client_auth()
        .with_single_cert(chain, key)?;
    Ok((Arc::new(main), Arc::new(pairing)))
}

/// A paired workstation's configuration: it trusts the clinic's authority `ca` only,
/// and shows its own certificate `cert` with the private key `key` (PKCS#8).
pub fn workstation_config(ca: &[u8], cert: &[u8], key: &[u8]) -> Result<ClientConfig, Error> {
    let roots = roots(&CertificateDer::from(ca.to_vec()))?;
    ClientConfig::builder_with_provider(provider())
        .with_protocol_versions(&[&rustls::version::TLS13])?
        .with_root_certificates(roots)
        .with_client_auth_cert(
            vec![CertificateDer::from(cert.to_vec())],
            PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.to_vec())),
        )
}

/// A pairing workstation's configuration: it trusts the authority whose fingerprint
/// starts as the pairing code says, and keeps that authority's certificate.
pub fn pairing_config(pin: &str) -> Result<(ClientConfig, Arc<PinnedAuthority>), Error> {
    let provider = provider();
    let verifier =
        Arc::new(PinnedAuthority { pin: pin.to_string(), provider: provider.clone(), found: Mutex::new(None) });
    let config = ClientConfig::builder_with_provider(provider)
        .with_protocol_versions(&[&rustls::version::TLS13])?
        .dangerous() // the verifier below checks the chain against the pinned authority
        .with_custom_certificate_verifier(verifier.clone())
        .with_no_client_auth();
    Ok((config, verifier))
}

fn roots(ca: &CertificateDer<'_>) -> Result<RootCertStore, Error> {
    let mut roots = RootCertStore::empty();
    roots.add(ca.clone().into_owned())?;
    Ok(roots)
}

/// Client certificates of the clinic's authority, from paired, unrevoked devices only.
struct KnownDevices {
    webpki: Arc<dyn ClientCertVerifier>,
    devices: Arc<Devices>,
}

impl std::fmt::Debug for KnownDevices {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("KnownDevices")
    }
}

impl ClientCertVerifier for KnownDevices {
    fn root_hint_subjects(&self) -> &[DistinguishedName] {
        self.webpki.root_hint_subjects()
    }

    fn verify_client_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        now: UnixTime,
    ) -> Result<ClientCertVerified, Error> {
        let verified = self.webpki.verify_client_cert(end_entity, intermediates, now)?;
        match self.devices.is_active(end_entity) {
            true => Ok(verified),
            false => Err(Error::InvalidCertificate(CertificateError::Revoked)),
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, Error> {
        self.webpki.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, Error> {
        self.webpki.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.webpki.supported_verify_schemes()
    }
}

/// The server as a pairing workstation checks it: its chain must end in an
/// authority whose fingerprint is the pairing code's, and verify against it.
#[derive(Debug)]
pub struct PinnedAuthority {
    pin: String,
    provider: Arc<CryptoProvider>,
    found: Mutex<Option<CertificateDer<'static>>>,
}

impl PinnedAuthority {
    /// The authority's certificate, once a handshake found it.
    pub fn authority(&self) -> Option<CertificateDer<'static>> {
        self.found.lock().unwrap_or_else(PoisonError::into_inner).clone()
    }
}

impl ServerCertVerifier for PinnedAuthority {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, Error> {
        let Some(ca) = intermediates.iter().find(|c| pin_matches(&self.pin, c)) else {
            return Err(Error::InvalidCertificate(CertificateError::UnknownIssuer));
        };
        let webpki = WebPkiServerVerifier::builder_with_provider(Arc::new(roots(ca)?), self.provider.clone())
            .build()
            .map_err(|e| Error::General(e.to_string()))?;
        let verified = webpki.verify_server_cert(end_entity, &[], server_name, ocsp_response, now)?;
        *self.found.lock().unwrap_or_else(PoisonError::into_inner) = Some(ca.clone().into_owned());
        Ok(verified)
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, Error> {
        crypto::verify_tls12_signature(message, cert, dss, &self.provider.signature_verification_algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, Error> {
        crypto::verify_tls13_signature(message, cert, dss, &self.provider.signature_verification_algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.provider.signature_verification_algorithms.supported_schemes()
    }
}
