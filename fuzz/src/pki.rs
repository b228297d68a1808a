//! The test PKI the harnesses load: ftls' own test certificates (tools/test-pki), made once per
//! process into a fresh directory and read back.

use std::path::PathBuf;
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
}

pub(crate) fn pki() -> &'static Pki {
    static PKI: OnceLock<Pki> = OnceLock::new();
    PKI.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("ftls-fuzz-pki-{}", std::process::id()));
        ftls_test_pki::generate(&dir).expect("make the test PKI");
        Pki { dir }
    })
}
