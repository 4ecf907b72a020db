//! Any bytes through the type-dispatching decoder, and anything that
//! decodes through the verifier with an empty trust store: never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use partcert::{Blocklist, Object, PartEvidence, TrustStore, Verifier};

fuzz_target!(|data: &[u8]| {
    let Ok(object) = Object::decode(data) else {
        return;
    };
    assert_eq!(object.as_bytes(), data);
    let trust = TrustStore::new();
    match &object {
        Object::Certificate(certificate) => {
            let _ = certificate.verify_self_signed();
            let chain = [certificate.clone()];
            let _ = Verifier::new(&trust).verify_part(&PartEvidence::new(certificate, &chain), 0);
        }
        Object::BlocklistSnapshot(snapshot) => {
            let _ = Blocklist::new().apply_snapshot(&trust, snapshot, 0);
        }
        Object::BlocklistDelta(delta) => {
            let _ = Blocklist::new().apply_delta(&trust, delta, 0);
        }
        Object::RevocationList(list) => {
            let _ = trust.clone().apply_revocation_list(list, 0);
        }
        _ => {}
    }
});
