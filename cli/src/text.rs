//! Human-readable text: times, verdicts, authorities.

use partcert::blocklist::{
    BlockKey, ListChecked, ListVersion, Listing, ListingStatus, MatchedKey, StaleReason,
};
use partcert::certificate::AuthorityRole;
use partcert::revocation::RevokedKey;
use partcert::verify::{AuthorityInfo, Binding, BlocklistStatus, Provenance};
use partcert::{Certificate, Imei, Validity, Verdict, limits};

/// A Unix time as `2026-01-01 00:00:00 UTC`.
pub fn utc(seconds: u64) -> String {
    let days = seconds / 86_400;
    let rest = seconds % 86_400;
    let (year, month, day) = civil_from_days(days);
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02}:{:02} UTC",
        rest / 3600,
        rest % 3600 / 60,
        rest % 60
    )
}

/// The UTC date of a time (a compact list keeps listing days only).
pub fn day(seconds: u64) -> String {
    let (year, month, day) = civil_from_days(seconds / 86_400);
    format!("{year:04}-{month:02}-{day:02} (UTC)")
}

/// Days since 1970-01-01 to a (year, month, day) date (Howard Hinnant's algorithm).
fn civil_from_days(days: u64) -> (u64, u64, u64) {
    let z = days + 719_468;
    let era = z / 146_097;
    let day_of_era = z - era * 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let shifted_month = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * shifted_month + 2) / 5 + 1;
    let month = if shifted_month < 10 {
        shifted_month + 3
    } else {
        shifted_month - 9
    };
    let year = year_of_era + era * 400 + u64::from(month <= 2);
    (year, month, day)
}

/// (year, month, day) to days since 1970-01-01 (Howard Hinnant's algorithm).
fn days_from_civil(year: u64, month: u64, day: u64) -> u64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year / 400;
    let year_of_era = year - era * 400;
    let shifted_month = if month > 2 { month - 3 } else { month + 9 };
    let day_of_year = (153 * shifted_month + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// Parses a time: seconds since the Unix epoch (`1767225600`), or an RFC
/// 3339 date-time (`2026-01-01T00:00:00Z`, `2026-01-01T01:00:00+01:00`,
/// fractions of a second dropped), or a date (`2026-01-01`, midnight UTC).
pub fn parse_time(input: &str) -> Result<u64, String> {
    let text = input.trim();
    if !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()) {
        return text
            .parse::<u64>()
            .map_err(|_| format!("{text} is too large for a time in seconds"));
    }
    parse_rfc3339(text).ok_or_else(|| {
        format!(
            "{input:?} is not a time: give seconds since the Unix epoch (1767225600) or an RFC 3339 \
             date (2026-01-01T00:00:00Z, or 2026-01-01 for midnight UTC)"
        )
    })
}

fn parse_rfc3339(text: &str) -> Option<u64> {
    let bytes = text.as_bytes();
    let number = |range: std::ops::Range<usize>| -> Option<u64> {
        let part = text.get(range)?;
        if part.is_empty() || !part.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        part.parse().ok()
    };
    if bytes.len() < 10 || bytes.get(4) != Some(&b'-') || bytes.get(7) != Some(&b'-') {
        return None;
    }
    let (year, month, day) = (number(0..4)?, number(5..7)?, number(8..10)?);
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let month_days = [
        31,
        if leap { 29 } else { 28 },
        31,
        30,
        31,
        30,
        31,
        31,
        30,
        31,
        30,
        31,
    ];
    if year < 1970 || !(1..=12).contains(&month) {
        return None;
    }
    if day == 0 || day > *month_days.get(usize::try_from(month - 1).ok()?)? {
        return None;
    }
    let date = days_from_civil(year, month, day) * 86_400;
    if bytes.len() == 10 {
        return Some(date);
    }
    if !matches!(bytes.get(10), Some(b'T' | b't' | b' '))
        || bytes.get(13) != Some(&b':')
        || bytes.get(16) != Some(&b':')
    {
        return None;
    }
    let (hour, minute, second) = (number(11..13)?, number(14..16)?, number(17..19)?);
    if hour > 23 || minute > 59 || second > 60 {
        return None;
    }
    let mut rest = text.get(19..)?;
    if let Some(fraction) = rest.strip_prefix('.') {
        let digits = fraction.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            return None;
        }
        rest = fraction.get(digits..)?;
    }
    let local = date + hour * 3600 + minute * 60 + second.min(59);
    match rest {
        "Z" | "z" => Some(local),
        offset if offset.len() == 6 && offset.as_bytes().get(3) == Some(&b':') => {
            let sign = offset.as_bytes().first()?;
            let hours = offset.get(1..3)?.parse::<u64>().ok()?;
            let minutes = offset.get(4..6)?.parse::<u64>().ok()?;
            if hours > 23 || minutes > 59 {
                return None;
            }
            let shift = hours * 3600 + minutes * 60;
            match sign {
                b'+' => local.checked_sub(shift),
                b'-' => local.checked_add(shift),
                _ => None,
            }
        }
        _ => None,
    }
}

/// `from .. to`.
pub fn validity(validity: &Validity) -> String {
    format!(
        "{} to {}",
        utc(validity.not_before),
        utc(validity.not_after)
    )
}

/// `"Acme line 3" (key 1a2b3c4d5e6f7081)`.
pub fn authority(info: &AuthorityInfo) -> String {
    format!("\"{}\" (key {})", info.name, info.key_id)
}

/// A one-line description of a certificate.
pub fn certificate(certificate: &Certificate) -> String {
    if let Some(authority) = certificate.authority() {
        let mut text = format!(
            "{} \"{}\" (key {})",
            authority.role.name(),
            authority.name,
            authority.key.key_id()
        );
        if !authority.permitted_kinds.is_empty() {
            let kinds: Vec<String> = authority.permitted_kinds.iter().map(|k| k.name()).collect();
            text.push_str(&format!(", may certify {}", kinds.join(", ")));
        }
        if !authority.manufacturers.is_empty() {
            let joiner = if authority.permitted_kinds.is_empty() {
                ", for parts made by"
            } else {
                " made by"
            };
            text.push_str(&format!("{joiner} {}", authority.manufacturers.join(", ")));
        }
        if authority.role == AuthorityRole::BlocklistAuthority {
            text.push_str(&format!(", signs lists of epoch {} only", authority.epoch));
        }
        text
    } else if let Some(part) = certificate.part() {
        let mut text = format!("{} part {}", part.kind, part.manufacturer);
        if !part.model.is_empty() {
            text.push_str(&format!(" {}", part.model));
        }
        text.push_str(&format!(", serial {}", part.serial));
        if !part.imeis.is_empty() {
            let imeis: Vec<String> = part.imeis.iter().map(ToString::to_string).collect();
            text.push_str(&format!(", IMEI {}", imeis.join(", ")));
        }
        text.push_str(if part.key.is_some() {
            ", keyed (secure element)"
        } else {
            ", serial-only"
        });
        text
    } else {
        "certificate".to_owned()
    }
}

/// A list entry's key.
pub fn block_key(key: &BlockKey) -> String {
    match key {
        BlockKey::Imei(imei) => format!("handset IMEI {imei}"),
        BlockKey::Part(part_id) => format!("part {part_id}"),
    }
}

/// What a listing matched, as the verdict reports it (after "matched"): a
/// fingerprint hit names the fingerprint, never the part's own identity.
pub fn matched_key(key: &MatchedKey) -> String {
    match key {
        MatchedKey::Imei(imei) => format!("handset IMEI {imei}"),
        MatchedKey::Part(part_id) => format!("part {part_id}"),
        MatchedKey::PartKey(key) => {
            format!("key {key} (the part's key is listed: any certificate naming it reads blocked)")
        }
        MatchedKey::PartFingerprint(fingerprint) => format!(
            "by fingerprint {fingerprint} in a compact list (not proof of this exact part: a part \
             not listed matches one with probability at most 2^-41)"
        ),
    }
}

/// Bits an entry, to two decimals, of a list of `bytes` bytes holding
/// `entries` entries ("-" for an empty list).
pub fn bits_per_entry(bytes: u64, entries: u64) -> String {
    if entries == 0 {
        return "-".to_owned();
    }
    format!("{:.2}", bytes as f64 * 8.0 / entries as f64)
}

/// A list's place in its register's history: `#7`, or `#1 of epoch 2`
/// once the register's root has opened a later epoch.
pub fn version(version: ListVersion) -> String {
    if version.epoch == 0 {
        format!("#{}", version.sequence)
    } else {
        format!("#{} of epoch {}", version.sequence, version.epoch)
    }
}

/// Why a list may be out of date, in words.
pub fn stale_reason(reason: &StaleReason, expires_at: u64) -> String {
    match reason {
        StaleReason::Expired => format!("expired at {}", utc(expires_at)),
        StaleReason::SignerRevoked => {
            "signer revoked (its register revoked the key that signed it)".to_owned()
        }
        StaleReason::Missing => {
            "missing (this device follows the register but was given no list from it)".to_owned()
        }
        StaleReason::OutdatedBy {
            authority_name,
            issued_at,
            ..
        } => format!(
            "outdated by {authority_name} (its list shows the time is at least {}, after this \
             one expired: this device's clock may be behind)",
            utc(*issued_at)
        ),
        StaleReason::FutureDated { issued_at } => format!(
            "dated after this device's clock (issued {}, more than {} hours ahead: this \
             device's clock may be behind, or the list is misdated; it flags only itself)",
            utc(*issued_at),
            limits::CLOCK_TOLERANCE / 3600
        ),
        StaleReason::NoFreshHead { since } => format!(
            "no fresh head from its repository (the newest, signed {}, has expired: a mirror \
             may be frozen or updates withheld)",
            utc(*since)
        ),
    }
}

/// One followed list's standing: `"Register" #3 valid until ...` or
/// `"Register" #3 stale: missing (...)`.
pub fn list_checked(list: &ListChecked) -> String {
    let name = if list.authority_name.is_empty() {
        format!("register {}", list.authority)
    } else {
        format!("\"{}\"", list.authority_name)
    };
    let at = version(ListVersion::new(list.epoch, list.sequence));
    match &list.stale_reason {
        None if !list.stale => format!("{name} {at} valid until {}", utc(list.expires_at)),
        None => format!("{name} {at} stale"),
        Some(reason) => format!(
            "{name} {at} stale: {}",
            stale_reason(reason, list.expires_at)
        ),
    }
}

fn lists(lists: &[ListChecked]) -> String {
    let lists: Vec<String> = lists.iter().map(list_checked).collect();
    lists.join("; ")
}

/// One revoked key: `key 1a2b... revoked since 2026-01-05 00:00:00 UTC`.
pub fn revoked(revoked: &RevokedKey) -> String {
    if revoked.since == 0 {
        format!("key {} revoked from the beginning", revoked.key.to_hex())
    } else {
        format!(
            "key {} revoked since {} (what evidence places before it stays genuine)",
            revoked.key.to_hex(),
            utc(revoked.since)
        )
    }
}

/// IMEIs, comma-separated.
pub fn imeis(imeis: &[Imei]) -> String {
    let imeis: Vec<String> = imeis.iter().map(ToString::to_string).collect();
    imeis.join(", ")
}

/// The lines of a report: `  key:       value`.
struct Lines(Vec<String>);

impl Lines {
    fn line(&mut self, key: &str, value: impl Into<String>) {
        self.0.push(format!("  {key:<11} {}", value.into()));
    }
}

/// The full human report of a verdict: the core's headline and advice
/// first, then what the technician may want to look at; hex ids, key ids
/// and protocol details only when `verbose`.
pub fn verdict(verdict: &Verdict, verbose: bool) -> String {
    let mut lines = Lines(vec![verdict.headline(), verdict.advice()]);
    if verbose {
        lines.line("summary:", verdict.summary());
    }
    part_lines(&mut lines, verdict, verbose);
    issuer_lines(&mut lines, verdict, verbose);
    lines.line("binding:", binding(verdict.binding, verbose));
    match &verdict.provenance {
        Some(provenance) => lines.line("paired to:", paired_to(provenance, verbose)),
        None if verdict.pairing_refused.is_some() => lines.line(
            "paired to:",
            "unknown: the pairing record given was refused",
        ),
        None => lines.line("paired to:", "no pairing record given"),
    }
    blocklist_lines(&mut lines, &verdict.blocklist, verbose);
    if verbose {
        lines.line(
            "checked at:",
            format!("{} (the clock of the part's root)", utc(verdict.checked_at)),
        );
    }
    lines.0.join("\n")
}

/// The part: what it is, its IMEIs (and any the modem reports that are
/// not signed in), its id (verbose), and a pairing record refused beside it.
fn part_lines(lines: &mut Lines, verdict: &Verdict, verbose: bool) {
    let part = &verdict.part;
    lines.line(
        "part:",
        format!(
            "{}, {} {}, serial {}",
            part.kind, part.manufacturer, part.model, part.serial
        ),
    );
    if !part.imeis.is_empty() {
        lines.line("IMEI:", imeis(&part.imeis));
    }
    if !verdict.mismatched_imeis.is_empty() {
        lines.line(
            "MISMATCH:",
            format!(
                "the modem reports IMEI {}, not signed into this board",
                imeis(&verdict.mismatched_imeis)
            ),
        );
    }
    if verbose {
        lines.line("part id:", part.part_id.to_hex());
    }
    if let Some(error) = &verdict.pairing_refused {
        lines.line("REFUSED:", pairing_refused(error));
    }
}

/// An authority: its name, and its key id when `verbose`.
fn authority_as(info: &AuthorityInfo, verbose: bool) -> String {
    if verbose {
        authority(info)
    } else {
        format!("\"{}\"", info.name)
    }
}

/// Who certified the part, and whether its line was revoked or retired
/// after it was made.
fn issuer_lines(lines: &mut Lines, verdict: &Verdict, verbose: bool) {
    lines.line(
        "issuer:",
        format!(
            "{} under root {}",
            authority_as(&verdict.issuer, verbose),
            authority_as(&verdict.root, verbose)
        ),
    );
    if let Some(since) = verdict.issuer_revoked_since {
        lines.line(
            "REVOKED:",
            format!(
                "the line's key was revoked from {}, but its own maker's pairing record places \
                 this part before that: made before its line's key was revoked",
                utc(since)
            ),
        );
    }
    if let Some(retired) = verdict.issuer_retired_at {
        lines.line(
            "RETIRED:",
            format!(
                "made before its line retired, {}: the line's certificate has ended, and its own \
                 maker's pairing record places this part before then",
                utc(retired)
            ),
        );
    }
}

/// How strongly the part is bound to its certificate: what it means for
/// the shop, after the core's name when `verbose`.
fn binding(binding: Binding, verbose: bool) -> String {
    let meaning = match binding {
        Binding::KeyProven => "the part proved it holds its certificate's key",
        Binding::KeyNotChallenged => {
            "the part has a chip with a key, but was not asked to prove it"
        }
        Binding::SerialOnly => "the part has no chip; its certificate could be copied",
    };
    if verbose {
        format!("{}: {meaning}", binding.name())
    } else {
        meaning.to_owned()
    }
}

/// The handset the part is paired to, by which record and service.
fn paired_to(provenance: &Provenance, verbose: bool) -> String {
    let renewed = if provenance.certificate_renewed {
        "; the record names an earlier certificate of this same part (re-certified since)"
    } else {
        ""
    };
    let first = if provenance.first_paired < provenance.paired_at {
        format!("; first paired {}", utc(provenance.first_paired))
    } else {
        String::new()
    };
    let sequence = if verbose {
        format!("pairing #{}, ", provenance.pairing_sequence)
    } else {
        String::new()
    };
    format!(
        "handset {} ({sequence}{}, {}) signed by {}{first}{renewed}",
        imeis(&provenance.handset_imeis),
        provenance.event.name(),
        utc(provenance.paired_at),
        authority_as(&provenance.service, verbose)
    )
}

/// The part's blocklist standing: every listing when blocked.
fn blocklist_lines(lines: &mut Lines, status: &BlocklistStatus, verbose: bool) {
    match status {
        BlocklistStatus::NotChecked => lines.line("blocklist:", "not checked"),
        BlocklistStatus::Clean { lists: checked } => {
            lines.line("blocklist:", format!("clean on {}", lists(checked)))
        }
        BlocklistStatus::Stale { lists: checked } => lines.line(
            "blocklist:",
            format!(
                "clean, but a list is stale (fetch a fresh one): {}",
                lists(checked)
            ),
        ),
        BlocklistStatus::Blocked {
            listings,
            capped,
            lists: checked,
            ..
        } => {
            for listing in listings {
                lines.line("BLOCKED:", blocked_line(listing, verbose));
            }
            if *capped {
                lines.line(
                    "BLOCKED:",
                    format!(
                        "and more listings not read (a lookup reads at most {})",
                        limits::MAX_LISTINGS
                    ),
                );
            }
            lines.line("lists:", lists(checked));
        }
    }
}

/// When a listing was made, to the precision its list keeps: a compact
/// list keeps the day only, so a date, not a time of day.
pub fn listed_on(listing: &Listing) -> String {
    if listing.listed_to_the_day() {
        day(listing.listed_at)
    } else {
        utc(listing.listed_at)
    }
}

/// What a listing matched, in words a technician reads.
fn matched_plainly(key: &MatchedKey) -> String {
    match key {
        MatchedKey::Imei(imei) => format!("the handset's IMEI {imei} is listed"),
        MatchedKey::Part(_) => "this part is listed".to_owned(),
        MatchedKey::PartKey(_) => "this part's key is listed".to_owned(),
        MatchedKey::PartFingerprint(_) => {
            "this part is listed (matched by a short fingerprint in a national list)".to_owned()
        }
    }
}

/// One listing of a blocked verdict.
fn blocked_line(listing: &Listing, verbose: bool) -> String {
    let handset = listing.handset.map_or_else(String::new, |imei| {
        format!(", paired to handset {imei} when listed")
    });
    if !verbose {
        let suspended = if listing.status == ListingStatus::Suspended {
            " (suspended pending inquiry)"
        } else {
            ""
        };
        return format!(
            "{}{suspended}, listed {} by \"{}\": {}{handset}",
            listing.reason.name(),
            listed_on(listing),
            listing.authority_name,
            matched_plainly(&listing.matched),
        );
    }
    let status = match listing.status {
        ListingStatus::Suspended => "suspended pending inquiry",
        status => status.name(),
    };
    format!(
        "{} ({status}) since {} by \"{}\" list {}: matched {}{handset}",
        listing.reason.name(),
        listed_on(listing),
        listing.authority_name,
        version(ListVersion::new(listing.epoch, listing.sequence)),
        matched_key(&listing.matched),
    )
}

/// A pairing record refused beside a blocked verdict: blocked wins, the
/// refusal is said with its stable code.
pub fn pairing_refused(error: &partcert::Error) -> String {
    let code = error.code();
    format!(
        "the pairing record given was refused: {} [error {} {}]; blocked wins, so it was checked \
         without the record",
        crate::error::core_message(error),
        code.code(),
        code.name()
    )
}

#[cfg(test)]
mod tests {
    use super::{parse_time, utc};

    #[test]
    fn rfc3339_dates_are_read_as_utc_seconds() {
        assert_eq!(parse_time("1767225600"), Ok(1_767_225_600));
        assert_eq!(parse_time("2026-01-01T00:00:00Z"), Ok(1_767_225_600));
        assert_eq!(parse_time("2026-01-01"), Ok(1_767_225_600));
        assert_eq!(parse_time("2026-01-01T01:00:00+01:00"), Ok(1_767_225_600));
        assert_eq!(
            parse_time("2025-12-31T19:00:00.250-05:00"),
            Ok(1_767_225_600)
        );
        assert_eq!(parse_time("2000-02-29 01:01:01Z"), Ok(951_782_400 + 3661));
        for bad in [
            "yesterday",
            "2026-02-30",
            "2026-13-01",
            "2026-01-01T25:00:00Z",
            "2026-01-01T00:00:00",
        ] {
            assert!(parse_time(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn dates_are_calendar_dates() {
        assert_eq!(utc(0), "1970-01-01 00:00:00 UTC");
        assert_eq!(utc(1_767_225_600), "2026-01-01 00:00:00 UTC");
        assert_eq!(utc(951_782_400 + 3661), "2000-02-29 01:01:01 UTC");
    }
}
