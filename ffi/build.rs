//! Generates the C header `partcert.h` with the pinned cbindgen, and every
//! part of the C ABI whose source of truth is a table:
//!
//! - every C enum: the result codes from `partcert::ErrorCode::ALL`
//!   (`code()`, `name()`, `description()`, `hint()`), the named part kinds
//!   from `PartKind::NAMED`, each of the core's coded enums (reasons,
//!   listing statuses, roles, object types, bindings, relations, pairing
//!   events) from its `ALL`, `code()` and `name()`, and the few the C ABI
//!   adds itself (a standing, why a list is stale, what a listing matched,
//!   a list's format) from the table [`OWN`];
//! - the limits (`PARTCERT_*`) from `partcert::limits::ALL`, and the fixed
//!   lengths from the sizes of the core's types;
//! - the library version macros, from `VERSION`.
//!
//! The core is a build-dependency: its values are read here, never its
//! source text, and no file outside this crate is read (cbindgen parses
//! `src/` alone), so the crate as packaged builds the same header.
//!
//! Each enum is written twice: as Rust (`$OUT_DIR/enums.rs`, included by
//! `src/enums.rs`: a `#[repr(transparent)]` type with a constant per value,
//! which cbindgen does not see) and as C (placed after the includes). The
//! header goes to `$OUT_DIR/partcert.h`; `tests/run.sh` checks the
//! committed `include/partcert.h` against it. A build never writes into
//! the source tree. The shared library's soname is `libpartcert.so.MAJOR`
//! (`@rpath/libpartcert.MAJOR.dylib` on Apple platforms).

use std::fmt::{Debug, Write as _};
use std::{env, fs, path::PathBuf};

use partcert::blocklist::{ListingStatus, Reason};
use partcert::certificate::AuthorityRole;
use partcert::challenge::Challenge;
use partcert::ids::{Fingerprint, KeyId, PartId, PublicKey, StateDigest};
use partcert::pairing::PairingEvent;
use partcert::verify::{Binding, Relation};
use partcert::{ErrorCode, ObjectType, PartKind, SecretKey, limits};

/// One C enum: name, underlying type, documentation, the core type whose
/// `code()` each value is (if any), and its values (name after the enum's
/// prefix, number, documentation).
struct CEnum {
    name: &'static str,
    repr: &'static str,
    doc: &'static str,
    core: Option<&'static str>,
    values: Vec<(String, u64, String)>,
}

/// The enums the C ABI adds: what the core says with data (a standing, why
/// a list is stale, what a listing matched) or has no number for (the form
/// a list is signed in). Each value reads `NAME = NUMBER: documentation`.
const OWN: &[(&str, &str, &[&str])] = &[
    (
        "partcert_blocklist_state",
        "A part's (or handset's) standing on the blocklists held.",
        &[
            "NOT_CHECKED = 0: No blocklist was consulted.",
            "CLEAN = 1: No list carries it, and every list consulted is current.",
            "STALE = 2: No list carries it, but a list the device follows is stale (expired, signed \
             by a since-revoked key, missing, or outdated by another authority's newer list): the \
             answer may be out of date.",
            "BLOCKED = 3: At least one list carries it.",
        ],
    ),
    (
        "partcert_block_key_kind",
        "What a blocklist listing matched.",
        &[
            "IMEI = 1: A handset, by IMEI.",
            "PART = 2: A part, by identity digest.",
        ],
    ),
    (
        "partcert_matched_kind",
        "What a blocklist listing matched \
         (`partcert_listing.matched_key_kind`). Its first two values are those of \
         `partcert_block_key_kind`.",
        &[
            "IMEI = 1: A listed IMEI: the board's, one its modem presented, or the IMEI of the \
             handset a record pairs the part to (`matched_imei`).",
            "PART = 2: The part's identity, listed exactly (`matched_part_id`).",
            "PART_KEY = 3: The key the part's certificate names, listed exactly (`matched_key_id`): \
             a reported handset's keyed parts are listed by key too, so a harvested keyed part \
             reads blocked whatever root or serial it is re-certified under.",
            "PART_FINGERPRINT = 4: A fingerprint in a compact list — the first bits of a listed \
             part's identity (or key) digest — that this part's digest starts with \
             (`matched_fingerprint`). Not proof of this exact part: a part not listed matches one \
             with probability at most 2^-41 per lookup.",
        ],
    ),
    (
        "partcert_stale_reason",
        "Why a followed list may be out of date \
         (`partcert_list_checked`).",
        &[
            "NONE = 0: The list is current.",
            "EXPIRED = 1: It expired before the verification time (at its authority's clock).",
            "SIGNER_REVOKED = 2: Its authority's root has since revoked the key that signed it.",
            "MISSING = 3: The device follows this authority (its anti-rollback state has a mark \
             for it) but holds no list from it: withheld, or not loaded again after a restart.",
            "OUTDATED_BY = 4: Another authority's list vouches for a time after this one expired: \
             the device's clock may be behind. The other authority is named in the `outdated_by_` \
             fields. Only a time the other list's clock floor vouches for counts (its issue time, \
             capped at the device's clock plus `PARTCERT_CLOCK_TOLERANCE` when it was received): a \
             date from the future flags nobody else.",
            "FUTURE_DATED = 5: The list is dated after this device's clock plus \
             `PARTCERT_CLOCK_TOLERANCE`: a careless or stolen key wrote a date from the future, or \
             this device's clock is behind. Such a list flags only itself; its issue time is in \
             `future_dated_issued_at`.",
            "NO_FRESH_HEAD = 6: The device follows this authority through a repository and the \
             newest head it accepted has expired with no fresher one (since 1.5): a mirror \
             frozen, or the network withheld. When that head was signed is in \
             `no_fresh_head_since`.",
        ],
    ),
    (
        "partcert_list_format",
        "The form a blocklist is signed in \
         (`partcert_authority_publish`, since 1.4).",
        &[
            "SORTED = 1: The whole list as sorted entries \
             (`PARTCERT_OBJECT_TYPE_BLOCKLIST_SNAPSHOT`).",
            "COMPACT = 2: The whole list in the compact format, used in place \
             (`PARTCERT_OBJECT_TYPE_COMPACT_SNAPSHOT`): national scale, parts kept as fingerprints, \
             listing times to the day.",
            "DELTA = 3: The change from the base to the new version \
             (`PARTCERT_OBJECT_TYPE_BLOCKLIST_DELTA`), over a sorted or a compact list.",
        ],
    ),
];

/// "BadSignature" -> "BAD_SIGNATURE".
fn screaming(name: &str) -> String {
    let mut out = String::new();
    for (i, c) in name.chars().enumerate() {
        if c.is_ascii_uppercase() && i > 0 {
            out.push('_');
        }
        out.push(c.to_ascii_uppercase());
    }
    out
}

/// The values of a core enum, each named after its variant.
fn values<T: Copy + Debug>(
    all: &[T], value: impl Fn(T) -> (u64, String),
) -> Vec<(String, u64, String)> {
    let named = |v: &T| (screaming(&format!("{v:?}")), value(*v));
    all.iter()
        .map(named)
        .map(|(name, (code, doc))| (name, code, doc))
        .collect()
}

/// The C enum of a coded core enum: numbered by `code()`, each value
/// documented by the core's `name()` and its path.
macro_rules! coded {
    ($($name:literal = $core:ident in $path:literal: $doc:literal;)*) => {[$({
        let doc = |v: $core| format!("\"{}\" (`{}::{v:?}`).", v.name(), $path);
        let values = values($core::ALL, |v| (u64::from(v.code()), doc(v)));
        CEnum { name: $name, repr: "uint32_t", doc: $doc, core: Some($path), values }
    },)*]};
}

/// The C enums of the core's coded enums.
fn coded_enums() -> [CEnum; 7] {
    coded! {
        "partcert_role" = AuthorityRole in "partcert::certificate::AuthorityRole":
            "What an authority certificate lets its key do. A manufacturer's offline root \
             (self-signed, pinned by verifiers) certifies part issuers (factory lines, which \
             certify parts of the kinds they are permitted) and pairing services (which sign \
             pairing records), and signs revocation lists; a blocklist root (a registry's, an \
             operator's or a manufacturer's: self-signed, pinned separately) certifies blocklist \
             authorities, which sign its snapshots and deltas.";
        "partcert_reason" = Reason in "partcert::blocklist::Reason":
            "Why a handset was listed: reported stolen, reported lost, or obtained by fraud \
             (e.g. an unpaid contract).";
        "partcert_listing_status" = ListingStatus in "partcert::blocklist::ListingStatus":
            "Whether a listing stands for good (final) or is suspended pending inquiry (a lost \
             phone that may be found).";
        "partcert_object_type" = ObjectType in "partcert::ObjectType":
            "The type of an encoded partcert object (its envelope's type tag): a certificate \
             (root, authority or part), a pairing record, a blocklist snapshot, a blocklist \
             delta, a revocation list, a challenge response, or a compact blocklist snapshot \
             (national-scale lists).";
        "partcert_binding" = Binding in "partcert::verify::Binding":
            "How strongly a part is bound to its certificate: the part proved it holds the key \
             its certificate names (key-proven); it has a key, but no challenge response was \
             checked; or it has no secure element, so its certificate binds only its serial and \
             could have been copied (serial-only).";
        "partcert_relation" = Relation in "partcert::verify::Relation":
            "A part's relation to the handset doing the verifying: paired to this handset, \
             paired to another handset (a used part), or unpaired (no pairing record was \
             presented).";
        "partcert_pairing_event" = PairingEvent in "partcert::pairing::PairingEvent":
            "Why a pairing record was made: the handset was assembled at the factory, or a \
             repair fitted one or more parts.";
    }
}

fn enums() -> Vec<CEnum> {
    let mut results = vec![("OK".to_owned(), 0, "Success.".to_owned())];
    results.extend(values(ErrorCode::ALL, |code| {
        (
            code.code().into(),
            format!("{} ({}).", code.description(), code.name()),
        )
    }));
    let mut all = vec![
        CEnum {
            name: "partcert_result",
            repr: "uint32_t",
            doc: "The result of every fallible partcert function: `PARTCERT_RESULT_OK` (0) or one \
                  of the core's stable error codes, which never change meaning and are never \
                  reused. The hundreds digit is the family, so a caller can branch on `code / \
                  100` without knowing every code: 1 malformed input, 2 cryptographic trust, 3 \
                  policy, 4 blocklist state, 5 caller misuse, 9 internal. Generated from \
                  `partcert::ErrorCode`; `partcert_result_name`, `partcert_result_message` and \
                  `partcert_result_hint` describe each.",
            core: Some("partcert::ErrorCode"),
            values: results,
        },
        CEnum {
            name: "partcert_part_kind",
            repr: "uint16_t",
            doc: "Named part kinds. A part kind travels as its `uint16_t` wire code: a newer \
                  issuer may use a code this enum does not name yet, so treat any other value as \
                  \"another kind\" (named \"kind-N\"). Generated from `partcert::PartKind::NAMED`.",
            core: None,
            values: values(PartKind::NAMED, |kind| {
                (kind.code().into(), format!("\"{}\".", kind.name()))
            }),
        },
    ];
    all.extend(coded_enums().map(|mut e| {
        if e.name == "partcert_role" {
            // No certificate has role 0: the role of no authority (NULL).
            e.values.insert(
                0,
                (
                    "NONE".to_owned(),
                    0,
                    "No role: what `partcert_authority_role` returns for NULL (since 1.7), \
                     never the role of a certificate."
                        .to_owned(),
                ),
            );
        }
        e
    }));
    all.extend(OWN.iter().map(|(name, doc, rows)| {
        let row = |row: &&str| {
            let (value, rest) = row.split_once(" = ").expect("NAME = NUMBER: documentation");
            let (code, doc) = rest.split_once(": ").expect("NAME = NUMBER: documentation");
            (
                value.to_owned(),
                code.parse().expect("a number"),
                doc.to_owned(),
            )
        };
        CEnum {
            name,
            repr: "uint32_t",
            doc,
            core: None,
            values: rows.iter().map(row).collect(),
        }
    }));
    all
}

/// The fixed lengths the ABI works with, from the sizes of the core's
/// types: name, length, documentation.
fn lengths() -> [(&'static str, usize, &'static str); 4] {
    let digest = size_of::<KeyId>();
    let digests = [
        size_of::<PartId>(),
        size_of::<Fingerprint>(),
        size_of::<StateDigest>(),
    ];
    assert!(
        digests.iter().all(|len| *len == digest),
        "every digest has one length"
    );
    [
        (
            "PARTCERT_DIGEST_LEN",
            digest,
            "Length of a key id, a fingerprint, a part id or a state digest (SHA-256).",
        ),
        (
            "PARTCERT_PUBLIC_KEY_LEN",
            size_of::<PublicKey>(),
            "Length of an Ed25519 public key.",
        ),
        (
            "PARTCERT_SEED_LEN",
            SecretKey::from_seed(&[0; 32]).to_seed().len(),
            "Length of an Ed25519 secret key seed.",
        ),
        (
            "PARTCERT_NONCE_LEN",
            Challenge::new([0; 32]).nonce().len(),
            "Length of a challenge nonce.",
        ),
    ]
}

/// Wraps `text` into ` * ` comment lines (about 76 columns), safe to embed
/// (no `*/`).
fn doc_lines(text: &str, indent: &str) -> String {
    let (mut out, mut line) = (String::new(), String::new());
    for word in text.replace("*/", "* /").split_whitespace() {
        if !line.is_empty() && line.len() + word.len() + 1 > 72 {
            let _ = writeln!(out, "{indent} * {line}");
            line.clear();
        }
        line.push_str(if line.is_empty() { "" } else { " " });
        line.push_str(word);
    }
    if !line.is_empty() {
        let _ = writeln!(out, "{indent} * {line}");
    }
    out
}

/// The Rust side of a C enum: a transparent type, a constant per value,
/// `ALL`, and the conversion from the core's enum.
fn rust_enum(out: &mut String, e: &CEnum) {
    let (name, repr) = (e.name, if e.repr == "uint16_t" { "u16" } else { "u32" });
    let _ = writeln!(out, "#[doc = {:?}]\n#[repr(transparent)]", e.doc);
    let _ = writeln!(out, "#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]");
    let _ = writeln!(out, "pub struct {name}(pub {repr});\n\nimpl {name} {{");
    for (value, code, doc) in &e.values {
        let doc = format!("`{}_{value}`: {doc}", name.to_ascii_uppercase());
        let _ = writeln!(
            out,
            "    #[doc = {doc:?}]\n    pub const {value}: Self = Self({code});"
        );
    }
    let all: Vec<String> = e
        .values
        .iter()
        .map(|(value, _, _)| format!("Self::{value}"))
        .collect();
    let _ = writeln!(out, "    /// Every value, in the table's order.");
    let _ = writeln!(
        out,
        "    pub const ALL: &'static [Self] = &[{}];\n}}\n",
        all.join(", ")
    );
    if let Some(core) = e.core {
        let _ = writeln!(
            out,
            "impl From<{core}> for {name} {{\n    #[allow(clippy::useless_conversion)]"
        );
        let _ = writeln!(
            out,
            "    fn from(value: {core}) -> Self {{\n        {name}(value.code().into())\n    }}\n}}\n"
        );
    }
}

fn rust((text, [major, minor, patch]): &(String, [u32; 3]), enums: &[CEnum]) -> String {
    let mut out =
        String::from("// Generated by ffi/build.rs from the core's tables; do not edit.\n\n");
    for (name, len, doc) in lengths() {
        let _ = writeln!(out, "#[doc = {doc:?}]\npub const {name}: usize = {len};\n");
    }
    for e in enums {
        rust_enum(&mut out, e);
    }
    let cstr = |text: &str| format!("c{text:?}");
    out.push_str(
        "/// (code, name, message, hint) of every result, NUL-terminated, in numeric order.\n",
    );
    out.push_str("pub(crate) const RESULT_TEXT: &[(u32, &::std::ffi::CStr, &::std::ffi::CStr, &::std::ffi::CStr)] = &[\n");
    out.push_str("    (0, c\"Ok\", c\"ok\", c\"\"),\n");
    for code in ErrorCode::ALL {
        let (name, message, hint) = (
            cstr(code.name()),
            cstr(code.description()),
            cstr(code.hint()),
        );
        let _ = writeln!(out, "    ({}, {name}, {message}, {hint}),", code.code());
    }
    out.push_str("];\n\n/// (code, name) of every named part kind, NUL-terminated.\n");
    out.push_str("pub(crate) const PART_KIND_NAMES: &[(u16, &::std::ffi::CStr)] = &[\n");
    for kind in PartKind::NAMED {
        let _ = writeln!(out, "    ({}, {}),", kind.code(), cstr(&kind.name()));
    }
    let number = (major << 16) | (minor << 8) | patch;
    let _ = writeln!(
        out,
        "];\n\n/// The C library's version, NUL-terminated.\npub(crate) const LIBRARY_VERSION: &::std::ffi::CStr = c{text:?};"
    );
    let _ = writeln!(
        out,
        "/// The C library's version as one number (MAJOR << 16 | MINOR << 8 | PATCH).\npub(crate) const LIBRARY_VERSION_NUMBER: u32 = {number};"
    );
    out
}

/// A C enum the way cbindgen writes one with a fixed underlying type.
fn c_enum(out: &mut String, e: &CEnum) {
    let (name, repr) = (e.name, e.repr);
    let _ = writeln!(out, "/**\n{} */\nenum {name}", doc_lines(e.doc, ""));
    let _ = writeln!(
        out,
        "#if defined(__cplusplus) || __STDC_VERSION__ >= 202311L\n  : {repr}\n#endif // defined(__cplusplus) || __STDC_VERSION__ >= 202311L\n {{"
    );
    for (value, code, doc) in &e.values {
        let _ = writeln!(
            out,
            "  /**\n{}   */\n  {}_{value} = {code},",
            doc_lines(doc, "  "),
            name.to_ascii_uppercase()
        );
    }
    let _ = writeln!(
        out,
        "}};\n#ifndef __cplusplus\n#if __STDC_VERSION__ >= 202311L\ntypedef enum {name} {name};\n#else\ntypedef {repr} {name};\n#endif // __STDC_VERSION__ >= 202311L\n#endif // __cplusplus\n"
    );
}

fn c_prelude((text, [major, minor, patch]): &(String, [u32; 3]), enums: &[CEnum]) -> String {
    let mut out = String::from(
        "/*\n * Generated by ffi/build.rs from the core's tables (ErrorCode, PartKind, the\n * coded enums, limits) and ffi/VERSION: the one source of truth for codes,\n * kinds, enums, limits and version.\n */\n\n",
    );
    out.push_str("/**\n * The version of the library this header describes (semantic versioning of\n * the C ABI; see \"ABI policy\" above). Compare with `partcert_version()` and\n * `partcert_version_number()`, the version of the library actually loaded.\n */\n");
    let _ = writeln!(
        out,
        "#define PARTCERT_VERSION_MAJOR {major}\n#define PARTCERT_VERSION_MINOR {minor}\n#define PARTCERT_VERSION_PATCH {patch}\n#define PARTCERT_VERSION_STRING \"{text}\""
    );
    out.push_str("#define PARTCERT_VERSION_NUMBER ((PARTCERT_VERSION_MAJOR << 16) | (PARTCERT_VERSION_MINOR << 8) | PARTCERT_VERSION_PATCH)\n\n");
    let defines =
        lengths().map(|(name, len, doc)| (name.to_owned(), len.to_string(), doc.to_owned()));
    let limits = limits::ALL.iter().map(|limit| {
        let suffix = if limit.value > u64::from(u32::MAX) {
            "ULL"
        } else {
            ""
        };
        let doc = format!("{} (core: `partcert::limits::{}`)", limit.doc, limit.name);
        (
            format!("PARTCERT_{}", limit.name),
            format!("{}{suffix}", limit.value),
            doc,
        )
    });
    for (name, value, doc) in defines.into_iter().chain(limits) {
        let _ = writeln!(
            out,
            "/**\n{} */\n#define {name} {value}\n",
            doc_lines(&doc, "")
        );
    }
    for e in enums {
        c_enum(&mut out, e);
    }
    out
}

fn main() {
    for path in ["src", "cbindgen.toml", "build.rs", "VERSION"] {
        println!("cargo:rerun-if-changed={path}");
    }
    let crate_dir = PathBuf::from(env::var("CARGO_MANIFEST_DIR").expect("CARGO_MANIFEST_DIR"));
    let out_dir = PathBuf::from(env::var("OUT_DIR").expect("OUT_DIR"));
    let text = fs::read_to_string(crate_dir.join("VERSION")).expect("ffi/VERSION must exist");
    let text = text.trim().to_owned();
    let numbers: Vec<u32> = text.split('.').filter_map(|n| n.parse().ok()).collect();
    let numbers: [u32; 3] = numbers
        .try_into()
        .expect("ffi/VERSION is MAJOR.MINOR.PATCH");
    assert!(
        numbers.iter().all(|n| *n < 256),
        "each version number fits in 8 bits"
    );
    let version = (text, numbers);

    // The soname carries the major version: a library with another major
    // version is another file, and programs keep loading the one they were
    // linked with.
    let major = numbers[0];
    match env::var("CARGO_CFG_TARGET_OS").unwrap_or_default().as_str() {
        "linux" | "android" | "freebsd" | "netbsd" | "openbsd" | "dragonfly" => {
            println!("cargo:rustc-cdylib-link-arg=-Wl,-soname,libpartcert.so.{major}");
        }
        "macos" | "ios" => {
            println!(
                "cargo:rustc-cdylib-link-arg=-Wl,-install_name,@rpath/libpartcert.{major}.dylib"
            );
        }
        _ => {}
    }

    let enums = enums();
    fs::write(out_dir.join("enums.rs"), rust(&version, &enums)).expect("write enums.rs");
    let mut config = cbindgen::Config::from_file(crate_dir.join("cbindgen.toml"))
        .expect("ffi/cbindgen.toml must be valid");
    config.after_includes = Some(c_prelude(&version, &enums));
    // From the sources alone (no `cargo metadata`, which would read the
    // workspace around the crate): the header describes this crate only.
    cbindgen::Builder::new()
        .with_src(crate_dir.join("src/lib.rs"))
        .with_config(config)
        .generate()
        .expect("cbindgen could not generate partcert.h")
        .write_to_file(out_dir.join("partcert.h"));
}
