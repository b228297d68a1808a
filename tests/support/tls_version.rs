//! The two protocol versions as each peer program spells them on its command line.

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Version {
    Tls12,
    Tls13,
}

impl Version {
    /// What tls-server's answer, OpenSSL's status page and Python's `ssl` say.
    pub fn name(self) -> &'static str {
        match self {
            Version::Tls12 => "TLSv1.2",
            Version::Tls13 => "TLSv1.3",
        }
    }

    pub fn ftls_flag(self) -> &'static str {
        match self {
            Version::Tls12 => "--tls12",
            Version::Tls13 => "--tls13",
        }
    }

    pub fn openssl_flag(self) -> &'static str {
        match self {
            Version::Tls12 => "-tls1_2",
            Version::Tls13 => "-tls1_3",
        }
    }

    pub fn gnutls_priority(self) -> &'static str {
        match self {
            Version::Tls12 => "NORMAL:-VERS-ALL:+VERS-TLS1.2",
            Version::Tls13 => "NORMAL:-VERS-ALL:+VERS-TLS1.3",
        }
    }

    /// tests/peers/python_tls.py's `--version`.
    pub fn python_arg(self) -> &'static str {
        match self {
            Version::Tls12 => "1.2",
            Version::Tls13 => "1.3",
        }
    }

    pub fn curl_args(self) -> [&'static str; 3] {
        match self {
            Version::Tls12 => ["--tlsv1.2", "--tls-max", "1.2"],
            Version::Tls13 => ["--tlsv1.3", "--tls-max", "1.3"],
        }
    }
}
