#!/usr/bin/env bash
# The project's one test command (see README "Testing"): everything CI checks.
# Installs what it needs itself (into target/tools/), so it runs on a bare machine.
set -euo pipefail
cd "$(dirname "$0")/.."

# Each section says how much disk is left: a full disk is the likeliest way a
# bare CI machine fails this command.
section() { printf '\n==> %s (disk free: %s)\n' "$*" "$(df -h --output=avail . | tail -1 | tr -d ' ')"; }

# CI builds once from a clean checkout: incremental caches (2 GB here) would
# never be reused, and full debug info in every test binary cost 6 GB of
# target/. Line tables keep file:line in backtraces, sanitizer and valgrind
# reports. A caller's own settings win.
export CARGO_INCREMENTAL="${CARGO_INCREMENTAL:-0}"
export CARGO_PROFILE_DEV_DEBUG="${CARGO_PROFILE_DEV_DEBUG:-line-tables-only}"

section "format"
cargo fmt --all --check

# One feature set for every cargo command (the bindings' `cli` feature builds
# the uniffi-bindgen binary that bindings/tests/run.sh uses), so uniffi is
# compiled once.
section "lint"
cargo clippy --workspace --all-targets --all-features --locked -- -D warnings

section "docs"
RUSTDOCFLAGS="-D warnings" cargo doc --workspace --all-features --no-deps --locked -q

section "rust tests (core, ffi, cli, bindings)"
cargo test --workspace --all-features --locked

# Each bench built (test profile: the tests' build is reused) and run once in
# criterion's test mode; `--test` also makes the benches use small lists.
# About 40 s on 2 cores. Timings: `cargo bench -p partcert` (BENCHMARKS.md).
section "benches: each built and run once (smoke test)"
cargo test --workspace --all-features --locked --bench '*' -- --test

section "C ABI: header up to date, C tests under ASan/UBSan and valgrind"
bash ffi/tests/run.sh

section "Kotlin and Swift: generated bindings, tests and examples on the JVM and Swift"
bash bindings/tests/run.sh

section "fuzz: every decoder, 15 s each, seeded with the golden vectors"
bash fuzz/run.sh 15

section "examples"
bash examples/run.sh

section "all checks passed"
