//! Secret keys: the signing half held by roots, issuers, services,
//! blocklist authorities and keyed parts.

use core::fmt;

use ed25519_dalek::SigningKey;
use rand_core::CryptoRngCore;

use crate::ids::{KeyId, PublicKey};

/// An Ed25519 secret key. Its seed is zeroized when dropped.
#[derive(Clone)]
pub struct SecretKey(SigningKey);

impl SecretKey {
    /// Makes a key from 32 bytes of seed (keep the seed secret).
    pub fn from_seed(seed: &[u8; 32]) -> Self {
        SecretKey(SigningKey::from_bytes(seed))
    }

    /// Generates a fresh key from a cryptographic random source.
    pub fn generate<R: CryptoRngCore + ?Sized>(rng: &mut R) -> Self {
        let mut seed = [0u8; 32];
        rng.fill_bytes(&mut seed);
        let key = SecretKey::from_seed(&seed);
        seed.fill(0);
        key
    }

    /// The 32-byte seed, for storage.
    pub fn to_seed(&self) -> [u8; 32] {
        self.0.to_bytes()
    }

    /// The public half.
    pub fn public_key(&self) -> PublicKey {
        PublicKey(self.0.verifying_key().to_bytes())
    }

    /// The public half's id.
    pub fn key_id(&self) -> KeyId {
        self.public_key().key_id()
    }

    pub(crate) fn inner(&self) -> &SigningKey {
        &self.0
    }
}

impl fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SecretKey(public: {})", self.public_key().to_hex())
    }
}
