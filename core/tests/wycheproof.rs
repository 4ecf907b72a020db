//! Wycheproof's Ed25519 vectors (Apache-2.0), run through the exact
//! signature check every partcert object goes through.

use partcert::ErrorCode;
use partcert::ids::PublicKey;
use partcert::internal::verify_signature;
use serde_json::Value;

fn unhex(text: &str) -> Vec<u8> {
    assert!(text.len() % 2 == 0, "odd hex length");
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).expect("hex"))
        .collect()
}

#[test]
fn every_wycheproof_ed25519_case_gets_its_expected_result() {
    // A copy kept in the repository (Apache-2.0, licence beside it), so a
    // fresh clone tests with nothing outside it.
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/wycheproof/ed25519_test.json"
    );
    let text = std::fs::read_to_string(path).expect("core/tests/data/wycheproof/ed25519_test.json");
    let suite: Value = serde_json::from_str(&text).expect("valid JSON");
    let mut checked = 0;
    let mut failures = Vec::new();
    for group in suite["testGroups"].as_array().expect("groups") {
        let key_bytes: [u8; 32] = unhex(group["publicKey"]["pk"].as_str().expect("pk"))
            .try_into()
            .expect("32-byte key");
        let key = PublicKey(key_bytes);
        for case in group["tests"].as_array().expect("tests") {
            let id = case["tcId"].as_u64().expect("tcId");
            let message = unhex(case["msg"].as_str().expect("msg"));
            let signature = unhex(case["sig"].as_str().expect("sig"));
            let expected_valid = match case["result"].as_str().expect("result") {
                "valid" => true,
                "invalid" => false,
                other => panic!("case {id}: unexpected result {other}"),
            };
            let outcome = verify_signature(&key, &message, &signature, "wycheproof vector");
            if let Err(error) = &outcome {
                assert!(
                    matches!(
                        error.code(),
                        ErrorCode::BadSignature | ErrorCode::InvalidPublicKey
                    ),
                    "case {id}: unexpected error {error:?}"
                );
            }
            if outcome.is_ok() != expected_valid {
                failures.push(format!(
                    "case {id} ({}): expected {expected_valid}, got {outcome:?}",
                    case["comment"]
                ));
            }
            checked += 1;
        }
    }
    assert_eq!(
        checked,
        suite["numberOfTests"].as_u64().expect("count") as usize
    );
    assert_eq!(checked, 151);
    assert!(
        failures.is_empty(),
        "{} disagreements:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
