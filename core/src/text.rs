//! The one written form of every name and serial.
//!
//! A part's identity hashes its manufacturer's name and its serial, so two
//! spellings of the same text would be two parts: a harvested screen
//! re-certified as `SCR-0001` plus an invisible character would verify
//! clean while `SCR-0001` is listed. Identity text therefore has a small,
//! documented character set with no look-alikes, and display text (models,
//! authority names) may be any Unicode a person can see, but no invisible,
//! bidirectional, format or control character and no stray whitespace.
//!
//! - **Serials**: 1–64 characters from `A`–`Z`, `0`–`9` and `-._/:#+`
//!   (upper case: a serial is written one way).
//! - **Manufacturer names**: 1–128 characters from `A`–`Z`, `a`–`z`,
//!   `0`–`9`, the space and `-.&',()+`, starting with a letter or digit,
//!   ending with a letter, digit, `.` or `)`, with no two spaces in a row.
//! - **Display names** (models, authority names): 1–128 bytes of UTF-8
//!   without control, format, bidirectional or invisible characters and
//!   without whitespace other than single interior spaces.
//!
//! The rules are checked when an object is issued and again when it is
//! decoded, so text outside them is never signed and never accepted.

use crate::error::Error;
use crate::limits;

/// Which text rule a field follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TextRule {
    Serial,
    Manufacturer,
    Display,
}

/// Checks `text` against its rule; `field` names it in the error.
pub(crate) fn check(field: &'static str, rule: TextRule, text: &str) -> Result<(), Error> {
    let max = match rule {
        TextRule::Serial => limits::MAX_SERIAL_LEN,
        TextRule::Manufacturer | TextRule::Display => limits::MAX_NAME_LEN,
    };
    limits::check_len(field, text.len(), max)?;
    if text.is_empty() {
        return Err(Error::InvalidField(match rule {
            TextRule::Serial => "the serial is empty",
            TextRule::Manufacturer => "the manufacturer name is empty",
            TextRule::Display => "a name is empty",
        }));
    }
    let fits = match rule {
        TextRule::Serial => text.bytes().all(is_serial_byte),
        TextRule::Manufacturer => {
            text.bytes().all(is_manufacturer_byte)
                && text
                    .bytes()
                    .next()
                    .is_some_and(|b| b.is_ascii_alphanumeric())
                && text
                    .bytes()
                    .last()
                    .is_some_and(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b')')
                && !text.contains("  ")
        }
        TextRule::Display => {
            text.chars().all(is_visible_or_space)
                && !text.starts_with(' ')
                && !text.ends_with(' ')
                && !text.contains("  ")
        }
    };
    if fits {
        Ok(())
    } else {
        Err(Error::InvalidField(match rule {
            TextRule::Serial => {
                "a serial is written with A-Z, 0-9 and -._/:#+ only (upper case, no spaces)"
            }
            TextRule::Manufacturer => {
                "a manufacturer name is written with letters, digits, single spaces and -.&',()+ only"
            }
            TextRule::Display => {
                "a name contains an invisible, control, format or bidirectional character, or stray whitespace"
            }
        }))
    }
}

fn is_serial_byte(byte: u8) -> bool {
    byte.is_ascii_uppercase() || byte.is_ascii_digit() || b"-._/:#+".contains(&byte)
}

fn is_manufacturer_byte(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || b" -.&',()+".contains(&byte)
}

/// A character a person sees (or the plain space).
fn is_visible_or_space(c: char) -> bool {
    if c == ' ' {
        return true;
    }
    !(c.is_control() || c.is_whitespace() || is_invisible(c))
}

/// Format (Cf), bidirectional-control, zero-width, filler and
/// variation-selector characters: they change identity bytes without
/// changing what a person reads.
fn is_invisible(c: char) -> bool {
    matches!(
        u32::from(c),
        0x00AD
            | 0x034F
            | 0x061C
            | 0x115F..=0x1160
            | 0x17B4..=0x17B5
            | 0x180B..=0x180F
            | 0x200B..=0x200F
            | 0x2028..=0x202F
            | 0x205F..=0x206F
            | 0x2800
            | 0x3164
            | 0xFE00..=0xFE0F
            | 0xFEFF
            | 0xFFA0
            | 0xFFF0..=0xFFFB
            | 0x1D173..=0x1D17A
            | 0xE0000..=0xE0FFF
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serials_have_one_spelling() {
        for good in ["SCR-0001", "A1/B2.C3_D:4#5+6", "0"] {
            assert!(check("serial", TextRule::Serial, good).is_ok(), "{good}");
        }
        for bad in [
            "",
            "scr-0001",
            "SCR-0001 ",
            " SCR-0001",
            "SCR 0001",
            "SCR-0001\u{200B}",
            "SCR-\u{202E}1000",
            "SCR-0001\u{00A0}",
            "SCR-0001\0",
            "SCR-０００1",
            "ЅCR-0001",
        ] {
            assert!(check("serial", TextRule::Serial, bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn manufacturer_names_have_one_spelling() {
        for good in ["Acme", "Acme Phones", "Foxconn (Shenzhen) Co.", "AT&T"] {
            assert!(check("m", TextRule::Manufacturer, good).is_ok(), "{good}");
        }
        for bad in [
            "",
            " Acme",
            "Acme ",
            "Acme  Phones",
            "Acme\u{200D}",
            "Аcme",
            "Acme\tPhones",
            "-Acme",
            "Acme-",
        ] {
            assert!(check("m", TextRule::Manufacturer, bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn display_names_are_visible() {
        for good in ["A1 OLED", "Écran Ω 6.1\"", "華為 P30"] {
            assert!(check("model", TextRule::Display, good).is_ok(), "{good}");
        }
        for bad in [
            "",
            "A1\u{202E}DELO",
            "A1\u{200B}",
            " A1",
            "A1 ",
            "A1\nB",
            "A1\u{FEFF}",
            "A1\u{E0041}",
            "A1  B",
        ] {
            assert!(check("model", TextRule::Display, bad).is_err(), "{bad:?}");
        }
    }
}
