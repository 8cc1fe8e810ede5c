//! Any bytes, read as a file: `source_from_bytes` then `load_document`. Nothing may panic, and
//! every input error points inside the file and renders.

#![no_main]

use libfuzzer_sys::fuzz_target;

mod common;

fuzz_target!(|data: &[u8]| {
    let _ = common::load("menu.yaml", data);
});
