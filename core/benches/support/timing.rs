//! Medians taken round-robin: on a shared machine a burst of load then
//! falls on every case compared, not on whichever ran during it.

use std::time::{Duration, Instant};

/// For each case, the median over `runs` rounds of the time of `per`
/// consecutive calls, divided by `per * divide` (e.g. per signature). Each
/// round times every case once, in turn.
pub fn interleaved_medians(
    runs: usize,
    per: usize,
    divide: usize,
    cases: &mut [&mut dyn FnMut()],
) -> Vec<Duration> {
    let mut times = vec![Vec::with_capacity(runs); cases.len()];
    for _ in 0..runs {
        for (case, times) in cases.iter_mut().zip(&mut times) {
            let start = Instant::now();
            for _ in 0..per {
                case();
            }
            times.push(start.elapsed());
        }
    }
    times
        .into_iter()
        .map(|mut times| {
            times.sort();
            times[runs / 2] / (per * divide) as u32
        })
        .collect()
}

/// `a / b`.
pub fn ratio(a: Duration, b: Duration) -> f64 {
    a.as_secs_f64() / b.as_secs_f64()
}
