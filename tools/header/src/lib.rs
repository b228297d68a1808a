//! Generates `include/ftls.h` from the `extern "C"` functions in ftls' `src/capi` with
//! cbindgen, as `cbindgen.toml` says. The header is committed; `make header` (run by `make`)
//! writes it, and tests/header.rs checks that the committed copy is what this generates. It is
//! the same for every crypto provider: nothing in `src/capi` depends on the choice.
//!
//! An explicit step rather than ftls' build script: a build script must not write into the
//! source tree (`cargo package` refuses a crate whose build does).

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

/// The ftls crate's directory (the workspace root), where `cbindgen.toml` and `include/` are.
pub fn ftls_root() -> PathBuf {
    let this_crate = Path::new(env!("CARGO_MANIFEST_DIR"));
    this_crate
        .ancestors()
        .nth(2)
        .expect("this crate is tools/header in the ftls tree")
        .to_owned()
}

/// Where the header is committed.
pub fn header_path(root: &Path) -> PathBuf {
    root.join("include/ftls.h")
}

/// The header generated from the ftls crate at `root`, or cbindgen's error (e.g. a syntax
/// error in `src/capi`).
pub fn generate(root: &Path) -> Result<Vec<u8>, String> {
    let config_path = root.join("cbindgen.toml");
    let config = cbindgen::Config::from_file(&config_path)
        .map_err(|err| format!("{}: {err}", config_path.display()))?;
    let bindings = cbindgen::Builder::new()
        .with_crate(root)
        .with_config(config)
        .generate()
        .map_err(|err| format!("cbindgen cannot generate the header: {err}"))?;
    let mut header = Vec::new();
    bindings.write(&mut header);
    Ok(header)
}

/// Writes `header` to `path` unless the file already holds exactly that, so that its timestamp
/// (and make, which rebuilds what includes it) stay calm; by a rename, so that a reader (a
/// compiler, a parallel build) never sees half a file. Whether the file changed.
pub fn write_if_changed(path: &Path, header: &[u8]) -> io::Result<bool> {
    if fs::read(path).ok().as_deref() == Some(header) {
        return Ok(false);
    }
    let tmp = path.with_extension(format!("h.{}", std::process::id()));
    fs::write(&tmp, header)?;
    fs::rename(&tmp, path)?;
    Ok(true)
}
