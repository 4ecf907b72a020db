//! The one error type: the core's [`partcert::Error`] with its stable code,
//! name, family and message, one variant per family.

use std::fmt;

use partcert::{ErrorCode, ErrorFamily};

/// What every binding call returns.
pub(crate) type Result<T, E = PartcertError> = std::result::Result<T, E>;

/// Why evidence could not be read or trusted, or a call was misused.
///
/// Kotlin sees it as `PartcertException` with one subclass per family
/// (`PartcertException.Malformed`, `.Trust`, `.Policy`, `.BlocklistState`,
/// `.Misuse`, `.Internal`); Swift as `PartcertError`, an `Error` enum with
/// one case per family. Each carries the same [`ErrorInfo`]: the core's
/// stable numeric code (as Rust's `Error::code()`, the C ABI and the CLI),
/// its name ("UnknownIssuer"), its family ("trust") and the core's message.
///
/// It reads as words (its `Display`: the message, then `[error 201
/// UnknownIssuer]`): Kotlin's `toString()`, Swift's `description` and, through
/// the hand-written conformance in `bindings/swift/`, `localizedDescription`.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Error)]
#[uniffi::export(Display)]
pub enum PartcertError {
    /// 1xx: the bytes are not a well-formed partcert object.
    Malformed {
        /// Its code, name, family and message.
        info: ErrorInfo,
    },
    /// 2xx: a signature, issuer or challenge response cannot be trusted
    /// (201 UnknownIssuer: a counterfeit's issuer).
    Trust {
        /// Its code, name, family and message.
        info: ErrorInfo,
    },
    /// 3xx: trusted, but not valid for this use (expired, revoked, wrong
    /// kind, IMEI mismatch …).
    Policy {
        /// Its code, name, family and message.
        info: ErrorInfo,
    },
    /// 4xx: a blocklist update was refused (rollback, wrong authority,
    /// delta mismatch …); the blocklist held is unchanged.
    BlocklistState {
        /// Its code, name, family and message.
        info: ErrorInfo,
    },
    /// 5xx: the caller passed an argument out of range (503, e.g. a seed
    /// or nonce that is not 32 bytes).
    Misuse {
        /// Its code, name, family and message.
        info: ErrorInfo,
    },
    /// 9xx: a bug; please report it.
    Internal {
        /// Its code, name, family and message.
        info: ErrorInfo,
    },
}

impl PartcertError {
    /// The error for a core code, with a message, in its family's variant.
    pub fn from_code(code: ErrorCode, message: String) -> Self {
        let info = ErrorInfo::new(code, message);
        match code.family() {
            ErrorFamily::Malformed => PartcertError::Malformed { info },
            ErrorFamily::Trust => PartcertError::Trust { info },
            ErrorFamily::Policy => PartcertError::Policy { info },
            ErrorFamily::BlocklistState => PartcertError::BlocklistState { info },
            ErrorFamily::Misuse => PartcertError::Misuse { info },
            // The family enum is open (non-exhaustive): a family this crate
            // does not know yet reads as internal, its code intact.
            _ => PartcertError::Internal { info },
        }
    }

    /// An argument out of range (503 InvalidArgument): what the bindings
    /// check themselves before the core sees a value (a byte array of the
    /// wrong length).
    pub(crate) fn invalid_argument(message: impl Into<String>) -> Self {
        PartcertError::from_code(ErrorCode::InvalidArgument, message.into())
    }
}

#[uniffi::export]
impl PartcertError {
    /// The code, name, family and message, whatever the family (Kotlin:
    /// `e.info()`, Swift: `error.info()`).
    pub fn info(&self) -> ErrorInfo {
        match self {
            PartcertError::Malformed { info }
            | PartcertError::Trust { info }
            | PartcertError::Policy { info }
            | PartcertError::BlocklistState { info }
            | PartcertError::Misuse { info }
            | PartcertError::Internal { info } => info.clone(),
        }
    }
}

impl fmt::Display for PartcertError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.info().fmt(f)
    }
}

impl std::error::Error for PartcertError {}

impl From<partcert::Error> for PartcertError {
    fn from(error: partcert::Error) -> Self {
        PartcertError::from_code(error.code(), error.to_string())
    }
}

/// An error as data: in an exception, and in a verdict or report beside a
/// blocked part whose pairing record was refused. The same four fields as
/// the core's JSON. It reads as the message, then `[error 201 UnknownIssuer]`
/// (Kotlin's `toString()`, so a `PartcertException`'s `message` reads so too;
/// Swift's `description`).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
#[uniffi::export(Display)]
pub struct ErrorInfo {
    /// The stable numeric code.
    pub code: u32,
    /// The code's name, e.g. "UnknownIssuer".
    pub name: String,
    /// The family's name: "malformed", "trust", "policy",
    /// "blocklist-state", "misuse" or "internal".
    pub family: String,
    /// The core's message, e.g. "unknown issuer …: the certificate does
    /// not chain to a trusted root (counterfeit?)".
    pub message: String,
}

impl ErrorInfo {
    fn new(code: ErrorCode, message: String) -> Self {
        ErrorInfo {
            code: code.code(),
            name: code.name().to_owned(),
            family: code.family().name().to_owned(),
            message,
        }
    }
}

impl fmt::Display for ErrorInfo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} [error {} {}]", self.message, self.code, self.name)
    }
}

impl From<&partcert::Error> for ErrorInfo {
    fn from(error: &partcert::Error) -> Self {
        ErrorInfo::new(error.code(), error.to_string())
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
    /// What to do about it, in a line a technician or an integrator acts on.
    pub hint: String,
}

impl From<ErrorCode> for ErrorCodeInfo {
    fn from(code: ErrorCode) -> Self {
        let ErrorInfo {
            code: number,
            name,
            family,
            message,
        } = ErrorInfo::new(code, code.description().to_owned());
        ErrorCodeInfo {
            code: number,
            name,
            family,
            description: message,
            hint: code.hint().to_owned(),
        }
    }
}

/// Every stable error code, in numeric order.
#[uniffi::export]
pub fn error_codes() -> Vec<ErrorCodeInfo> {
    ErrorCode::ALL
        .iter()
        .copied()
        .map(ErrorCodeInfo::from)
        .collect()
}

/// The table entry for a number, if it is an assigned code.
#[uniffi::export]
pub fn error_code_info(code: u32) -> Option<ErrorCodeInfo> {
    ErrorCode::from_code(code).map(ErrorCodeInfo::from)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every code the core publishes crosses into the one binding error
    /// with its number, name and family, in the variant of its family, and
    /// the table gives its description and hint.
    #[test]
    fn every_error_code_maps_across() {
        for code in ErrorCode::ALL {
            let error = PartcertError::from_code(*code, "m".into());
            let info = error.info();
            assert_eq!(info.code, code.code(), "{code}");
            assert_eq!(info.name, code.name());
            assert_eq!(info.family, code.family().name());
            assert_eq!(info.message, "m");
            let variant_family = match error {
                PartcertError::Malformed { .. } => "malformed",
                PartcertError::Trust { .. } => "trust",
                PartcertError::Policy { .. } => "policy",
                PartcertError::BlocklistState { .. } => "blocklist-state",
                PartcertError::Misuse { .. } => "misuse",
                PartcertError::Internal { .. } => "internal",
            };
            assert_eq!(variant_family, code.family().name(), "{code}");
            let entry = error_code_info(code.code()).expect("assigned");
            assert_eq!(entry.description, code.description());
            assert_eq!(entry.hint, code.hint());
        }
        assert_eq!(error_codes().len(), ErrorCode::ALL.len());
        assert_eq!(error_code_info(0), None);
    }

    /// A real core error keeps its code and its message.
    #[test]
    fn core_errors_keep_code_and_message() {
        let core = partcert::Certificate::decode(b"PCRT").unwrap_err();
        let error = PartcertError::from(core.clone());
        assert_eq!(error.info().code, core.code().code());
        assert_eq!(error.info().message, core.to_string());
        assert!(matches!(error, PartcertError::Malformed { .. }));
        assert_eq!(error.to_string(), format!("{core} [error 100 Truncated]"));
    }
}
