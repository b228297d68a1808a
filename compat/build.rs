//! Gives the compatibility library its soname, `libftls-openssl.so.MAJOR`: programs linked with
//! `-lssl -lcrypto` against the OpenSSL-shaped root record that one name, so they can never
//! load the system's libssl by mistake.

use std::env;

fn main() {
    let is_elf = env::var("CARGO_CFG_TARGET_FAMILY").is_ok_and(|family| family == "unix")
        && env::var("CARGO_CFG_TARGET_VENDOR").is_ok_and(|vendor| vendor != "apple");
    if is_elf {
        let major =
            env::var("CARGO_PKG_VERSION_MAJOR").expect("cargo sets CARGO_PKG_VERSION_MAJOR");
        println!("cargo:rustc-cdylib-link-arg=-Wl,-soname,libftls-openssl.so.{major}");
    }
}
