#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| ftls_fuzz::c_api_calls(data));
