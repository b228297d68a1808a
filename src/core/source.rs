//! Reading credential input: a file (bounded, with a clear error) or bytes in memory.

use super::error::{describe_io, Error, ResultCode};
use std::io::Read;
use std::path::Path;

/// Larger than any CA bundle or certificate chain; stops `/dev/zero` and friends.
const MAX_FILE_BYTES: u64 = 16 * 1024 * 1024;

/// Reads a whole credential file, or says why it could not.
pub fn read_file(path: &Path) -> Result<Vec<u8>, Error> {
    let fail = |err: &std::io::Error| {
        Error::new(
            ResultCode::FTLS_ERR_FILE,
            format!("cannot read {}: {}", path.display(), describe_io(err)),
        )
    };
    let file = std::fs::File::open(path).map_err(|e| fail(&e))?;
    let metadata = file.metadata().map_err(|e| fail(&e))?;
    if metadata.is_dir() {
        return Err(Error::new(
            ResultCode::FTLS_ERR_FILE,
            format!("cannot read {}: it is a directory", path.display()),
        ));
    }
    let mut bytes = Vec::new();
    file.take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| fail(&e))?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(Error::new(
            ResultCode::FTLS_ERR_FILE,
            format!(
                "cannot read {}: larger than {MAX_FILE_BYTES} bytes",
                path.display()
            ),
        ));
    }
    Ok(bytes)
}
