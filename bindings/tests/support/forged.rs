//! The pairing records a thief shows with a listed board: signed by a
//! rival maker's pairing service, naming the board. The honest `pair`
//! refuses another root's board (307), so the thief, holding the rival
//! service's key, rewrites a record that service made for a rival board
//! carrying the handset's IMEI and signs it again.
//!
//! The Swift tests (Swift on Linux has no Ed25519 signer) read these; the
//! Kotlin tests forge the same records with the JDK's signer and check
//! they are these, byte for byte (Ed25519 signatures are deterministic).
//! The cast is the tests' own: the same seeds, names and times.

use std::path::Path;

use ed25519_dalek::{Signer, SigningKey};
use partcert::issue::{Authority, PartSpec};
use partcert::pairing::PairingEvent;
use partcert::{Certificate, Imei, PartKind, SecretKey, Validity};

const T0: u64 = 1_767_225_600;
const DAY: u64 = 86_400;
const SIGNATURE_LEN: usize = 64;

fn years(n: u64) -> Validity {
    Validity::days_from(T0 - 30 * DAY, 365 * n)
}

fn key(seed: u8) -> SecretKey {
    SecretKey::from_seed(&[seed; 32])
}

fn fail(error: partcert::Error) -> String {
    format!("forging the thief's records: {error}")
}

fn spec(kind: PartKind, maker: &str, model: &str, serial: String, imei: Imei) -> PartSpec {
    PartSpec {
        kind,
        manufacturer: maker.into(),
        model: model.into(),
        serial,
        imeis: vec![imei],
        key: None,
    }
}

/// The authority of key `seed`, with the certificate `certify` makes for it.
fn certified(
    seed: u8,
    certify: impl FnOnce(&SecretKey) -> Result<Certificate, partcert::Error>,
) -> Result<Authority, partcert::Error> {
    let key = key(seed);
    let certificate = certify(&key)?;
    Authority::new(key, certificate)
}

/// Alice's (1) or Bob's (2) board, as the tests' factory line makes it.
fn board(handset: u64) -> Result<(Imei, Certificate), partcert::Error> {
    let acme =
        Authority::new_manufacturer_root(key(1), "Acme Phones root", &["Acme Phones"], years(30))?;
    let kinds = [PartKind::Board, PartKind::Screen, PartKind::RearCamera];
    let line = certified(2, |k| {
        acme.certify_part_issuer(
            "Acme line 3",
            k.public_key(),
            &kinds,
            &["Acme Phones"],
            2,
            years(20),
        )
    })?;
    let imei = Imei::with_check_digit(35_693_803_564_380 + handset)?;
    let who = if handset == 1 { "ALICE" } else { "BOB" };
    let board = spec(
        PartKind::Board,
        "Acme Phones",
        "A1",
        format!("BRD-{who}"),
        imei,
    );
    Ok((imei, line.certify_part(&board, 10 * handset, years(30))?))
}

/// Replaces the one place `what` occurs in `bytes` by `with`.
fn replace_once(bytes: &mut [u8], what: &[u8], with: &[u8]) -> Result<(), String> {
    let at: Vec<usize> = (0..=bytes.len() - what.len())
        .filter(|&i| bytes[i..i + what.len()] == *what)
        .collect();
    match at[..] {
        [i] => {
            bytes[i..i + with.len()].copy_from_slice(with);
            Ok(())
        }
        _ => Err(format!("expected one occurrence, found {}", at.len())),
    }
}

/// The record naming `handset`'s board, signed by the rival's service.
fn foreign_record(handset: u64) -> Result<Vec<u8>, String> {
    let makers = ["Bolt", "Acme Phones"];
    let bolt =
        Authority::new_manufacturer_root(key(50), "Bolt root", &makers, years(40)).map_err(fail)?;
    let kinds = [PartKind::Board, PartKind::Screen, PartKind::RearCamera];
    let line = certified(52, |k| {
        bolt.certify_part_issuer("Bolt line", k.public_key(), &kinds, &makers, 2, years(25))
    })
    .map_err(fail)?;
    let pairing = certified(51, |k| {
        bolt.certify_pairing_service("Bolt pairing", k.public_key(), 3, years(25))
    })
    .map_err(fail)?;
    let (imei, board) = board(handset).map_err(fail)?;
    let serial = format!("BOLT-BRD-{handset}");
    let rival_board = line
        .certify_part(
            &spec(PartKind::Board, "Bolt", "B1", serial, imei),
            handset,
            years(30),
        )
        .map_err(fail)?;
    let record = pairing
        .pair(&rival_board, &[], 2, PairingEvent::Repair, T0 + DAY)
        .map_err(fail)?;
    let part_id = |c: &Certificate| {
        c.part()
            .map(|p| p.part_id())
            .ok_or("not a part certificate")
    };
    let mut bytes = record.as_bytes().to_vec();
    replace_once(
        &mut bytes,
        part_id(&rival_board)?.as_bytes(),
        part_id(&board)?.as_bytes(),
    )?;
    replace_once(
        &mut bytes,
        rival_board.fingerprint().as_bytes(),
        board.fingerprint().as_bytes(),
    )?;
    let signed = bytes.len() - SIGNATURE_LEN;
    let signature = SigningKey::from_bytes(&[51; 32]).sign(&bytes[..signed]);
    bytes[signed..].copy_from_slice(&signature.to_bytes());
    Ok(bytes)
}

/// Writes Alice's and Bob's forged records into `dir`.
pub fn write(dir: &Path) -> Result<(), String> {
    std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    for (handset, name) in [
        (1, "alice_board_foreign.pair"),
        (2, "bob_board_foreign.pair"),
    ] {
        let path = dir.join(name);
        std::fs::write(&path, foreign_record(handset)?)
            .map_err(|e| format!("{}: {e}", path.display()))?;
    }
    Ok(())
}
