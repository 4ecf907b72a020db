//! Any bytes through the type-dispatching decoder, and anything that
//! decodes through the verifier with an empty trust store: never a panic.
//! The list decoder (`SignedList::decode`) takes exactly the three list
//! objects, as they are, and a device's one apply call refuses them all
//! (nothing is pinned) without changing.
#![no_main]

use libfuzzer_sys::fuzz_target;
use partcert::blocklist::SignedList;
use partcert::{Blocklist, ErrorCode, Object, PartEvidence, TrustStore, Verifier};

fuzz_target!(|data: &[u8]| {
    let Ok(object) = Object::decode(data) else {
        return;
    };
    assert_eq!(object.as_bytes(), data);
    let trust = TrustStore::new();
    match (&object, SignedList::decode(data)) {
        (
            Object::BlocklistSnapshot(_) | Object::CompactSnapshot(_) | Object::BlocklistDelta(_),
            Ok(list),
        ) => {
            assert_eq!(list.as_bytes(), data);
            let mut device = Blocklist::new();
            assert!(device.apply(&trust, &list, 0).is_err());
            assert!(device.apply_bytes(&trust, data, 0).is_err());
            assert_eq!(
                device,
                Blocklist::new(),
                "a refused list changed the device"
            );
        }
        (_, Err(error)) => assert_eq!(error.code(), ErrorCode::WrongObjectType),
        (_, Ok(list)) => panic!("{:?} decoded as a list", list.format()),
    }
    match &object {
        Object::Certificate(certificate) => {
            let _ = certificate.verify_self_signed();
            let chain = [certificate.clone()];
            let _ = Verifier::new(&trust).verify_part(&PartEvidence::new(certificate, &chain), 0);
        }
        Object::RevocationList(list) => {
            let _ = trust.clone().apply_revocation_list(list, 0);
        }
        _ => {}
    }
});
