//! The test PKI the harnesses load: ftls' own test certificates (tools/test-pki), made once per
//! process into a fresh directory and read back.

use crate::calls::check;
use ftls::capi::*;
use std::path::PathBuf;
use std::ptr::null_mut;
use std::sync::OnceLock;

pub(crate) struct Pki {
    dir: PathBuf,
}

impl Pki {
    /// The contents of one of the files the test PKI makes (e.g. "server.pem").
    pub(crate) fn file(&self, name: &str) -> Vec<u8> {
        std::fs::read(self.dir.join(name))
            .unwrap_or_else(|e| panic!("the test PKI has no {name}: {e}"))
    }

    /// The path of one of the files the test PKI makes, for loaders that take a file name.
    pub(crate) fn path(&self, name: &str) -> String {
        self.dir
            .join(name)
            .to_str()
            .expect("a UTF-8 path")
            .to_owned()
    }

    /// A new trust holding the CA certificates of the file `ca` (e.g. "ca.pem"); the caller
    /// frees it.
    pub(crate) fn trust(&self, ca: &str) -> *mut ftls_trust {
        let ca = self.file(ca);
        let mut trust = null_mut();
        check(ftls_trust_new(&mut trust));
        check(ftls_trust_add_ca_mem(trust, ca.as_ptr(), ca.len()));
        trust
    }

    /// A new identity holding the files `chain` and `key`; the caller frees it.
    pub(crate) fn identity(&self, chain: &str, key: &str) -> *mut ftls_identity {
        let (chain, key) = (self.file(chain), self.file(key));
        let mut identity = null_mut();
        check(ftls_identity_new(&mut identity));
        check(ftls_identity_set_mem(
            identity,
            chain.as_ptr(),
            chain.len(),
            key.as_ptr(),
            key.len(),
        ));
        identity
    }
}

pub(crate) fn pki() -> &'static Pki {
    static PKI: OnceLock<Pki> = OnceLock::new();
    PKI.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("ftls-fuzz-pki-{}", std::process::id()));
        ftls_test_pki::generate(&dir).expect("make the test PKI");
        Pki { dir }
    })
}
