//! Bounded list decoding: a declared length over its bound is refused
//! before anything is allocated, and preallocation never trusts the
//! declared length, so hostile input cannot make the decoder allocate
//! more than the input itself justifies.

use core::cell::Cell;
use core::fmt;
use core::marker::PhantomData;

use serde::de::{Deserialize, Deserializer, SeqAccess, Visitor};

/// The marker message; postcard reports every serde error as the same
/// custom error, so the bounded decoder also notes (per thread, for the
/// decode in progress) that a bound was hit, and the envelope maps that
/// to [`crate::Error::DeclaredLengthOverBound`] and anything else (an
/// unknown enum variant) to [`crate::Error::MalformedBody`].
const TOO_LONG: &str = "declared length over bound";

thread_local! {
    static OVER_BOUND: Cell<bool> = const { Cell::new(false) };
}

/// Forgets any earlier decode's bound hit; called before each decode.
pub(crate) fn reset() {
    OVER_BOUND.with(|flag| flag.set(false));
}

/// Whether the decode that just failed hit a bound (and forgets it).
pub(crate) fn take_over_bound() -> bool {
    OVER_BOUND.with(|flag| flag.replace(false))
}

fn too_long<E: serde::de::Error>() -> E {
    OVER_BOUND.with(|flag| flag.set(true));
    E::custom(TOO_LONG)
}

/// Decodes a `Vec<T>` of at most `MAX` elements.
pub(crate) fn vec<'de, D, T, const MAX: usize>(deserializer: D) -> Result<Vec<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    struct BoundedVisitor<T, const MAX: usize>(PhantomData<T>);

    impl<'de, T: Deserialize<'de>, const MAX: usize> Visitor<'de> for BoundedVisitor<T, MAX> {
        type Value = Vec<T>;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            write!(f, "a list of at most {MAX} elements")
        }

        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<T>, A::Error> {
            let declared = seq.size_hint().unwrap_or(0);
            if declared > MAX {
                return Err(too_long());
            }
            let mut items = Vec::with_capacity(declared.min(16));
            while let Some(item) = seq.next_element()? {
                if items.len() >= MAX {
                    return Err(too_long());
                }
                items.push(item);
            }
            Ok(items)
        }
    }

    deserializer.deserialize_seq(BoundedVisitor::<T, MAX>(PhantomData))
}
