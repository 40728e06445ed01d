//! Timing helpers shared by the benches (`mod timing;` in each): run an operation once
//! per input, untimed warm-up first, and report nearest-rank percentiles (p50, p99,
//! max) rather than a mean, with one table row per operation.

use std::time::{Duration, Instant};

/// Untimed calls before each measurement.
pub const WARM_UP: usize = 5;

/// Latency percentiles of one operation, and the mean number of items it returned.
pub struct Stats {
    pub runs: usize,
    pub p50: Duration,
    pub p99: Duration,
    pub max: Duration,
    pub mean_items: f64,
}

/// Runs `op` once per input, timing each call; `op` returns how many items it found.
/// The first few inputs are a warm-up (they prepare the cached statements) and are
/// not timed; each input is used once, so a registration never repeats.
pub fn time_each<I>(inputs: &[I], mut op: impl FnMut(&I) -> usize) -> Stats {
    let (warm_up, inputs) = inputs.split_at(WARM_UP.min(inputs.len()));
    for input in warm_up {
        op(input);
    }
    let mut times = Vec::with_capacity(inputs.len());
    let mut items = 0;
    for input in inputs {
        let start = Instant::now();
        items += op(input);
        times.push(start.elapsed());
    }
    times.sort_unstable();
    // Nearest rank: the smallest time that at least `p` percent of the calls beat or matched.
    let percentile = |p: usize| times[(times.len() * p).div_ceil(100) - 1];
    Stats {
        runs: inputs.len(),
        p50: percentile(50),
        p99: percentile(99),
        max: times[times.len() - 1],
        mean_items: items as f64 / inputs.len() as f64,
    }
}

/// The heading of the table [`print_row`] fills, after a blank line; `items` names the
/// last column (what the mean counts).
pub fn print_header(items: &str) {
    println!();
    println!("{:<36} {:>6} {:>10} {:>10} {:>10} {:>8}", "operation", "runs", "p50 µs", "p99 µs", "max µs", items);
}

/// One operation's row: runs, p50, p99 and max in µs, and the mean items found.
pub fn print_row(name: &str, s: &Stats) {
    let us = |d: Duration| d.as_secs_f64() * 1e6;
    println!(
        "{name:<36} {:>6} {:>10.1} {:>10.1} {:>10.1} {:>8.1}",
        s.runs,
        us(s.p50),
        us(s.p99),
        us(s.max),
        s.mean_items
    );
}
