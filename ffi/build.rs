//! Generates the C header `partcert.h` with the pinned cbindgen, and the
//! parts of the C ABI whose one source of truth is the core:
//!
//! - the result codes (`partcert_result`), their names and messages, from
//!   `partcert::ErrorCode::ALL`, `name()` and `description()`;
//! - the named part kinds (`partcert_part_kind`), from `PartKind::NAMED`;
//! - the limits (`PARTCERT_MAX_*`): every `pub const` of the core's
//!   `limits.rs`, with its documentation and its value evaluated from the
//!   source, which a generated test checks against the compiled core;
//! - the library version macros, from `VERSION`.
//!
//! Each is written twice from the same table: as Rust (`$OUT_DIR/codes.rs`,
//! included by `src/result.rs`) and as C (handed to cbindgen as text placed
//! after the includes). Nothing in the C side is spelled out by hand.
//!
//! The header is written to `$OUT_DIR/partcert.h`; the committed copy in
//! `include/partcert.h` is checked against it by `tests/run.sh` (and
//! refreshed by `tests/run.sh --update-header`). A build never writes into
//! the source tree.
//!
//! The shared library's soname is `libpartcert.so.MAJOR` (install name
//! `@rpath/libpartcert.MAJOR.dylib` on Apple platforms), MAJOR from `VERSION`.

use std::env;
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

use partcert::{ErrorCode, PartKind};

/// One `pub const` of the core's `limits.rs`: its name, its value
/// (evaluated from the source), and its `///` documentation.
struct Limit {
    name: String,
    value: u128,
    doc: String,
}

/// Every `pub const` in the core's `limits.rs`, in source order, with its
/// value evaluated from the source text (integer literals, `+ - * / << >>`,
/// parentheses, casts, and earlier constants). The generated test
/// `limits_match_the_core` checks each value against the compiled core.
fn core_limits(source: &str) -> Vec<Limit> {
    // Every `pub const NAME: TYPE = EXPRESSION;` with its documentation.
    let mut declared: Vec<(String, String, String)> = Vec::new();
    let mut pending: Vec<String> = Vec::new();
    let mut statement: Option<String> = None;
    for line in source.lines() {
        let line = line.trim();
        if let Some(text) = statement.as_mut() {
            text.push(' ');
            text.push_str(line);
        } else if let Some(doc) = line.strip_prefix("///") {
            pending.push(doc.trim().to_owned());
            continue;
        } else if line.starts_with("pub const ") {
            statement = Some(line.to_owned());
        } else {
            pending.clear();
            continue;
        }
        let Some(text) = statement.as_ref().filter(|t| t.ends_with(';')).cloned() else {
            continue;
        };
        statement = None;
        let rest = &text["pub const ".len()..text.len() - 1];
        match rest
            .split_once(':')
            .and_then(|(name, rest)| Some((name, rest.split_once('=')?.1)))
        {
            Some((name, expression)) => declared.push((
                name.trim().to_owned(),
                expression.to_owned(),
                pending.join(" "),
            )),
            None => println!("cargo:warning=ffi/build.rs cannot read `{text}`: not published"),
        }
        pending.clear();
    }
    // Evaluated in as many rounds as references between them need (a limit
    // may use one declared after it).
    let mut values: Vec<Limit> = Vec::new();
    loop {
        let before = values.len();
        for (name, expression, doc) in &declared {
            if values.iter().any(|l| &l.name == name) {
                continue;
            }
            if let Some(value) = Evaluator::new(expression, &values).evaluate() {
                values.push(Limit {
                    name: name.clone(),
                    value,
                    doc: doc.clone(),
                });
            }
        }
        if values.len() == before {
            break;
        }
    }
    // Never break the build over a limit: leave it out of the header, and
    // say so. In source order otherwise.
    let mut limits = Vec::new();
    for (name, expression, _) in &declared {
        match values.iter().position(|l| &l.name == name) {
            Some(at) => limits.push(values.swap_remove(at)),
            None => println!(
                "cargo:warning=ffi/build.rs cannot evaluate partcert::limits::{name} = {expression}: not published"
            ),
        }
    }
    limits
}

/// A small evaluator for the constant expressions of `limits.rs`.
struct Evaluator<'a> {
    tokens: Vec<String>,
    at: usize,
    known: &'a [Limit],
}

impl<'a> Evaluator<'a> {
    fn new(expression: &str, known: &'a [Limit]) -> Self {
        let mut tokens = Vec::new();
        let chars: Vec<char> = expression.chars().collect();
        let mut i = 0;
        while i < chars.len() {
            let c = chars[i];
            if c.is_whitespace() {
                i += 1;
            } else if c.is_ascii_alphanumeric() || c == '_' || c == ':' {
                let start = i;
                while i < chars.len()
                    && (chars[i].is_ascii_alphanumeric() || chars[i] == '_' || chars[i] == ':')
                {
                    i += 1;
                }
                tokens.push(chars[start..i].iter().collect());
            } else if (c == '<' || c == '>') && chars.get(i + 1) == Some(&c) {
                tokens.push(format!("{c}{c}"));
                i += 2;
            } else {
                tokens.push(c.to_string());
                i += 1;
            }
        }
        Evaluator {
            tokens,
            at: 0,
            known,
        }
    }

    fn peek(&self) -> Option<&str> {
        self.tokens.get(self.at).map(String::as_str)
    }

    fn next(&mut self) -> Option<String> {
        let token = self.tokens.get(self.at).cloned();
        self.at += 1;
        token
    }

    fn evaluate(mut self) -> Option<u128> {
        let value = self.shift()?;
        self.peek().is_none().then_some(value)
    }

    fn shift(&mut self) -> Option<u128> {
        let mut value = self.additive()?;
        while let Some(op) = self
            .peek()
            .filter(|t| *t == "<<" || *t == ">>")
            .map(str::to_owned)
        {
            self.next();
            let right = u32::try_from(self.additive()?).ok()?;
            value = if op == "<<" {
                value.checked_shl(right)?
            } else {
                value >> right
            };
        }
        Some(value)
    }

    fn additive(&mut self) -> Option<u128> {
        let mut value = self.multiplicative()?;
        while let Some(op) = self
            .peek()
            .filter(|t| *t == "+" || *t == "-")
            .map(str::to_owned)
        {
            self.next();
            let right = self.multiplicative()?;
            value = if op == "+" {
                value.checked_add(right)?
            } else {
                value.checked_sub(right)?
            };
        }
        Some(value)
    }

    fn multiplicative(&mut self) -> Option<u128> {
        let mut value = self.cast()?;
        while let Some(op) = self
            .peek()
            .filter(|t| *t == "*" || *t == "/")
            .map(str::to_owned)
        {
            self.next();
            let right = self.cast()?;
            value = if op == "*" {
                value.checked_mul(right)?
            } else {
                value.checked_div(right)?
            };
        }
        Some(value)
    }

    fn cast(&mut self) -> Option<u128> {
        let value = self.primary()?;
        while self.peek() == Some("as") {
            self.next();
            self.next()?; // the type: every limit is a non-negative integer
        }
        Some(value)
    }

    fn primary(&mut self) -> Option<u128> {
        let token = self.next()?;
        if token == "(" {
            let value = self.shift()?;
            return (self.next()? == ")").then_some(value);
        }
        let digits: String = token.chars().filter(|c| *c != '_').collect();
        if let Ok(value) = digits
            .trim_end_matches(|c: char| c.is_ascii_alphabetic())
            .parse()
        {
            if digits.chars().next().is_some_and(|c| c.is_ascii_digit()) {
                return Some(value);
            }
        }
        let name = token.rsplit("::").next()?;
        self.known.iter().find(|l| l.name == name).map(|l| l.value)
    }
}

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

/// A C comment body safe to embed (no `*/`).
fn comment(text: &str) -> String {
    text.replace("*/", "* /")
}

struct Version {
    text: String,
    major: u32,
    minor: u32,
    patch: u32,
}

fn read_version(path: &Path) -> Version {
    let text = fs::read_to_string(path)
        .expect("ffi/VERSION must exist")
        .trim()
        .to_owned();
    let numbers: Vec<u32> = text
        .split('.')
        .map(|n| n.parse().expect("ffi/VERSION is MAJOR.MINOR.PATCH"))
        .collect();
    assert_eq!(numbers.len(), 3, "ffi/VERSION is MAJOR.MINOR.PATCH");
    assert!(
        numbers.iter().all(|n| *n < 256),
        "each version number fits in 8 bits"
    );
    Version {
        text,
        major: numbers[0],
        minor: numbers[1],
        patch: numbers[2],
    }
}

fn rust_codes(version: &Version) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "// Generated by ffi/build.rs from partcert::ErrorCode and PartKind; do not edit."
    );
    let _ = writeln!(
        out,
        "/// The result of every fallible partcert function (see the header)."
    );
    let _ = writeln!(out, "#[repr(u32)]");
    let _ = writeln!(out, "#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]");
    let _ = writeln!(out, "pub enum partcert_result {{");
    let _ = writeln!(out, "    /// Success.");
    let _ = writeln!(out, "    Ok = 0,");
    for code in ErrorCode::ALL {
        let _ = writeln!(out, "    /// {}.", code.description());
        let _ = writeln!(out, "    {} = {},", code.name(), code.as_u32());
    }
    let _ = writeln!(out, "}}\n");
    let _ = writeln!(out, "impl partcert_result {{");
    let _ = writeln!(out, "    /// Every result, in numeric order.");
    let _ = writeln!(out, "    pub const ALL: &'static [partcert_result] = &[");
    let _ = writeln!(out, "        partcert_result::Ok,");
    for code in ErrorCode::ALL {
        let _ = writeln!(out, "        partcert_result::{},", code.name());
    }
    let _ = writeln!(out, "    ];\n");
    let _ = writeln!(out, "    /// The result for a core error code.");
    let _ = writeln!(
        out,
        "    pub fn from_code(code: partcert::ErrorCode) -> Self {{"
    );
    let _ = writeln!(out, "        match code {{");
    for code in ErrorCode::ALL {
        let _ = writeln!(
            out,
            "            partcert::ErrorCode::{0} => partcert_result::{0},",
            code.name()
        );
    }
    let _ = writeln!(out, "            #[allow(unreachable_patterns)]");
    let _ = writeln!(out, "            _ => partcert_result::Panic,");
    let _ = writeln!(out, "        }}");
    let _ = writeln!(out, "    }}");
    let _ = writeln!(out, "}}\n");
    let _ = writeln!(
        out,
        "/// (code, name, message) of every result, NUL-terminated, in numeric order."
    );
    let _ = writeln!(
        out,
        "pub(crate) const RESULT_TEXT: &[(u32, &::std::ffi::CStr, &::std::ffi::CStr)] = &["
    );
    let _ = writeln!(out, "    (0, c\"Ok\", c\"ok\"),");
    for code in ErrorCode::ALL {
        let _ = writeln!(
            out,
            "    ({}, c{:?}, c{:?}),",
            code.as_u32(),
            code.name(),
            code.description()
        );
    }
    let _ = writeln!(out, "];\n");
    let _ = writeln!(
        out,
        "/// (code, name) of every named part kind, NUL-terminated."
    );
    let _ = writeln!(
        out,
        "pub(crate) const PART_KIND_NAMES: &[(u16, &::std::ffi::CStr)] = &["
    );
    for kind in PartKind::NAMED {
        let _ = writeln!(out, "    ({}, c{:?}),", kind.code(), kind.name());
    }
    let _ = writeln!(out, "];\n");
    let _ = writeln!(out, "/// The C library's version, NUL-terminated.");
    let _ = writeln!(
        out,
        "pub(crate) const LIBRARY_VERSION: &::std::ffi::CStr = c{:?};",
        version.text
    );
    let _ = writeln!(
        out,
        "/// The C library's version as one number (MAJOR << 16 | MINOR << 8 | PATCH)."
    );
    let _ = writeln!(
        out,
        "pub(crate) const LIBRARY_VERSION_NUMBER: u32 = {};",
        (version.major << 16) | (version.minor << 8) | version.patch
    );
    out
}

/// A C enum the way cbindgen writes one with a fixed underlying type.
fn c_enum(out: &mut String, name: &str, repr: &str, doc: &str, variants: &[(String, u64, String)]) {
    let _ = writeln!(out, "/**\n{} */", doc_lines(doc, ""));
    let _ = writeln!(out, "enum {name}");
    let _ = writeln!(
        out,
        "#if defined(__cplusplus) || __STDC_VERSION__ >= 202311L\n  : {repr}\n#endif // defined(__cplusplus) || __STDC_VERSION__ >= 202311L\n {{"
    );
    for (variant, value, doc) in variants {
        let _ = writeln!(out, "  /**\n{}   */", doc_lines(doc, "  "));
        let _ = writeln!(out, "  {variant} = {value},");
    }
    let _ = writeln!(out, "}};");
    let _ = writeln!(
        out,
        "#ifndef __cplusplus\n#if __STDC_VERSION__ >= 202311L\ntypedef enum {name} {name};\n#else\ntypedef {repr} {name};\n#endif // __STDC_VERSION__ >= 202311L\n#endif // __cplusplus\n"
    );
}

/// Wraps `text` into ` * ` comment lines (about 76 columns).
fn doc_lines(text: &str, indent: &str) -> String {
    let mut out = String::new();
    let mut line = String::new();
    for word in comment(text).split_whitespace() {
        if !line.is_empty() && line.len() + word.len() + 1 > 72 {
            let _ = writeln!(out, "{indent} * {line}");
            line.clear();
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        let _ = writeln!(out, "{indent} * {line}");
    }
    out
}

fn c_prelude(version: &Version, limits: &[Limit]) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "/*\n * Generated by ffi/build.rs from the core (ErrorCode, PartKind, limits) and\n * ffi/VERSION: the one source of truth for codes, kinds, limits and version.\n */\n"
    );
    let _ = writeln!(
        out,
        "/**\n * The version of the library this header describes (semantic versioning of\n * the C ABI; see \"ABI policy\" above). Compare with `partcert_version()` and\n * `partcert_version_number()`, the version of the library actually loaded.\n */"
    );
    let _ = writeln!(out, "#define PARTCERT_VERSION_MAJOR {}", version.major);
    let _ = writeln!(out, "#define PARTCERT_VERSION_MINOR {}", version.minor);
    let _ = writeln!(out, "#define PARTCERT_VERSION_PATCH {}", version.patch);
    let _ = writeln!(out, "#define PARTCERT_VERSION_STRING \"{}\"", version.text);
    let _ = writeln!(
        out,
        "#define PARTCERT_VERSION_NUMBER ((PARTCERT_VERSION_MAJOR << 16) | (PARTCERT_VERSION_MINOR << 8) | PARTCERT_VERSION_PATCH)\n"
    );

    let fixed = [
        (
            "PARTCERT_DIGEST_LEN",
            32u64,
            "Length of a key id, a fingerprint, a part id or a state digest (SHA-256).",
        ),
        (
            "PARTCERT_PUBLIC_KEY_LEN",
            32,
            "Length of an Ed25519 public key.",
        ),
        (
            "PARTCERT_SEED_LEN",
            32,
            "Length of an Ed25519 secret key seed.",
        ),
        ("PARTCERT_NONCE_LEN", 32, "Length of a challenge nonce."),
    ];
    for (name, value, doc) in fixed {
        let _ = writeln!(
            out,
            "/**\n{} */\n#define {name} {value}\n",
            doc_lines(doc, "")
        );
    }
    for limit in limits {
        let doc = format!("{} (core: `partcert::limits::{}`)", limit.doc, limit.name);
        let suffix = if limit.value > u128::from(u32::MAX) {
            "ULL"
        } else {
            ""
        };
        let _ = writeln!(
            out,
            "/**\n{} */\n#define PARTCERT_{} {}{suffix}\n",
            doc_lines(&doc, ""),
            limit.name,
            limit.value
        );
    }

    let mut results = vec![("PARTCERT_RESULT_OK".to_owned(), 0u64, "Success.".to_owned())];
    for code in ErrorCode::ALL {
        results.push((
            format!("PARTCERT_RESULT_{}", screaming(code.name())),
            u64::from(code.as_u32()),
            format!("{} ({}).", code.description(), code.name()),
        ));
    }
    c_enum(
        &mut out,
        "partcert_result",
        "uint32_t",
        "The result of every fallible partcert function: `PARTCERT_RESULT_OK` (0) or one of the core's stable error codes, which never change meaning and are never reused. The hundreds digit is the family, so a caller can branch on `code / 100` without knowing every code: 1 malformed input, 2 cryptographic trust, 3 policy, 4 blocklist state, 5 caller misuse, 9 internal. Generated from `partcert::ErrorCode`; the message of each is `partcert_result_message`.",
        &results,
    );
    let kinds: Vec<(String, u64, String)> = PartKind::NAMED
        .iter()
        .map(|kind| {
            (
                format!("PARTCERT_PART_KIND_{}", screaming(&format!("{kind:?}"))),
                u64::from(kind.code()),
                format!("\"{}\".", kind.name()),
            )
        })
        .collect();
    c_enum(
        &mut out,
        "partcert_part_kind",
        "uint16_t",
        "Named part kinds. A part kind travels as its `uint16_t` wire code: a newer issuer may use a code this enum does not name yet, so treat any other value as \"another kind\" (named \"kind-N\"). Generated from `partcert::PartKind::NAMED`.",
        &kinds,
    );
    out
}

fn main() {
    println!("cargo:rerun-if-changed=src");
    println!("cargo:rerun-if-changed=cbindgen.toml");
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed=VERSION");

    let crate_dir = PathBuf::from(env::var("CARGO_MANIFEST_DIR").expect("CARGO_MANIFEST_DIR"));
    let out_dir = PathBuf::from(env::var("OUT_DIR").expect("OUT_DIR"));
    let version = read_version(&crate_dir.join("VERSION"));

    // The soname carries the major version: a library with another major
    // version is another file, and programs keep loading the one they
    // were linked with.
    let target_os = env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    match target_os.as_str() {
        "linux" | "android" | "freebsd" | "netbsd" | "openbsd" | "dragonfly" => {
            println!(
                "cargo:rustc-cdylib-link-arg=-Wl,-soname,libpartcert.so.{}",
                version.major
            );
        }
        "macos" | "ios" => {
            println!(
                "cargo:rustc-cdylib-link-arg=-Wl,-install_name,@rpath/libpartcert.{}.dylib",
                version.major
            );
        }
        _ => {}
    }

    // The limits: every `pub const` of the core's limits.rs, read from its
    // source (this workspace's), each checked against the compiled core
    // by the test generated into limits_check.rs.
    let limits_rs = crate_dir.join("../core/src/limits.rs");
    println!("cargo:rerun-if-changed={}", limits_rs.display());
    let limits = match fs::read_to_string(&limits_rs) {
        Ok(source) => core_limits(&source),
        Err(_) => {
            println!("cargo:warning=core/src/limits.rs not found: the header publishes no limits");
            Vec::new()
        }
    };
    let mut check = String::from(
        "// Generated by ffi/build.rs: every limit the header publishes is the core's.\n{\n",
    );
    for limit in &limits {
        let _ = writeln!(
            check,
            "assert_eq!({}u128, partcert::limits::{} as u128, \"PARTCERT_{}\");",
            limit.value, limit.name, limit.name
        );
    }
    check.push_str("}\n");
    fs::write(out_dir.join("limits_check.rs"), check).expect("write limits_check.rs");

    fs::write(out_dir.join("codes.rs"), rust_codes(&version)).expect("write codes.rs");

    let mut config = cbindgen::Config::from_file(crate_dir.join("cbindgen.toml"))
        .expect("ffi/cbindgen.toml must be valid");
    config.after_includes = Some(c_prelude(&version, &limits));
    let bindings = cbindgen::Builder::new()
        .with_crate(&crate_dir)
        .with_config(config)
        .generate()
        .expect("cbindgen could not generate partcert.h");
    bindings.write_to_file(out_dir.join("partcert.h"));
}
