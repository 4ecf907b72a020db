//! One table per enum: an enum whose values cross a boundary (the wire,
//! the C ABI, Kotlin and Swift, the command line) is declared once, with
//! each value's stable number and printed name, and everything else —
//! `code()`, `from_code()`, `name()`, `ALL` — is generated from that one
//! table. A new value that a front has not learnt fails to compile there
//! (no `_ =>` arm stands in for it).

/// Declares a fieldless enum with a stable number and a name per value.
macro_rules! coded_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident: $repr:ty {
            $( $(#[$vmeta:meta])* $variant:ident = $code:literal, $text:literal; )*
        }
    ) => {
        $(#[$meta])*
        #[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
        pub enum $name {
            $( $(#[$vmeta])* $variant, )*
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
    };
}
