#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| ftls_fuzz::key_and_certificate_loaders(data));
