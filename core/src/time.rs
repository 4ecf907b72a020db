//! The rule for times, in one place.
//!
//! Every time inside a signed object — a list's or a revocation list's
//! issue time, a pairing record's time, a part's first-paired time — is its
//! signer's word. A careless authority or a thief holding a stolen key can
//! write any time, years ahead. So:
//!
//! 1. **A time from the future decides nothing.** A time later than the
//!    verifying clock plus [`CLOCK_TOLERANCE`] raises no clock floor: a list
//!    or revocation list raises its own authority's (or root's) floor to its
//!    issue time, capped at the clock it was received at plus the tolerance,
//!    and the cap is kept with the floor. A list dated beyond the verifying
//!    clock plus the tolerance reads stale ("dated after this device's
//!    clock"), flagging itself only; a pairing record dated so is refused.
//! 2. **A new epoch is judged at its own time**: a list of a later epoch is
//!    checked at the caller's clock, never at a floor an older epoch raised
//!    (which a thief's list may have raised).
//! 3. **Floors are per authority.** An authority's floor governs its own
//!    lists, a root's floor its own certificates; the part and handset
//!    checks consult every list at the caller's clock. Another authority's
//!    time can only flag a list as possibly outdated, and only with a time
//!    its own floor vouches for, so a clean part reads stale because of
//!    another authority's date for at most the tolerance.
//! 4. **A clock set back is still detected**: floors taken while the clock
//!    was right stay in force (and are saved with the anti-rollback marks),
//!    and a list received while the clock is behind flags itself as dated
//!    after this device's clock.
//!
//! [`CLOCK_TOLERANCE`]: crate::limits::CLOCK_TOLERANCE

use crate::limits::CLOCK_TOLERANCE;

/// The floor a time written by someone else may raise a clock to, when it
/// is received at `clock`.
pub(crate) fn floor_of(written: u64, clock: u64) -> u64 {
    written.min(clock.saturating_add(CLOCK_TOLERANCE))
}

/// Whether a written time lies beyond `clock` plus the tolerance.
pub(crate) fn is_from_the_future(written: u64, clock: u64) -> bool {
    written > clock.saturating_add(CLOCK_TOLERANCE)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_time_counts_only_up_to_the_clock_plus_the_tolerance() {
        assert_eq!(floor_of(100, 1_000), 100);
        assert_eq!(
            floor_of(1_000 + CLOCK_TOLERANCE, 1_000),
            1_000 + CLOCK_TOLERANCE
        );
        assert_eq!(floor_of(u64::MAX, 1_000), 1_000 + CLOCK_TOLERANCE);
        assert_eq!(floor_of(u64::MAX, u64::MAX), u64::MAX);
        assert!(!is_from_the_future(1_000 + CLOCK_TOLERANCE, 1_000));
        assert!(is_from_the_future(1_001 + CLOCK_TOLERANCE, 1_000));
        assert!(!is_from_the_future(u64::MAX, u64::MAX));
    }
}
