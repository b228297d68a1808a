//! Session resumption and early data (0-RTT): what a client remembers of its servers, and
//! how a server lets clients come back (a session cache, an external store, stateless tickets).

use super::error::{Error, ResultCode::*};
use super::tickets::{random_key_ticketer, TicketKeys};
use rustls::client::Resumption;
use rustls::server::{
    NoServerSessionStorage, ProducesTickets, ServerSessionMemoryCache, StoresServerSessions,
};
use std::sync::Arc;

/// How many sessions a cache holds unless told otherwise (rustls' default).
pub(crate) const DEFAULT_SESSION_CACHE: usize = 256;

/// A client's resumption settings. Each config built gets its own in-memory store, shared by
/// the connections made from that config.
#[derive(Clone, Debug)]
pub struct ClientSessions {
    cache_size: usize,
    early_data: bool,
}

impl Default for ClientSessions {
    fn default() -> Self {
        Self {
            cache_size: DEFAULT_SESSION_CACHE,
            early_data: false,
        }
    }
}

impl ClientSessions {
    /// Keeps sessions for up to `size` servers (names); 0 turns resumption off.
    pub fn set_cache_size(&mut self, size: usize) {
        self.cache_size = size;
    }

    /// Offers early data (0-RTT) when resuming a session whose server allows it.
    pub fn set_early_data(&mut self, enable: bool) {
        self.early_data = enable;
    }

    pub(crate) fn apply(&self, config: &mut rustls::ClientConfig) -> Result<(), Error> {
        if self.early_data && self.cache_size == 0 {
            return Err(Error::new(
                FTLS_ERR_CONFIG,
                "early data needs session resumption, but the session cache size is 0",
            ));
        }
        config.resumption = match self.cache_size {
            0 => Resumption::disabled(),
            size => Resumption::in_memory_sessions(size),
        };
        config.enable_early_data = self.early_data;
        Ok(())
    }
}

/// Where a server keeps the sessions it can resume by ID (TLS 1.2 session IDs, TLS 1.3
/// stateful tickets).
#[derive(Clone, Debug)]
enum Store {
    /// An in-memory cache of this many sessions per config; 0 keeps none.
    Memory(usize),
    /// The application's store.
    External(Arc<dyn StoresServerSessions>),
}

/// Whether the server issues stateless tickets, and under which keys.
#[derive(Clone, Debug)]
enum Tickets {
    Off,
    /// Keys ftls makes and rotates itself, per config.
    RandomKeys,
    /// The application's keys, shared with other configs (and other servers).
    Keys(Arc<TicketKeys>),
}

/// A server's resumption and early-data settings.
#[derive(Clone, Debug)]
pub struct ServerSessions {
    store: Store,
    tickets: Tickets,
    max_early_data: u32,
}

impl Default for ServerSessions {
    fn default() -> Self {
        Self {
            store: Store::Memory(DEFAULT_SESSION_CACHE),
            tickets: Tickets::Off,
            max_early_data: 0,
        }
    }
}

impl ServerSessions {
    /// An in-memory session cache of `size` sessions (replacing an external store); 0 keeps
    /// none.
    pub fn set_cache_size(&mut self, size: usize) {
        self.store = Store::Memory(size);
    }

    /// Keeps sessions in the application's store instead of memory.
    pub fn set_store(&mut self, store: Arc<dyn StoresServerSessions>) {
        self.store = Store::External(store);
    }

    /// Stateless tickets under keys ftls makes (on), or no stateless tickets (off).
    pub fn set_tickets(&mut self, enable: bool) {
        self.tickets = if enable {
            Tickets::RandomKeys
        } else {
            Tickets::Off
        };
    }

    /// Stateless tickets under the application's keys.
    pub fn set_ticket_keys(&mut self, keys: Arc<TicketKeys>) {
        self.tickets = Tickets::Keys(keys);
    }

    /// Accepts up to `size` bytes of early data (0-RTT) from resuming clients; 0 refuses it.
    pub fn set_max_early_data(&mut self, size: u32) {
        self.max_early_data = size;
    }

    /// Whether the server accepts early data (0-RTT) at all.
    pub(crate) fn accepts_early_data(&self) -> bool {
        self.max_early_data > 0
    }

    pub(crate) fn apply(&self, config: &mut rustls::ServerConfig) -> Result<(), Error> {
        let stateful = match &self.store {
            Store::Memory(0) => None,
            Store::Memory(size) => {
                Some(ServerSessionMemoryCache::new(*size) as Arc<dyn StoresServerSessions>)
            }
            Store::External(store) => Some(store.clone()),
        };
        let ticketer: Option<Arc<dyn ProducesTickets>> = match &self.tickets {
            Tickets::Off => None,
            Tickets::RandomKeys => Some(random_key_ticketer()?),
            Tickets::Keys(keys) => Some(keys.clone()),
        };
        if self.max_early_data > 0 {
            // RFC 8446 §8: single-use tickets (taken from the store) are the anti-replay
            // defence; rustls refuses 0-RTT with stateless tickets for that reason.
            if ticketer.is_some() {
                return Err(Error::new(
                    FTLS_ERR_CONFIG,
                    "early data needs stateful resumption (a session cache or store), but \
                     stateless tickets are on: turn tickets off, or early data off",
                ));
            }
            if stateful.is_none() {
                return Err(Error::new(
                    FTLS_ERR_CONFIG,
                    "early data needs stateful resumption, but the session cache size is 0",
                ));
            }
        }
        if stateful.is_none() && ticketer.is_none() {
            // Nothing could resume them: do not send TLS 1.3 tickets at all.
            config.send_tls13_tickets = 0;
        }
        config.session_storage = stateful.unwrap_or_else(|| Arc::new(NoServerSessionStorage {}));
        if let Some(ticketer) = ticketer {
            config.ticketer = ticketer;
        }
        config.max_early_data_size = self.max_early_data;
        Ok(())
    }
}
