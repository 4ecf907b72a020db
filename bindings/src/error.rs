//! The one error type: the core's [`partcert::Error`] with its stable code,
//! name, family and message, one variant per family.

use partcert::{ErrorCode, ErrorFamily};

/// Why evidence could not be read or trusted, or a call was misused.
///
/// Kotlin sees it as `PartcertException` with one subclass per family
/// (`PartcertException.Malformed`, `.Trust`, `.Policy`, `.BlocklistState`,
/// `.Misuse`, `.Internal`); Swift as `PartcertError`, an `Error` enum with
/// one case per family. Every variant carries the core's stable numeric
/// `code` (the same as Rust's `Error::code()`, the C ABI and the CLI), its
/// `name` ("UnknownIssuer"), its `family` ("trust") and the core's message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, uniffi::Error)]
pub enum PartcertError {
    /// 1xx: the bytes are not a well-formed partcert object.
    #[error("{message} [error {code} {name}]")]
    Malformed {
        /// The stable numeric code (100–199).
        code: u32,
        /// The code's name, e.g. "Truncated".
        name: String,
        /// "malformed".
        family: String,
        /// The core's message.
        message: String,
    },
    /// 2xx: a signature, issuer or challenge response cannot be trusted
    /// (201 UnknownIssuer: a counterfeit's issuer).
    #[error("{message} [error {code} {name}]")]
    Trust {
        /// The stable numeric code (200–299).
        code: u32,
        /// The code's name.
        name: String,
        /// "trust".
        family: String,
        /// The core's message.
        message: String,
    },
    /// 3xx: trusted, but not valid for this use (expired, revoked, wrong
    /// kind, IMEI mismatch …).
    #[error("{message} [error {code} {name}]")]
    Policy {
        /// The stable numeric code (300–399).
        code: u32,
        /// The code's name.
        name: String,
        /// "policy".
        family: String,
        /// The core's message.
        message: String,
    },
    /// 4xx: a blocklist update was refused (rollback, wrong authority,
    /// delta mismatch …); the blocklist held is unchanged.
    #[error("{message} [error {code} {name}]")]
    BlocklistState {
        /// The stable numeric code (400–499).
        code: u32,
        /// The code's name.
        name: String,
        /// "blocklist-state".
        family: String,
        /// The core's message.
        message: String,
    },
    /// 5xx: the caller passed an argument out of range (503, e.g. a seed
    /// or nonce that is not 32 bytes).
    #[error("{message} [error {code} {name}]")]
    Misuse {
        /// The stable numeric code (500–599).
        code: u32,
        /// The code's name.
        name: String,
        /// "misuse".
        family: String,
        /// What was wrong.
        message: String,
    },
    /// 9xx: a bug; please report it.
    #[error("{message} [error {code} {name}]")]
    Internal {
        /// The stable numeric code (900–999).
        code: u32,
        /// The code's name.
        name: String,
        /// "internal".
        family: String,
        /// What happened.
        message: String,
    },
}

impl PartcertError {
    /// The error for a core code, with a message.
    pub fn from_code(code: ErrorCode, message: String) -> Self {
        let number = code.as_u32();
        let name = code.name().to_owned();
        let family = code.family().name().to_owned();
        match code.family() {
            ErrorFamily::Malformed => PartcertError::Malformed {
                code: number,
                name,
                family,
                message,
            },
            ErrorFamily::Trust => PartcertError::Trust {
                code: number,
                name,
                family,
                message,
            },
            ErrorFamily::Policy => PartcertError::Policy {
                code: number,
                name,
                family,
                message,
            },
            ErrorFamily::BlocklistState => PartcertError::BlocklistState {
                code: number,
                name,
                family,
                message,
            },
            ErrorFamily::Misuse => PartcertError::Misuse {
                code: number,
                name,
                family,
                message,
            },
            _ => PartcertError::Internal {
                code: number,
                name,
                family,
                message,
            },
        }
    }

    /// An argument out of range (503 InvalidArgument): what the bindings
    /// check themselves before the core sees a value (a byte array of the
    /// wrong length).
    pub(crate) fn invalid_argument(message: impl Into<String>) -> Self {
        PartcertError::from_code(ErrorCode::InvalidArgument, message.into())
    }

    fn parts(&self) -> (u32, &str, &str, &str) {
        match self {
            PartcertError::Malformed {
                code,
                name,
                family,
                message,
            }
            | PartcertError::Trust {
                code,
                name,
                family,
                message,
            }
            | PartcertError::Policy {
                code,
                name,
                family,
                message,
            }
            | PartcertError::BlocklistState {
                code,
                name,
                family,
                message,
            }
            | PartcertError::Misuse {
                code,
                name,
                family,
                message,
            }
            | PartcertError::Internal {
                code,
                name,
                family,
                message,
            } => (*code, name, family, message),
        }
    }
}

#[uniffi::export]
impl PartcertError {
    /// The stable numeric code, whatever the family (Kotlin: `e.code()`,
    /// Swift: `error.code()`).
    pub fn code(&self) -> u32 {
        self.parts().0
    }

    /// The code's name, e.g. "UnknownIssuer".
    pub fn name(&self) -> String {
        self.parts().1.to_owned()
    }

    /// The family's name: "malformed", "trust", "policy",
    /// "blocklist-state", "misuse" or "internal".
    pub fn family(&self) -> String {
        self.parts().2.to_owned()
    }

    /// The core's message, e.g. "unknown issuer …: the certificate does
    /// not chain to a trusted root (counterfeit?)".
    pub fn detail(&self) -> String {
        self.parts().3.to_owned()
    }
}

impl From<partcert::Error> for PartcertError {
    fn from(error: partcert::Error) -> Self {
        PartcertError::from_code(error.code(), error.to_string())
    }
}

/// An error as data (in a handset report, for a part whose evidence was
/// refused): the same four fields as [`PartcertError`] and the core's JSON.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ErrorInfo {
    /// The stable numeric code.
    pub code: u32,
    /// The code's name.
    pub name: String,
    /// The family's name.
    pub family: String,
    /// The core's message.
    pub message: String,
}

impl From<&partcert::Error> for ErrorInfo {
    fn from(error: &partcert::Error) -> Self {
        let code = error.code();
        ErrorInfo {
            code: code.as_u32(),
            name: code.name().to_owned(),
            family: code.family().name().to_owned(),
            message: error.to_string(),
        }
    }
}

/// One entry of the stable error-code table.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ErrorCodeInfo {
    /// The number.
    pub code: u32,
    /// Its name.
    pub name: String,
    /// Its family's name.
    pub family: String,
    /// A generic description of the code.
    pub description: String,
}

impl From<ErrorCode> for ErrorCodeInfo {
    fn from(code: ErrorCode) -> Self {
        ErrorCodeInfo {
            code: code.as_u32(),
            name: code.name().to_owned(),
            family: code.family().name().to_owned(),
            description: code.description().to_owned(),
        }
    }
}

/// Every stable error code, in numeric order.
#[uniffi::export]
pub fn error_codes() -> Vec<ErrorCodeInfo> {
    ErrorCode::ALL
        .iter()
        .map(|c| ErrorCodeInfo::from(*c))
        .collect()
}

/// The table entry for a number, if it is an assigned code.
#[uniffi::export]
pub fn error_code_info(code: u32) -> Option<ErrorCodeInfo> {
    ErrorCode::from_u32(code).map(ErrorCodeInfo::from)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every code the core publishes crosses into the one binding error
    /// with its number, name and family, in the variant of its family.
    #[test]
    fn every_error_code_maps_across() {
        for code in ErrorCode::ALL {
            let error = PartcertError::from_code(*code, "m".into());
            assert_eq!(error.code(), code.as_u32(), "{code}");
            assert_eq!(error.name(), code.name());
            assert_eq!(error.family(), code.family().name());
            assert_eq!(error.detail(), "m");
            let variant_family = match error {
                PartcertError::Malformed { .. } => "malformed",
                PartcertError::Trust { .. } => "trust",
                PartcertError::Policy { .. } => "policy",
                PartcertError::BlocklistState { .. } => "blocklist-state",
                PartcertError::Misuse { .. } => "misuse",
                PartcertError::Internal { .. } => "internal",
            };
            assert_eq!(variant_family, code.family().name(), "{code}");
            assert_eq!(
                error_code_info(code.as_u32()).map(|i| i.code),
                Some(code.as_u32())
            );
        }
        assert_eq!(error_codes().len(), ErrorCode::ALL.len());
        assert_eq!(error_code_info(0), None);
    }

    /// A real core error keeps its code and its message.
    #[test]
    fn core_errors_keep_code_and_message() {
        let core = partcert::Certificate::decode(b"PCRT").unwrap_err();
        let error = PartcertError::from(core.clone());
        assert_eq!(error.code(), core.code().as_u32());
        assert_eq!(error.detail(), core.to_string());
        assert!(matches!(error, PartcertError::Malformed { code: 100, .. }));
        assert_eq!(error.to_string(), format!("{core} [error 100 Truncated]"));
    }
}
