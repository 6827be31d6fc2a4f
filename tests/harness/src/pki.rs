//! The certificates and keys of a test control plane: one CA, the API server's serving
//! certificate, client certificates for the admin and the controller manager, and the
//! service-account signing key.

use std::fs;
use std::io;
use std::net::{IpAddr, Ipv4Addr};
use std::path::{Path, PathBuf};

use rcgen::{
    BasicConstraints, CertificateParams, DistinguishedName, DnType, ExtendedKeyUsagePurpose, IsCa,
    Issuer, KeyPair, KeyUsagePurpose, SanType,
};

/// PEM files written into the control plane's folder.
pub struct Pki {
    pub ca_cert: PathBuf,
    pub serving_cert: PathBuf,
    pub serving_key: PathBuf,
    pub service_account_public: PathBuf,
    pub service_account_private: PathBuf,
    pub admin: ClientCredentials,
    pub controller_manager: ClientCredentials,
}

/// A client certificate and key, in PEM, for a kubeconfig.
pub struct ClientCredentials {
    pub cert_pem: String,
    pub key_pem: String,
}

impl Pki {
    /// Generates everything and writes the files the control-plane binaries read.
    pub fn generate(dir: &Path) -> io::Result<Pki> {
        let ca_key = KeyPair::generate().map_err(io::Error::other)?;
        let ca_params = ca_params();
        let ca_cert = ca_params.self_signed(&ca_key).map_err(io::Error::other)?;
        let ca = Issuer::new(ca_params, ca_key);

        let serving = serving_cert(&ca)?;
        // The user name comes from the CN and the groups from O; system:masters bypasses RBAC,
        // and system:kube-controller-manager is bound by the API server's bootstrap policy.
        let admin = client_cert(&ca, "appasset-e2e-admin", Some("system:masters"))?;
        let controller_manager = client_cert(&ca, "system:kube-controller-manager", None)?;
        let service_account = KeyPair::generate().map_err(io::Error::other)?;

        let pki = Pki {
            ca_cert: dir.join("ca.crt"),
            serving_cert: dir.join("apiserver.crt"),
            serving_key: dir.join("apiserver.key"),
            service_account_public: dir.join("sa.pub"),
            service_account_private: dir.join("sa.key"),
            admin,
            controller_manager,
        };
        fs::write(&pki.ca_cert, ca_cert.pem())?;
        fs::write(&pki.serving_cert, serving.cert_pem)?;
        fs::write(&pki.serving_key, serving.key_pem)?;
        fs::write(
            &pki.service_account_public,
            service_account.public_key_pem(),
        )?;
        fs::write(
            &pki.service_account_private,
            service_account.serialize_pem(),
        )?;
        Ok(pki)
    }
}

fn ca_params() -> CertificateParams {
    let mut params = CertificateParams::default();
    params.distinguished_name = name("appasset-e2e-ca", None);
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    params
}

fn serving_cert(ca: &Issuer<'_, KeyPair>) -> io::Result<ClientCredentials> {
    let mut params = CertificateParams::new(vec![
        "localhost".to_string(),
        "kubernetes".to_string(),
        "kubernetes.default".to_string(),
        "kubernetes.default.svc".to_string(),
        "kubernetes.default.svc.cluster.local".to_string(),
    ])
    .map_err(io::Error::other)?;
    params
        .subject_alt_names
        .push(SanType::IpAddress(IpAddr::V4(Ipv4Addr::LOCALHOST)));
    params
        .subject_alt_names
        .push(SanType::IpAddress(IpAddr::V4(Ipv4Addr::new(10, 0, 0, 1))));
    params.distinguished_name = name("kube-apiserver", None);
    params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    sign(params, ca)
}

fn client_cert(
    ca: &Issuer<'_, KeyPair>,
    user: &str,
    group: Option<&str>,
) -> io::Result<ClientCredentials> {
    let mut params = CertificateParams::default();
    params.distinguished_name = name(user, group);
    params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ClientAuth];
    sign(params, ca)
}

fn sign(params: CertificateParams, ca: &Issuer<'_, KeyPair>) -> io::Result<ClientCredentials> {
    let key = KeyPair::generate().map_err(io::Error::other)?;
    let cert = params.signed_by(&key, ca).map_err(io::Error::other)?;
    Ok(ClientCredentials {
        cert_pem: cert.pem(),
        key_pem: key.serialize_pem(),
    })
}

fn name(common_name: &str, organization: Option<&str>) -> DistinguishedName {
    let mut name = DistinguishedName::new();
    name.push(DnType::CommonName, common_name);
    if let Some(organization) = organization {
        name.push(DnType::OrganizationName, organization);
    }
    name
}
