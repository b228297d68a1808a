//! `ftls_client_config`: an immutable client configuration, shared by connections.

use super::boundary::{free_handle, with_shared_arg, SharedHandle};
use crate::core::ClientConfig;

/// An immutable client configuration made by `ftls_client_config_builder_build()`. Share it
/// among any number of connections and threads; free it with `ftls_client_config_free()`
/// whenever you like: connections keep what they need.
pub struct ftls_client_config {
    pub(crate) config: ClientConfig,
}

impl SharedHandle for ftls_client_config {}

/// Frees a client config. NULL does nothing. Connections made from it stay valid: each keeps
/// what it needs.
#[no_mangle]
pub extern "C" fn ftls_client_config_free(config: *mut ftls_client_config) {
    free_handle(config);
}

/// A copy of the config behind `config` (reference-counted: cheap).
pub(crate) fn client_config(
    config: *const ftls_client_config,
) -> Result<ClientConfig, crate::core::Error> {
    with_shared_arg(config, "config", |c| c.config.clone())
}
