//! Challenges and responses: a keyed part proves it holds the key its
//! certificate names.

use serde::{Deserialize, Serialize};

use crate::certificate::Certificate;
use crate::envelope::{ObjectType, Signed};
use crate::error::Error;
use crate::ids::Fingerprint;
use crate::keys::SecretKey;

/// A verifier's fresh nonce. Use a new one for every check, so a recorded
/// answer cannot be replayed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Challenge {
    nonce: [u8; 32],
}

impl Challenge {
    /// A challenge with the given nonce (from a cryptographic random source).
    pub fn new(nonce: [u8; 32]) -> Self {
        Challenge { nonce }
    }

    /// A challenge with a nonce drawn from `rng`.
    pub fn generate<R: rand_core::CryptoRngCore + ?Sized>(rng: &mut R) -> Self {
        let mut nonce = [0u8; 32];
        rng.fill_bytes(&mut nonce);
        Challenge { nonce }
    }

    /// The nonce.
    pub fn nonce(&self) -> &[u8; 32] {
        &self.nonce
    }
}

/// The signed content of a challenge response.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct ChallengeResponseBody {
    /// The verifier's nonce.
    pub nonce: [u8; 32],
    /// The fingerprint of the certificate the part answers for.
    pub certificate: Fingerprint,
}

/// A part's signature over a verifier's nonce and its own certificate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChallengeResponse {
    signed: Signed<ChallengeResponseBody>,
}

impl ChallengeResponse {
    /// What a keyed part computes when challenged: signs the nonce and its
    /// certificate's fingerprint with its secret key.
    pub fn respond(
        part_key: &SecretKey,
        challenge: &Challenge,
        certificate: &Certificate,
    ) -> Result<Self, Error> {
        // A response the verifier would refuse is never signed.
        let named = certificate
            .part()
            .ok_or(Error::RoleNotPermitted {
                needed: "part certificate",
                found: certificate.role_name(),
            })?
            .key
            .ok_or(Error::NoPartKey)?;
        if named != part_key.public_key() {
            return Err(Error::KeyMismatch);
        }
        let body = ChallengeResponseBody {
            nonce: challenge.nonce,
            certificate: certificate.fingerprint(),
        };
        Ok(ChallengeResponse {
            signed: Signed::seal(ObjectType::ChallengeResponse, body, part_key)?,
        })
    }

    /// Decodes a challenge response.
    pub fn decode(bytes: &[u8]) -> Result<Self, Error> {
        Ok(ChallengeResponse {
            signed: Signed::decode(bytes, ObjectType::ChallengeResponse)?,
        })
    }

    /// The exact encoded bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.signed.bytes
    }

    pub(crate) fn body(&self) -> &ChallengeResponseBody {
        &self.signed.body
    }

    /// The nonce it answers.
    pub fn nonce(&self) -> &[u8; 32] {
        &self.signed.body.nonce
    }

    /// The fingerprint of the certificate it answers for.
    pub fn certificate(&self) -> crate::ids::Fingerprint {
        self.signed.body.certificate
    }

    /// Checks that this answers `challenge` for `certificate`, signed by
    /// the key the certificate names.
    pub fn verify(&self, challenge: &Challenge, certificate: &Certificate) -> Result<(), Error> {
        let key = certificate
            .part()
            .and_then(|part| part.key)
            .ok_or(Error::NoPartKey)?;
        let body = &self.signed.body;
        if body.nonce != challenge.nonce || body.certificate != certificate.fingerprint() {
            return Err(Error::WrongChallengeResponse);
        }
        self.signed
            .verify(&key, "challenge response")
            .map_err(|_| Error::WrongChallengeResponse)
    }
}
