//! Bounded list decoding: a declared length over its bound is refused
//! before anything is allocated, and preallocation never trusts the
//! declared length, so hostile input cannot make the decoder allocate
//! more than the input itself justifies.

use core::fmt;
use core::marker::PhantomData;

use serde::de::{Deserialize, Deserializer, Error as _, SeqAccess, Visitor};

/// The marker message; postcard reports it as a custom error, which the
/// envelope maps to [`crate::Error::DeclaredLengthOverBound`].
const TOO_LONG: &str = "declared length over bound";

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
                return Err(A::Error::custom(TOO_LONG));
            }
            let mut items = Vec::with_capacity(declared.min(16));
            while let Some(item) = seq.next_element()? {
                if items.len() >= MAX {
                    return Err(A::Error::custom(TOO_LONG));
                }
                items.push(item);
            }
            Ok(items)
        }
    }

    deserializer.deserialize_seq(BoundedVisitor::<T, MAX>(PhantomData))
}
