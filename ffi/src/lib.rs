//! C ABI for partcert (in progress).
