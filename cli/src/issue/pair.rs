//! `partcert pair`: a pairing record — which parts sit in which handset —
//! and, with `--previous`, each part's first pairing carried across repairs.

use std::io::Write;
use std::path::PathBuf;

use partcert::issue::Authority;
use partcert::pairing::PairingEvent;
use partcert::{Certificate, Error, ErrorCode, ObjectType, PairingRecord, TrustStore};
use serde_json::{Value, json};

use super::{load_authority, signer_refusal};
use crate::args::PairArgs;
use crate::ctx::{Ctx, Report};
use crate::error::{CliError, exit};
use crate::files::{self, Kind, Src};
use crate::text;
use crate::trust::{apply_revocations, pin_manufacturer_roots};

/// What a record signs: the service, the board and parts, the handset's
/// pairing sequence, why, and when.
struct Pairing {
    service: Authority,
    board: Certificate,
    parts: Vec<Certificate>,
    sequence: u64,
    event: PairingEvent,
    now: u64,
}

impl Pairing {
    fn load(args: &PairArgs, now: u64) -> Result<Self, CliError> {
        Ok(Pairing {
            service: load_authority(
                Src::new(&args.service, "--service"),
                Src::new(&args.service_cert, "--service-cert"),
            )?,
            board: files::certificate(Src::new(&args.board, "--board"))?,
            parts: files::certificates(&args.part, "--part")?,
            sequence: args.sequence,
            event: if args.repair {
                PairingEvent::Repair
            } else {
                PairingEvent::FactoryBuild
            },
            now,
        })
    }

    /// Signs the record, after `earlier` records when given (each part
    /// keeps its first pairing by its own maker).
    fn sign(&self, earlier: &[PairingRecord], trust: &TrustStore) -> Result<PairingRecord, Error> {
        if earlier.is_empty() {
            return self.service.pair(
                &self.board,
                &self.parts,
                self.sequence,
                self.event,
                self.now,
            );
        }
        self.service.pair_after(
            trust,
            earlier,
            &self.board,
            &self.parts,
            self.sequence,
            self.event,
            self.now,
        )
    }
}

/// `partcert pair`
pub fn pair(args: PairArgs, ctx: Ctx, out: &mut dyn Write) -> Result<u8, CliError> {
    let kind = Kind::Object(ObjectType::PairingRecord);
    ctx.check_out("--out", &args.out)?;
    files::check_can_write(&args.out, kind, ctx.force, "--out")?;
    let now = ctx.now()?;
    let pairing = Pairing::load(&args, now)?;
    let earlier = Earlier::load(&args, now)?;
    let record = pairing
        .sign(&earlier.records, &earlier.trust)
        .map_err(|error| {
            // Signed without them it would be: the refusal is about an earlier record.
            if !earlier.records.is_empty() && pairing.sign(&[], &earlier.trust).is_ok() {
                earlier.refusal(error, &pairing)
            } else {
                pair_refusal(error, &args)
            }
        })?;
    let mut report = Report::written("pair", &args.out, record.as_bytes(), kind, ctx)?;
    report_record(&mut report, &args, &record);
    report.finish(ctx, out)
}

/// What was signed: the handset, and each part's first pairing carried
/// from an earlier record.
fn report_record(report: &mut Report, args: &PairArgs, record: &PairingRecord) {
    report.line(format!(
        "wrote {}: handset {}, pairing #{} ({}), board and {} other part(s)",
        args.out.display(),
        text::imeis(record.imeis()),
        record.sequence(),
        record.event().name(),
        record.parts().len()
    ));
    for part in record.all_parts() {
        if part.first_paired < record.issued_at() {
            report.line(format!(
                "  {} part {} keeps its first pairing, {} (from an earlier record of its own maker)",
                part.kind,
                part.part_id,
                text::utc(part.first_paired)
            ));
        }
    }
    let previous: Value = args
        .previous
        .iter()
        .map(|path| json!(path.display().to_string()))
        .collect();
    let first_paired: Value = record
        .all_parts()
        .map(|part| {
            json!({
                "kind": part.kind,
                "part_id": part.part_id.to_hex(),
                "first_paired": part.first_paired,
            })
        })
        .collect();
    report.set(
        "imeis",
        serde_json::to_value(record.imeis()).unwrap_or_default(),
    );
    report.set("sequence", json!(record.sequence()));
    report.set(
        "event",
        serde_json::to_value(record.event()).unwrap_or_default(),
    );
    report.set("parts", json!(record.parts().len()));
    report.set("issued_at", json!(record.issued_at()));
    report.set("fingerprint", json!(record.fingerprint().to_hex()));
    report.set("previous", previous);
    report.set("first_paired", first_paired);
}

/// A refusal of the record to sign itself, naming the flag it is about.
fn pair_refusal(error: Error, args: &PairArgs) -> CliError {
    match &error {
        Error::RoleNotPermitted { .. } | Error::Expired { .. } | Error::NotYetValid { .. } => {
            signer_refusal(&args.service_cert, "--service-cert")(error)
        }
        // The board is another maker's, or not a board.
        Error::ForeignPairingService => CliError::core(error)
            .file(&args.board)
            .flag("--board")
            .exit(exit::USAGE)
            .hint("a pairing service pairs only boards its own root's lines certified"),
        Error::InvalidField(what) if what.contains("board") => CliError::core(error)
            .file(&args.board)
            .flag("--board")
            .exit(exit::USAGE)
            .hint(
                "--board takes the handset's board certificate (the part that carries its IMEIs)",
            ),
        Error::InvalidField(_) | Error::LengthOverBound { .. } => {
            CliError::flagged("--part")(error).hint("give each fitted part once, and not the board")
        }
        _ => CliError::core(error),
    }
}

/// The earlier records of `pair --previous` (none without it), and the
/// roots (and revocation lists) they are verified against.
struct Earlier {
    trust: TrustStore,
    records: Vec<PairingRecord>,
    paths: Vec<PathBuf>,
}

impl Earlier {
    fn load(args: &PairArgs, now: u64) -> Result<Self, CliError> {
        let mut trust = TrustStore::new();
        if !args.previous.is_empty() {
            pin_manufacturer_roots(&mut trust, &args.trust)?;
            apply_revocations(&mut trust, &args.revocations, now)?;
        }
        let records = args
            .previous
            .iter()
            .map(|path| files::pairing(Src::new(path, "--previous")))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Earlier {
            trust,
            records,
            paths: args.previous.clone(),
        })
    }

    /// The refusal of an earlier record, naming the file: each is offered
    /// alone to the core until one is refused.
    fn refusal(&self, error: Error, pairing: &Pairing) -> CliError {
        let culprit = self.records.iter().zip(&self.paths).find(|(record, _)| {
            pairing
                .sign(std::slice::from_ref(*record), &self.trust)
                .is_err()
        });
        let hint = match error.code() {
            ErrorCode::UnknownIssuer => {
                "pin the root of the service that signed it with --trust, or drop it"
            }
            ErrorCode::InvalidField => {
                "an earlier record must be dated no later than this one (check --at)"
            }
            _ => {
                "an earlier record must verify against --trust at this record's time: drop it if it does not"
            }
        };
        let error = CliError::core(error).flag("--previous").hint(hint);
        match culprit {
            Some((_, path)) => error.file(path),
            None => error,
        }
    }
}
