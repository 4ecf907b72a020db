/*
 * partcert: signed phone-part certificates, pairing records and
 * stolen-handset blocklists, verified offline. The C ABI.
 *
 * SPDX-License-Identifier: Apache-2.0 OR MIT
 *
 * Conventions
 *
 * - Every function and type starts with `partcert_`; constants and enum
 *   values with `PARTCERT_`. Functions are named `<type>_<verb>`.
 *
 * - Errors. Every function that can fail returns a `partcert_result`: 0
 *   (PARTCERT_RESULT_OK) or one of the core's stable error codes, grouped
 *   by family in the hundreds digit (1xx malformed, 2xx untrusted, 3xx
 *   policy, 4xx blocklist state, 5xx caller misuse, 9xx internal). Its
 *   last parameter is `partcert_error **error_out`: pass NULL for the code
 *   alone, or the address of a `partcert_error *` that is NULL or holds
 *   an error an earlier failing call made, which a failing call points to
 *   a new error holding the code (`partcert_error_code`) and the detailed
 *   message (`partcert_error_message`: "the part certificate expired at
 *   1767225600 (checked at 1800000000)", "argument `trust` is NULL",
 *   "IMEI mismatch: 490154203237518 is not signed into this board"). Free
 *   it with `partcert_error_free`. A failing call that finds an error
 *   already there frees it and puts its own in its place (since 1.7: the
 *   error always tells the latest failure, so one variable serves a
 *   sequence of calls; never point it at an error you free yourself or
 *   one borrowed from a handset report). A successful call leaves
 *   `*error_out` untouched. The detail travels with the call:
 *   there is no "last error", per thread or otherwise.
 *   `partcert_result_name`, `partcert_result_message` and
 *   `partcert_result_hint` (what to do about it) describe a bare code.
 *
 * - Out-parameters are written only on success: a failing call leaves
 *   them untouched. An out-parameter documented as optional may be NULL.
 *
 * - Reads that cannot fail return their value: `bool`, an integer, a
 *   borrowed `partcert_str` or `partcert_imeis`, a borrowed `const`
 *   pointer. Given a NULL object they return 0, false, an empty string
 *   or NULL; given an index past the end, NULL.
 *
 * - Inputs: pointer arguments may not be NULL unless their documentation
 *   says so (NULL gives 500, naming the argument). A byte buffer in is
 *   `const uint8_t *data, size_t len`; `data` may be NULL only when `len`
 *   is 0. Text in is UTF-8 as pointer and length (no NUL needed; 502 if not
 *   UTF-8). An enum value passed in as `uint32_t` that is not one of the
 *   enum's values gives 503, as does a length over PTRDIFF_MAX bytes.
 *   Every function copies what it is given: input buffers may be freed as
 *   soon as it returns.
 *
 * - Ownership is part of each type.
 *   Owned objects (`partcert_verdict`, `partcert_handset_report`, the
 *   evidence and builder types, `partcert_bytes`, `partcert_error`,
 *   `partcert_list_changes`, `partcert_lists_checked`, `partcert_head`,
 *   `partcert_blocklist_update`, `partcert_shard_check`,
 *   `partcert_shard_set`, the holders): a constructor writes one to a
 *   `T **` (or returns it, when it cannot fail); it is yours, freed once
 *   with `partcert_<type>_free`.
 *   Shared objects (`partcert_trust_store`, `partcert_blocklist`):
 *   reference-counted; `partcert_<type>_share` hands out another
 *   reference, `partcert_<type>_free` releases one, and the object is
 *   freed with the last. Such an object changes only while it has one
 *   reference: once shared it is immutable (a change gives 505,
 *   PARTCERT_RESULT_SHARED_OBJECT; 503 before 1.7), so a
 *   reader's reference is a snapshot that never changes under it.
 *   Borrowed objects and data (`partcert_blocklist_status`, the verdicts
 *   and errors in a handset report, the head an update or a shard check
 *   follows, every
 *   `partcert_str`, `partcert_slice`
 *   and `partcert_imeis` the library hands out, every pointer to a struct
 *   or to 32 bytes it returns) are handed out `const`, live as long as the
 *   object they came from (until it is freed, or changed), and are never
 *   freed themselves: every `_free` takes a non-const pointer, so freeing
 *   a borrowed handle does not compile in C++ and is a diagnostic in C (an
 *   error with -Werror or -pedantic-errors). `_free(NULL)` does nothing.
 *   Text handed out is NUL-terminated (`s.data` is also a C string) and
 *   has no NUL before its end.
 *
 * - Bytes the library produces (encoded objects, saved states) come back
 *   as a new `partcert_bytes`, made in one call (never encoded twice);
 *   read them with `partcert_bytes_data` and `partcert_bytes_len`.
 *
 * - Times are seconds since the Unix epoch. The library never reads a
 *   clock: the caller passes `now`. A time written by someone else (a
 *   list's or revocation list's issue time, a pairing record's time)
 *   counts only up to the `now` it is received or checked at plus
 *   `PARTCERT_CLOCK_TOLERANCE`: a date from the future raises no clock
 *   floor and flags only its own list. IMEIs are the 15-digit number in a
 *   `uint64_t` (`partcert_imei_parse` reads the text form) and are always
 *   validated.
 *
 * - A panic inside the library never unwinds into C: it becomes 900
 *   (PANIC, a bug to report) or, in a read, the read's empty value.
 *
 * - Threads. There is no global mutable state. A function taking a `const`
 *   object pointer only reads it and may run concurrently with other such
 *   calls on the same object from any thread; a function taking a
 *   non-const object pointer needs exclusive access to that object. The
 *   holders (`partcert_trust_store_holder`, `partcert_blocklist_holder`)
 *   are internally synchronized: all their functions may run concurrently.
 *   Every object may be moved to, used on and freed from any thread. To
 *   update what readers use: keep the current store or blocklist in a
 *   holder; readers `_load` a reference, verify with it and `_free` it;
 *   the updater `_apply_`s an update (or `_publish`es a new one) in O(1)
 *   for the readers, and old ones are freed by their last reader. A
 *   `partcert_blocklist_update` or `partcert_shard_check` is driven by one
 *   thread at a time.
 *
 * - ThreadSanitizer. The library is not built with TSan; instead it finds
 *   TSan's `__tsan_acquire` and `__tsan_release` in your process and tells
 *   TSan of its own synchronisation (the holders' swaps and loads, the
 *   trust store's cache of checked authorities, and the order in which
 *   shared values are freed). A correct program that reads a holder's
 *   snapshot while another thread updates it runs clean under TSan, with
 *   no suppressions file, linked shared or static; races in your own code
 *   are still reported (ffi/tests/run.sh checks both). One limit: the
 *   library frees shared values one at a time, and TSan sees each free
 *   ordered after the frees before it, so a race of yours that only a
 *   `_free` call in each thread happens to order is not reported.
 *
 * ABI policy (after libsodium's)
 *
 * - The library is `libpartcert.so.MAJOR` (soname), installed as
 *   `libpartcert.so.MAJOR.MINOR.PATCH`; `PARTCERT_VERSION_*` give the
 *   header's version, `partcert_version()` and `partcert_version_number()`
 *   the loaded library's.
 * - Within a major version nothing is removed or changed: no exported
 *   function, signature, enum value, constant, or field of a struct
 *   changes. A minor version only adds: functions, enum values, and fields
 *   at the end of the structs the library hands out by pointer
 *   (`partcert_list_info`, `partcert_provenance`, `partcert_listing`,
 *   `partcert_list_checked`, `partcert_fitted_part`,
 *   `partcert_paired_part`, `partcert_list_changes`, `partcert_head_info`,
 *   `partcert_file_ref`: read them through the
 *   pointer; never allocate,
 *   copy into arrays, or take `sizeof` of them). A program built against
 *   M.N runs with any M.N' >= N. A patch version changes no interface.
 * - The caller never fills a struct that could grow: inputs are
 *   arguments or opaque builders (`partcert_part_spec`,
 *   `partcert_blocklist_entries`, the evidence types). The structs a
 *   caller allocates, fills or receives by value — `partcert_str`,
 *   `partcert_slice`, `partcert_imeis`, `partcert_list_version` — are
 *   frozen for the whole major version.
 * - A deprecated function (its documentation starts "Deprecated since")
 *   stays, and behaves as before, for the whole major version: it is a
 *   thin wrapper over the call that replaced it. Since 1.4 a register's
 *   lists take two calls: `partcert_authority_publish` signs every format
 *   and `partcert_blocklist_apply` applies every format.
 * - Result codes are the core's: a code never changes meaning and is
 *   never reused; new codes may appear in a minor version, so treat an
 *   unknown one by its family (`code / 100`).
 * - CI compares the exported symbols, prototypes, struct layouts, enum
 *   values and constants with ffi/abi/partcert.abi and fails on any change
 *   that the version in ffi/VERSION does not allow.
 */


#ifndef PARTCERT_H
#define PARTCERT_H

/* Generated by cbindgen from ffi/src; do not edit. Regenerate: bash ffi/tests/run.sh --update-header */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
/*
 * Generated by ffi/build.rs from the core's tables (ErrorCode, PartKind, the
 * coded enums, limits) and ffi/VERSION: the one source of truth for codes,
 * kinds, enums, limits and version.
 */

/**
 * The version of the library this header describes (semantic versioning of
 * the C ABI; see "ABI policy" above). Compare with `partcert_version()` and
 * `partcert_version_number()`, the version of the library actually loaded.
 */
#define PARTCERT_VERSION_MAJOR 1
#define PARTCERT_VERSION_MINOR 9
#define PARTCERT_VERSION_PATCH 0
#define PARTCERT_VERSION_STRING "1.9.0"
#define PARTCERT_VERSION_NUMBER ((PARTCERT_VERSION_MAJOR << 16) | (PARTCERT_VERSION_MINOR << 8) | PARTCERT_VERSION_PATCH)

/**
 * Length of a key id, a fingerprint, a part id or a state digest
 * (SHA-256).
 */
#define PARTCERT_DIGEST_LEN 32

/**
 * Length of an Ed25519 public key.
 */
#define PARTCERT_PUBLIC_KEY_LEN 32

/**
 * Length of an Ed25519 secret key seed.
 */
#define PARTCERT_SEED_LEN 32

/**
 * Length of a challenge nonce.
 */
#define PARTCERT_NONCE_LEN 32

/**
 * Largest encoded certificate. (core:
 * `partcert::limits::MAX_CERTIFICATE_LEN`)
 */
#define PARTCERT_MAX_CERTIFICATE_LEN 2048

/**
 * Largest encoded pairing record (embeds the pairing service certificate).
 * (core: `partcert::limits::MAX_PAIRING_RECORD_LEN`)
 */
#define PARTCERT_MAX_PAIRING_RECORD_LEN 16384

/**
 * Largest encoded blocklist snapshot or delta (64 MiB). (core:
 * `partcert::limits::MAX_BLOCKLIST_LEN`)
 */
#define PARTCERT_MAX_BLOCKLIST_LEN 67108864

/**
 * Largest encoded compact blocklist snapshot (64 GiB: room for 2^32 IMEIs
 * and 2^32 parts at under 80 bits an entry). Its keys are never parsed one
 * by one: the list is used in place. (core:
 * `partcert::limits::MAX_COMPACT_SNAPSHOT_LEN`)
 */
#define PARTCERT_MAX_COMPACT_SNAPSHOT_LEN 68719476736ULL

/**
 * Largest encoded revocation list. (core:
 * `partcert::limits::MAX_REVOCATION_LIST_LEN`)
 */
#define PARTCERT_MAX_REVOCATION_LIST_LEN 262144

/**
 * Largest encoded challenge response. (core:
 * `partcert::limits::MAX_CHALLENGE_RESPONSE_LEN`)
 */
#define PARTCERT_MAX_CHALLENGE_RESPONSE_LEN 256

/**
 * Longest name (authority name, manufacturer, model), in bytes. (core:
 * `partcert::limits::MAX_NAME_LEN`)
 */
#define PARTCERT_MAX_NAME_LEN 128

/**
 * Longest part serial, in bytes. (core:
 * `partcert::limits::MAX_SERIAL_LEN`)
 */
#define PARTCERT_MAX_SERIAL_LEN 64

/**
 * Most IMEIs one board or handset carries (dual and eSIM handsets). (core:
 * `partcert::limits::MAX_IMEIS`)
 */
#define PARTCERT_MAX_IMEIS 4

/**
 * Most part kinds one issuer certificate may permit. (core:
 * `partcert::limits::MAX_PERMITTED_KINDS`)
 */
#define PARTCERT_MAX_PERMITTED_KINDS 64

/**
 * Most parts one pairing record lists. (core:
 * `partcert::limits::MAX_PAIRED_PARTS`)
 */
#define PARTCERT_MAX_PAIRED_PARTS 64

/**
 * Most entries one blocklist snapshot (or one delta) carries. (core:
 * `partcert::limits::MAX_BLOCKLIST_ENTRIES`)
 */
#define PARTCERT_MAX_BLOCKLIST_ENTRIES 2097152

/**
 * Most keys one revocation list carries. (core:
 * `partcert::limits::MAX_REVOKED_KEYS`)
 */
#define PARTCERT_MAX_REVOKED_KEYS 4096

/**
 * Largest encoded anti-rollback state (`RollbackState::encode`): a header,
 * per authority two key ids, a digest and four varints, and a checksum.
 * (core: `partcert::limits::MAX_ROLLBACK_STATE_LEN`)
 */
#define PARTCERT_MAX_ROLLBACK_STATE_LEN 8752

/**
 * Largest blocklist epoch or sequence number accepted (2^53 - 1: exact in
 * JSON too). There is no limit on the step between two lists: a root
 * recovers from a stolen delegated key by opening a new epoch, which no
 * delegated key can sign for. (core: `partcert::limits::MAX_SEQUENCE`)
 */
#define PARTCERT_MAX_SEQUENCE 9007199254740991ULL

/**
 * Most manufacturer names one root or part issuer may certify. (core:
 * `partcert::limits::MAX_MANUFACTURERS`)
 */
#define PARTCERT_MAX_MANUFACTURERS 16

/**
 * Most certificates a caller may pass as a chain. (core:
 * `partcert::limits::MAX_CHAIN_LEN`)
 */
#define PARTCERT_MAX_CHAIN_LEN 8

/**
 * Most blocklist authorities one blocklist tracks. (core:
 * `partcert::limits::MAX_AUTHORITIES`)
 */
#define PARTCERT_MAX_AUTHORITIES 64

/**
 * Longest path a repository head names, in bytes. (core:
 * `partcert::limits::MAX_PATH_LEN`)
 */
#define PARTCERT_MAX_PATH_LEN 256

/**
 * Most deltas one repository head names. (core:
 * `partcert::limits::MAX_HEAD_DELTAS`)
 */
#define PARTCERT_MAX_HEAD_DELTAS 4096

/**
 * Largest encoded repository head. (core:
 * `partcert::limits::MAX_HEAD_LEN`)
 */
#define PARTCERT_MAX_HEAD_LEN 2097152

/**
 * Most bits of a key's position that name its shard: at most 2^20 shards,
 * so a server that serves one learns at most which 1/2^20 of the key space
 * a device's key lies in. (core: `partcert::limits::MAX_SHARD_BITS`)
 */
#define PARTCERT_MAX_SHARD_BITS 20

/**
 * Largest shard file (a slice of a list and its proof), in bytes. (core:
 * `partcert::limits::MAX_SHARD_LEN`)
 */
#define PARTCERT_MAX_SHARD_LEN 1048576

/**
 * Most entries (listings and changes) one shard carries. (core:
 * `partcert::limits::MAX_SHARD_ENTRIES`)
 */
#define PARTCERT_MAX_SHARD_ENTRIES 65536

/**
 * How far past the verifying clock a time written by someone else (a
 * list's or revocation list's issue time, a pairing record's time) may lie
 * and still count, in seconds: one day, enough for a device clock in the
 * wrong time zone. A later time raises no clock floor, flags only its own
 * list, and dates no record (see the crate's rule for times). (core:
 * `partcert::limits::CLOCK_TOLERANCE`)
 */
#define PARTCERT_CLOCK_TOLERANCE 86400

/**
 * Most listings one verdict reports: a lookup stops there and says it was
 * capped (parts sharing one fingerprint in a compact list could otherwise
 * make one lookup read millions of records). (core:
 * `partcert::limits::MAX_LISTINGS`)
 */
#define PARTCERT_MAX_LISTINGS 64

/**
 * The result of every fallible partcert function: `PARTCERT_RESULT_OK` (0)
 * or one of the core's stable error codes, which never change meaning and
 * are never reused. The hundreds digit is the family, so a caller can
 * branch on `code / 100` without knowing every code: 1 malformed input, 2
 * cryptographic trust, 3 policy, 4 blocklist state, 5 caller misuse, 9
 * internal. Generated from `partcert::ErrorCode`; `partcert_result_name`,
 * `partcert_result_message` and `partcert_result_hint` describe each.
 */
enum partcert_result
#if defined(__cplusplus) || __STDC_VERSION__ >= 202311L
  : uint32_t
#endif // defined(__cplusplus) || __STDC_VERSION__ >= 202311L
 {
  /**
   * Success.
   */
  PARTCERT_RESULT_OK = 0,
  /**
   * the data is truncated (Truncated).
   */
  PARTCERT_RESULT_TRUNCATED = 100,
  /**
   * unexpected bytes after the end of the object (TrailingBytes).
   */
  PARTCERT_RESULT_TRAILING_BYTES = 101,
  /**
   * not a partcert object (BadMagic).
   */
  PARTCERT_RESULT_BAD_MAGIC = 102,
  /**
   * unsupported partcert format version (UnsupportedVersion).
   */
  PARTCERT_RESULT_UNSUPPORTED_VERSION = 103,
  /**
   * unknown partcert object type (UnknownObjectType).
   */
  PARTCERT_RESULT_UNKNOWN_OBJECT_TYPE = 104,
  /**
   * the object is of another type than expected (WrongObjectType).
   */
  PARTCERT_RESULT_WRONG_OBJECT_TYPE = 105,
  /**
   * a length exceeds its limit (LengthOverBound).
   */
  PARTCERT_RESULT_LENGTH_OVER_BOUND = 106,
  /**
   * invalid IMEI (InvalidImei).
   */
  PARTCERT_RESULT_INVALID_IMEI = 107,
  /**
   * the object is malformed (MalformedBody).
   */
  PARTCERT_RESULT_MALFORMED_BODY = 108,
  /**
   * invalid Ed25519 public key (InvalidPublicKey).
   */
  PARTCERT_RESULT_INVALID_PUBLIC_KEY = 109,
  /**
   * a list is not sorted or has duplicates (NotCanonical).
   */
  PARTCERT_RESULT_NOT_CANONICAL = 110,
  /**
   * a field holds an invalid value (InvalidField).
   */
  PARTCERT_RESULT_INVALID_FIELD = 111,
  /**
   * saved state is corrupt (checksum mismatch) (CorruptState).
   */
  PARTCERT_RESULT_CORRUPT_STATE = 112,
  /**
   * a key is both listed and delisted (Contradiction).
   */
  PARTCERT_RESULT_CONTRADICTION = 113,
  /**
   * bad signature (BadSignature).
   */
  PARTCERT_RESULT_BAD_SIGNATURE = 200,
  /**
   * the issuer is not trusted (UnknownIssuer).
   */
  PARTCERT_RESULT_UNKNOWN_ISSUER = 201,
  /**
   * not a valid self-signed root certificate (NotSelfSigned).
   */
  PARTCERT_RESULT_NOT_SELF_SIGNED = 202,
  /**
   * wrong challenge response (WrongChallengeResponse).
   */
  PARTCERT_RESULT_WRONG_CHALLENGE_RESPONSE = 203,
  /**
   * the part's certificate names no key (NoPartKey).
   */
  PARTCERT_RESULT_NO_PART_KEY = 204,
  /**
   * the secret key does not match the certificate (KeyMismatch).
   */
  PARTCERT_RESULT_KEY_MISMATCH = 205,
  /**
   * a fetched file is not the one the repository head names (FileMismatch).
   */
  PARTCERT_RESULT_FILE_MISMATCH = 206,
  /**
   * certificate not valid yet (NotYetValid).
   */
  PARTCERT_RESULT_NOT_YET_VALID = 300,
  /**
   * certificate expired (Expired).
   */
  PARTCERT_RESULT_EXPIRED = 301,
  /**
   * issuer not permitted to certify this part kind (KindNotPermitted).
   */
  PARTCERT_RESULT_KIND_NOT_PERMITTED = 302,
  /**
   * certificate role not permitted for this use (RoleNotPermitted).
   */
  PARTCERT_RESULT_ROLE_NOT_PERMITTED = 303,
  /**
   * issuer revoked (IssuerRevoked).
   */
  PARTCERT_RESULT_ISSUER_REVOKED = 304,
  /**
   * IMEI mismatch (ImeiMismatch).
   */
  PARTCERT_RESULT_IMEI_MISMATCH = 305,
  /**
   * the pairing record does not list this part (PartNotInPairingRecord).
   */
  PARTCERT_RESULT_PART_NOT_IN_PAIRING_RECORD = 306,
  /**
   * the board was paired by another manufacturer's pairing service
   * (ForeignPairingService).
   */
  PARTCERT_RESULT_FOREIGN_PAIRING_SERVICE = 307,
  /**
   * issuer not permitted to certify this manufacturer's parts
   * (ManufacturerNotPermitted).
   */
  PARTCERT_RESULT_MANUFACTURER_NOT_PERMITTED = 308,
  /**
   * the part names another root than its issuer's (RootMismatch).
   */
  PARTCERT_RESULT_ROOT_MISMATCH = 309,
  /**
   * blocklist rollback refused (Rollback).
   */
  PARTCERT_RESULT_ROLLBACK = 400,
  /**
   * blocklist object of another authority (WrongAuthority).
   */
  PARTCERT_RESULT_WRONG_AUTHORITY = 401,
  /**
   * delta does not start from the state held (DeltaBaseMismatch).
   */
  PARTCERT_RESULT_DELTA_BASE_MISMATCH = 402,
  /**
   * delta result digest mismatch (DeltaResultMismatch).
   */
  PARTCERT_RESULT_DELTA_RESULT_MISMATCH = 403,
  /**
   * conflicting blocklist for an accepted sequence (ConflictingSequence).
   */
  PARTCERT_RESULT_CONFLICTING_SEQUENCE = 404,
  /**
   * blocklist epoch or sequence past the largest allowed (SequenceLeap).
   */
  PARTCERT_RESULT_SEQUENCE_LEAP = 405,
  /**
   * blocklist signer not permitted to sign this epoch (EpochNotPermitted).
   */
  PARTCERT_RESULT_EPOCH_NOT_PERMITTED = 406,
  /**
   * the list would delist more than 1 % of the list devices hold
   * (MassDelisting).
   */
  PARTCERT_RESULT_MASS_DELISTING = 407,
  /**
   * the shard a key lies in was not fetched (ShardNotHeld).
   */
  PARTCERT_RESULT_SHARD_NOT_HELD = 408,
  /**
   * a required argument was NULL (NullArgument).
   */
  PARTCERT_RESULT_NULL_ARGUMENT = 500,
  /**
   * the output buffer is too small (BufferTooSmall).
   */
  PARTCERT_RESULT_BUFFER_TOO_SMALL = 501,
  /**
   * a string argument is not valid UTF-8 (InvalidUtf8).
   */
  PARTCERT_RESULT_INVALID_UTF8 = 502,
  /**
   * an argument is out of range (InvalidArgument).
   */
  PARTCERT_RESULT_INVALID_ARGUMENT = 503,
  /**
   * a file could not be read or written (Io).
   */
  PARTCERT_RESULT_IO = 504,
  /**
   * the object is shared, so it cannot be changed (SharedObject).
   */
  PARTCERT_RESULT_SHARED_OBJECT = 505,
  /**
   * internal error (a bug): please report it (Panic).
   */
  PARTCERT_RESULT_PANIC = 900,
};
#ifndef __cplusplus
#if __STDC_VERSION__ >= 202311L
typedef enum partcert_result partcert_result;
#else
typedef uint32_t partcert_result;
#endif // __STDC_VERSION__ >= 202311L
#endif // __cplusplus

/**
 * Named part kinds. A part kind travels as its `uint16_t` wire code: a
 * newer issuer may use a code this enum does not name yet, so treat any
 * other value as "another kind" (named "kind-N"). Generated from
 * `partcert::PartKind::NAMED`.
 */
enum partcert_part_kind
#if defined(__cplusplus) || __STDC_VERSION__ >= 202311L
  : uint16_t
#endif // defined(__cplusplus) || __STDC_VERSION__ >= 202311L
 {
  /**
   * "board".
   */
  PARTCERT_PART_KIND_BOARD = 1,
  /**
   * "screen".
   */
  PARTCERT_PART_KIND_SCREEN = 2,
  /**
   * "battery".
   */
  PARTCERT_PART_KIND_BATTERY = 3,
  /**
   * "rear-camera".
   */
  PARTCERT_PART_KIND_REAR_CAMERA = 4,
  /**
   * "front-camera".
   */
  PARTCERT_PART_KIND_FRONT_CAMERA = 5,
  /**
   * "biometric".
   */
  PARTCERT_PART_KIND_BIOMETRIC = 6,
  /**
   * "housing".
   */
  PARTCERT_PART_KIND_HOUSING = 7,
  /**
   * "charging-port".
   */
  PARTCERT_PART_KIND_CHARGING_PORT = 8,
  /**
   * "speaker".
   */
  PARTCERT_PART_KIND_SPEAKER = 9,
};
#ifndef __cplusplus
#if __STDC_VERSION__ >= 202311L
typedef enum partcert_part_kind partcert_part_kind;
#else
typedef uint16_t partcert_part_kind;
#endif // __STDC_VERSION__ >= 202311L
#endif // __cplusplus

/**
 * What an authority certificate lets its key do. A manufacturer's offline
 * root (self-signed, pinned by verifiers) certifies part issuers (factory
 * lines, which certify parts of the kinds they are permitted) and pairing
 * services (which sign pairing records), and signs revocation lists; a
 * blocklist root (a registry's, an operator's or a manufacturer's:
 * self-signed, pinned separately) certifies blocklist authorities, which
 * sign its snapshots and deltas.
 */
enum partcert_role
#if defined(__cplusplus) || __STDC_VERSION__ >= 202311L
  : uint32_t
#endif // defined(__cplusplus) || __STDC_VERSION__ >= 202311L
 {
  /**
   * No role: what `partcert_authority_role` returns for NULL (since 1.7),
   * never the role of a certificate.
   */
  PARTCERT_ROLE_NONE = 0,
  /**
   * "manufacturer root"
   * (`partcert::certificate::AuthorityRole::ManufacturerRoot`).
   */
  PARTCERT_ROLE_MANUFACTURER_ROOT = 1,
  /**
   * "part issuer" (`partcert::certificate::AuthorityRole::PartIssuer`).
   */
  PARTCERT_ROLE_PART_ISSUER = 2,
  /**
   * "pairing service"
   * (`partcert::certificate::AuthorityRole::PairingService`).
   */
  PARTCERT_ROLE_PAIRING_SERVICE = 3,
  /**
   * "blocklist root"
   * (`partcert::certificate::AuthorityRole::BlocklistRoot`).
   */
  PARTCERT_ROLE_BLOCKLIST_ROOT = 4,
  /**
   * "blocklist authority"
   * (`partcert::certificate::AuthorityRole::BlocklistAuthority`).
   */
  PARTCERT_ROLE_BLOCKLIST_AUTHORITY = 5,
};
#ifndef __cplusplus
#if __STDC_VERSION__ >= 202311L
typedef enum partcert_role partcert_role;
#else
typedef uint32_t partcert_role;
#endif // __STDC_VERSION__ >= 202311L
#endif // __cplusplus

/**
 * Why a handset was listed: reported stolen, reported lost, or obtained by
 * fraud (e.g. an unpaid contract).
 */
enum partcert_reason
#if defined(__cplusplus) || __STDC_VERSION__ >= 202311L
  : uint32_t
#endif // defined(__cplusplus) || __STDC_VERSION__ >= 202311L
 {
  /**
   * "stolen" (`partcert::blocklist::Reason::Stolen`).
   */
  PARTCERT_REASON_STOLEN = 1,
  /**
   * "lost" (`partcert::blocklist::Reason::Lost`).
   */
  PARTCERT_REASON_LOST = 2,
  /**
   * "fraud" (`partcert::blocklist::Reason::Fraud`).
   */
  PARTCERT_REASON_FRAUD = 3,
};
#ifndef __cplusplus
#if __STDC_VERSION__ >= 202311L
typedef enum partcert_reason partcert_reason;
#else
typedef uint32_t partcert_reason;
#endif // __STDC_VERSION__ >= 202311L
#endif // __cplusplus

/**
 * Whether a listing stands for good (final) or is suspended pending
 * inquiry (a lost phone that may be found).
 */
enum partcert_listing_status
#if defined(__cplusplus) || __STDC_VERSION__ >= 202311L
  : uint32_t
#endif // defined(__cplusplus) || __STDC_VERSION__ >= 202311L
 {
  /**
   * "final" (`partcert::blocklist::ListingStatus::Final`).
   */
  PARTCERT_LISTING_STATUS_FINAL = 1,
  /**
   * "suspended" (`partcert::blocklist::ListingStatus::Suspended`).
   */
  PARTCERT_LISTING_STATUS_SUSPENDED = 2,
};
#ifndef __cplusplus
#if __STDC_VERSION__ >= 202311L
typedef enum partcert_listing_status partcert_listing_status;
#else
typedef uint32_t partcert_listing_status;
#endif // __STDC_VERSION__ >= 202311L
#endif // __cplusplus

/**
 * The type of an encoded partcert object (its envelope's type tag): a
 * certificate (root, authority or part), a pairing record, a blocklist
 * snapshot, a blocklist delta, a revocation list, a challenge response, or
 * a compact blocklist snapshot (national-scale lists).
 */
enum partcert_object_type
#if defined(__cplusplus) || __STDC_VERSION__ >= 202311L
  : uint32_t
#endif // defined(__cplusplus) || __STDC_VERSION__ >= 202311L
 {
  /**
   * "certificate" (`partcert::ObjectType::Certificate`).
   */
  PARTCERT_OBJECT_TYPE_CERTIFICATE = 1,
  /**
   * "pairing record" (`partcert::ObjectType::PairingRecord`).
   */
  PARTCERT_OBJECT_TYPE_PAIRING_RECORD = 2,
  /**
   * "blocklist snapshot" (`partcert::ObjectType::BlocklistSnapshot`).
   */
  PARTCERT_OBJECT_TYPE_BLOCKLIST_SNAPSHOT = 3,
  /**
   * "blocklist delta" (`partcert::ObjectType::BlocklistDelta`).
   */
  PARTCERT_OBJECT_TYPE_BLOCKLIST_DELTA = 4,
  /**
   * "revocation list" (`partcert::ObjectType::RevocationList`).
   */
  PARTCERT_OBJECT_TYPE_REVOCATION_LIST = 5,
  /**
   * "challenge response" (`partcert::ObjectType::ChallengeResponse`).
   */
  PARTCERT_OBJECT_TYPE_CHALLENGE_RESPONSE = 6,
  /**
   * "compact blocklist snapshot" (`partcert::ObjectType::CompactSnapshot`).
   */
  PARTCERT_OBJECT_TYPE_COMPACT_SNAPSHOT = 7,
  /**
   * "repository head" (`partcert::ObjectType::RepositoryHead`).
   */
  PARTCERT_OBJECT_TYPE_REPOSITORY_HEAD = 8,
};
#ifndef __cplusplus
#if __STDC_VERSION__ >= 202311L
typedef enum partcert_object_type partcert_object_type;
#else
typedef uint32_t partcert_object_type;
#endif // __STDC_VERSION__ >= 202311L
#endif // __cplusplus

/**
 * How strongly a part is bound to its certificate: the part proved it
 * holds the key its certificate names (key-proven); it has a key, but no
 * challenge response was checked; or it has no secure element, so its
 * certificate binds only its serial and could have been copied
 * (serial-only).
 */
enum partcert_binding
#if defined(__cplusplus) || __STDC_VERSION__ >= 202311L
  : uint32_t
#endif // defined(__cplusplus) || __STDC_VERSION__ >= 202311L
 {
  /**
   * "key-proven" (`partcert::verify::Binding::KeyProven`).
   */
  PARTCERT_BINDING_KEY_PROVEN = 1,
  /**
   * "key not challenged" (`partcert::verify::Binding::KeyNotChallenged`).
   */
  PARTCERT_BINDING_KEY_NOT_CHALLENGED = 2,
  /**
   * "serial-only" (`partcert::verify::Binding::SerialOnly`).
   */
  PARTCERT_BINDING_SERIAL_ONLY = 3,
};
#ifndef __cplusplus
#if __STDC_VERSION__ >= 202311L
typedef enum partcert_binding partcert_binding;
#else
typedef uint32_t partcert_binding;
#endif // __STDC_VERSION__ >= 202311L
#endif // __cplusplus

/**
 * A part's relation to the handset doing the verifying: paired to this
 * handset, paired to another handset (a used part), or unpaired (no
 * pairing record was presented).
 */
enum partcert_relation
#if defined(__cplusplus) || __STDC_VERSION__ >= 202311L
  : uint32_t
#endif // defined(__cplusplus) || __STDC_VERSION__ >= 202311L
 {
  /**
   * "fitted in this handset" (`partcert::verify::Relation::PairedHere`).
   */
  PARTCERT_RELATION_PAIRED_HERE = 1,
  /**
   * "used" (`partcert::verify::Relation::PairedElsewhere`).
   */
  PARTCERT_RELATION_PAIRED_ELSEWHERE = 2,
  /**
   * "unpaired" (`partcert::verify::Relation::Unpaired`).
   */
  PARTCERT_RELATION_UNPAIRED = 3,
};
#ifndef __cplusplus
#if __STDC_VERSION__ >= 202311L
typedef enum partcert_relation partcert_relation;
#else
typedef uint32_t partcert_relation;
#endif // __STDC_VERSION__ >= 202311L
#endif // __cplusplus

/**
 * Why a pairing record was made: the handset was assembled at the factory,
 * or a repair fitted one or more parts.
 */
enum partcert_pairing_event
#if defined(__cplusplus) || __STDC_VERSION__ >= 202311L
  : uint32_t
#endif // defined(__cplusplus) || __STDC_VERSION__ >= 202311L
 {
  /**
   * "factory build" (`partcert::pairing::PairingEvent::FactoryBuild`).
   */
  PARTCERT_PAIRING_EVENT_FACTORY_BUILD = 1,
  /**
   * "repair" (`partcert::pairing::PairingEvent::Repair`).
   */
  PARTCERT_PAIRING_EVENT_REPAIR = 2,
};
#ifndef __cplusplus
#if __STDC_VERSION__ >= 202311L
typedef enum partcert_pairing_event partcert_pairing_event;
#else
typedef uint32_t partcert_pairing_event;
#endif // __STDC_VERSION__ >= 202311L
#endif // __cplusplus

/**
 * A part's (or handset's) standing on the blocklists held.
 */
enum partcert_blocklist_state
#if defined(__cplusplus) || __STDC_VERSION__ >= 202311L
  : uint32_t
#endif // defined(__cplusplus) || __STDC_VERSION__ >= 202311L
 {
  /**
   * No blocklist was consulted.
   */
  PARTCERT_BLOCKLIST_STATE_NOT_CHECKED = 0,
  /**
   * No list carries it, and every list consulted is current.
   */
  PARTCERT_BLOCKLIST_STATE_CLEAN = 1,
  /**
   * No list carries it, but a list the device follows is stale (expired,
   * signed by a since-revoked key, missing, or outdated by another
   * authority's newer list): the answer may be out of date.
   */
  PARTCERT_BLOCKLIST_STATE_STALE = 2,
  /**
   * At least one list carries it.
   */
  PARTCERT_BLOCKLIST_STATE_BLOCKED = 3,
};
#ifndef __cplusplus
#if __STDC_VERSION__ >= 202311L
typedef enum partcert_blocklist_state partcert_blocklist_state;
#else
typedef uint32_t partcert_blocklist_state;
#endif // __STDC_VERSION__ >= 202311L
#endif // __cplusplus

/**
 * What a blocklist listing matched.
 */
enum partcert_block_key_kind
#if defined(__cplusplus) || __STDC_VERSION__ >= 202311L
  : uint32_t
#endif // defined(__cplusplus) || __STDC_VERSION__ >= 202311L
 {
  /**
   * A handset, by IMEI.
   */
  PARTCERT_BLOCK_KEY_KIND_IMEI = 1,
  /**
   * A part, by identity digest.
   */
  PARTCERT_BLOCK_KEY_KIND_PART = 2,
};
#ifndef __cplusplus
#if __STDC_VERSION__ >= 202311L
typedef enum partcert_block_key_kind partcert_block_key_kind;
#else
typedef uint32_t partcert_block_key_kind;
#endif // __STDC_VERSION__ >= 202311L
#endif // __cplusplus

/**
 * What a blocklist listing matched (`partcert_listing.matched_key_kind`).
 * Its first two values are those of `partcert_block_key_kind`.
 */
enum partcert_matched_kind
#if defined(__cplusplus) || __STDC_VERSION__ >= 202311L
  : uint32_t
#endif // defined(__cplusplus) || __STDC_VERSION__ >= 202311L
 {
  /**
   * A listed IMEI: the board's, one its modem presented, or the IMEI of the
   * handset a record pairs the part to (`matched_imei`).
   */
  PARTCERT_MATCHED_KIND_IMEI = 1,
  /**
   * The part's identity, listed exactly (`matched_part_id`).
   */
  PARTCERT_MATCHED_KIND_PART = 2,
  /**
   * The key the part's certificate names, listed exactly (`matched_key_id`):
   * a reported handset's keyed parts are listed by key too, so a harvested
   * keyed part reads blocked whatever root or serial it is re-certified
   * under.
   */
  PARTCERT_MATCHED_KIND_PART_KEY = 3,
  /**
   * A fingerprint in a compact list — the first bits of a listed part's
   * identity (or key) digest — that this part's digest starts with
   * (`matched_fingerprint`). Not proof of this exact part: a part not listed
   * matches one with probability at most 2^-41 per lookup.
   */
  PARTCERT_MATCHED_KIND_PART_FINGERPRINT = 4,
};
#ifndef __cplusplus
#if __STDC_VERSION__ >= 202311L
typedef enum partcert_matched_kind partcert_matched_kind;
#else
typedef uint32_t partcert_matched_kind;
#endif // __STDC_VERSION__ >= 202311L
#endif // __cplusplus

/**
 * Why a followed list may be out of date (`partcert_list_checked`).
 */
enum partcert_stale_reason
#if defined(__cplusplus) || __STDC_VERSION__ >= 202311L
  : uint32_t
#endif // defined(__cplusplus) || __STDC_VERSION__ >= 202311L
 {
  /**
   * The list is current.
   */
  PARTCERT_STALE_REASON_NONE = 0,
  /**
   * It expired before the verification time (at its authority's clock).
   */
  PARTCERT_STALE_REASON_EXPIRED = 1,
  /**
   * Its authority's root has since revoked the key that signed it.
   */
  PARTCERT_STALE_REASON_SIGNER_REVOKED = 2,
  /**
   * The device follows this authority (its anti-rollback state has a mark
   * for it) but holds no list from it: withheld, or not loaded again after a
   * restart.
   */
  PARTCERT_STALE_REASON_MISSING = 3,
  /**
   * Another authority's list vouches for a time after this one expired: the
   * device's clock may be behind. The other authority is named in the
   * `outdated_by_` fields. Only a time the other list's clock floor vouches
   * for counts (its issue time, capped at the device's clock plus
   * `PARTCERT_CLOCK_TOLERANCE` when it was received): a date from the future
   * flags nobody else.
   */
  PARTCERT_STALE_REASON_OUTDATED_BY = 4,
  /**
   * The list is dated after this device's clock plus
   * `PARTCERT_CLOCK_TOLERANCE`: a careless or stolen key wrote a date from
   * the future, or this device's clock is behind. Such a list flags only
   * itself; its issue time is in `future_dated_issued_at`.
   */
  PARTCERT_STALE_REASON_FUTURE_DATED = 5,
  /**
   * The device follows this authority through a repository and the newest
   * head it accepted has expired with no fresher one (since 1.5): a mirror
   * frozen, or the network withheld. When that head was signed is in
   * `no_fresh_head_since`.
   */
  PARTCERT_STALE_REASON_NO_FRESH_HEAD = 6,
};
#ifndef __cplusplus
#if __STDC_VERSION__ >= 202311L
typedef enum partcert_stale_reason partcert_stale_reason;
#else
typedef uint32_t partcert_stale_reason;
#endif // __STDC_VERSION__ >= 202311L
#endif // __cplusplus

/**
 * The form a blocklist is signed in (`partcert_authority_publish`, since
 * 1.4).
 */
enum partcert_list_format
#if defined(__cplusplus) || __STDC_VERSION__ >= 202311L
  : uint32_t
#endif // defined(__cplusplus) || __STDC_VERSION__ >= 202311L
 {
  /**
   * The whole list as sorted entries
   * (`PARTCERT_OBJECT_TYPE_BLOCKLIST_SNAPSHOT`).
   */
  PARTCERT_LIST_FORMAT_SORTED = 1,
  /**
   * The whole list in the compact format, used in place
   * (`PARTCERT_OBJECT_TYPE_COMPACT_SNAPSHOT`): national scale, parts kept as
   * fingerprints, listing times to the day.
   */
  PARTCERT_LIST_FORMAT_COMPACT = 2,
  /**
   * The change from the base to the new version
   * (`PARTCERT_OBJECT_TYPE_BLOCKLIST_DELTA`), over a sorted or a compact
   * list.
   */
  PARTCERT_LIST_FORMAT_DELTA = 3,
};
#ifndef __cplusplus
#if __STDC_VERSION__ >= 202311L
typedef enum partcert_list_format partcert_list_format;
#else
typedef uint32_t partcert_list_format;
#endif // __STDC_VERSION__ >= 202311L
#endif // __cplusplus



/**
 * Let the list's size choose how finely it is cut
 * (`partcert_shard_set_build`): about 128 entries a shard, at most 2^20
 * shards.
 */
#define PARTCERT_SHARD_BITS_AUTO UINT32_MAX

/**
 * An authority able to sign: its secret key and its certificate (a
 * manufacturer or blocklist root, a part issuer, a pairing service, a
 * blocklist authority). The secret key is zeroized when freed.
 *
 * Every signing function checks, before signing, what a verifier would
 * check of the signer at the time the object carries: a blocklist or
 * revocation list is refused at signing (301/300) if the signer's
 * certificate is not valid at its `issued_at`. Certificates and pairing
 * records carry no signing time the core checks against (see each).
 *
 * Immutable: signing functions may run concurrently from any thread.
 * Free with `partcert_authority_free`.
 */
typedef struct partcert_authority partcert_authority;

/**
 * The blocklists accepted from every trusted blocklist authority, with
 * the anti-rollback state that guards them.
 *
 * Updates are all-or-nothing: a snapshot or delta that fails any check
 * leaves the blocklist exactly as it was.
 *
 * Reference-counted and immutable once shared, like
 * `partcert_trust_store`: `partcert_blocklist_new` (and the other
 * constructors) make one with a single reference, which
 * `partcert_blocklist_apply` (any list, told by its content),
 * `_unfollow` and `_unfollow_unpinned` change in place;
 * once `partcert_blocklist_share` has handed out another reference it no
 * longer changes (503). A device whose readers verify while an updater
 * applies lists keeps the current blocklist in a
 * `partcert_blocklist_holder`, which publishes each update in O(1).
 *
 * Anti-rollback marks: persist `partcert_blocklist_rollback_state` (or the
 * whole state: `partcert_blocklist_save` to a path, since 1.6, or
 * `partcert_blocklist_save_state` to bytes) after each update and restore
 * it at the next start, so an older list is still refused after a reboot,
 * and a list withheld after the reboot reads as missing (stale), never
 * clean. The saved bytes end in a SHA-256 checksum that detects
 * corruption (112), not tampering: they are not signed. Keep them where
 * the device keeps its other trusted state — storage only the trusted
 * software that verifies can write (e.g. an integrity-protected,
 * rollback-protected partition, or the secure element's storage). An
 * attacker who can write them can restore older marks, and thereby
 * re-open rollback to any list not older than those marks.
 *
 * Thread safety: the functions taking a `const partcert_blocklist *` only
 * read it and may run concurrently from any number of threads.
 */
typedef struct partcert_blocklist partcert_blocklist;

/**
 * The entries of a blocklist being assembled: what a publication lists,
 * or, given as its `delisted`, the keys it delists (only the keys are
 * read). Adding needs exclusive access; publishing only reads it. A key
 * added twice alike counts once when publishing (`given_twice`); twice
 * differently makes publishing refuse the list (110, naming the key).
 * Free with `partcert_blocklist_entries_free`.
 */
typedef struct partcert_blocklist_entries partcert_blocklist_entries;

/**
 * Holds the current blocklist for a device whose readers verify while an
 * updater applies new lists.
 *
 * `partcert_blocklist_holder_load` hands a reader a reference to the
 * current blocklist in O(1): a snapshot that never changes under it, kept
 * as long as the reader needs and released with `partcert_blocklist_free`.
 * `partcert_blocklist_holder_apply` (a list of any format, told by its
 * content) applies an update to a copy of the current blocklist and
 * publishes the result in O(1) (all-or-nothing: a refused update
 * publishes nothing); `partcert_blocklist_holder_unfollow` and
 * `_unfollow_unpinned` stop following authorities the same way;
 * `partcert_blocklist_holder_publish` publishes a blocklist made
 * elsewhere; `partcert_blocklist_holder_begin_update` and
 * `_finish_update` sync it from a register's repository (since 1.5),
 * fetching with the app's own HTTP stack while readers verify;
 * `partcert_blocklist_holder_begin_shard_check_part` / `_handset` and
 * `_finish_shard_check` check a verdict's keys against a register's
 * shards without holding its list (since 1.9). Updates
 * run one at a time, so none is lost. A blocklist is
 * freed when its last reference is released, by whichever thread releases
 * it: no integrator code reclaims anything.
 *
 * Cost of an update: about the update's own size. The copy shares every
 * list, and every part of a list, with the current blocklist; a delta
 * re-builds and re-hashes only the chunks of its list it touches (~128
 * entries each) and hashes 32 bytes per chunk for the state digest. A
 * 20-change delta to a 1M-entry list applies in about 1.3 ms, against
 * 470 ms for the whole next snapshot (BENCHMARKS.md, "updates that cost
 * the delta"); a delta over a compact list costs the delta whatever the
 * list's size. Publishing is O(1).
 *
 * Internally synchronized: every function may run concurrently with any
 * other on the same holder, from any thread. Free with
 * `partcert_blocklist_holder_free` (readers' references stay valid).
 */
typedef struct partcert_blocklist_holder partcert_blocklist_holder;

/**
 * A blocklist standing: not checked, clean, stale or blocked, with the
 * listings that matched and every list consulted. Borrowed from the
 * `partcert_verdict` or `partcert_handset_report` it came from (always a
 * `const` pointer): valid until that object is freed, and never freed
 * itself.
 */
typedef struct partcert_blocklist_status partcert_blocklist_status;

/**
 * An update of a blocklist from a register's repository, in progress: the
 * head it follows, the files still to fetch, and a working copy of the
 * blocklist they are applied to. The loop:
 *
 * 1. fetch `head.pchd` and begin: `partcert_blocklist_update_begin` (or
 *    `partcert_blocklist_holder_begin_update`);
 * 2. while `partcert_blocklist_update_next_fetch` names a file, fetch
 *    that path — no more than its `size` bytes — and offer the bytes with
 *    `partcert_blocklist_update_offer`;
 * 3. finish: `partcert_blocklist_update_finish` (a new blocklist) or
 *    `partcert_blocklist_holder_finish_update` (published to a holder);
 *    save the state (`partcert_blocklist_save_state`);
 * 4. free it with `partcert_blocklist_update_free`.
 *
 * Whatever fails — a refused head, a file that is not the one the head
 * names, a list a rule refuses, a file that never arrives — the
 * blocklist the update began from is untouched: free the update and try
 * again later (from another mirror). An update that failed, or finished,
 * is spent (503 to any further offer or finish).
 *
 * The update shares the blocklist it began from (so that one no longer
 * changes in place while the update lives: 503) and holds a working copy
 * that shares its lists: it costs about the files it applies.
 *
 * Not synchronized: one thread at a time drives an update (it may move
 * between threads). Its reads (`_next_fetch`, `_remaining`, `_head`) may
 * run concurrently with each other.
 */
typedef struct partcert_blocklist_update partcert_blocklist_update;

/**
 * Bytes the library made and the caller owns: an encoded certificate,
 * record, list, challenge response or saved state. Read them with
 * `partcert_bytes_data` and `partcert_bytes_len`; free them with
 * `partcert_bytes_free`. Immutable and safe to share between threads.
 */
typedef struct partcert_bytes partcert_bytes;

/**
 * The detail of a failed call: its result code and a detailed, one-line
 * English message. Made by a failing call that was given an
 * `error_out`; immutable; free it with `partcert_error_free`. Errors a
 * handset report holds for its parts are borrowed from the report
 * (`const partcert_error *`) and never freed themselves.
 */
typedef struct partcert_error partcert_error;

/**
 * What a handset presents for its boot-time self-check: its own pairing
 * record, the IMEIs its modem reports, and the parts found fitted.
 *
 * Build it with `partcert_handset_evidence_new` and the `_add_` functions
 * (exclusive access); verifying only reads it. Free with
 * `partcert_handset_evidence_free`.
 */
typedef struct partcert_handset_evidence partcert_handset_evidence;

/**
 * The result of a handset self-check: the handset's own standing, each
 * fitted part's verdict or error, and the parts its pairing record lists
 * that were not found fitted.
 *
 * Immutable: every accessor may be called from any thread concurrently;
 * each is a plain read (0, false, empty or NULL for a NULL report), and
 * what it hands out is borrowed from the report. Free with
 * `partcert_handset_report_free`.
 */
typedef struct partcert_handset_report partcert_handset_report;

/**
 * A register's repository head (object type REPOSITORY_HEAD, file
 * `head.pchd`): the newest list's version and state digest, and the path,
 * size and SHA-256 of every file a device needs to reach it — the newest
 * snapshot, and the deltas that lead to it from any version still served.
 * The only file of a repository that changes in place; it expires within
 * hours, after which a device with no fresher one reads the register's
 * list as stale (NO_FRESH_HEAD).
 *
 * Owned when made by `partcert_head_decode` or `partcert_head_next` (free
 * it with `partcert_head_free`); borrowed (`const`) when lent by an
 * update. Immutable: every read may run concurrently from any thread.
 */
typedef struct partcert_head partcert_head;

/**
 * Every authority a blocklist follows, with its list's standing at a
 * time: the core's `lists_checked`, the same lists a verdict's
 * `partcert_blocklist_status_list` names. Owned: free it with
 * `partcert_lists_checked_free`. Immutable.
 */
typedef struct partcert_lists_checked partcert_lists_checked;

/**
 * Everything presented about one part: its certificate, certificates that
 * complete its chain (unless the trust store's chain pool has them), and
 * optionally the pairing record of the handset it comes from, a
 * challenge response, and (for boards) the IMEIs the modem reports.
 *
 * Build it with `partcert_part_evidence_new` and the `_add_`/`_set_`
 * functions (which need exclusive access); verifying only reads it. Every
 * function copies what it is given. Free with
 * `partcert_part_evidence_free`.
 */
typedef struct partcert_part_evidence partcert_part_evidence;

/**
 * What a part issuer writes into a part certificate, built by the
 * library so that adding a field never breaks a compiled caller:
 * `partcert_part_spec_new` with the kind, manufacturer, model and serial,
 * then `partcert_part_spec_add_imei` for each IMEI of a board and
 * `partcert_part_spec_set_public_key` for a part with a secure element.
 * Pass it to `partcert_authority_certify_part`, which only reads it (one
 * spec may certify many parts in turn). Free with
 * `partcert_part_spec_free`.
 */
typedef struct partcert_part_spec partcert_part_spec;

/**
 * A check of the keys one verdict looks up against a register's shards,
 * in progress: the head it follows, the shard files still to fetch, and
 * those proven so far. For a device that cannot hold the register's whole
 * list (a phone at boot, a technician's phone): it fetches a few
 * kilobytes, and the server learns only which 1/2^bits of the key space
 * each key lies in (at most 2^20 shards). The loop:
 *
 * 1. fetch the repository's `head.pchd` and begin with the evidence the
 *    verdict will be asked of: `partcert_shard_check_begin_part` (one
 *    part) or `partcert_shard_check_begin_handset` (the boot self-check;
 *    from a holder: `partcert_blocklist_holder_begin_shard_check_part` /
 *    `_handset`). The core computes the keys the verdict looks up (the
 *    parts' identities, the IMEIs) and plans one shard per slice they lie
 *    in;
 * 2. while `partcert_shard_check_next_fetch` names a shard, fetch that
 *    path — no more than its `max_size` bytes — and offer the bytes with
 *    `partcert_shard_check_offer`. No shard depends on another: a device
 *    may instead fetch the whole plan at once (`partcert_shard_check_fetch_at`,
 *    0 to `_remaining` - 1, in parallel) and then offer each in that order;
 * 3. finish: `partcert_shard_check_finish` (a new blocklist) or
 *    `partcert_blocklist_holder_finish_shard_check` (published to the
 *    holder);
 * 4. verify with that blocklist as usual (`partcert_verify_part`,
 *    `partcert_verify_handset`, with the same evidence): the verdicts are
 *    the ones the whole list gives, BLOCKED with the same reason, status
 *    and date. A key whose shard was not fetched is never read as clean:
 *    the verdict fails with 408 (SHARD_NOT_HELD).
 *
 * The blocklist finished holds the register's list as the proven shards,
 * at the head's version, judged fresh or stale by the list's own times
 * and the head's expiry, under every rollback rule; a list the device
 * already holds whole at that version is kept whole. Whatever fails — a
 * refused head (as for `partcert_blocklist_update_begin`), a head that
 * names no shards (111), a shard cut, altered, of another slice, list or
 * register (206, 401) — the blocklist the check began from is untouched:
 * free the check. A check that failed, or finished, is spent (503 to any
 * further offer or finish).
 *
 * Not synchronized: one thread at a time drives a check (it may move
 * between threads). Its reads (`_next_fetch`, `_fetch_at`, `_remaining`,
 * `_head`) may run concurrently with each other.
 */
typedef struct partcert_shard_check partcert_shard_check;

/**
 * A register's list cut into `2^bits` shards by key, with the Merkle tree
 * over them: shard `i` holds every listing (and, for a compact list, every
 * change since its snapshot) whose key lies in slice `i`, and a proof
 * that it is exactly that slice of the list signed. Made by
 * `partcert_shard_set_build`; each shard's file and path from
 * `partcert_shard_set_file`; the head that names them from
 * `partcert_head_with_shards`. A root names one cut of one list, so no
 * shard file ever changes once published: store them first, then the
 * head, as for lists.
 *
 * Immutable: every read may run concurrently from any thread. Free with
 * `partcert_shard_set_free`.
 */
typedef struct partcert_shard_set partcert_shard_set;

/**
 * The roots a verifier pins — manufacturer roots (for parts and pairing
 * records) and blocklist roots (for blocklists), pinned separately — the
 * revocation lists those roots have signed, and a pool of factory-line
 * certificates that complete part chains.
 *
 * Reference-counted and immutable once shared. `partcert_trust_store_new`
 * makes one with a single reference, which the `_add_` and `_apply_`
 * functions change in place; `partcert_trust_store_share` hands out
 * another reference (a reader's snapshot), after which it can no longer
 * change (503): update a copy from `partcert_trust_store_clone` and
 * publish it (see `partcert_trust_store_holder`). `partcert_trust_store_free`
 * releases one reference; the store is freed with the last.
 *
 * Thread safety: the functions taking a `const partcert_trust_store *`
 * only read it and may run concurrently from any number of threads.
 */
typedef struct partcert_trust_store partcert_trust_store;

/**
 * Holds the current trust store for threads that read it while an
 * updater replaces it (a new revocation list, a new root).
 *
 * `partcert_trust_store_holder_load` hands a reader a reference to the
 * current store in O(1); the reader verifies with it for as long as it
 * needs and releases it with `partcert_trust_store_free`.
 * `partcert_trust_store_holder_publish` makes another store current in
 * O(1); an old store is freed when its last reader releases it. No reader
 * ever sees a store change under it, and no integrator code reclaims
 * anything.
 *
 * Internally synchronized: every function may run concurrently with any
 * other on the same holder, from any thread. Free with
 * `partcert_trust_store_holder_free` (readers' references stay valid).
 */
typedef struct partcert_trust_store_holder partcert_trust_store_holder;

/**
 * What trusted evidence says about a part: the part, its issuer and root,
 * how it is bound, where it was paired, and its blocklist standing. It
 * reports; it never disables: what a device or shop does with it is the
 * owner's policy.
 *
 * Immutable: every accessor may be called from any thread concurrently.
 * Every accessor is a plain read: on a NULL verdict it gives 0, false, an
 * empty string or NULL (as each says). Strings and arrays it hands out are
 * borrowed from it. A verdict from `partcert_verify_part` is the caller's
 * to free with `partcert_verdict_free`; one borrowed from a handset report
 * is `const` and is not freed.
 */
typedef struct partcert_verdict partcert_verdict;

/**
 * Borrowed UTF-8 text: `len` bytes at `data`.
 *
 * Passed in (names, lists of names): no NUL needed; `data` may be NULL
 * only when `len` is 0.
 *
 * Handed out by the library (names, summaries, messages, JSON): `data` is
 * never NULL, the text is followed by a NUL (`data[len] == '\0'`, so
 * `data` is also a C string) and contains no NUL before it, and it is
 * valid as long as the object it came from (until that object is freed,
 * or changed, for the objects that can change). Never free it.
 *
 * Frozen: two fields, in this order, for the whole major version.
 */
typedef struct partcert_str {
  /**
   * The first byte.
   */
  const char *data;
  /**
   * How many bytes, without the NUL.
   */
  size_t len;
} partcert_str;

/**
 * Borrowed bytes: `len` bytes at `data` (`data` may be NULL only when
 * `len` is 0). Passed in for lists of encoded objects; handed out for the
 * bytes of an object (valid as long as it lives; never free it).
 *
 * Frozen: two fields, in this order, for the whole major version.
 */
typedef struct partcert_slice {
  /**
   * The first byte.
   */
  const uint8_t *data;
  /**
   * How many bytes.
   */
  size_t len;
} partcert_slice;

/**
 * A blocklist version: lists are ordered by epoch first, then sequence.
 * A blocklist root may publish in any epoch; a delegated blocklist
 * authority only in the epoch its certificate names, so a root supersedes
 * a stolen delegated key by publishing in a later epoch.
 *
 * Frozen: two fields, in this order, for the whole major version (the
 * caller allocates it for `version_out` parameters).
 */
typedef struct partcert_list_version {
  /**
   * The epoch.
   */
  uint64_t epoch;
  /**
   * The sequence within that epoch.
   */
  uint64_t sequence;
} partcert_list_version;

/**
 * One authority's list as held by a `partcert_blocklist`, borrowed from
 * it (see `partcert_blocklist_list`).
 *
 * Library-owned: read it through the pointer the library hands out, never
 * allocate one. Fields may be added at the end in a minor version.
 */
typedef struct partcert_list_info {
  /**
   * The authority's root key id.
   */
  uint8_t authority_key_id[PARTCERT_DIGEST_LEN];
  /**
   * The authority's name (from its root certificate).
   */
  struct partcert_str authority_name;
  /**
   * The accepted version.
   */
  struct partcert_list_version version;
  /**
   * When that list was signed (seconds since the Unix epoch).
   */
  uint64_t issued_at;
  /**
   * When it goes stale.
   */
  uint64_t expires_at;
  /**
   * How many entries it holds.
   */
  size_t entry_count;
  /**
   * Its state digest (what the next delta must start from).
   */
  uint8_t state_digest[PARTCERT_DIGEST_LEN];
  /**
   * The key id of the key that signed it (the root's own, or a delegated
   * blocklist authority's).
   */
  uint8_t signer_key_id[PARTCERT_DIGEST_LEN];
} partcert_list_info;

/**
 * One blocklist listing that matched, borrowed from its standing.
 *
 * What matched is `matched_key_kind` (since 1.3): an IMEI, the part's
 * identity, the key its certificate names, or a fingerprint in a compact
 * list. The older `matched_kind`, `matched_imei` and `matched_part_id`
 * stay filled for callers built against 1.2: an IMEI reads IMEI with the
 * IMEI; the part's identity reads PART with the identity; a part key or
 * a fingerprint reads PART with `matched_part_id` all zeros (neither is
 * the part's identity: read `matched_key_kind`).
 *
 * Library-owned: read it through the pointer the library hands out, never
 * allocate one. Fields may be added at the end in a minor version.
 */
typedef struct partcert_listing {
  /**
   * Whether an IMEI or a part matched (a part key or a fingerprint
   * reads PART; see `matched_key_kind` for which).
   */
  partcert_block_key_kind matched_kind;
  /**
   * The IMEI that matched (when `matched_kind` is IMEI), else 0.
   */
  uint64_t matched_imei;
  /**
   * The part identity digest that matched (when `matched_key_kind` is
   * PART), else zeros.
   */
  uint8_t matched_part_id[PARTCERT_DIGEST_LEN];
  /**
   * The listing authority's root key id.
   */
  uint8_t authority_key_id[PARTCERT_DIGEST_LEN];
  /**
   * The listing authority's name.
   */
  struct partcert_str authority_name;
  /**
   * The version of the list that carries the entry.
   */
  struct partcert_list_version version;
  /**
   * Why it was listed.
   */
  partcert_reason reason;
  /**
   * When (seconds since the Unix epoch).
   */
  uint64_t listed_at;
  /**
   * Final or suspended.
   */
  partcert_listing_status status;
  /**
   * Whether `handset_imei` is set (part listings name the handset the
   * part was paired to when listed).
   */
  bool has_handset;
  /**
   * That handset's IMEI, or 0.
   */
  uint64_t handset_imei;
  /**
   * What matched (since 1.3): IMEI, PART, PART_KEY or PART_FINGERPRINT.
   */
  partcert_matched_kind matched_key_kind;
  /**
   * For PART_KEY: the 32-byte key id of the key the part's certificate
   * names, listed; zeros otherwise.
   */
  uint8_t matched_key_id[PARTCERT_DIGEST_LEN];
  /**
   * For PART_FINGERPRINT: the fingerprint that matched, as hex digits of
   * the digest's first bits, a slash and their number ("3fa01c…0/61");
   * empty otherwise.
   */
  struct partcert_str matched_fingerprint;
  /**
   * Whether the match is on a fingerprint in a compact list rather than
   * on an exact key (`matched_key_kind` is PART_FINGERPRINT): a part not
   * listed matches one with probability at most 2^-41 per lookup, and
   * the summary says "(by fingerprint)".
   */
  bool by_fingerprint;
} partcert_listing;

/**
 * One followed authority's list as consulted for a standing, borrowed
 * from it.
 *
 * Library-owned: read it through the pointer the library hands out, never
 * allocate one. Fields may be added at the end in a minor version.
 */
typedef struct partcert_list_checked {
  /**
   * The authority's root key id.
   */
  uint8_t authority_key_id[PARTCERT_DIGEST_LEN];
  /**
   * The authority's name.
   */
  struct partcert_str authority_name;
  /**
   * The version consulted (the anti-rollback mark's, if the list is
   * missing).
   */
  struct partcert_list_version version;
  /**
   * When that list goes stale.
   */
  uint64_t expires_at;
  /**
   * Whether it may be out of date (`stale_reason` is not NONE).
   */
  bool stale;
  /**
   * Why it may be out of date.
   */
  partcert_stale_reason stale_reason;
  /**
   * For OUTDATED_BY: the root key id of the authority whose newer list
   * outdates this one; zeros otherwise.
   */
  uint8_t outdated_by_authority_key_id[PARTCERT_DIGEST_LEN];
  /**
   * For OUTDATED_BY: that authority's name; empty otherwise.
   */
  struct partcert_str outdated_by_name;
  /**
   * For OUTDATED_BY: the time that authority's list vouches for (its
   * issue time, capped at the device's clock plus
   * `PARTCERT_CLOCK_TOLERANCE` when it was received); 0 otherwise.
   */
  uint64_t outdated_by_issued_at;
  /**
   * For FUTURE_DATED (since 1.3): the issue time this list carries,
   * after the device's clock plus `PARTCERT_CLOCK_TOLERANCE`; 0
   * otherwise.
   */
  uint64_t future_dated_issued_at;
  /**
   * For NO_FRESH_HEAD (since 1.5): when the newest head the device
   * accepted from the authority's repository was signed; 0 otherwise.
   */
  uint64_t no_fresh_head_since;
} partcert_list_checked;

/**
 * One file a head names, borrowed from the head or the update that lends
 * it: where it is under the repository's root, its exact size and its
 * SHA-256, and the version of the list it holds.
 *
 * Library-owned: read it through the pointer the library hands out, never
 * allocate one. Fields may be added at the end in a minor version.
 */
typedef struct partcert_file_ref {
  /**
   * Its path under the repository's root, e.g. `lists/3fa0….pcbd`:
   * lower-case letters, digits, `.`, `-`, `_` and `/`, relative, without
   * `..` (the core refuses a head naming any other), at most
   * `PARTCERT_MAX_PATH_LEN` bytes. Append it to the repository's URL.
   */
  struct partcert_str path;
  /**
   * Its exact size in bytes: read no more (an endless download is cut
   * here by the caller).
   */
  uint64_t size;
  /**
   * The SHA-256 of its bytes.
   */
  uint8_t sha256[PARTCERT_DIGEST_LEN];
  /**
   * The version of the list it holds (for a delta: the version it leads
   * to).
   */
  struct partcert_list_version version;
  /**
   * When that list was signed.
   */
  uint64_t issued_at;
} partcert_file_ref;

/**
 * A borrowed list of IMEIs (15-digit numbers): `len` values at `data`
 * (`data` is NULL when `len` is 0), valid as long as the object it came
 * from. Never free it.
 *
 * Frozen: two fields, in this order, for the whole major version.
 */
typedef struct partcert_imeis {
  /**
   * The first IMEI.
   */
  const uint64_t *data;
  /**
   * How many.
   */
  size_t len;
} partcert_imeis;

/**
 * One fitted part's outcome in a handset report, borrowed from it.
 *
 * Library-owned: read it through the pointer the library hands out, never
 * allocate one. Fields may be added at the end in a minor version.
 */
typedef struct partcert_fitted_part {
  /**
   * The 32-byte fingerprint of the part's certificate.
   */
  uint8_t fingerprint[PARTCERT_DIGEST_LEN];
  /**
   * `PARTCERT_RESULT_OK` if the part verified (see `verdict`), else the
   * code that says why its evidence cannot be trusted (see `error`).
   */
  partcert_result outcome;
  /**
   * The part's verdict when `outcome` is OK, else NULL: borrowed from
   * the report (`const`; never freed itself).
   */
  const struct partcert_verdict *verdict;
  /**
   * The part's error when `outcome` is not OK, else NULL: its code and
   * detailed message ("the part certificate expired at … (checked at
   * …)"), borrowed from the report (`const`; never freed itself).
   */
  const struct partcert_error *error;
  /**
   * Whether the handset's own pairing record lists this part (or an
   * earlier certificate of it). False means the part was *replaced*: it
   * is not in this handset's record (its verdict's relation then reads
   * UNPAIRED because no record lists it — not because no record was
   * presented; the report is never "all original").
   */
  bool listed_in_record;
} partcert_fitted_part;

/**
 * A part the pairing record lists, borrowed from the report.
 *
 * Library-owned: read it through the pointer the library hands out, never
 * allocate one. Fields may be added at the end in a minor version.
 */
typedef struct partcert_paired_part {
  /**
   * The part's kind code (see `partcert_part_kind`).
   */
  uint16_t kind;
  /**
   * The part's identity digest.
   */
  uint8_t part_id[PARTCERT_DIGEST_LEN];
  /**
   * The fingerprint of the part's certificate at pairing time.
   */
  uint8_t certificate_fingerprint[PARTCERT_DIGEST_LEN];
  /**
   * Whether the record names the key of a keyed part (since 1.3; see
   * `key_id`).
   */
  bool has_key;
  /**
   * For a keyed part: the key id of the key its certificate names (a
   * register reporting the handset lists the part by it too); zeros
   * otherwise.
   */
  uint8_t key_id[PARTCERT_DIGEST_LEN];
  /**
   * When the record says the part was first paired by its maker's
   * pairing services (since 1.3; seconds since the Unix epoch).
   */
  uint64_t first_paired;
} partcert_paired_part;

/**
 * What a head says, borrowed from it.
 *
 * Library-owned: read it through the pointer the library hands out, never
 * allocate one. Fields may be added at the end in a minor version.
 */
typedef struct partcert_head_info {
  /**
   * The register's root key id (the authority whose lists it names).
   */
  uint8_t authority_key_id[PARTCERT_DIGEST_LEN];
  /**
   * The newest list's version.
   */
  struct partcert_list_version version;
  /**
   * The newest list's state digest.
   */
  uint8_t state_digest[PARTCERT_DIGEST_LEN];
  /**
   * When the head was signed.
   */
  uint64_t issued_at;
  /**
   * When it expires: after that, a device with no fresher head reads
   * the register's list as stale (NO_FRESH_HEAD).
   */
  uint64_t expires_at;
  /**
   * The key id of the key that signed it (the root's own, or a
   * delegated blocklist authority's).
   */
  uint8_t signer_key_id[PARTCERT_DIGEST_LEN];
  /**
   * The signer's name, from its certificate.
   */
  struct partcert_str signer_name;
  /**
   * How many files it names (`partcert_head_file`): the snapshot, then
   * the deltas.
   */
  size_t file_count;
  /**
   * How many shards it names of the newest list (since 1.9; 0: the
   * repository serves none, and a device checks against the whole list
   * only): a device that cannot hold the list checks its keys against
   * them (`partcert_shard_check_begin_part`).
   */
  uint32_t shard_count;
} partcert_head_info;

/**
 * What a publication changed against its base, as the core counts it
 * (since 1.4): the counts a register's tool reports. Made by
 * `partcert_authority_publish`; free it with `partcert_list_changes_free`.
 *
 * Library-owned: read it through the pointer the library hands out, never
 * allocate one. Fields may be added at the end in a minor version (as the
 * core counts more).
 */
typedef struct partcert_list_changes {
  /**
   * Entries of the base kept as they were — a key listed again with
   * the same reason and status among them (it keeps its first listing).
   */
  uint64_t carried;
  /**
   * Keys the base did not list, listed.
   */
  uint64_t listed;
  /**
   * Keys the base listed, listed again with another reason or status.
   */
  uint64_t relisted;
  /**
   * Keys the base listed, delisted.
   */
  uint64_t delisted;
  /**
   * Keys to delist that the base did not list: nothing was delisted.
   */
  uint64_t not_listed;
  /**
   * Keys given more than once, the same each time: counted once.
   */
  uint64_t given_twice;
  /**
   * How many keys the published list carries (for a delta: the list it
   * leads to).
   */
  uint64_t total;
} partcert_list_changes;

/**
 * One shard file to fetch, borrowed from the check that names it.
 *
 * Library-owned: read it through the pointer the library hands out, never
 * allocate one. Fields may be added at the end in a minor version.
 */
typedef struct partcert_shard_fetch {
  /**
   * Its path under the repository's root,
   * `shards/<root, 64 hex digits>/<index, 5 hex digits>.pcsh`: append
   * it to the repository's URL.
   */
  struct partcert_str path;
  /**
   * The slice of the key space it covers.
   */
  uint32_t index;
  /**
   * Read no more than this many bytes (the head's largest shard file);
   * any shard file is at most `PARTCERT_MAX_SHARD_LEN`.
   */
  uint64_t max_size;
} partcert_shard_fetch;

/**
 * The provenance of a verdict: the handset the part was paired to, from
 * the pairing record presented. Borrowed from the verdict.
 *
 * Library-owned: read it through the pointer the library hands out, never
 * allocate one. Fields may be added at the end in a minor version.
 */
typedef struct partcert_provenance {
  /**
   * The record's per-handset sequence.
   */
  uint64_t pairing_sequence;
  /**
   * What made the record.
   */
  partcert_pairing_event event;
  /**
   * When it was signed (seconds since the Unix epoch).
   */
  uint64_t paired_at;
  /**
   * The key id of the pairing service that signed it.
   */
  uint8_t service_key_id[PARTCERT_DIGEST_LEN];
  /**
   * The name of that pairing service.
   */
  struct partcert_str service_name;
  /**
   * The IMEIs of the handset the part was paired to.
   */
  struct partcert_imeis handset_imeis;
  /**
   * Whether the record names an earlier certificate of the same part
   * (the part was re-certified since it was paired): the same part,
   * accepted and reported.
   */
  bool certificate_renewed;
  /**
   * When the record says this part was first paired (since 1.3; seconds
   * since the Unix epoch): carried from record to record across repairs
   * by the pairing services of the part's own maker, at most
   * `paired_at`. It is what places a part made before its line's key
   * leaked, or before its line retired (see
   * `partcert_verdict_issuer_revoked`, `partcert_verdict_issuer_retired`),
   * when the service is of the part's own root.
   */
  uint64_t first_paired;
} partcert_provenance;

#ifdef __cplusplus
extern "C" {
#endif // __cplusplus

/**
 * Creates a manufacturer root from a `PARTCERT_SEED_LEN`-byte secret
 * seed, with a self-signed certificate valid from `not_before` to
 * `not_after` inclusive (seconds since the Unix epoch), naming the
 * manufacturers whose parts its factory lines may certify
 * (`manufacturers`: `manufacturer_count` names, NULL when 0; at most
 * `PARTCERT_MAX_MANUFACTURERS`). Its certificate's serial number is 1.
 * A name that breaks the text rules gives 111.
 */
partcert_result partcert_authority_new_manufacturer_root(const uint8_t *seed,
                                                         const char *name,
                                                         size_t name_len,
                                                         const struct partcert_str *manufacturers,
                                                         size_t manufacturer_count,
                                                         uint64_t not_before,
                                                         uint64_t not_after,
                                                         struct partcert_authority **authority_out,
                                                         struct partcert_error **error_out);

/**
 * Creates a blocklist root (a national registry, an operator) from a
 * `PARTCERT_SEED_LEN`-byte secret seed, with a self-signed certificate
 * valid from `not_before` to `not_after` inclusive. Its certificate's
 * serial number is 1.
 */
partcert_result partcert_authority_new_blocklist_root(const uint8_t *seed,
                                                      const char *name,
                                                      size_t name_len,
                                                      uint64_t not_before,
                                                      uint64_t not_after,
                                                      struct partcert_authority **authority_out,
                                                      struct partcert_error **error_out);

/**
 * Loads an authority from its secret seed and its encoded certificate
 * (e.g. a factory line's, issued earlier by its root). 205 if the key
 * does not match the certificate; 303 if it is a part's certificate.
 */
partcert_result partcert_authority_new(const uint8_t *seed,
                                       const uint8_t *certificate,
                                       size_t certificate_len,
                                       struct partcert_authority **authority_out,
                                       struct partcert_error **error_out);

/**
 * Frees an authority, zeroizing its secret key. NULL is a no-op.
 */
void partcert_authority_free(struct partcert_authority *authority);

/**
 * The authority's encoded certificate, borrowed: valid while the authority
 * lives (empty for NULL).
 */
struct partcert_slice partcert_authority_certificate(const struct partcert_authority *authority);

/**
 * The authority's role; `PARTCERT_ROLE_NONE` (0, the role of no
 * certificate) for NULL. (Before 1.7, NULL read MANUFACTURER_ROOT.)
 */
partcert_role partcert_authority_role(const struct partcert_authority *authority);

/**
 * The authority's 32-byte key id, borrowed (NULL for NULL).
 */
const uint8_t *partcert_authority_key_id(const struct partcert_authority *authority);

/**
 * Certifies a factory line (manufacturer roots only; 303 otherwise):
 * `subject_key` is the `PARTCERT_PUBLIC_KEY_LEN`-byte public key
 * certified, `permitted_kinds` (part kind codes, NULL when
 * `permitted_kind_count` is 0) the kinds it may certify, and
 * `manufacturers` (`manufacturer_count` names, NULL when 0) the makers
 * whose parts it may certify, each one the root names (308 otherwise).
 * Writes the encoded certificate to a new `partcert_bytes`.
 */
partcert_result partcert_authority_certify_part_issuer(const struct partcert_authority *authority,
                                                       const char *name,
                                                       size_t name_len,
                                                       const uint8_t *subject_key,
                                                       const uint16_t *permitted_kinds,
                                                       size_t permitted_kind_count,
                                                       const struct partcert_str *manufacturers,
                                                       size_t manufacturer_count,
                                                       uint64_t serial_number,
                                                       uint64_t not_before,
                                                       uint64_t not_after,
                                                       struct partcert_bytes **certificate_out,
                                                       struct partcert_error **error_out);

/**
 * Certifies a pairing service (manufacturer roots only; 303 otherwise):
 * it may sign pairing records for handsets whose board this root
 * certified. Writes the encoded certificate to a new `partcert_bytes`.
 */
partcert_result partcert_authority_certify_pairing_service(const struct partcert_authority *authority,
                                                           const char *name,
                                                           size_t name_len,
                                                           const uint8_t *subject_key,
                                                           uint64_t serial_number,
                                                           uint64_t not_before,
                                                           uint64_t not_after,
                                                           struct partcert_bytes **certificate_out,
                                                           struct partcert_error **error_out);

/**
 * Certifies a delegated blocklist signing key (blocklist roots only; 303
 * otherwise) for exactly one `epoch`: it may sign snapshots and deltas of
 * that epoch only (406 otherwise). To supersede a stolen delegated key,
 * the root publishes in a later epoch, itself or through a key certified
 * for it. Writes the encoded certificate to a new `partcert_bytes`.
 */
partcert_result partcert_authority_certify_blocklist_authority(const struct partcert_authority *authority,
                                                               const char *name,
                                                               size_t name_len,
                                                               const uint8_t *subject_key,
                                                               uint64_t epoch,
                                                               uint64_t serial_number,
                                                               uint64_t not_before,
                                                               uint64_t not_after,
                                                               struct partcert_bytes **certificate_out,
                                                               struct partcert_error **error_out);

/**
 * Certifies a part described by `spec` (part issuers only, for the kinds
 * their certificate permits: 302 otherwise; for a manufacturer it names:
 * 308 otherwise). A board must carry at least one IMEI. Serials are 1 to
 * 64 characters of `A-Z 0-9 - . _ / : # +`; manufacturer names and models
 * follow the text rules (111 otherwise). Writes the encoded certificate
 * to a new `partcert_bytes`.
 */
partcert_result partcert_authority_certify_part(const struct partcert_authority *authority,
                                                const struct partcert_part_spec *spec,
                                                uint64_t serial_number,
                                                uint64_t not_before,
                                                uint64_t not_after,
                                                struct partcert_bytes **certificate_out,
                                                struct partcert_error **error_out);

/**
 * Signs a pairing record (pairing services only, for a board certified
 * under the service's own root: 307 otherwise): the handset's board
 * certificate and the other parts fitted (`parts`: `part_count` encoded
 * part certificates; NULL when 0; a part listed twice is 111), the
 * per-handset `sequence`, the `event` (a `partcert_pairing_event`) and
 * the signing time. The handset's IMEIs come from the board's certificate.
 * The service's certificate must be valid at `issued_at` (301/300
 * otherwise: verifiers refuse a record dated outside its service's
 * validity). Every part is first paired at `issued_at`: after a repair,
 * sign with `partcert_authority_pair_after` so the parts keep their past.
 * Writes the encoded record to a new `partcert_bytes`.
 */
partcert_result partcert_authority_pair(const struct partcert_authority *authority,
                                        const uint8_t *board,
                                        size_t board_len,
                                        const struct partcert_slice *parts,
                                        size_t part_count,
                                        uint64_t sequence,
                                        uint32_t event,
                                        uint64_t issued_at,
                                        struct partcert_bytes **record_out,
                                        struct partcert_error **error_out);

/**
 * Signs the pairing record of a handset after a repair (or any later
 * pairing) as `partcert_authority_pair` does, and each part keeps the
 * time a pairing service of this service's own root first paired its
 * certificate, as the `earlier` records say: the handset's previous
 * record, a donor handset's record (`earlier`: `earlier_count` encoded
 * pairing records, NULL when 0, at most `PARTCERT_MAX_CHAIN_LEN`: 106
 * otherwise). So a part made before its line's key leaked, or before its
 * line retired, stays genuine across any number of repairs.
 *
 * Every earlier record must verify against `trust` at `issued_at` (2xx,
 * 3xx otherwise, naming why) and be dated no later than it (111); only
 * those of this service's own root carry a first-paired time: another
 * maker's record can place a part in a handset but never vouch for its
 * past. Writes the encoded record to a new `partcert_bytes`.
 */
partcert_result partcert_authority_pair_after(const struct partcert_authority *authority,
                                              const struct partcert_trust_store *trust,
                                              const struct partcert_slice *earlier,
                                              size_t earlier_count,
                                              const uint8_t *board,
                                              size_t board_len,
                                              const struct partcert_slice *parts,
                                              size_t part_count,
                                              uint64_t sequence,
                                              uint32_t event,
                                              uint64_t issued_at,
                                              struct partcert_bytes **record_out,
                                              struct partcert_error **error_out);

/**
 * Signs a revocation list (roots only; 303 otherwise) of the keys this
 * root certified that it now revokes: `count` keys, key `i` given by the
 * 32 bytes at `key_ids + 32 * i` and revoked from `since[i]` (0: from the
 * beginning); both NULL when `count` is 0. A part certified before
 * `since` still verifies when a pairing record places it before that time
 * (see `partcert_verdict_issuer_revoked`). A key listed twice is 111. The
 * root's certificate must be valid at `issued_at` (301/300 otherwise).
 * Writes the encoded list to a new `partcert_bytes`.
 */
partcert_result partcert_authority_revoke(const struct partcert_authority *authority,
                                          uint64_t sequence,
                                          uint64_t issued_at,
                                          const uint8_t *key_ids,
                                          const uint64_t *since,
                                          size_t count,
                                          struct partcert_bytes **list_out,
                                          struct partcert_error **error_out);

/**
 * Creates an empty blocklist with no anti-rollback history, with one
 * reference (the caller's). Never NULL. A blocklist that follows no
 * authority gives verdicts NOT_CHECKED.
 */
struct partcert_blocklist *partcert_blocklist_new(void);

/**
 * Creates an empty blocklist that remembers what a previous run accepted:
 * `data` holds the bytes `partcert_blocklist_rollback_state` gave then.
 * Lists older than those are refused with 400. Every authority the state
 * has a mark for is followed: until its list is applied again, verdicts
 * are STALE with reason MISSING, naming it. Damaged bytes are refused
 * whole (1xx; 112 if the checksum does not match).
 */
partcert_result partcert_blocklist_new_with_rollback_state(const uint8_t *data,
                                                           size_t len,
                                                           struct partcert_blocklist **blocklist_out,
                                                           struct partcert_error **error_out);

/**
 * Reads back a whole accepted state written by `partcert_blocklist_save_state`
 * (every authority's list and the anti-rollback marks) into a new
 * blocklist. Every list must agree with its anti-rollback mark; a damaged
 * file is refused whole (1xx; 112 if its checksum or a list's agreement
 * with its mark fails), never half-loaded. Marks without a list are
 * authorities followed whose list is not held: verdicts read stale until
 * it arrives. An authority whose blocklist root `trust` no longer pins
 * (unpinned, or re-pinned under a new key) is no longer followed: its
 * list and mark are dropped and every other authority's kept (since 1.3;
 * 1.2 refused the whole file with 201). `partcert_blocklist_load_state`
 * does the same and says which were dropped. The file is unsigned: keep
 * it as the anti-rollback marks are kept (see `partcert_blocklist`).
 */
partcert_result partcert_blocklist_new_from_saved_state(const struct partcert_trust_store *trust,
                                                        const uint8_t *data,
                                                        size_t len,
                                                        struct partcert_blocklist **blocklist_out,
                                                        struct partcert_error **error_out);

/**
 * Reads back a whole accepted state as
 * `partcert_blocklist_new_from_saved_state` does — keeping every
 * authority whose blocklist root `trust` still pins, with its list and
 * mark — and reports, apart, the authorities the state followed whose
 * roots `trust` no longer pins (a rogue operator unpinned, a root
 * re-pinned under a new key after its key was stolen): they are no longer
 * followed, so their missing lists no longer make verdicts stale.
 *
 * Writes the new blocklist to `blocklist_out`, and, if `dropped_out` is
 * not NULL, a new `partcert_bytes` holding the dropped authorities' root
 * key ids, `PARTCERT_DIGEST_LEN` bytes each, one after another, in
 * ascending order (`partcert_bytes_len / PARTCERT_DIGEST_LEN` of them;
 * empty when none was dropped); free it with `partcert_bytes_free`. Both
 * are written only on success. Errors as for
 * `partcert_blocklist_new_from_saved_state`.
 */
partcert_result partcert_blocklist_load_state(const struct partcert_trust_store *trust,
                                              const uint8_t *data,
                                              size_t len,
                                              struct partcert_blocklist **blocklist_out,
                                              struct partcert_bytes **dropped_out,
                                              struct partcert_error **error_out);

/**
 * Writes the whole accepted state — every authority's list and the
 * anti-rollback marks — to a new `partcert_bytes`, for
 * `partcert_blocklist_new_from_saved_state` after a restart: a device that
 * applied a snapshot and deltas keeps what they led to. About 40 bytes per
 * entry; encoded once.
 */
partcert_result partcert_blocklist_save_state(const struct partcert_blocklist *blocklist,
                                              struct partcert_bytes **state_out,
                                              struct partcert_error **error_out);

/**
 * Saves the whole accepted state — every authority's list and the
 * anti-rollback marks — to the file at `path` (a NUL-terminated path, as
 * `fopen` takes it), for `partcert_blocklist_load` after a restart (since
 * 1.6; the core's `Blocklist::save`, the same files the `partcert` tool
 * and the Kotlin and Swift bindings write). The state file is small:
 * each compact list (a national list) is kept in a file of its own,
 * `<path without its extension>.lists/<sha256>.pccs` (`device.pcbs`
 * keeps its lists in `device.lists/`), as it was received, and is not
 * written again while it is the one held.
 *
 * Crash-safe: new list files are written first (each to a temporary file,
 * flushed and renamed), then the state file replaces the old one
 * atomically, then the list files neither the new nor the previous state
 * names are removed; a power cut at any point leaves the old state or the
 * new one, each with its list files. Save a path from one thread at a
 * time. Errors: 504 (`PARTCERT_RESULT_IO`) naming the file or folder that
 * could not be written — the state at `path` is then the one saved
 * before. Keep the files where the device keeps its other trusted state
 * (see `partcert_blocklist`): they are unsigned.
 */
partcert_result partcert_blocklist_save(const struct partcert_blocklist *blocklist,
                                        const char *path,
                                        struct partcert_error **error_out);

/**
 * Loads a state saved by `partcert_blocklist_save` at `path` (a
 * NUL-terminated path) into a new blocklist, under the rules of
 * `partcert_blocklist_load_state` — every list must agree with its
 * anti-rollback mark, an authority whose blocklist root `trust` no longer
 * pins is dropped (and reported in `dropped_out` as that call reports it),
 * every other one kept — since 1.6 (the core's `Blocklist::load`). A
 * file written by `partcert_blocklist_save_state`, its lists kept in it,
 * loads too.
 *
 * Each compact list's file is mapped, not read: loading reads the state
 * file and each list's signed header, and checks the saved block digests
 * against the root the list's signature covers (a few milliseconds for a
 * national list). Each 64 KiB block of the list is checked the first time
 * a lookup reads it, so a verify against a national list reads a handful
 * of blocks. A list file replaced by another (another register's, another
 * version's) or cut short is refused here with 206
 * (`PARTCERT_RESULT_FILE_MISMATCH`, naming the file); one altered in place
 * is refused with 206 by the call whose lookup reads the damage
 * (`partcert_verify_part`, `partcert_verify_handset`, ...), here if the
 * damage is in the block holding the list's header — never an answer from
 * altered bytes. The list files must not be changed while the blocklist
 * (or a reference to it) is in use: one cut short under a reader ends the
 * process that reads past its new end (SIGBUS), as with any mapped file;
 * `partcert_blocklist_save` never changes a file in place.
 *
 * Writes the new blocklist to `blocklist_out` and, if `dropped_out` is not
 * NULL, the dropped authorities' root key ids as
 * `partcert_blocklist_load_state` does; both only on success. Errors: 504
 * (`PARTCERT_RESULT_IO`) for a state or list file that cannot be read —
 * nothing saved at `path` yet is 504 too (test whether the file exists to
 * tell a first start); 206 as above; 1xx for a damaged state file (112 if
 * its checksum fails).
 */
partcert_result partcert_blocklist_load(const struct partcert_trust_store *trust,
                                        const char *path,
                                        struct partcert_blocklist **blocklist_out,
                                        struct partcert_bytes **dropped_out,
                                        struct partcert_error **error_out);

/**
 * Writes the anti-rollback state to persist (at most
 * `PARTCERT_MAX_ROLLBACK_STATE_LEN` bytes) to a new `partcert_bytes`.
 */
partcert_result partcert_blocklist_rollback_state(const struct partcert_blocklist *blocklist,
                                                  struct partcert_bytes **state_out,
                                                  struct partcert_error **error_out);

/**
 * Hands out another reference to `blocklist` (NULL gives NULL): a
 * snapshot a reader may keep as long as it needs, released with
 * `partcert_blocklist_free`. Once shared, the blocklist no longer changes.
 */
struct partcert_blocklist *partcert_blocklist_share(const struct partcert_blocklist *blocklist);

/**
 * A new, unshared copy of `blocklist` (lists and anti-rollback state;
 * NULL gives NULL), to update and publish while readers keep the
 * original. The copy shares the lists themselves until an update
 * changes them: it costs a reference count per authority, not per entry,
 * and an update then costs about its own size.
 */
struct partcert_blocklist *partcert_blocklist_clone(const struct partcert_blocklist *blocklist);

/**
 * Releases one reference to a blocklist; it is freed with the last. NULL
 * is a no-op.
 */
void partcert_blocklist_free(struct partcert_blocklist *blocklist);

/**
 * Applies a blocklist of any format, told by its content — the one call
 * a device needs for every update:
 *
 * - a sorted snapshot (`PARTCERT_OBJECT_TYPE_BLOCKLIST_SNAPSHOT`) or a
 *   compact snapshot (`PARTCERT_OBJECT_TYPE_COMPACT_SNAPSHOT`, the
 *   national-scale format) replaces its authority's list whole, after
 *   checking that its signer chains to a blocklist root pinned in `trust`
 *   (2xx otherwise; a delegated signer only in the epoch its certificate
 *   names: 406), its signature, and that it is not older than what was
 *   accepted before (400; lists are ordered by epoch, then sequence, with
 *   no limit on the step between two: 405 only past
 *   `PARTCERT_MAX_SEQUENCE`). The same list again is accepted and changes
 *   nothing; a different one with the same version is 404;
 * - a delta (`PARTCERT_OBJECT_TYPE_BLOCKLIST_DELTA`), over a sorted or a
 *   compact list, must start from exactly the state held (402 otherwise;
 *   400 if it leads to a version not newer than the one held) and lead to
 *   exactly the digest it promises (403).
 *
 * The core tells which from the bytes, so an updater needs no file name
 * or flag. Any other partcert object (a certificate, a pairing record, a
 * revocation list, ...) is 105 (`PARTCERT_RESULT_WRONG_OBJECT_TYPE`),
 * naming what it is; bytes that do not decode give the decoder's code
 * (100 if truncated, 102 if not partcert bytes, other 1xx). `now` is the
 * caller's clock, raised to this authority's floor (see
 * `partcert_blocklist_clock_for`) — except that a list of a later epoch
 * is judged at `now` itself, never at a floor an older epoch raised
 * (which a thief's list may have raised). The list raises the floor to
 * its issue time, at most `now` plus `PARTCERT_CLOCK_TOLERANCE`.
 * All-or-nothing: on any error the blocklist is unchanged. Writes the
 * version now held to `version_out` (NULL if not wanted). 503 if
 * `blocklist` is shared (apply on a copy from `partcert_blocklist_clone`,
 * or use `partcert_blocklist_holder_apply`).
 */
partcert_result partcert_blocklist_apply(struct partcert_blocklist *blocklist,
                                         const struct partcert_trust_store *trust,
                                         const uint8_t *data,
                                         size_t len,
                                         uint64_t now,
                                         struct partcert_list_version *version_out,
                                         struct partcert_error **error_out);

/**
 * The clock for one blocklist authority's lists (given by its 32-byte
 * root key id) at the caller's `now`: never earlier than the floor that
 * authority's newest accepted list set — its issue time, capped at the
 * clock it was received at plus `PARTCERT_CLOCK_TOLERANCE`, so a date
 * from the future raises no floor — unless `trust` has since revoked the
 * key that signed it. Other authorities' lists never move it.
 * An authority this blocklist does not follow gets `now` unchanged. 0 if
 * an argument is NULL.
 */
uint64_t partcert_blocklist_clock_for(const struct partcert_blocklist *blocklist,
                                      const struct partcert_trust_store *trust,
                                      const uint8_t *authority_key_id,
                                      uint64_t now);

/**
 * Whether the blocklist follows any authority: true once a list was
 * accepted, or when restored from an anti-rollback state with a mark.
 * False for NULL.
 */
bool partcert_blocklist_follows_any(const struct partcert_blocklist *blocklist);

/**
 * Stops following one blocklist authority, given by its 32-byte root key
 * id (after unpinning a rogue operator, or a root re-pinned under a new
 * key): drops its list and its anti-rollback mark, so its missing list no
 * longer makes verdicts stale; every other authority's list and mark is
 * kept. Writes to `was_followed` (NULL if not wanted) whether the
 * blocklist followed it (false: nothing changed). Save the state
 * afterwards, or a restart from the old state follows it again. 503 if
 * `blocklist` is shared (unfollow on a copy from `partcert_blocklist_clone`
 * and publish it, or use `partcert_blocklist_holder_unfollow`).
 */
partcert_result partcert_blocklist_unfollow(struct partcert_blocklist *blocklist,
                                            const uint8_t *authority_key_id,
                                            bool *was_followed,
                                            struct partcert_error **error_out);

/**
 * Stops following every authority whose blocklist root `trust` no longer
 * pins (see `partcert_blocklist_unfollow`): what a device does after
 * changing the roots it pins. If `unfollowed_out` is not NULL, writes a
 * new `partcert_bytes` holding their root key ids, `PARTCERT_DIGEST_LEN`
 * bytes each, in ascending order (empty when none); free it with
 * `partcert_bytes_free`. 505 if `blocklist` is shared.
 */
partcert_result partcert_blocklist_unfollow_unpinned(struct partcert_blocklist *blocklist,
                                                     const struct partcert_trust_store *trust,
                                                     struct partcert_bytes **unfollowed_out,
                                                     struct partcert_error **error_out);

/**
 * How many authorities' lists are held (0 for NULL).
 */
size_t partcert_blocklist_list_count(const struct partcert_blocklist *blocklist);

/**
 * List `index` (0 ≤ index < count, in the order of the authorities' key
 * ids), borrowed: valid until the blocklist is changed or released. NULL
 * if `index` is past the end or `blocklist` is NULL.
 */
const struct partcert_list_info *partcert_blocklist_list(const struct partcert_blocklist *blocklist,
                                                         size_t index);

/**
 * Creates an empty list of blocklist entries. Never NULL.
 */
struct partcert_blocklist_entries *partcert_blocklist_entries_new(void);

/**
 * Frees a list of blocklist entries. NULL is a no-op.
 */
void partcert_blocklist_entries_free(struct partcert_blocklist_entries *entries);

/**
 * Adds an entry listing a handset by IMEI. `reason` is a
 * `partcert_reason`, `status` a `partcert_listing_status`, `listed_at` in
 * seconds since the Unix epoch.
 */
partcert_result partcert_blocklist_entries_add_handset(struct partcert_blocklist_entries *entries,
                                                       uint64_t imei,
                                                       uint32_t reason,
                                                       uint64_t listed_at,
                                                       uint32_t status,
                                                       struct partcert_error **error_out);

/**
 * Adds every entry for a reported handset, from its latest pairing record:
 * its IMEIs, the identities of the parts paired to it *and* (since 1.3)
 * the keys of its keyed parts, so its parts stay blocked when harvested,
 * or re-certified around their key under another root or serial.
 */
partcert_result partcert_blocklist_entries_add_reported_handset(struct partcert_blocklist_entries *entries,
                                                                const uint8_t *record,
                                                                size_t record_len,
                                                                uint32_t reason,
                                                                uint64_t listed_at,
                                                                uint32_t status,
                                                                struct partcert_error **error_out);

/**
 * Adds an entry listing one part by its 32-byte identity digest (see
 * `partcert_verdict_part_id`). `handset_imei` points to the IMEI of the
 * handset the part was paired to, or is NULL if unknown.
 */
partcert_result partcert_blocklist_entries_add_part(struct partcert_blocklist_entries *entries,
                                                    const uint8_t *part_id,
                                                    uint32_t reason,
                                                    uint64_t listed_at,
                                                    uint32_t status,
                                                    const uint64_t *handset_imei,
                                                    struct partcert_error **error_out);

/**
 * Adds an entry listing a keyed part by the key its certificate names,
 * given by its 32-byte key id (`partcert_public_key_id` of the part's
 * public key): every certificate naming that key, under any root or
 * serial, then reads blocked, the listing's `matched_key_kind` PART_KEY.
 * `handset_imei` points to the IMEI of the handset the part was paired
 * to, or is NULL if unknown.
 */
partcert_result partcert_blocklist_entries_add_part_key(struct partcert_blocklist_entries *entries,
                                                        const uint8_t *key_id,
                                                        uint32_t reason,
                                                        uint64_t listed_at,
                                                        uint32_t status,
                                                        const uint64_t *handset_imei,
                                                        struct partcert_error **error_out);

/**
 * How many entries the list holds (0 for NULL).
 */
size_t partcert_blocklist_entries_count(const struct partcert_blocklist_entries *entries);

/**
 * Creates a holder whose current blocklist is `blocklist` (which it
 * shares: the caller keeps, and frees, its own reference).
 */
partcert_result partcert_blocklist_holder_new(const struct partcert_blocklist *blocklist,
                                              struct partcert_blocklist_holder **holder_out,
                                              struct partcert_error **error_out);

/**
 * A new reference to the current blocklist (NULL for a NULL holder): the
 * caller's snapshot, released with `partcert_blocklist_free`.
 */
struct partcert_blocklist *partcert_blocklist_holder_load(const struct partcert_blocklist_holder *holder);

/**
 * Makes `blocklist` the current one (sharing it: the caller keeps its own
 * reference) in O(1). Readers holding the previous one keep it.
 */
partcert_result partcert_blocklist_holder_publish(const struct partcert_blocklist_holder *holder,
                                                  const struct partcert_blocklist *blocklist,
                                                  struct partcert_error **error_out);

/**
 * Applies a blocklist of any format, told by its content — a sorted
 * snapshot, a compact snapshot or a delta — to a copy of the current
 * blocklist and publishes the result (see `partcert_blocklist_apply` for
 * the checks and the errors: 105 for any other object, the decoder's code
 * for bytes that do not decode). Writes the version now held to
 * `version_out` (NULL if not wanted). All-or-nothing: on failure nothing
 * is published, and readers keep the current blocklist.
 */
partcert_result partcert_blocklist_holder_apply(const struct partcert_blocklist_holder *holder,
                                                const struct partcert_trust_store *trust,
                                                const uint8_t *data,
                                                size_t len,
                                                uint64_t now,
                                                struct partcert_list_version *version_out,
                                                struct partcert_error **error_out);

/**
 * Stops following one blocklist authority (its 32-byte root key id) in a
 * copy of the current blocklist and publishes the result (see
 * `partcert_blocklist_unfollow`), in turn with the holder's other
 * updates, so none is lost. Writes to `was_followed` (NULL if not wanted)
 * whether the current blocklist followed it.
 */
partcert_result partcert_blocklist_holder_unfollow(const struct partcert_blocklist_holder *holder,
                                                   const uint8_t *authority_key_id,
                                                   bool *was_followed,
                                                   struct partcert_error **error_out);

/**
 * Stops following every authority whose blocklist root `trust` no longer
 * pins, in a copy of the current blocklist, and publishes the result (see
 * `partcert_blocklist_unfollow_unpinned`; `unfollowed_out`, NULL if not
 * wanted, receives their root key ids, 32 bytes each).
 */
partcert_result partcert_blocklist_holder_unfollow_unpinned(const struct partcert_blocklist_holder *holder,
                                                            const struct partcert_trust_store *trust,
                                                            struct partcert_bytes **unfollowed_out,
                                                            struct partcert_error **error_out);

/**
 * Begins an update of the holder's current blocklist from a register's
 * head (see `partcert_blocklist_update_begin` for the checks and the
 * errors): the same as loading the current blocklist and beginning from
 * it. Finish it with `partcert_blocklist_holder_finish_update`; readers
 * keep verifying with the current blocklist meanwhile.
 */
partcert_result partcert_blocklist_holder_begin_update(const struct partcert_blocklist_holder *holder,
                                                       const struct partcert_trust_store *trust,
                                                       const uint8_t *head,
                                                       size_t head_len,
                                                       uint64_t now,
                                                       struct partcert_blocklist_update **update_out,
                                                       struct partcert_error **error_out);

/**
 * Finishes an update (see `partcert_blocklist_update_finish`) and
 * publishes the blocklist it leads to in O(1), in turn with the holder's
 * other updates: readers see the old blocklist or the new one, never a
 * mix. Published only if everything succeeded and the holder still holds
 * the blocklist the update began from (503 otherwise: another update was
 * published meanwhile; begin again from the current one). On any error
 * nothing is published. The update is spent either way: free it.
 */
partcert_result partcert_blocklist_holder_finish_update(const struct partcert_blocklist_holder *holder,
                                                        struct partcert_blocklist_update *update,
                                                        struct partcert_error **error_out);

/**
 * Finishes a shard check begun from this holder (see
 * `partcert_shard_check_finish`) and publishes the blocklist it leads to
 * in O(1), in turn with the holder's other updates, exactly as
 * `partcert_blocklist_holder_finish_update` does an update: published
 * only if everything succeeded and the holder still holds the blocklist
 * the check began from (503 otherwise). The check is spent either way:
 * free it.
 */
partcert_result partcert_blocklist_holder_finish_shard_check(const struct partcert_blocklist_holder *holder,
                                                             struct partcert_shard_check *check,
                                                             struct partcert_error **error_out);

/**
 * Frees a holder (it releases its reference to the current blocklist;
 * readers keep theirs). NULL is a no-op.
 */
void partcert_blocklist_holder_free(struct partcert_blocklist_holder *holder);

/**
 * The standing's state: not checked, clean, stale or blocked
 * (NOT_CHECKED for NULL).
 */
partcert_blocklist_state partcert_blocklist_status_state(const struct partcert_blocklist_status *status);

/**
 * Whether any followed list is stale (true for STALE, and for BLOCKED
 * when a list consulted was stale; false for NULL).
 */
bool partcert_blocklist_status_is_stale(const struct partcert_blocklist_status *status);

/**
 * Whether more listings matched than the standing reports: a lookup
 * stops at `PARTCERT_MAX_LISTINGS` listings (parts sharing one
 * fingerprint in a compact list could otherwise make one lookup read
 * millions of records) and the rest were not read. Only ever true when
 * BLOCKED; false for NULL.
 */
bool partcert_blocklist_status_capped(const struct partcert_blocklist_status *status);

/**
 * How many listings matched (0 unless BLOCKED; at most
 * `PARTCERT_MAX_LISTINGS`, see `partcert_blocklist_status_capped`).
 */
size_t partcert_blocklist_status_listing_count(const struct partcert_blocklist_status *status);

/**
 * Listing `index`, borrowed from the standing (NULL past the end).
 */
const struct partcert_listing *partcert_blocklist_status_listing(const struct partcert_blocklist_status *status,
                                                                 size_t index);

/**
 * How many lists were consulted: one per authority the blocklist
 * follows, held or missing (0 when NOT_CHECKED).
 */
size_t partcert_blocklist_status_list_count(const struct partcert_blocklist_status *status);

/**
 * Consulted list `index`, borrowed from the standing (NULL past the end).
 */
const struct partcert_list_checked *partcert_blocklist_status_list(const struct partcert_blocklist_status *status,
                                                                   size_t index);

/**
 * A short description of the standing: "clean", "BLOCKED: stolen",
 * "BLOCKED: stolen (by fingerprint)",
 * "clean but blocklist stale (UK National Register: missing)",
 * "clean but blocklist stale (Operator: dated after this device's clock)",
 * "blocklist not checked" … (borrowed; empty for NULL).
 */
struct partcert_str partcert_blocklist_status_summary(const struct partcert_blocklist_status *status);

/**
 * Begins an update of `blocklist` from a register's head: `head`,
 * `head_len` are the bytes of the `head.pchd` just fetched, `now` the
 * caller's clock. The core checks, before anything is fetched: that the
 * head decodes (1xx: 100 truncated, 101 trailing bytes, 102 not partcert
 * bytes, 105 another object), that its signer chains to a blocklist root
 * `trust` pins (2xx; a delegated signer only in its epoch: 406), its
 * signature (200), that it is not older than the list held or a head
 * already accepted (400: a mirror replaying an old head), and that its
 * files lead to its newest list (111). Then it plans the files to fetch:
 * the deltas from the version held where they reach, else the newest
 * snapshot and the deltas after it; nothing for a head at the version
 * held (finishing then only records that the list is fresh until the
 * head expires).
 *
 * Writes the update to `update_out`; free it with
 * `partcert_blocklist_update_free`. `blocklist` is unchanged by anything
 * the update does, and shared by it while it lives.
 */
partcert_result partcert_blocklist_update_begin(const struct partcert_blocklist *blocklist,
                                                const struct partcert_trust_store *trust,
                                                const uint8_t *head,
                                                size_t head_len,
                                                uint64_t now,
                                                struct partcert_blocklist_update **update_out,
                                                struct partcert_error **error_out);

/**
 * The next file to fetch, borrowed — its path under the repository's
 * root, its exact size and SHA-256 — or NULL when every file has been
 * offered (finish), when the update failed or finished, or for NULL.
 * Valid until the next offer or finish, or until the update is freed.
 */
const struct partcert_file_ref *partcert_blocklist_update_next_fetch(const struct partcert_blocklist_update *update);

/**
 * How many files are left to fetch (0 when none is, when the update
 * failed or finished, or for NULL).
 */
size_t partcert_blocklist_update_remaining(const struct partcert_blocklist_update *update);

/**
 * The head the update follows, verified when the update began, borrowed
 * (valid while the update lives; never freed): its version, times and
 * files through `partcert_head_details` and `partcert_head_file`. NULL for
 * NULL.
 */
const struct partcert_head *partcert_blocklist_update_head(const struct partcert_blocklist_update *update);

/**
 * Offers the bytes fetched for the file `partcert_blocklist_update_next_fetch`
 * named. Their size, then their SHA-256, are checked against the head
 * before anything decodes them (206 FILE_MISMATCH, naming the path and
 * what differs: a file cut short, too long, of another day); then the
 * list is checked to be the version the head names (206) and applied to
 * the update's working copy under every rule of `partcert_blocklist_apply`
 * (2xx, 4xx); 111 if no file is left to offer. On any error the update is
 * spent (free it; the blocklist it began from is untouched); 503 if it was
 * spent already.
 */
partcert_result partcert_blocklist_update_offer(struct partcert_blocklist_update *update,
                                                const struct partcert_trust_store *trust,
                                                const uint8_t *data,
                                                size_t len,
                                                struct partcert_error **error_out);

/**
 * Finishes the update once every file was offered, and writes the
 * blocklist it leads to — the register's list at the head's version and
 * digest, the head recorded so the list reads fresh until the head
 * expires — to `blocklist_out`, a new blocklist with one reference (the
 * caller's; save it with `partcert_blocklist_save_state`, and release the
 * old one). 206 if a file was not offered, 403 if the files did not lead
 * to the head's digest; 503 if the update failed or finished. The update
 * is spent either way; the blocklist it began from is never changed.
 */
partcert_result partcert_blocklist_update_finish(struct partcert_blocklist_update *update,
                                                 struct partcert_blocklist **blocklist_out,
                                                 struct partcert_error **error_out);

/**
 * Frees an update (releasing the blocklist it began from). NULL is a
 * no-op.
 */
void partcert_blocklist_update_free(struct partcert_blocklist_update *update);

/**
 * The bytes, borrowed: valid until `bytes` is freed. NULL for NULL (and
 * for no bytes).
 */
const uint8_t *partcert_bytes_data(const struct partcert_bytes *bytes);

/**
 * How many bytes (0 for NULL).
 */
size_t partcert_bytes_len(const struct partcert_bytes *bytes);

/**
 * Frees bytes. NULL is a no-op.
 */
void partcert_bytes_free(struct partcert_bytes *bytes);

/**
 * Fills `nonce_out` with a fresh `PARTCERT_NONCE_LEN`-byte challenge from
 * the operating system's cryptographic random source. Use a new one for
 * every check, so a recorded answer cannot be replayed.
 */
partcert_result partcert_challenge_generate(uint8_t *nonce_out, struct partcert_error **error_out);

/**
 * What a keyed part computes when challenged: signs the `nonce` and its
 * own certificate's fingerprint with its secret key (`part_seed`, the
 * part's `PARTCERT_SEED_LEN`-byte seed). For part firmware, simulators and
 * tests. 204 if the certificate names no part key, 205 if the seed is not
 * that key's. Writes the encoded response to a new `partcert_bytes`.
 */
partcert_result partcert_challenge_respond(const uint8_t *part_seed,
                                           const uint8_t *nonce,
                                           const uint8_t *certificate,
                                           size_t certificate_len,
                                           struct partcert_bytes **response_out,
                                           struct partcert_error **error_out);

/**
 * Deprecated since 1.4: `partcert_authority_publish` with
 * `PARTCERT_LIST_FORMAT_SORTED`, no base and nothing delisted, which it
 * calls.
 *
 * Publishes a full blocklist snapshot holding `entries` (not consumed:
 * free it yourself), with its version (`epoch`, then `sequence`), issue
 * and expiry times, under the rules of `partcert_authority_publish`: a
 * key given twice alike counts once, twice differently is 110, naming
 * it. Writes the encoded snapshot to a new `partcert_bytes`.
 */
partcert_result partcert_authority_publish_snapshot(const struct partcert_authority *authority,
                                                    uint64_t epoch,
                                                    uint64_t sequence,
                                                    uint64_t issued_at,
                                                    uint64_t expires_at,
                                                    const struct partcert_blocklist_entries *entries,
                                                    struct partcert_bytes **snapshot_out,
                                                    struct partcert_error **error_out);

/**
 * Deprecated since 1.4: `partcert_authority_publish` with
 * `PARTCERT_LIST_FORMAT_COMPACT`, no base and nothing delisted, which it
 * calls.
 *
 * Publishes a full blocklist in the compact format (object type
 * `PARTCERT_OBJECT_TYPE_COMPACT_SNAPSHOT`), for national-scale lists:
 * the rules of `partcert_authority_publish_snapshot`, with listing times
 * kept to the day (111 outside the days the format holds). `entries` is
 * not consumed. Writes the encoded compact snapshot to a new
 * `partcert_bytes`.
 */
partcert_result partcert_authority_publish_compact_snapshot(const struct partcert_authority *authority,
                                                            uint64_t epoch,
                                                            uint64_t sequence,
                                                            uint64_t issued_at,
                                                            uint64_t expires_at,
                                                            const struct partcert_blocklist_entries *entries,
                                                            struct partcert_bytes **snapshot_out,
                                                            struct partcert_error **error_out);

/**
 * Deprecated since 1.4: `partcert_authority_publish` with
 * `PARTCERT_LIST_FORMAT_DELTA` and `held` as its `base_held`, which it
 * calls.
 *
 * Publishes the delta that takes this authority's list as `held` holds
 * it (503 if `held` holds no list of this authority) to version
 * (`epoch`, `sequence`): the keys of the entries in `delisted` removed
 * (only their keys are read), the entries in `listed` added or replacing
 * the held entry for their key. Either list may be NULL for none, as in
 * `partcert_authority_publish` (since 1.7; before, `listed` had to be
 * given, NULL giving 500): both NULL publish a delta that changes no
 * entry, only the version and times. Neither list is consumed. Rules and
 * errors as for `partcert_authority_publish`. Writes the encoded delta to
 * a new `partcert_bytes`.
 */
partcert_result partcert_authority_publish_delta_over(const struct partcert_authority *authority,
                                                      const struct partcert_blocklist *held,
                                                      uint64_t epoch,
                                                      uint64_t sequence,
                                                      uint64_t issued_at,
                                                      uint64_t expires_at,
                                                      const struct partcert_blocklist_entries *delisted,
                                                      const struct partcert_blocklist_entries *listed,
                                                      struct partcert_bytes **delta_out,
                                                      struct partcert_error **error_out);

/**
 * Deprecated since 1.4: `partcert_authority_publish` with
 * `PARTCERT_LIST_FORMAT_DELTA`, `from` as its `base_snapshot`, the keys
 * `from` lists and `to` does not as `delisted`, and the entries of `to`
 * as `listed`.
 *
 * Publishes the delta that turns snapshot `from` into the later snapshot
 * `to` (both this authority's, encoded, in the same epoch: a new epoch
 * starts with a snapshot, 111 otherwise), with `to`'s version and times.
 * An entry of `to` listing a key again with the reason and status `from`
 * gives it keeps `from`'s listing (the core's rule since 1.4). Writes the
 * encoded delta to a new `partcert_bytes`.
 */
partcert_result partcert_authority_publish_delta(const struct partcert_authority *authority,
                                                 const uint8_t *from,
                                                 size_t from_len,
                                                 const uint8_t *to,
                                                 size_t to_len,
                                                 struct partcert_bytes **delta_out,
                                                 struct partcert_error **error_out);

/**
 * Deprecated since 1.4: `partcert_blocklist_apply`, which applies every
 * format, told by its content.
 *
 * Applies a sorted blocklist snapshot as `partcert_blocklist_apply` does;
 * any other object (a compact snapshot, a delta, ...) is 105, as in 1.3.
 */
partcert_result partcert_blocklist_apply_snapshot(struct partcert_blocklist *blocklist,
                                                  const struct partcert_trust_store *trust,
                                                  const uint8_t *data,
                                                  size_t len,
                                                  uint64_t now,
                                                  struct partcert_list_version *version_out,
                                                  struct partcert_error **error_out);

/**
 * Deprecated since 1.4: `partcert_blocklist_apply`, which applies every
 * format, told by its content.
 *
 * Applies a blocklist delta as `partcert_blocklist_apply` does; any other
 * object is 105, as in 1.3.
 */
partcert_result partcert_blocklist_apply_delta(struct partcert_blocklist *blocklist,
                                               const struct partcert_trust_store *trust,
                                               const uint8_t *data,
                                               size_t len,
                                               uint64_t now,
                                               struct partcert_list_version *version_out,
                                               struct partcert_error **error_out);

/**
 * Deprecated since 1.4: `partcert_blocklist_holder_apply`, which applies
 * every format, told by its content.
 *
 * Applies a sorted snapshot to a copy of the current blocklist and
 * publishes the result, as `partcert_blocklist_holder_apply` does; any
 * other object is 105, as in 1.3. On failure nothing is published.
 */
partcert_result partcert_blocklist_holder_apply_snapshot(const struct partcert_blocklist_holder *holder,
                                                         const struct partcert_trust_store *trust,
                                                         const uint8_t *data,
                                                         size_t len,
                                                         uint64_t now,
                                                         struct partcert_list_version *version_out,
                                                         struct partcert_error **error_out);

/**
 * Deprecated since 1.4: `partcert_blocklist_holder_apply`, which applies
 * every format, told by its content.
 *
 * Applies a delta to a copy of the current blocklist and publishes the
 * result, as `partcert_blocklist_holder_apply` does; any other object is
 * 105, as in 1.3. On failure nothing is published.
 */
partcert_result partcert_blocklist_holder_apply_delta(const struct partcert_blocklist_holder *holder,
                                                      const struct partcert_trust_store *trust,
                                                      const uint8_t *data,
                                                      size_t len,
                                                      uint64_t now,
                                                      struct partcert_list_version *version_out,
                                                      struct partcert_error **error_out);

/**
 * Deprecated since 1.3: `partcert_trust_store_apply_revocation_list_at`,
 * which takes the clock the list is received at, and which it calls with
 * `now` = 0.
 *
 * Without a receiving clock the list raises no clock floor for its root
 * (at most `PARTCERT_CLOCK_TOLERANCE` seconds after 1970), so a date from
 * the future can never lock anything out — and a clock set back is not
 * caught by this list either. The revocations themselves take effect as
 * before.
 */
partcert_result partcert_trust_store_apply_revocation_list(struct partcert_trust_store *trust,
                                                           const uint8_t *data,
                                                           size_t len,
                                                           uint64_t *sequence_out,
                                                           struct partcert_error **error_out);

/**
 * The generic one-line English message of a result code, e.g. "blocklist
 * rollback refused" for 400 ("unknown partcert result code" for a number
 * that is not one): static, NUL-terminated, never freed. A failed call's
 * *detailed* message is in its `partcert_error`.
 */
struct partcert_str partcert_result_message(uint32_t result);

/**
 * The symbolic name of a result code, e.g. "Rollback" for 400 ("Unknown"
 * for a number that is not one): static, NUL-terminated, never freed.
 */
struct partcert_str partcert_result_name(uint32_t result);

/**
 * What to do about a result code, in a line a technician or an integrator
 * acts on (since 1.4), e.g. "it was altered or not signed by the key it
 * names: do not trust it; get a fresh copy from its issuer" for 200: the
 * core's hint, the same every front prints. Empty for
 * `PARTCERT_RESULT_OK` and for a number that is not a result code.
 * Static, NUL-terminated, never freed.
 */
struct partcert_str partcert_result_hint(uint32_t result);

/**
 * The name of a named part kind code ("screen", "rear-camera"): static,
 * NUL-terminated. Empty for a code this library does not name (call it
 * "kind-N"; a verdict's `partcert_verdict_part_kind_name` does).
 */
struct partcert_str partcert_part_kind_name(uint16_t kind);

/**
 * The result code of an error (`PARTCERT_RESULT_OK` for NULL).
 */
partcert_result partcert_error_code(const struct partcert_error *error);

/**
 * The detailed message of an error, e.g. "the part certificate expired at
 * 1767225600 (checked at 1800000000)" or "argument `trust` is NULL":
 * borrowed, valid while the error lives, NUL-terminated. The empty string
 * for NULL.
 */
struct partcert_str partcert_error_message(const struct partcert_error *error);

/**
 * Frees an error made by a failing call. NULL is a no-op. (Errors
 * borrowed from a handset report are `const` and are not freed.)
 */
void partcert_error_free(struct partcert_error *error);

/**
 * Starts handset evidence from the handset's own encoded pairing record.
 */
partcert_result partcert_handset_evidence_new(const uint8_t *record,
                                              size_t record_len,
                                              struct partcert_handset_evidence **evidence_out,
                                              struct partcert_error **error_out);

/**
 * Frees handset evidence. NULL is a no-op.
 */
void partcert_handset_evidence_free(struct partcert_handset_evidence *evidence);

/**
 * Adds an IMEI the modem reports (it must be in the pairing record, else
 * the self-check fails with 305 — unless the handset is blocked: then the
 * report says so and names the mismatched IMEIs). 107 if it is not a
 * valid IMEI.
 */
partcert_result partcert_handset_evidence_add_modem_imei(struct partcert_handset_evidence *evidence,
                                                         uint64_t imei,
                                                         struct partcert_error **error_out);

/**
 * Adds a part found fitted, by its encoded certificate alone: its chain
 * comes from the trust store's chain pool. The common case of a boot
 * self-check (for a keyed part whose challenge is checked, build a
 * `partcert_part_evidence` and use `partcert_handset_evidence_add_part`).
 */
partcert_result partcert_handset_evidence_add_part_certificate(struct partcert_handset_evidence *evidence,
                                                               const uint8_t *certificate,
                                                               size_t certificate_len,
                                                               struct partcert_error **error_out);

/**
 * Adds a part found fitted: its certificate, chain and challenge response
 * are copied from `part` (which the caller still owns and frees). The
 * pairing record and presented IMEIs of `part` are not used: the
 * self-check uses the handset's own.
 */
partcert_result partcert_handset_evidence_add_part(struct partcert_handset_evidence *evidence,
                                                   const struct partcert_part_evidence *part,
                                                   struct partcert_error **error_out);

/**
 * Frees a handset report. NULL is a no-op. Everything borrowed from it
 * (standings, verdicts, errors, strings) is invalid afterwards.
 */
void partcert_handset_report_free(struct partcert_handset_report *report);

/**
 * The handset's IMEIs, borrowed: from its pairing record, or, when the
 * record was refused (see `partcert_handset_report_pairing_refused`), the
 * IMEIs signed into its fitted board's certificate.
 */
struct partcert_imeis partcert_handset_report_imeis(const struct partcert_handset_report *report);

/**
 * The pairing record's sequence.
 */
uint64_t partcert_handset_report_pairing_sequence(const struct partcert_handset_report *report);

/**
 * The time the pairing record's certificates were checked at: the
 * caller's `now`, raised to the newest revocation list of the pairing
 * service's root.
 */
uint64_t partcert_handset_report_checked_at(const struct partcert_handset_report *report);

/**
 * The IMEIs the modem reports that the pairing record does not carry (in
 * ascending order), borrowed. Only ever non-empty when the handset is
 * blocked: a listed handset stays blocked whatever its modem says, while
 * a clean one with a mismatch fails the self-check with 305.
 */
struct partcert_imeis partcert_handset_report_mismatched_modem_imeis(const struct partcert_handset_report *report);

/**
 * Why the handset's pairing record was refused, borrowed from the report:
 * read it with `partcert_error_code` and `partcert_error_message` (e.g.
 * 307 for a record signed by another maker's pairing service); valid
 * until the report is freed, and never freed itself. Only ever set when
 * the handset is blocked — blocked wins, and the refusal is reported
 * beside it; the parts were then checked without the record (none reads
 * `listed_in_record`, nothing is reported missing) — otherwise the
 * refusal is `partcert_verify_handset`'s error. NULL when the record was
 * accepted, and for NULL.
 */
const struct partcert_error *partcert_handset_report_pairing_refused(const struct partcert_handset_report *report);

/**
 * The handset's own blocklist standing (by IMEI), borrowed: valid until
 * the report is freed; never freed itself.
 */
const struct partcert_blocklist_status *partcert_handset_report_blocklist(const struct partcert_handset_report *report);

/**
 * Whether the handset is as its record says: every fitted part verified
 * and is paired here (listed in this handset's record), none is missing,
 * and the modem agrees. Says nothing about blocklists.
 */
bool partcert_handset_report_all_original(const struct partcert_handset_report *report);

/**
 * Whether the handset is as its record says
 * (`partcert_handset_report_all_original`) *and* the handset and every part
 * were checked against current blocklists and found clean: false when no
 * blocklist was consulted, a list was stale, or anything is blocked. The
 * one answer a boot self-check needs.
 */
bool partcert_handset_report_all_original_and_clean(const struct partcert_handset_report *report);

/**
 * Whether the handset itself, or any fitted part, is on a list.
 */
bool partcert_handset_report_is_blocked(const struct partcert_handset_report *report);

/**
 * Whether a list consulted for the handset or any part was stale.
 */
bool partcert_handset_report_is_stale(const struct partcert_handset_report *report);

/**
 * Whether any fitted part's evidence could not be trusted (its outcome is
 * an error).
 */
bool partcert_handset_report_has_refused_parts(const struct partcert_handset_report *report);

/**
 * How many fitted parts the report covers (in the order added).
 */
size_t partcert_handset_report_part_count(const struct partcert_handset_report *report);

/**
 * Fitted part `index`'s outcome, borrowed (NULL past the end).
 */
const struct partcert_fitted_part *partcert_handset_report_part(const struct partcert_handset_report *report,
                                                                size_t index);

/**
 * How many parts the pairing record lists that were not found fitted.
 */
size_t partcert_handset_report_missing_count(const struct partcert_handset_report *report);

/**
 * Missing part `index`, borrowed (NULL past the end).
 */
const struct partcert_paired_part *partcert_handset_report_missing(const struct partcert_handset_report *report,
                                                                   size_t index);

/**
 * The handset's first line in plain words (since 1.8): "OK — every part
 * is this handset's own, and nothing is reported stolen or lost",
 * "BLOCKED — this handset is listed as stolen", "REPAIRED — …". Decided
 * by the core, the same words in every front.
 */
struct partcert_str partcert_handset_report_headline(const struct partcert_handset_report *report);

/**
 * What to do about the handset, in one line (since 1.8).
 */
struct partcert_str partcert_handset_report_advice(const struct partcert_handset_report *report);

/**
 * The report as JSON: the shape every front (Rust, the command-line tool,
 * Kotlin, Swift) shares, with each fitted part's verdict or error
 * (`{"code", "name", "family", "message"}`, the detailed message
 * included) and `all_original_and_clean`. Made on the first call and kept
 * with the report (borrowed).
 */
struct partcert_str partcert_handset_report_json(const struct partcert_handset_report *report);

/**
 * Decodes a head (e.g. the `head.pchd` a register served last), checking
 * its structure only — every path safe, the deltas in order, nothing past
 * the end (1xx otherwise: 100 truncated, 101 trailing bytes, 102 not
 * partcert bytes, 105 another object, 111 an unsafe path) — and writes it
 * to `head_out`. Its signature and signer are NOT checked here: a device
 * gives the fetched bytes to `partcert_blocklist_update_begin`, which
 * verifies them against its trust store, and reads the head it lends.
 */
partcert_result partcert_head_decode(const uint8_t *data,
                                     size_t len,
                                     struct partcert_head **head_out,
                                     struct partcert_error **error_out);

/**
 * Signs the head a repository serves once the lists in `added` (encoded
 * lists of this register, any format, in any order; `added_count` of
 * them) join what `previous` served (NULL for a first head): the newest
 * snapshot, and the deltas issued no more than `window` seconds before
 * `issued_at` that still lead to the newest list (a device further behind
 * fetches the snapshot). It expires at `expires_at` (hours after
 * `issued_at`). The core's `Head::next`: refused are a signer that may not
 * sign this register's lists at the newest version (3xx, 406), lists of
 * another register (401), no snapshot at all (111), and bytes that do not
 * decode (1xx). Writes the new head to `head_out`; store each added list
 * at `partcert_head_file_for`'s path first, and the head's bytes
 * (`partcert_head_bytes`) last, replacing `head.pchd` atomically.
 */
partcert_result partcert_head_next(const struct partcert_authority *authority,
                                   const struct partcert_head *previous,
                                   const struct partcert_slice *added,
                                   size_t added_count,
                                   uint64_t window,
                                   uint64_t issued_at,
                                   uint64_t expires_at,
                                   struct partcert_head **head_out,
                                   struct partcert_error **error_out);

/**
 * Re-signs `head` (this register's newest, from `partcert_head_next`)
 * naming the shards of its newest list, `set` (from
 * `partcert_shard_set_build`, cut from that very list), so that a device
 * that cannot hold the list checks its keys against them
 * (`partcert_shard_check_begin_part`). The core's `Head::with_shards`:
 * 401 for a signer or set of another register, 111 for shards of another
 * list than the head's newest (version or digest); the signer's rights
 * as for `partcert_head_next` (3xx, 406). Writes the new head to
 * `head_out` (its times and files are `head`'s); store every shard file
 * (`partcert_shard_set_file`) first, and this head's bytes last.
 */
partcert_result partcert_head_with_shards(const struct partcert_authority *authority,
                                          const struct partcert_head *head,
                                          const struct partcert_shard_set *set,
                                          struct partcert_head **head_out,
                                          struct partcert_error **error_out);

/**
 * What the head says (NULL for NULL), borrowed: valid while the head
 * lives.
 */
const struct partcert_head_info *partcert_head_details(const struct partcert_head *head);

/**
 * File `index` the head names (0 ≤ index < `file_count`; the snapshot
 * first, then the deltas by the sequence they apply to), borrowed. NULL
 * past the end or for NULL.
 */
const struct partcert_file_ref *partcert_head_file(const struct partcert_head *head, size_t index);

/**
 * The file the head names whose bytes are exactly `data` (its size and
 * SHA-256), borrowed: where a register stores a list it published (its
 * content-addressed path). NULL when the head names no such file (a delta
 * outside the window need not be served), or for NULL.
 */
const struct partcert_file_ref *partcert_head_file_for(const struct partcert_head *head,
                                                       const uint8_t *data,
                                                       size_t len);

/**
 * The head's exact encoded bytes (what `head.pchd` holds), borrowed:
 * valid while the head lives. Empty for NULL.
 */
struct partcert_slice partcert_head_bytes(const struct partcert_head *head);

/**
 * Frees a head made by `partcert_head_decode` or `partcert_head_next`.
 * NULL is a no-op. (A head lent by an update is `const` and is not freed.)
 */
void partcert_head_free(struct partcert_head *head);

/**
 * Fills `seed_out` with `PARTCERT_SEED_LEN` bytes from the operating
 * system's cryptographic random source: a new secret key. Keep it secret.
 */
partcert_result partcert_secret_key_generate(uint8_t *seed_out, struct partcert_error **error_out);

/**
 * Writes the `PARTCERT_PUBLIC_KEY_LEN`-byte public key of the secret key
 * with this seed (what a part's certificate or an authority certificate
 * names).
 */
partcert_result partcert_public_key_from_seed(const uint8_t *seed,
                                              uint8_t *public_key_out,
                                              struct partcert_error **error_out);

/**
 * Writes the 32-byte key id (SHA-256) of a public key: how certificates,
 * blocklists and verdicts name keys. 109 if the bytes are not a valid
 * Ed25519 public key.
 */
partcert_result partcert_public_key_id(const uint8_t *public_key,
                                       uint8_t *key_id_out,
                                       struct partcert_error **error_out);

/**
 * Checks every list `blocklist` follows against `trust` at `now` and
 * writes their standings to `lists_out` (in the order of the
 * authorities' key ids; none if it follows none): each says whether its
 * list may be out of date and why — expired, signer revoked, missing,
 * outdated by another authority's list, dated in the future, or no fresh
 * head from its repository since the time in `no_fresh_head_since` (a
 * frozen mirror, a withheld network). A stale list never reads current.
 */
partcert_result partcert_blocklist_lists_checked(const struct partcert_blocklist *blocklist,
                                                 const struct partcert_trust_store *trust,
                                                 uint64_t now,
                                                 struct partcert_lists_checked **lists_out,
                                                 struct partcert_error **error_out);

/**
 * How many lists (0 for NULL).
 */
size_t partcert_lists_checked_count(const struct partcert_lists_checked *lists);

/**
 * List `index`'s standing, borrowed (valid while `lists` lives); NULL
 * past the end or for NULL.
 */
const struct partcert_list_checked *partcert_lists_checked_get(const struct partcert_lists_checked *lists,
                                                               size_t index);

/**
 * Frees the standings. NULL is a no-op.
 */
void partcert_lists_checked_free(struct partcert_lists_checked *lists);

/**
 * Starts part evidence from the part's encoded certificate (as read from
 * the part). Fails with a 1xx code if the bytes are malformed.
 */
partcert_result partcert_part_evidence_new(const uint8_t *certificate,
                                           size_t certificate_len,
                                           struct partcert_part_evidence **evidence_out,
                                           struct partcert_error **error_out);

/**
 * Frees part evidence. NULL is a no-op.
 */
void partcert_part_evidence_free(struct partcert_part_evidence *evidence);

/**
 * Adds a certificate that may complete the part's chain (its part
 * issuer's certificate). The verifier picks the one that issued the part;
 * more than `PARTCERT_MAX_CHAIN_LEN` are refused when verifying (106).
 * Unneeded when the trust store's chain pool holds it
 * (`partcert_trust_store_add_chain_certificate`).
 */
partcert_result partcert_part_evidence_add_chain_certificate(struct partcert_part_evidence *evidence,
                                                             const uint8_t *certificate,
                                                             size_t certificate_len,
                                                             struct partcert_error **error_out);

/**
 * Sets the pairing record of the handset the part comes from (replacing
 * any set before). The verdict then names that handset (provenance) and
 * whether it is the verifying handset. Verifying fails with 306 if the
 * record does not list the part (or an earlier certificate of it).
 */
partcert_result partcert_part_evidence_set_pairing_record(struct partcert_part_evidence *evidence,
                                                          const uint8_t *record,
                                                          size_t record_len,
                                                          struct partcert_error **error_out);

/**
 * Sets the challenge sent to a keyed part (`nonce`: `PARTCERT_NONCE_LEN`
 * bytes, from `partcert_challenge_generate`) and the part's encoded
 * response (replacing any set before). Verification then proves the part
 * holds the key its certificate names.
 */
partcert_result partcert_part_evidence_set_challenge(struct partcert_part_evidence *evidence,
                                                     const uint8_t *nonce,
                                                     const uint8_t *response,
                                                     size_t response_len,
                                                     struct partcert_error **error_out);

/**
 * Adds an IMEI the handset's modem reports (for a board: it must be one
 * signed into the board's certificate, else verifying fails with 305 —
 * unless the board is blocked: then the verdict is BLOCKED and names the
 * mismatched IMEIs). It is also looked up on the blocklists. The IMEI is
 * the 15-digit number as an integer; 107 if it is not a valid IMEI.
 */
partcert_result partcert_part_evidence_add_presented_imei(struct partcert_part_evidence *evidence,
                                                          uint64_t imei,
                                                          struct partcert_error **error_out);

/**
 * Starts a part spec: the part's kind code (see `partcert_part_kind`), its
 * manufacturer (one of the names the issuer's certificate permits), model
 * and serial, each UTF-8 as pointer and length (no NUL needed). The text
 * rules (serials of `A-Z 0-9 - . _ / : # +`, names without control
 * characters …) are checked when certifying (111).
 */
partcert_result partcert_part_spec_new(uint16_t kind,
                                       const char *manufacturer,
                                       size_t manufacturer_len,
                                       const char *model,
                                       size_t model_len,
                                       const char *serial,
                                       size_t serial_len,
                                       struct partcert_part_spec **spec_out,
                                       struct partcert_error **error_out);

/**
 * Adds an IMEI the part (a board) carries: 107 if it is not a valid IMEI,
 * 106 past `PARTCERT_MAX_IMEIS`. (An IMEI added twice is refused when
 * certifying: 110, naming it.)
 */
partcert_result partcert_part_spec_add_imei(struct partcert_part_spec *spec,
                                            uint64_t imei,
                                            struct partcert_error **error_out);

/**
 * Sets the `PARTCERT_PUBLIC_KEY_LEN`-byte public key the part's secure
 * element holds (replacing any set before); 109 if it is not a valid
 * Ed25519 public key.
 */
partcert_result partcert_part_spec_set_public_key(struct partcert_part_spec *spec,
                                                  const uint8_t *public_key,
                                                  struct partcert_error **error_out);

/**
 * Frees a part spec. NULL is a no-op.
 */
void partcert_part_spec_free(struct partcert_part_spec *spec);

/**
 * Frees the counts `partcert_authority_publish` made. NULL is a no-op.
 */
void partcert_list_changes_free(struct partcert_list_changes *changes);

/**
 * Publishes a blocklist in any `format` (a `partcert_list_format`) — the
 * one call a register needs for every list (since 1.4; it replaces
 * `partcert_authority_publish_snapshot`, `_publish_compact_snapshot`,
 * `_publish_delta` and `_publish_delta_over`) — and says what changed.
 *
 * - `format`: SORTED or COMPACT, the whole list (the base's entries less
 *   the delisted keys, plus the listed entries); DELTA, the change from
 *   the base to the new version (a delta needs a base: 111 otherwise).
 * - `epoch`, `sequence`: the new version, each at most
 *   `PARTCERT_MAX_SEQUENCE` (405), later than the base's (400); a delta
 *   stays within the base's epoch (111: a new epoch starts with a
 *   snapshot). Blocklist roots publish in any epoch; delegated blocklist
 *   authorities only in the epoch their certificate names (406).
 * - `issued_at`, `expires_at`: when it is signed, and when it goes stale
 *   (after `issued_at`: 111 otherwise). The signer's certificate must be
 *   valid at `issued_at` (301/300 at signing otherwise).
 * - The base, at most one of (503 if both are given): `base_snapshot`,
 *   `base_snapshot_len`, an encoded sorted snapshot of this authority (the
 *   register's master list; NULL and 0 for none; another authority's is
 *   407); or `base_held`, a blocklist holding this authority's list as
 *   devices hold it, sorted or compact with the changes of later deltas
 *   (NULL for none; 503 if it holds no list of this authority): a delta
 *   over it leads devices to exactly the digest they compute. A whole
 *   list cannot be built over a compact list (its parts are fingerprints:
 *   111; publish from the master list, or a delta over it). No base: a
 *   first list.
 * - `delisted`: the keys to delist (only the entries' keys are read; NULL
 *   for none); `listed`: the entries to list (NULL for none). Neither is
 *   consumed. A key given twice alike counts once (`given_twice`); twice
 *   differently is 110, naming it; both listed and delisted is 113,
 *   naming it.
 *
 * Writes the encoded list to a new `partcert_bytes` at `list_out`, and,
 * if `changes_out` is not NULL, a new `partcert_list_changes` saying what
 * changed against the base (the core's counts; free it with
 * `partcert_list_changes_free`). Both are written only on success. A compact list with
 * no base and nothing delisted is coded straight from the entries.
 */
partcert_result partcert_authority_publish(const struct partcert_authority *authority,
                                           uint32_t format,
                                           uint64_t epoch,
                                           uint64_t sequence,
                                           uint64_t issued_at,
                                           uint64_t expires_at,
                                           const uint8_t *base_snapshot,
                                           size_t base_snapshot_len,
                                           const struct partcert_blocklist *base_held,
                                           const struct partcert_blocklist_entries *delisted,
                                           const struct partcert_blocklist_entries *listed,
                                           struct partcert_bytes **list_out,
                                           struct partcert_list_changes **changes_out,
                                           struct partcert_error **error_out);

/**
 * A register's guard against its own accidents, before it signs or
 * serves `list` (an encoded list of any format): how many keys it would
 * delist from the list devices hold, as `held` holds it (a
 * `partcert_blocklist` with the register's list, e.g. replayed from its
 * own repository). The core's `check_delisting`: a list that drops more
 * than 1 % of the held list (an export cut short or empty) is refused with
 * 407 (MASS_DELISTING, naming both counts) unless `confirmed` (NULL: not
 * confirmed) points to exactly the count it drops. Writes that count to
 * `dropped_out` (NULL if not wanted). A `held` that holds no list of the
 * list's authority has nothing to lose: 0. 1xx for bytes that do not
 * decode.
 */
partcert_result partcert_blocklist_check_delisting(const struct partcert_blocklist *held,
                                                   const uint8_t *list,
                                                   size_t list_len,
                                                   const uint64_t *confirmed,
                                                   uint64_t *dropped_out,
                                                   struct partcert_error **error_out);

extern void *dlsym(void *handle, const char *symbol);

/**
 * Begins a check of one part against a register's shards, for a device
 * that does not hold the register's list: `head`, `head_len` are the
 * bytes of the repository's `head.pchd` just fetched, `evidence` the part
 * to verify next (as given to `partcert_verify_part`, with the same
 * `host_imeis`, `host_imei_count`: NULL and 0 for a bench that is no
 * handset), `now` the caller's clock. The core computes the keys the
 * part's verdict looks up (its identity; the IMEIs signed into it or
 * presented; `trust`'s chain pool completes its chain) and checks the
 * head as `partcert_blocklist_update_begin` does (1xx, 2xx, 400 a head
 * older than one accepted, 401 a conflicting one, 406), and that it names
 * shards (111: the repository serves none; sync the whole list). Then it
 * plans the shards to fetch: one per slice the keys lie in, none already
 * held at the head's version.
 *
 * Writes the check to `check_out`; free it with
 * `partcert_shard_check_free`. `blocklist` is unchanged by anything the
 * check does, and shared by it while it lives.
 */
partcert_result partcert_shard_check_begin_part(const struct partcert_blocklist *blocklist,
                                                const struct partcert_trust_store *trust,
                                                const uint8_t *head,
                                                size_t head_len,
                                                const uint64_t *host_imeis,
                                                size_t host_imei_count,
                                                const struct partcert_part_evidence *evidence,
                                                uint64_t now,
                                                struct partcert_shard_check **check_out,
                                                struct partcert_error **error_out);

/**
 * Begins a check of a handset's boot self-check against a register's
 * shards: as `partcert_shard_check_begin_part`, for the keys
 * `partcert_verify_handset` looks up with `evidence` (the handset's IMEIs
 * from its pairing record and modem, and every fitted part's identity).
 */
partcert_result partcert_shard_check_begin_handset(const struct partcert_blocklist *blocklist,
                                                   const struct partcert_trust_store *trust,
                                                   const uint8_t *head,
                                                   size_t head_len,
                                                   const struct partcert_handset_evidence *evidence,
                                                   uint64_t now,
                                                   struct partcert_shard_check **check_out,
                                                   struct partcert_error **error_out);

/**
 * Begins a check of one part from the holder's current blocklist (see
 * `partcert_shard_check_begin_part`): the same as loading the current
 * blocklist and beginning from it. Finish it with
 * `partcert_blocklist_holder_finish_shard_check`.
 */
partcert_result partcert_blocklist_holder_begin_shard_check_part(const struct partcert_blocklist_holder *holder,
                                                                 const struct partcert_trust_store *trust,
                                                                 const uint8_t *head,
                                                                 size_t head_len,
                                                                 const uint64_t *host_imeis,
                                                                 size_t host_imei_count,
                                                                 const struct partcert_part_evidence *evidence,
                                                                 uint64_t now,
                                                                 struct partcert_shard_check **check_out,
                                                                 struct partcert_error **error_out);

/**
 * Begins a check of a handset's boot self-check from the holder's
 * current blocklist (see `partcert_shard_check_begin_handset`). Finish it
 * with `partcert_blocklist_holder_finish_shard_check`.
 */
partcert_result partcert_blocklist_holder_begin_shard_check_handset(const struct partcert_blocklist_holder *holder,
                                                                    const struct partcert_trust_store *trust,
                                                                    const uint8_t *head,
                                                                    size_t head_len,
                                                                    const struct partcert_handset_evidence *evidence,
                                                                    uint64_t now,
                                                                    struct partcert_shard_check **check_out,
                                                                    struct partcert_error **error_out);

/**
 * The next shard to fetch, borrowed — its path under the repository's
 * root, its slice, the most bytes to read — or NULL when every shard has
 * been offered (finish), when the check failed or finished, or for NULL.
 * Valid until the next offer or finish, or until the check is freed.
 */
const struct partcert_shard_fetch *partcert_shard_check_next_fetch(const struct partcert_shard_check *check);

/**
 * The `i`th shard left to fetch, borrowed, in the order they are offered:
 * `i` from 0 (the one `partcert_shard_check_next_fetch` names) to
 * `partcert_shard_check_remaining(check) - 1`. This is the whole plan at
 * once: no shard depends on another, so a device fetches them all
 * together (in parallel: one round trip after the head's), then offers
 * each in this order. NULL past the end, when the check failed or
 * finished, or for NULL. Valid until the next offer or finish, or until
 * the check is freed; after an offer the plan is what is left of it (the
 * shard that was at 1 is at 0).
 */
const struct partcert_shard_fetch *partcert_shard_check_fetch_at(const struct partcert_shard_check *check,
                                                                 size_t i);

/**
 * How many shards are left to fetch (0 when none is, when the check
 * failed or finished, or for NULL).
 */
size_t partcert_shard_check_remaining(const struct partcert_shard_check *check);

/**
 * The head the check follows, verified when it began, borrowed (valid
 * while the check lives; never freed): its version and times through
 * `partcert_head_details` (`shard_count` there: how the list is cut).
 * NULL for NULL.
 */
const struct partcert_head *partcert_shard_check_head(const struct partcert_shard_check *check);

/**
 * Offers the bytes fetched for the shard `partcert_shard_check_next_fetch`
 * named. They are proven before anything is kept: their size against the
 * head's largest shard, then their structure (1xx: 100 cut short, 101
 * trailing bytes, 102 not a shard file, 111/104 a key outside its slice
 * or out of order), the list they cut (401 another register's; 206
 * FILE_MISMATCH, naming the path and what differs: another version or
 * cut, another slice, a proof that does not lead to the head's root — an
 * entry dropped, added or altered). 111 if no shard is left to offer. On
 * any error the check is spent (free it; the blocklist it began from is
 * untouched); 503 if it was spent already.
 */
partcert_result partcert_shard_check_offer(struct partcert_shard_check *check,
                                           const uint8_t *data,
                                           size_t len,
                                           struct partcert_error **error_out);

/**
 * Finishes the check once every shard was offered, and writes the
 * blocklist it leads to — the register's list held as the shards proven,
 * at the head's version, the head recorded so the list reads fresh until
 * the head expires — to `blocklist_out`, a new blocklist with one
 * reference (the caller's). Verify with it as usual; a key outside the
 * shards held gives 408 (SHARD_NOT_HELD), never a clean verdict. 206 if a
 * shard was not offered, 400 if the device accepted a newer list
 * meanwhile; 503 if the check failed or finished. The check is spent
 * either way; the blocklist it began from is never changed.
 */
partcert_result partcert_shard_check_finish(struct partcert_shard_check *check,
                                            struct partcert_blocklist **blocklist_out,
                                            struct partcert_error **error_out);

/**
 * Frees a shard check (releasing the blocklist it began from). NULL is a
 * no-op.
 */
void partcert_shard_check_free(struct partcert_shard_check *check);

/**
 * Cuts the list `blocklist` holds of the register whose root key id is
 * `authority_key_id` (32 bytes) — the register's own replay of what it
 * published (`partcert_blocklist_apply`), at the version its newest head
 * names — into shards: `2^bits` of them (`bits` at most
 * `PARTCERT_MAX_SHARD_BITS`, 20), or with `PARTCERT_SHARD_BITS_AUTO` as
 * many as the list's size asks (about 128 entries a shard). A compact
 * list is never cut finer than its fingerprints. Writes the set to
 * `set_out`. 503 if `blocklist` holds no list of that register; 111 for
 * more than 20 bits or a list held as shards (cut the whole list); 110 if
 * a shard would be over `PARTCERT_MAX_SHARD_LEN` bytes or
 * `PARTCERT_MAX_SHARD_ENTRIES` entries (cut it finer).
 */
partcert_result partcert_shard_set_build(const struct partcert_blocklist *blocklist,
                                         const uint8_t *authority_key_id,
                                         uint32_t bits,
                                         struct partcert_shard_set **set_out,
                                         struct partcert_error **error_out);

/**
 * How many shards (`2^bits`; 0 for NULL).
 */
uint32_t partcert_shard_set_count(const struct partcert_shard_set *set);

/**
 * How many leading bits of a key's position name its shard (0 for NULL,
 * and for a list in one shard).
 */
uint32_t partcert_shard_set_bits(const struct partcert_shard_set *set);

/**
 * Shard `index`'s file (0 ≤ index < `partcert_shard_set_count`): writes
 * its path under the repository's root,
 * `shards/<root, 64 hex digits>/<index, 5 hex digits>.pcsh`, NUL-terminated,
 * to `path_out`, a buffer of at least `PARTCERT_MAX_PATH_LEN + 1` chars,
 * and its bytes (the slice and its proof) to `data_out` (free them with
 * `partcert_bytes_free`). 503 past the last shard. Store each file at its
 * path before the head that names them.
 */
partcert_result partcert_shard_set_file(const struct partcert_shard_set *set,
                                        uint32_t index,
                                        char *path_out,
                                        struct partcert_bytes **data_out,
                                        struct partcert_error **error_out);

/**
 * Frees a shard set. NULL is a no-op.
 */
void partcert_shard_set_free(struct partcert_shard_set *set);

/**
 * Creates an empty trust store, which trusts nothing, with one reference
 * (the caller's). Never NULL.
 */
struct partcert_trust_store *partcert_trust_store_new(void);

/**
 * Hands out another reference to `trust` (NULL gives NULL): a snapshot a
 * reader may keep as long as it needs, released with
 * `partcert_trust_store_free`. Once shared, the store no longer changes.
 */
struct partcert_trust_store *partcert_trust_store_share(const struct partcert_trust_store *trust);

/**
 * A new, unshared copy of `trust` (NULL gives NULL), to change and then
 * publish while readers keep the original.
 */
struct partcert_trust_store *partcert_trust_store_clone(const struct partcert_trust_store *trust);

/**
 * Releases one reference to a trust store; the store is freed with the
 * last. NULL is a no-op.
 */
void partcert_trust_store_free(struct partcert_trust_store *trust);

/**
 * Pins a manufacturer root: `data` holds its encoded self-signed
 * certificate. Writes the root's 32-byte key id to `key_id_out` (NULL if
 * not wanted).
 *
 * Errors: 1xx if the bytes are malformed, 202 if the certificate is not
 * validly self-signed, 303 if it is not a manufacturer root, 503 if
 * `trust` is shared.
 */
partcert_result partcert_trust_store_add_manufacturer_root(struct partcert_trust_store *trust,
                                                           const uint8_t *data,
                                                           size_t len,
                                                           uint8_t *key_id_out,
                                                           struct partcert_error **error_out);

/**
 * Pins a blocklist root (a national registry, an operator, a
 * manufacturer's blocklist service): `data` holds its encoded self-signed
 * certificate. Writes the root's 32-byte key id to `key_id_out` (NULL if
 * not wanted). Errors as for `partcert_trust_store_add_manufacturer_root`.
 */
partcert_result partcert_trust_store_add_blocklist_root(struct partcert_trust_store *trust,
                                                        const uint8_t *data,
                                                        size_t len,
                                                        uint8_t *key_id_out,
                                                        struct partcert_error **error_out);

/**
 * Adds a factory line's (part issuer's) encoded certificate to the
 * store's chain pool, once: verification then finds it by the key id a
 * part certificate names as its issuer, so part evidence need not carry
 * it. Adding the same certificate again does nothing.
 *
 * The pool only supplies candidates: a pooled certificate is checked
 * like one in the evidence (its signature by a pinned root, validity,
 * revocation) every time it is used. It completes a part's chain up to
 * `PARTCERT_MAX_CHAIN_LEN` certificates, after those in the evidence.
 *
 * Errors: 1xx if the bytes are malformed, 303 if it is not a part
 * issuer's certificate, 505 if `trust` is shared.
 */
partcert_result partcert_trust_store_add_chain_certificate(struct partcert_trust_store *trust,
                                                           const uint8_t *data,
                                                           size_t len,
                                                           struct partcert_error **error_out);

/**
 * Accepts a revocation list signed by a pinned root, received at the
 * caller's clock `now`, and writes the sequence now held for that root to
 * `sequence_out` (NULL if not wanted).
 *
 * A list older than the one held is refused with 400 (rollback); another
 * list with the same sequence with 404. Its issue time becomes a floor for
 * that root's clock (see `partcert_trust_store_clock_for_root`), but never
 * past `now` plus `PARTCERT_CLOCK_TOLERANCE`: a revocation list dated
 * years ahead (a careless root, or a thief holding its key) cannot expire
 * a maker's parts. Other roots' clocks are not moved. 503 if `trust` is
 * shared.
 */
partcert_result partcert_trust_store_apply_revocation_list_at(struct partcert_trust_store *trust,
                                                              const uint8_t *data,
                                                              size_t len,
                                                              uint64_t now,
                                                              uint64_t *sequence_out,
                                                              struct partcert_error **error_out);

/**
 * How many manufacturer roots are pinned (0 for NULL).
 */
size_t partcert_trust_store_manufacturer_root_count(const struct partcert_trust_store *trust);

/**
 * How many blocklist roots are pinned (0 for NULL).
 */
size_t partcert_trust_store_blocklist_root_count(const struct partcert_trust_store *trust);

/**
 * How many certificates the chain pool holds (0 for NULL).
 */
size_t partcert_trust_store_chain_certificate_count(const struct partcert_trust_store *trust);

/**
 * The clock at which the certificates of one manufacturer root (given by
 * its 32-byte key id) are checked for the caller's `now`: never earlier
 * than the floor that root's own newest revocation list set (its issue
 * time, capped at the clock it was received at plus
 * `PARTCERT_CLOCK_TOLERANCE`), so a clock set back cannot revive a
 * certificate the root has moved past.
 * Another root's lists never move it. A verdict's `checked_at` is this
 * clock for the part's root. 0 if `trust` or `root_key_id` is NULL.
 */
uint64_t partcert_trust_store_clock_for_root(const struct partcert_trust_store *trust,
                                             const uint8_t *root_key_id,
                                             uint64_t now);

/**
 * Whether the root with key id `root_key_id` has revoked the key with key
 * id `key_id` (both 32 bytes); if so, and `since_out` is not NULL, writes
 * since when (0: from the beginning). False if any argument but
 * `since_out` is NULL.
 */
bool partcert_trust_store_is_revoked(const struct partcert_trust_store *trust,
                                     const uint8_t *root_key_id,
                                     const uint8_t *key_id,
                                     uint64_t *since_out);

/**
 * Creates a holder whose current store is `trust` (which it shares: the
 * caller keeps, and frees, its own reference).
 */
partcert_result partcert_trust_store_holder_new(const struct partcert_trust_store *trust,
                                                struct partcert_trust_store_holder **holder_out,
                                                struct partcert_error **error_out);

/**
 * A new reference to the current trust store (NULL for a NULL holder):
 * the caller's snapshot, released with `partcert_trust_store_free`.
 */
struct partcert_trust_store *partcert_trust_store_holder_load(const struct partcert_trust_store_holder *holder);

/**
 * Makes `trust` the current store (sharing it: the caller keeps its own
 * reference) in O(1). Readers holding the previous one keep it.
 */
partcert_result partcert_trust_store_holder_publish(const struct partcert_trust_store_holder *holder,
                                                    const struct partcert_trust_store *trust,
                                                    struct partcert_error **error_out);

/**
 * Frees a holder (it releases its reference to the current store; readers
 * keep theirs). NULL is a no-op.
 */
void partcert_trust_store_holder_free(struct partcert_trust_store_holder *holder);

/**
 * The version of the library actually loaded, e.g. "1.0.0": static,
 * NUL-terminated, never freed. Compare with `PARTCERT_VERSION_STRING`, the
 * version of the header a program was compiled with.
 */
const char *partcert_version(void);

/**
 * The version of the library actually loaded as one number,
 * `MAJOR << 16 | MINOR << 8 | PATCH`: compare with
 * `PARTCERT_VERSION_NUMBER`. A program built against header version
 * M.N.x runs with any loaded library M.N'.y where N' >= N (same soname,
 * `libpartcert.so.M`).
 */
uint32_t partcert_version_number(void);

/**
 * Parses an IMEI given as text (15 decimal digits, pointer and length, no
 * NUL needed) and writes it as an integer. 107 if it is not 15 digits
 * ending in a valid Luhn check digit.
 */
partcert_result partcert_imei_parse(const char *text,
                                    size_t text_len,
                                    uint64_t *imei_out,
                                    struct partcert_error **error_out);

/**
 * Computes the Luhn check digit for a 14-digit IMEI body and writes the
 * full 15-digit IMEI: what a factory does when it allocates one.
 */
partcert_result partcert_imei_with_check_digit(uint64_t body,
                                               uint64_t *imei_out,
                                               struct partcert_error **error_out);

/**
 * Reads the type of an encoded object from its header, without decoding
 * or verifying the rest (to route a file to the right function).
 */
partcert_result partcert_object_type_of(const uint8_t *data,
                                        size_t len,
                                        partcert_object_type *type_out,
                                        struct partcert_error **error_out);

/**
 * Frees a verdict made by `partcert_verify_part`. NULL is a no-op.
 * Everything borrowed from it is invalid afterwards.
 */
void partcert_verdict_free(struct partcert_verdict *verdict);

/**
 * The part's kind code (see `partcert_part_kind`; 0 for NULL).
 */
uint16_t partcert_verdict_part_kind(const struct partcert_verdict *verdict);

/**
 * The part kind's name: "screen", "rear-camera", "kind-77" for a code this
 * library does not name.
 */
struct partcert_str partcert_verdict_part_kind_name(const struct partcert_verdict *verdict);

/**
 * The part's manufacturer.
 */
struct partcert_str partcert_verdict_manufacturer(const struct partcert_verdict *verdict);

/**
 * The part's model.
 */
struct partcert_str partcert_verdict_model(const struct partcert_verdict *verdict);

/**
 * The part's serial.
 */
struct partcert_str partcert_verdict_serial(const struct partcert_verdict *verdict);

/**
 * The part's 32-byte identity digest (what blocklists list), borrowed
 * (NULL for NULL).
 */
const uint8_t *partcert_verdict_part_id(const struct partcert_verdict *verdict);

/**
 * The 32-byte fingerprint of the part's certificate, borrowed.
 */
const uint8_t *partcert_verdict_fingerprint(const struct partcert_verdict *verdict);

/**
 * The IMEIs signed into the part's certificate (boards only; empty for
 * other parts), borrowed.
 */
struct partcert_imeis partcert_verdict_imeis(const struct partcert_verdict *verdict);

/**
 * The name of the part issuer (factory line) that certified the part.
 */
struct partcert_str partcert_verdict_issuer_name(const struct partcert_verdict *verdict);

/**
 * The 32-byte key id of the part issuer, borrowed.
 */
const uint8_t *partcert_verdict_issuer_key_id(const struct partcert_verdict *verdict);

/**
 * The name of the manufacturer root the chain ends in.
 */
struct partcert_str partcert_verdict_root_name(const struct partcert_verdict *verdict);

/**
 * The 32-byte key id of the manufacturer root, borrowed.
 */
const uint8_t *partcert_verdict_root_key_id(const struct partcert_verdict *verdict);

/**
 * How strongly the part is bound to its certificate (SERIAL_ONLY, the
 * weakest, for NULL).
 */
partcert_binding partcert_verdict_binding(const struct partcert_verdict *verdict);

/**
 * The part's relation to the verifying handset: PAIRED_HERE (the record
 * presented lists it and names this handset's IMEI), PAIRED_ELSEWHERE (it
 * names another handset), UNPAIRED (no record was presented; UNPAIRED for
 * NULL). In a handset self-check, a fitted part the handset's own record
 * does not list is reported by `partcert_fitted_part.listed_in_record`
 * (false): replaced, not in this handset's record.
 */
partcert_relation partcert_verdict_relation(const struct partcert_verdict *verdict);

/**
 * The verdict's provenance, borrowed: NULL when no pairing record was
 * presented (and for NULL).
 */
const struct partcert_provenance *partcert_verdict_provenance(const struct partcert_verdict *verdict);

/**
 * Whether the part's issuer (factory line) key was revoked by its root
 * from some time T on, while its own maker places this certificate before
 * T (a record of one of its pairing services says when the part was first
 * paired): genuine, made before the leak. If so, writes T to `since_out`
 * (unless it is NULL). (A part whose issuer is revoked without such a
 * record is refused with 304 instead; another maker's record, or one
 * dated outside its service's validity, places nothing.)
 */
bool partcert_verdict_issuer_revoked(const struct partcert_verdict *verdict, uint64_t *since_out);

/**
 * Whether the part's issuer (factory line) certificate has ended — the
 * line retired — while its own maker places this certificate before then
 * (a record of one of its pairing services says when the part was first
 * paired): genuine, made while its line was certified. If so, writes when
 * the line's certificate ended to `at_out` (unless it is NULL). False for
 * NULL. (A part of a retired line without such a record is refused as
 * expired, 301.)
 */
bool partcert_verdict_issuer_retired(const struct partcert_verdict *verdict, uint64_t *at_out);

/**
 * Why the pairing record presented with the part was refused, borrowed
 * from the verdict: read it with `partcert_error_code` and
 * `partcert_error_message` (e.g. 307, "the board was paired by another
 * manufacturer's pairing service"); valid until the verdict is freed, and
 * never freed itself. Only ever set on a BLOCKED verdict — a listed part
 * stays blocked whatever record it comes with, and the record's refusal
 * is reported beside it — otherwise the refusal is the verification's
 * error. NULL when the record was not refused, none was presented, or for
 * NULL.
 */
const struct partcert_error *partcert_verdict_pairing_refused(const struct partcert_verdict *verdict);

/**
 * The IMEIs the modem presented that are not signed into this board (in
 * ascending order), borrowed. Only ever non-empty on a BLOCKED verdict: a
 * listed board stays blocked whatever its modem says, while a clean board
 * with a mismatch is refused with 305.
 */
struct partcert_imeis partcert_verdict_mismatched_imeis(const struct partcert_verdict *verdict);

/**
 * The verdict's blocklist standing, borrowed: valid until the verdict is
 * freed; never freed itself (NULL for NULL).
 */
const struct partcert_blocklist_status *partcert_verdict_blocklist(const struct partcert_verdict *verdict);

/**
 * Whether any blocklist carries the part, its board's IMEI or the handset
 * it is paired to.
 */
bool partcert_verdict_is_blocked(const struct partcert_verdict *verdict);

/**
 * Whether a followed blocklist is stale (expired, signed by a
 * since-revoked key, missing, or outdated by another authority's list).
 */
bool partcert_verdict_is_stale(const struct partcert_verdict *verdict);

/**
 * The time the certificates were checked at: the caller's `now`, raised
 * to the floor the newest revocation list of the part's own manufacturer
 * root set (see `partcert_trust_store_clock_for_root`).
 * Blocklists keep their own clocks and never move it.
 */
uint64_t partcert_verdict_checked_at(const struct partcert_verdict *verdict);

/**
 * A one-line summary a technician reads, e.g. "genuine (serial-only),
 * used, clean" or "genuine (serial-only), unpaired, BLOCKED: stolen".
 */
struct partcert_str partcert_verdict_summary(const struct partcert_verdict *verdict);

/**
 * The first line a technician reads, in plain words (since 1.8): "OK —
 * genuine Acme screen SCR-0002, not reported stolen or lost; …",
 * "BLOCKED — Acme screen SCR-0001 is listed as stolen", "NOT CHECKED — …".
 * The core decides it: the command-line tool, Kotlin and Swift show the
 * same words. No hex ids, no protocol details (those are in the JSON).
 */
struct partcert_str partcert_verdict_headline(const struct partcert_verdict *verdict);

/**
 * What to do, in one line (since 1.8): "Fine to fit.", "Do not fit it.
 * Keep it aside and tell the customer; …", "It could be stolen: check it
 * again with the register's blocklist before fitting it."
 */
struct partcert_str partcert_verdict_advice(const struct partcert_verdict *verdict);

/**
 * The verdict as JSON: the same shape the command-line tool prints and
 * every other front (Rust, Kotlin, Swift) shares. Made on the first call
 * and kept with the verdict (borrowed, like every string).
 */
struct partcert_str partcert_verdict_json(const struct partcert_verdict *verdict);

/**
 * Verifies one part at time `now` (seconds since the Unix epoch; the
 * library never reads a clock) and, when the evidence can be trusted,
 * writes a new verdict to `verdict_out` (free it with
 * `partcert_verdict_free`).
 *
 * - `trust`: the pinned roots (and the chain pool that completes the
 *   part's chain).
 * - `blocklist`: the blocklists to consult, or NULL to consult none (the
 *   verdict's standing is then NOT_CHECKED).
 * - `host_imeis`, `host_imei_count`: the IMEIs of the handset doing the
 *   verifying, so the verdict says whether the part is paired here or
 *   elsewhere; NULL and 0 for a repair bench that is no handset.
 *
 * An error means the evidence cannot be read or trusted: 1xx malformed,
 * 2xx untrusted (counterfeit issuer, bad signature, wrong challenge
 * response), 3xx policy (expired, kind or maker not permitted, revoked,
 * IMEI mismatch, not in the pairing record presented, another root than
 * its issuer's, a board paired by another maker's service). A blocked
 * part is *not* an error: it is a verdict whose standing is BLOCKED.
 * Blocked wins over an IMEI mismatch: a listed board whose modem presents
 * an IMEI not signed into it is a BLOCKED verdict naming the mismatched
 * IMEIs (`partcert_verdict_mismatched_imeis`); a clean one is refused
 * with 305. Blocked wins over a refused pairing record too: a listed part
 * shown with a record that cannot be trusted (307 for another maker's
 * service, 300 for a record dated after `now` plus
 * `PARTCERT_CLOCK_TOLERANCE` or outside its service's validity, ...) is a
 * BLOCKED verdict with the refusal in `partcert_verdict_pairing_refused`;
 * a clean one is refused with that code.
 */
partcert_result partcert_verify_part(const struct partcert_trust_store *trust,
                                     const struct partcert_blocklist *blocklist,
                                     const uint64_t *host_imeis,
                                     size_t host_imei_count,
                                     const struct partcert_part_evidence *evidence,
                                     uint64_t now,
                                     struct partcert_verdict **verdict_out,
                                     struct partcert_error **error_out);

/**
 * Runs the boot-time self-check an OS vendor runs: every fitted part
 * against the handset's own pairing record, at time `now`. Writes a new
 * report to `report_out` (free it with `partcert_handset_report_free`).
 *
 * Fails only if the pairing record itself cannot be trusted, is not its
 * board's maker's (307: the board fitted is certified under another root
 * than the pairing service's), or does not belong to this handset (305
 * for the modem's IMEIs) — unless the handset is blocked: blocked wins,
 * and the report says so, with the refusal in
 * `partcert_handset_report_pairing_refused` or the mismatched IMEIs in
 * `partcert_handset_report_mismatched_modem_imeis`. Each part's own
 * outcome (a verdict or an error) is in the report; a part the record
 * does not list is verified without it and reported as not listed
 * (`partcert_fitted_part.listed_in_record`: replaced). `blocklist` may be
 * NULL.
 */
partcert_result partcert_verify_handset(const struct partcert_trust_store *trust,
                                        const struct partcert_blocklist *blocklist,
                                        const struct partcert_handset_evidence *evidence,
                                        uint64_t now,
                                        struct partcert_handset_report **report_out,
                                        struct partcert_error **error_out);

#ifdef __cplusplus
}  // extern "C"
#endif  // __cplusplus

#endif  /* PARTCERT_H */
