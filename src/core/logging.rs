//! The library's log: rustls (and ftls) log through the `log` crate; this bridges it to one
//! sink the application sets for the whole process.
//!
//! `log` has one logger per process (per copy of the `log` crate: a shared libftls has its
//! own). ftls installs its bridge the first time a sink is set and never removes it; setting
//! another sink, or none, swaps what the bridge calls. Once [`set_log_sink`] returns, the old
//! sink is no longer running and will not be called again: calls hold a read lock, the swap
//! takes the write lock.
//!
//! The sink is never re-entered: a message logged by code the sink runs (an ftls call made from
//! inside the C callback) is dropped before the lock is taken again, since a second read lock on
//! the same thread would wait behind a writer waiting for the first. Replacing the sink from
//! inside it would wait for itself: [`inside_sink`] lets the caller refuse that instead.

use super::error::Error;
use log::{Level, LevelFilter, Log, Metadata, Record};
use std::cell::Cell;
use std::sync::{OnceLock, RwLock};

/// Receives one log message: its level, its target (the module, e.g. `rustls::client::hs`)
/// and its text. Called from any thread, possibly from several at once.
pub type LogSink = Box<dyn Fn(Level, &str, &str) + Send + Sync>;

static SINK: RwLock<Option<LogSink>> = RwLock::new(None);

thread_local! {
    /// Whether this thread is running the sink. Per thread: the sink runs on whichever thread
    /// logs, and another thread may replace it meanwhile (waiting for it to return).
    static IN_SINK: Cell<bool> = const { Cell::new(false) };
}

/// Whether the calling thread is inside the sink (so must not replace it).
pub fn inside_sink() -> bool {
    IN_SINK.with(Cell::get)
}

/// Marks this thread as inside the sink until dropped (also when unwinding); None if it
/// already is.
struct InsideSink;

impl InsideSink {
    fn enter() -> Option<Self> {
        (!IN_SINK.with(|inside| inside.replace(true))).then_some(Self)
    }
}

impl Drop for InsideSink {
    fn drop(&mut self) {
        IN_SINK.with(|inside| inside.set(false));
    }
}

struct Bridge;

impl Log for Bridge {
    fn enabled(&self, metadata: &Metadata<'_>) -> bool {
        metadata.level() <= log::max_level()
    }

    fn log(&self, record: &Record<'_>) {
        if !self.enabled(record.metadata()) {
            return;
        }
        let Some(_inside) = InsideSink::enter() else {
            return;
        };
        let sink = SINK.read().unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some(sink) = sink.as_ref() {
            let text = record.args().to_string();
            sink(record.level(), record.target(), &text);
        }
    }

    fn flush(&self) {}
}

static BRIDGE: Bridge = Bridge;

/// Sends messages up to `max_level` to `sink`; `None` (or `LevelFilter::Off`) stops logging.
/// Fails only if another logger owns this copy of the `log` crate (a Rust program linking
/// ftls as a crate and installing its own logger).
pub fn set_log_sink(sink: Option<LogSink>, max_level: LevelFilter) -> Result<(), Error> {
    static INSTALLED: OnceLock<bool> = OnceLock::new();
    let installed = *INSTALLED.get_or_init(|| log::set_logger(&BRIDGE).is_ok());
    if !installed {
        return Err(Error::invalid_state(
            "another logger is installed for the `log` crate in this process: ftls cannot \
             deliver its log messages",
        ));
    }
    let level = if sink.is_some() {
        max_level
    } else {
        LevelFilter::Off
    };
    // Off first, so that no new call starts while the sink is swapped.
    log::set_max_level(LevelFilter::Off);
    *SINK
        .write()
        .unwrap_or_else(|poisoned| poisoned.into_inner()) = sink;
    log::set_max_level(level);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::{Arc, Mutex};

    #[test]
    fn messages_up_to_the_level_reach_the_sink_until_it_is_removed_and_never_re_enter_it() {
        let seen = Arc::new(Mutex::new(Vec::<(Level, String, String)>::new()));
        let sink = seen.clone();
        set_log_sink(
            Some(Box::new(move |level, target, text| {
                sink.lock()
                    .unwrap()
                    .push((level, target.to_owned(), text.to_owned()))
            })),
            LevelFilter::Info,
        )
        .unwrap();
        log::info!(target: "ftls::test", "hello {}", 42);
        log::debug!(target: "ftls::test", "too detailed");
        set_log_sink(None, LevelFilter::Trace).unwrap();
        log::error!(target: "ftls::test", "nobody listens");
        let seen = seen.lock().unwrap();
        let ours: Vec<_> = seen.iter().filter(|(_, t, _)| t == "ftls::test").collect();
        assert_eq!(
            ours,
            vec![&(Level::Info, "ftls::test".to_owned(), "hello 42".to_owned())]
        );
        drop(seen);

        // A message logged from inside the sink is dropped, not delivered again (which would
        // take the read lock a second time on this thread), and the sink knows it is inside.
        let calls = Arc::new(Mutex::new(Vec::<(String, bool)>::new()));
        let sink = calls.clone();
        set_log_sink(
            Some(Box::new(move |_, target, text| {
                if target != "ftls::nested" {
                    return;
                }
                sink.lock().unwrap().push((text.to_owned(), inside_sink()));
                log::info!(target: "ftls::nested", "from inside the sink");
            })),
            LevelFilter::Info,
        )
        .unwrap();
        log::info!(target: "ftls::nested", "from outside");
        set_log_sink(None, LevelFilter::Off).unwrap();
        assert!(!inside_sink());
        assert_eq!(
            *calls.lock().unwrap(),
            vec![("from outside".to_owned(), true)]
        );
    }
}
