#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| ftls_fuzz::openssl_decoders(data));
