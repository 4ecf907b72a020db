//! Generates the C header `partcert.h` with the pinned cbindgen.
//!
//! The header is written to `$OUT_DIR/partcert.h`; the committed copy in
//! `include/partcert.h` is checked against it by `tests/run.sh` (and
//! refreshed by `tests/run.sh --update-header`). A build never writes into
//! the source tree.

use std::env;
use std::path::PathBuf;

fn main() {
    println!("cargo:rerun-if-changed=src");
    println!("cargo:rerun-if-changed=cbindgen.toml");
    println!("cargo:rerun-if-changed=build.rs");

    let crate_dir = PathBuf::from(env::var("CARGO_MANIFEST_DIR").expect("CARGO_MANIFEST_DIR"));
    let out_dir = PathBuf::from(env::var("OUT_DIR").expect("OUT_DIR"));
    let config = cbindgen::Config::from_file(crate_dir.join("cbindgen.toml"))
        .expect("ffi/cbindgen.toml must be valid");
    let bindings = cbindgen::Builder::new()
        .with_crate(&crate_dir)
        .with_config(config)
        .generate()
        .expect("cbindgen could not generate partcert.h");
    bindings.write_to_file(out_dir.join("partcert.h"));
}
