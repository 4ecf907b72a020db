// Hand-written, shipped with the generated bindings (compiled into the jar by
// bindings/package.sh and bindings/tests/run.sh, copied beside the generated
// Kotlin by bindings/android.sh): the stable error code as a Kotlin Int.

package org.partcert

/**
 * The stable numeric code of the error-code table (the same number in Rust, C,
 * Swift and the CLI's `--json`), as an `Int`, so `e.code == 201` compiles.
 * [ErrorInfo.code], the same number, is unsigned as uniffi carries it.
 */
val PartcertException.code: Int
    get() = info().code.toInt()
