#!/usr/bin/env bash
# Fuzz every decoder for a short while (default 15 s each), seeded with the
# golden vectors. Installs cargo-fuzz into target/tools/ on first use.
# Usage: fuzz/run.sh [seconds-per-target]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-15}"
tools="$PWD/target/tools"
if ! command -v cargo-fuzz >/dev/null && [ ! -x "$tools/bin/cargo-fuzz" ]; then
    cargo install cargo-fuzz --locked --root "$tools" --version 0.13.2
fi
export PATH="$tools/bin:$PATH"
cd fuzz
targets=$(cargo fuzz list)
passed=0
failed=0
for target in $targets; do
    # Stable toolchain: no sanitizer instrumentation (-s none); the library
    # has no unsafe code. Built one by one: a target that does not build
    # fails alone, the others still run.
    if ! cargo fuzz build -s none "$target" >"/tmp/partcert-fuzz-$target.log" 2>&1; then
        echo "fuzz $target: BUILD FAILED"
        grep -E '^error' "/tmp/partcert-fuzz-$target.log" | head -10
        failed=$((failed + 1))
        continue
    fi
    corpus="corpus/$target"
    mkdir -p "$corpus"
    cp ../core/tests/vectors/*.* "$corpus/" 2>/dev/null || true
    rm -f "$corpus/README.md"
    if [ "$target" = ffi ]; then
        # The ffi target reads length-prefixed pieces: seed it with whole stories.
        python3 - "$corpus" <<'PY'
import pathlib, struct, sys
vectors = pathlib.Path("../core/tests/vectors")
corpus = pathlib.Path(sys.argv[1])
order = ["handset.pair", "empty_v1.pcbl", "v1_to_v2.pcbd", "rollback_state.pcrb",
         "revocation.pcrl", "manufacturer_root.cert", "camera_response.pcr"]
for first in ["screen.cert", "keyed_camera.cert", "board.cert"]:
    seed = b"".join(struct.pack("<H", len(data)) + data
                    for data in ((vectors / name).read_bytes() for name in [first] + order))
    (corpus / ("story-" + first)).write_bytes(seed)
PY
    fi
    if cargo fuzz run -s none "$target" "$corpus" -- -max_total_time="$seconds" -max_len=65536 >"/tmp/partcert-fuzz-$target.log" 2>&1; then
        echo "fuzz $target: $(grep -o 'Done [0-9]* runs' "/tmp/partcert-fuzz-$target.log" | tail -1) in ${seconds}s, no crash"
        passed=$((passed + 1))
    else
        echo "fuzz $target: CRASH (see fuzz/artifacts/$target/)"
        tail -30 "/tmp/partcert-fuzz-$target.log"
        failed=$((failed + 1))
    fi
done
echo "fuzz: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
