//! The NSS key log (what Wireshark and OpenSSL's `-keylogfile` use): one line per secret,
//! `LABEL <client random in hex> <secret in hex>`, written to a file, handed to a callback, or
//! both. The config's key log ([`ConfigKeyLog`](super::handshake_observer::ConfigKeyLog))
//! feeds it.
//!
//! Anyone holding these lines can decrypt the recorded traffic: a config writes them only when
//! the application asked for it, and a key-log file is created readable by its owner only.

use super::error::{Error, ResultCode::*};
use std::fmt::{self, Write as _};
use std::fs::{File, OpenOptions};
use std::io::Write;
use std::os::unix::fs::OpenOptionsExt;
use std::path::Path;
use std::sync::{Arc, Mutex};

/// Receives each key-log line (without the newline). Called from whichever thread drives a
/// connection, possibly from several at once.
pub type KeyLogCallback = Arc<dyn Fn(&str) + Send + Sync>;

/// The environment variable browsers, curl and OpenSSL-based tools name the key-log file in.
pub(crate) const KEYLOG_ENV: &str = "SSLKEYLOGFILE";

/// Where a config's key-log lines go. Cloning shares the same file and callback.
#[derive(Clone, Default)]
pub struct KeyLog {
    file: Option<Arc<KeyLogFile>>,
    callback: Option<KeyLogCallback>,
    /// Leave out `CLIENT_EARLY_TRAFFIC_SECRET`: see [`Self::for_server`].
    skip_early_traffic_secret: bool,
}

struct KeyLogFile {
    path: String,
    file: Mutex<File>,
}

impl KeyLog {
    /// Appends lines to the file at `path`, created (mode 0600) if missing. Replaces an
    /// earlier file.
    pub fn set_file(&mut self, path: &Path) -> Result<(), Error> {
        let file = OpenOptions::new()
            .append(true)
            .create(true)
            .mode(0o600)
            .open(path)
            .map_err(|err| {
                Error::new(
                    FTLS_ERR_FILE,
                    format!(
                        "cannot open the key-log file {}: {}",
                        path.display(),
                        super::error::describe_io(&err)
                    ),
                )
            })?;
        self.file = Some(Arc::new(KeyLogFile {
            path: path.display().to_string(),
            file: Mutex::new(file),
        }));
        Ok(())
    }

    /// Appends lines to the file `$SSLKEYLOGFILE` names, if it is set and not empty; returns
    /// whether it was.
    pub fn set_file_from_env(&mut self) -> Result<bool, Error> {
        match std::env::var_os(KEYLOG_ENV) {
            Some(path) if !path.is_empty() => {
                self.set_file(Path::new(&path))
                    .map_err(|err| err.context(format!("{KEYLOG_ENV} is set")))?;
                Ok(true)
            }
            _ => Ok(false),
        }
    }

    /// Hands every line to `callback`. Replaces an earlier callback.
    pub fn set_callback(&mut self, callback: KeyLogCallback) {
        self.callback = Some(callback);
    }

    /// The key log of a server config. rustls derives (and logs) the early traffic secret on
    /// every TLS 1.3 resumption; a server that accepts no early data never uses it, and
    /// OpenSSL does not log it then, so neither does ftls: both log the same lines.
    pub(crate) fn for_server(&self, accepts_early_data: bool) -> KeyLog {
        KeyLog {
            skip_early_traffic_secret: !accepts_early_data,
            ..self.clone()
        }
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.file.is_none() && self.callback.is_none()
    }

    /// Writes one secret as an NSS key-log line.
    pub(crate) fn log(&self, label: &str, client_random: &[u8], secret: &[u8]) {
        if self.is_empty()
            || self.skip_early_traffic_secret && label == "CLIENT_EARLY_TRAFFIC_SECRET"
        {
            return;
        }
        let mut line = String::with_capacity(label.len() + 2 + 2 * (32 + secret.len()) + 1);
        line.push_str(label);
        line.push(' ');
        push_hex(&mut line, client_random);
        line.push(' ');
        push_hex(&mut line, secret);
        if let Some(callback) = &self.callback {
            callback(&line);
        }
        if let Some(file) = &self.file {
            line.push('\n');
            // One write per line on an O_APPEND file: lines of concurrent connections (and of
            // other processes appending to the same file) never interleave. A failing disk
            // cannot fail the connection: the line is lost.
            let mut handle = file.file.lock().unwrap_or_else(|p| p.into_inner());
            let _ = handle.write_all(line.as_bytes());
        }
        // The secret's text is overwritten before the memory is released.
        let mut bytes = line.into_bytes();
        bytes.fill(0);
        std::hint::black_box(&bytes);
    }
}

fn push_hex(out: &mut String, bytes: &[u8]) {
    for byte in bytes {
        let _ = write!(out, "{byte:02x}");
    }
}

/// Shows where lines go, never a secret.
impl fmt::Debug for KeyLog {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("KeyLog")
            .field("file", &self.file.as_ref().map(|file| &file.path))
            .field("callback", &self.callback.is_some())
            .field("skip_early_traffic_secret", &self.skip_early_traffic_secret)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_nss_format_in_the_file_and_the_callback() {
        let dir = std::env::temp_dir().join(format!("ftls-keylog-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("keys.log");
        let _ = std::fs::remove_file(&path);
        let seen = Arc::new(Mutex::new(Vec::<String>::new()));
        let mut log = KeyLog::default();
        assert!(log.is_empty());
        log.set_file(&path).unwrap();
        let sink = seen.clone();
        log.set_callback(Arc::new(move |line| {
            sink.lock().unwrap().push(line.to_owned())
        }));
        log.log("CLIENT_RANDOM", &[0xab; 32], &[0x01, 0xff]);
        let expected = format!("CLIENT_RANDOM {} 01ff", "ab".repeat(32));
        assert_eq!(*seen.lock().unwrap(), vec![expected.clone()]);
        assert_eq!(std::fs::read_to_string(&path).unwrap(), expected + "\n");
        let mode = std::os::unix::fs::PermissionsExt::mode(
            &std::fs::metadata(&path).unwrap().permissions(),
        );
        assert_eq!(mode & 0o777, 0o600);
        assert!(format!("{log:?}").contains("keys.log"));
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn servers_without_early_data_leave_out_the_early_traffic_secret() {
        let seen = Arc::new(Mutex::new(Vec::<String>::new()));
        let sink = seen.clone();
        let mut log = KeyLog::default();
        log.set_callback(Arc::new(move |line| {
            sink.lock().unwrap().push(line.to_owned())
        }));
        for accepts in [false, true] {
            let server = log.for_server(accepts);
            server.log("CLIENT_EARLY_TRAFFIC_SECRET", &[1; 32], &[2; 32]);
            server.log("CLIENT_TRAFFIC_SECRET_0", &[1; 32], &[2; 32]);
        }
        let labels: Vec<String> = seen
            .lock()
            .unwrap()
            .iter()
            .map(|line| line.split(' ').next().unwrap().to_owned())
            .collect();
        assert_eq!(
            labels,
            [
                "CLIENT_TRAFFIC_SECRET_0",
                "CLIENT_EARLY_TRAFFIC_SECRET",
                "CLIENT_TRAFFIC_SECRET_0"
            ]
        );
    }

    #[test]
    fn an_unopenable_file_is_a_file_error() {
        let err = KeyLog::default()
            .set_file(Path::new("/nonexistent-dir/keys.log"))
            .unwrap_err();
        assert_eq!(err.code(), FTLS_ERR_FILE);
        assert!(err.detail().contains("/nonexistent-dir/keys.log"), "{err}");
    }
}
