#!/usr/bin/env bash
# Runs every runnable example and `partcert demo`; fails if any of them fails.
# Each example checks what it shows (a blocked harvested screen, a clean
# donor, a refused rollback ...) and exits non-zero if the story changed.
# Reuses the workspace build (and CARGO_TARGET_DIR if set).
set -euo pipefail
cd "$(dirname "$0")/.."

examples=(repair_shop boot_self_check registry national_register)
failed=()

cargo build --locked -q -p partcert-examples --examples -p partcert-cli

for example in "${examples[@]}"; do
    printf '\n--- example %s\n' "$example"
    if ! cargo run --locked -q -p partcert-examples --example "$example"; then
        failed+=("$example")
    fi
done

printf '\n--- partcert demo\n'
if ! cargo run --locked -q -p partcert-cli -- demo; then
    failed+=("partcert demo")
fi

# The C examples, when their owner provides a runner for them.
if [[ -f examples/c/run.sh ]]; then
    printf '\n--- C examples\n'
    if ! bash examples/c/run.sh; then
        failed+=("C examples")
    fi
fi

if [[ ${#failed[@]} -gt 0 ]]; then
    printf '\nexamples failed: %s\n' "${failed[*]}" >&2
    exit 1
fi
printf '\nexamples: every one ran and showed what it should\n'
