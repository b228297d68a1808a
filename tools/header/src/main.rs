//! `make header`: writes include/ftls.h when what cbindgen generates from src/capi differs
//! from it. Exit status 0, or 1 when the header cannot be generated or written.

use std::process::ExitCode;

fn main() -> ExitCode {
    let root = ftls_header::ftls_root();
    let path = ftls_header::header_path(&root);
    let written = ftls_header::generate(&root).and_then(|header| {
        ftls_header::write_if_changed(&path, &header)
            .map_err(|err| format!("cannot write {}: {err}", path.display()))
    });
    match written {
        Ok(true) => {
            eprintln!("ftls-header: regenerated {}", path.display());
            ExitCode::SUCCESS
        }
        Ok(false) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("ftls-header: {err}");
            ExitCode::FAILURE
        }
    }
}
