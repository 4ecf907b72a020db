//! One table per enum: an enum whose values cross a boundary (the wire,
//! the C ABI, Kotlin and Swift, the command line) is declared once, here,
//! with each value's stable number, printed name and documentation, and
//! everything else — `code()`, `from_code()`, `name()`, `ALL` — is
//! generated from that one table. A new value that a front has not learnt
//! fails to compile there (no `_ =>` arm stands in for it). The modules
//! the enums belong to re-export them.

use serde::{Deserialize, Serialize};

/// Declares fieldless enums, each with a stable number and a name per
/// value (serialized in kebab-case).
macro_rules! coded_enums {
    ($(
        $(#[$meta:meta])*
        $name:ident: $repr:ty { $( $variant:ident = $code:literal $text:literal: $doc:literal, )* }
    )*) => {$(
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
        #[serde(rename_all = "kebab-case")]
        pub enum $name {
            $( #[doc = $doc] $variant, )*
        }

        impl $name {
            /// Every value, in the order of their numbers.
            pub const ALL: &'static [$name] = &[$($name::$variant,)*];

            /// Its stable number, the same in every language (the C enum's
            /// value).
            pub const fn code(self) -> $repr {
                match self {
                    $( $name::$variant => $code, )*
                }
            }

            /// The value for a number, if the number is assigned.
            pub const fn from_code(code: $repr) -> Option<Self> {
                match code {
                    $( $code => Some($name::$variant), )*
                    _ => None,
                }
            }

            /// Its name, as every front prints it.
            pub const fn name(self) -> &'static str {
                match self {
                    $( $name::$variant => $text, )*
                }
            }
        }
    )*};
}

coded_enums! {
    /// Why a handset was listed.
    Reason: u32 { Stolen = 1 "stolen": "Reported stolen.", Lost = 2 "lost": "Reported lost.", Fraud = 3 "fraud": "Obtained by fraud (e.g. an unpaid contract).", }

    /// Whether a listing is in force for good or only for now.
    ListingStatus: u32 { Final = 1 "final": "The listing stands.", Suspended = 2 "suspended": "The listing is suspended pending inquiry (a lost phone that may be found): reported, but not confirmed.", }

    /// Why a pairing record was made.
    PairingEvent: u32 { FactoryBuild = 1 "factory build": "The handset was assembled at the factory.", Repair = 2 "repair": "A repair fitted one or more parts.", }

    /// What an authority certificate lets its key do.
    AuthorityRole: u32 { ManufacturerRoot = 1 "manufacturer root": "A manufacturer's offline root: self-signed, pinned by verifiers; certifies part issuers and pairing services, signs revocation lists.", PartIssuer = 2 "part issuer": "A factory line: certifies parts of the kinds it is permitted.", PairingService = 3 "pairing service": "Signs pairing records.", BlocklistRoot = 4 "blocklist root": "A blocklist authority's root (registry, operator, manufacturer): self-signed, pinned separately from manufacturer roots.", BlocklistAuthority = 5 "blocklist authority": "Signs blocklist snapshots and deltas for the root that certified it.", }

    /// The kinds of signed object (its number is the envelope's type tag).
    #[non_exhaustive]
    ObjectType: u8 { Certificate = 1 "certificate": "An authority's or a part's certificate.", PairingRecord = 2 "pairing record": "Which parts sit in which handset.", BlocklistSnapshot = 3 "blocklist snapshot": "A blocklist authority's full list.", BlocklistDelta = 4 "blocklist delta": "The change from one blocklist sequence to the next.", RevocationList = 5 "revocation list": "Authority keys a root has revoked.", ChallengeResponse = 6 "challenge response": "A keyed part's answer to a verifier's nonce.", CompactSnapshot = 7 "compact blocklist snapshot": "A blocklist authority's full list in the compact, in-place format (national scale).", RepositoryHead = 8 "repository head": "A register's signed head: the files that lead a device to its newest list.", }

    /// How strongly the part is bound to its certificate.
    Binding: u32 { KeyProven = 1 "key-proven": "The part proved it holds the key its certificate names.", KeyNotChallenged = 2 "key not challenged": "The part has a key but no challenge response was checked.", SerialOnly = 3 "serial-only": "The part has no secure element: its certificate binds only its serial and could have been copied.", }

    /// The part's relation to the handset doing the verifying.
    Relation: u32 { PairedHere = 1 "fitted in this handset": "Paired to this handset.", PairedElsewhere = 2 "used": "Paired to another handset (a used part).", Unpaired = 3 "unpaired": "No pairing record was presented.", }
}
