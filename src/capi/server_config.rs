//! `ftls_server_config`: an immutable server configuration, shared by connections.

use super::boundary::{free_handle, with_shared_arg, SharedHandle};
use crate::core::{Error, ServerConfig};

/// An immutable server configuration made by `ftls_server_config_builder_build()`. Share it
/// among any number of connections and threads; free it with `ftls_server_config_free()`
/// whenever you like: connections keep what they need.
pub struct ftls_server_config {
    pub(crate) config: ServerConfig,
}

impl SharedHandle for ftls_server_config {}

/// Frees a server config. NULL does nothing. Connections made from it stay valid.
#[no_mangle]
pub extern "C" fn ftls_server_config_free(config: *mut ftls_server_config) {
    free_handle(config);
}

/// A copy of the config behind `config` (reference-counted: cheap).
pub(crate) fn server_config(config: *const ftls_server_config) -> Result<ServerConfig, Error> {
    with_shared_arg(config, "config", |c| c.config.clone())
}
