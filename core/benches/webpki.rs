//! partcert beside rustls-webpki on the same evidence (issue 11): a root
//! CA certifies an issuer CA, the issuer certifies a part. webpki is given
//! an Ed25519 X.509 chain made here with rcgen (root CA -> issuer CA ->
//! end-entity "part" certificate) and re-verifies both signatures on every
//! check, as it keeps nothing between calls; partcert verifies one part
//! through a warm trust store (the issuer's certificate verified once, its
//! key kept decompressed) and through a cold one (a fresh clone: both
//! signatures). Both decode the part from bytes on every check. Prints the
//! medians and ratios from this run.
//!
//! Run: `cargo bench -p partcert --bench webpki`.
//!
//! Instruction counts: `PARTCERT_CALLGRIND=<case>:<n>` runs one case `n`
//! times after the setup and exits before criterion (cases: `strict`,
//! `warm`, `cold`, `webpki`); the difference between `n` and `0`, divided
//! by `n`, is one check's count:
//! `valgrind --tool=callgrind --callgrind-out-file=/dev/null target/release/deps/webpki-* `.

#![allow(missing_docs)] // criterion_group! generates undocumented items

#[path = "../tests/common/mod.rs"]
mod common;
#[path = "support/timing.rs"]
mod timing;

use std::hint::black_box;
use std::time::Duration;

use common::*;
use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair,
    KeyUsagePurpose,
};
use rustls_pki_types::{CertificateDer, UnixTime};

/// The X.509 equivalent of Acme's root, line and one screen.
struct X509Chain {
    root: CertificateDer<'static>,
    issuer: CertificateDer<'static>,
    part: CertificateDer<'static>,
}

fn x509_chain() -> X509Chain {
    let validity = |params: &mut CertificateParams| {
        params.not_before = rcgen::date_time_ymd(2021, 1, 1);
        params.not_after = rcgen::date_time_ymd(2050, 1, 1);
    };
    let root_key = KeyPair::generate_for(&rcgen::PKCS_ED25519).unwrap();
    let mut root = CertificateParams::new(Vec::<String>::new()).unwrap();
    root.distinguished_name
        .push(DnType::CommonName, "Acme Phones root");
    root.is_ca = IsCa::Ca(BasicConstraints::Constrained(1));
    root.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    validity(&mut root);
    let root_der = root.self_signed(&root_key).unwrap().der().clone();
    let root_issuer = Issuer::new(root, root_key);

    let line_key = KeyPair::generate_for(&rcgen::PKCS_ED25519).unwrap();
    let mut line = CertificateParams::new(Vec::<String>::new()).unwrap();
    line.distinguished_name
        .push(DnType::CommonName, "Acme Shenzhen line 3");
    line.is_ca = IsCa::Ca(BasicConstraints::Constrained(0));
    line.key_usages = vec![KeyUsagePurpose::KeyCertSign];
    validity(&mut line);
    let line_der = line
        .signed_by(&line_key, &root_issuer)
        .unwrap()
        .der()
        .clone();
    let line_issuer = Issuer::new(line, line_key);

    // A serial-only part has no key of its own; X.509 needs one, so the
    // part certificate carries a fresh key it never uses.
    let part_key = KeyPair::generate_for(&rcgen::PKCS_ED25519).unwrap();
    let mut part = CertificateParams::new(Vec::<String>::new()).unwrap();
    part.distinguished_name.push(DnType::CommonName, "SCR-1");
    part.distinguished_name
        .push(DnType::OrganizationName, MAKER);
    part.is_ca = IsCa::ExplicitNoCa;
    part.key_usages = vec![KeyUsagePurpose::DigitalSignature];
    part.extended_key_usages = vec![ExtendedKeyUsagePurpose::ClientAuth];
    part.serial_number = Some(rcgen::SerialNumber::from(1u64));
    validity(&mut part);
    let part_der = part
        .signed_by(&part_key, &line_issuer)
        .unwrap()
        .der()
        .clone();
    X509Chain {
        root: root_der,
        issuer: line_der,
        part: part_der,
    }
}

fn benches(c: &mut Criterion) {
    let world = world();
    let trust = world.trust();
    let chain = world.chain();
    let at = T0 + 2 * DAY;
    let part_bytes = world.bob.screen.as_bytes().to_vec();

    let x509 = x509_chain();
    let anchors = [webpki::anchor_from_trusted_cert(&x509.root)
        .unwrap()
        .to_owned()];
    let intermediates = [x509.issuer.clone()];
    let time = UnixTime::since_unix_epoch(Duration::from_secs(at));
    let algorithms = [webpki::ring::ED25519];

    let webpki_check = || {
        let part = webpki::EndEntityCert::try_from(black_box(&x509.part)).unwrap();
        part.verify_for_usage(
            &algorithms,
            &anchors,
            &intermediates,
            time,
            webpki::KeyUsage::client_auth(),
            None,
            None,
        )
        .map(|_| ())
        .unwrap();
    };
    let partcert_check = |trust: &TrustStore| {
        let part = Certificate::decode(black_box(&part_bytes)).unwrap();
        black_box(
            Verifier::new(trust)
                .verify_part(&PartEvidence::new(&part, &chain), at)
                .unwrap(),
        );
    };
    let warm = || partcert_check(&trust);
    let cold = |fresh: TrustStore| partcert_check(&fresh);
    // The floor: one verify_strict of the part's signature, the issuer key
    // already decompressed.
    let issuer_key =
        ed25519_dalek::VerifyingKey::from_bytes(world.acme_line.key().public_key().as_bytes())
            .unwrap();
    let (signed, signature) = part_bytes.split_at(part_bytes.len() - 64);
    let signature = ed25519_dalek::Signature::from_slice(signature).unwrap();
    let strict = || {
        issuer_key
            .verify_strict(black_box(signed), black_box(&signature))
            .unwrap()
    };

    warm(); // warm the trust store (and check each path once)
    webpki_check();
    cold(trust.clone());
    strict();

    if let Ok(spec) = std::env::var("PARTCERT_CALLGRIND") {
        let (case, n) = spec.split_once(':').expect("PARTCERT_CALLGRIND=case:n");
        let n: usize = n.parse().expect("a count");
        let stores: Vec<TrustStore> = if case == "cold" {
            (0..n).map(|_| trust.clone()).collect()
        } else {
            Vec::new()
        };
        match case {
            "strict" => (0..n).for_each(|_| strict()),
            "warm" => (0..n).for_each(|_| warm()),
            "cold" => stores.into_iter().for_each(cold),
            "webpki" => (0..n).for_each(|_| webpki_check()),
            other => panic!("unknown case {other}"),
        }
        std::process::exit(0);
    }

    // Run other than by `cargo bench` (`cargo test --benches`, CI's smoke
    // run) or with `-- --test`, criterion runs each benchmark once: then
    // the printed medians are skipped too.
    let smoke = !std::env::args().any(|arg| arg == "--bench")
        || std::env::args().any(|arg| arg == "--test");
    if !smoke {
        let (runs, per) = (101, 10);
        let mut stores: Vec<TrustStore> = (0..runs * per).map(|_| trust.clone()).collect();
        let [k, w, cd, x] = timing::interleaved_medians(
            runs,
            per,
            1,
            &mut [
                &mut || strict(),
                &mut || warm(),
                &mut || cold(stores.pop().unwrap()),
                &mut || webpki_check(),
            ],
        )[..] else {
            unreachable!()
        };
        let over = timing::ratio;
        eprintln!(
            "one part (root -> issuer -> part), medians of {runs} rounds of {per}, cases interleaved; DER part certificate {} B, partcert {} B:",
            x509.part.len(),
            part_bytes.len()
        );
        eprintln!("  one verify_strict (key decompressed):   {k:?}");
        eprintln!(
            "  partcert, warm trust store:             {w:?}  ({:.2}x one verify_strict)",
            over(w, k)
        );
        eprintln!(
            "  partcert, cold trust store:             {cd:?}  ({:.2}x one verify_strict)",
            over(cd, k)
        );
        eprintln!(
            "  rustls-webpki verify_for_usage (ring):  {x:?}  ({:.2}x one verify_strict)",
            over(x, k)
        );
        eprintln!(
            "  webpki / partcert warm: {:.2}x; webpki / partcert cold: {:.2}x",
            over(x, w),
            over(x, cd)
        );
    }

    let mut group = c.benchmark_group("one part: partcert beside rustls-webpki");
    group.bench_function("one verify_strict (floor)", |b| b.iter(strict));
    group.bench_function("partcert: decode + verify, warm trust store", |b| {
        b.iter(warm)
    });
    group.bench_function("partcert: decode + verify, cold trust store", |b| {
        b.iter_batched(|| trust.clone(), cold, BatchSize::SmallInput)
    });
    group.bench_function("rustls-webpki: parse + verify_for_usage", |b| {
        b.iter(webpki_check)
    });
    group.finish();
}

criterion_group! {
    name = webpki_comparison;
    config = Criterion::default().measurement_time(Duration::from_secs(3)).warm_up_time(Duration::from_secs(1));
    targets = benches
}
criterion_main!(webpki_comparison);
