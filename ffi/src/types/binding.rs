//! `partcert_binding`: how strongly a part is bound to its certificate.

use partcert::Binding;

/// How strongly a part is bound to its certificate.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(non_camel_case_types)]
pub enum partcert_binding {
    /// The part proved it holds the key its certificate names.
    KeyProven = 1,
    /// The part has a key, but no challenge response was checked.
    KeyNotChallenged = 2,
    /// The part has no secure element: its certificate binds only its serial
    /// and could have been copied.
    SerialOnly = 3,
}

impl From<Binding> for partcert_binding {
    fn from(binding: Binding) -> Self {
        match binding {
            Binding::KeyProven => partcert_binding::KeyProven,
            Binding::KeyNotChallenged => partcert_binding::KeyNotChallenged,
            Binding::SerialOnly => partcert_binding::SerialOnly,
        }
    }
}
