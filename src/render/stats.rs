//! What the renderer has done, measured on the audio thread and read from any thread: block
//! render times against their real-time budget (a lock-free histogram), underruns per track,
//! device xruns, and the transport position.

use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, Ordering};
use std::time::Duration;

/// Histogram resolution: one bucket per 0.1 % of the budget, up to 200 %; the last bucket holds
/// everything slower.
const BUCKETS: usize = 2001;

/// Counters the audio thread updates with relaxed atomics and any thread reads.
#[derive(Debug)]
pub struct RenderStats {
    budget_ns: u64,
    blocks: AtomicU64,
    histogram: Box<[AtomicU64]>,
    max_ns: AtomicU64,
    over_budget: AtomicU64,
    slow_blocks: AtomicU64,
    underruns: AtomicU64,
    track_underruns: Box<[AtomicU64]>,
    track_peaks: Box<[AtomicU32]>,
    track_rms: Box<[AtomicU32]>,
    xruns: AtomicU64,
    effect_resets: AtomicU64,
    position_frames: AtomicU64,
    playing: AtomicBool,
    metering: AtomicBool,
}

/// A summary of block render times, as fractions of the real-time budget.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BudgetReport {
    /// Blocks measured.
    pub blocks: u64,
    /// Median render time, % of budget.
    pub p50_percent: f64,
    /// 99th percentile, % of budget.
    pub p99_percent: f64,
    /// Slowest block, % of budget.
    pub max_percent: f64,
    /// Blocks that took longer than their budget.
    pub over_budget: u64,
    /// Blocks over the slow-block threshold (logged).
    pub slow_blocks: u64,
}

impl RenderStats {
    /// Stats for `tracks` tracks, with blocks of `budget` (the block's duration in real time).
    pub fn new(tracks: usize, budget: Duration) -> Self {
        Self {
            budget_ns: budget.as_nanos().max(1) as u64,
            blocks: AtomicU64::new(0),
            histogram: (0..BUCKETS).map(|_| AtomicU64::new(0)).collect(),
            max_ns: AtomicU64::new(0),
            over_budget: AtomicU64::new(0),
            slow_blocks: AtomicU64::new(0),
            underruns: AtomicU64::new(0),
            track_underruns: (0..tracks).map(|_| AtomicU64::new(0)).collect(),
            track_peaks: (0..tracks).map(|_| AtomicU32::new(0)).collect(),
            track_rms: (0..tracks).map(|_| AtomicU32::new(0)).collect(),
            xruns: AtomicU64::new(0),
            effect_resets: AtomicU64::new(0),
            position_frames: AtomicU64::new(0),
            playing: AtomicBool::new(true),
            metering: AtomicBool::new(false),
        }
    }

    /// The real-time budget of one block.
    pub fn budget(&self) -> Duration {
        Duration::from_nanos(self.budget_ns)
    }

    /// Records one rendered block that took `elapsed_ns`; `slow` if it crossed the log threshold.
    // audio thread: no alloc, lock, I/O or print
    pub fn record_block(&self, elapsed_ns: u64, slow: bool) {
        self.blocks.fetch_add(1, Ordering::Relaxed);
        let bucket =
            (elapsed_ns.saturating_mul(1000) / self.budget_ns).min(BUCKETS as u64 - 1) as usize;
        self.histogram[bucket].fetch_add(1, Ordering::Relaxed);
        self.max_ns.fetch_max(elapsed_ns, Ordering::Relaxed);
        if elapsed_ns > self.budget_ns {
            self.over_budget.fetch_add(1, Ordering::Relaxed);
        }
        if slow {
            self.slow_blocks.fetch_add(1, Ordering::Relaxed);
        }
    }

    /// Records that track `track` underran for one block.
    // audio thread: no alloc, lock, I/O or print
    pub fn record_underrun(&self, track: usize) {
        self.underruns.fetch_add(1, Ordering::Relaxed);
        if let Some(c) = self.track_underruns.get(track) {
            c.fetch_add(1, Ordering::Relaxed);
        }
    }

    /// Turns per-track level meters on (they cost a pass over each track's block, so they are
    /// off until a meter display asks for them).
    pub fn enable_metering(&self) {
        self.metering.store(true, Ordering::Relaxed);
    }

    /// Whether per-track meters are on.
    pub fn is_metering(&self) -> bool {
        self.metering.load(Ordering::Relaxed)
    }

    /// Records a track's level in the last block (post-fader): its peak is kept until read.
    // audio thread: no alloc, lock, I/O or print
    pub fn record_level(&self, track: usize, peak: f32, rms: f32) {
        // Non-negative floats order like their bit patterns.
        if let (Some(p), Some(r)) = (self.track_peaks.get(track), self.track_rms.get(track)) {
            p.fetch_max(peak.to_bits(), Ordering::Relaxed);
            r.store(rms.to_bits(), Ordering::Relaxed);
        }
    }

    /// Each track's peak since the last call (which resets it) and RMS of its last block.
    pub fn take_levels(&self) -> Vec<(f32, f32)> {
        self.track_peaks
            .iter()
            .zip(self.track_rms.iter())
            .map(|(p, r)| {
                (
                    f32::from_bits(p.swap(0, Ordering::Relaxed)),
                    f32::from_bits(r.load(Ordering::Relaxed)),
                )
            })
            .collect()
    }

    /// Records a device xrun (reported by the sound card's driver).
    pub fn record_xrun(&self) {
        self.xruns.fetch_add(1, Ordering::Relaxed);
    }

    /// Publishes the transport state.
    // audio thread: no alloc, lock, I/O or print
    pub fn set_transport(&self, position_frames: u64, playing: bool) {
        self.position_frames
            .store(position_frames, Ordering::Relaxed);
        self.playing.store(playing, Ordering::Relaxed);
    }

    /// Records effects reset by the chain guard (NaN, Inf or a blow-up) in one block.
    // audio thread: no alloc, lock, I/O or print
    pub fn record_effect_resets(&self, resets: u64) {
        if resets > 0 {
            self.effect_resets.fetch_add(resets, Ordering::Relaxed);
        }
    }

    /// Effects reset because their output was NaN, infinite or blew up.
    pub fn effect_resets(&self) -> u64 {
        self.effect_resets.load(Ordering::Relaxed)
    }

    /// Blocks rendered.
    pub fn blocks(&self) -> u64 {
        self.blocks.load(Ordering::Relaxed)
    }

    /// Track-blocks that played silence because their ring was short (real-time mode only).
    pub fn underruns(&self) -> u64 {
        self.underruns.load(Ordering::Relaxed)
    }

    /// Underruns of each track.
    pub fn track_underruns(&self) -> Vec<u64> {
        self.track_underruns
            .iter()
            .map(|c| c.load(Ordering::Relaxed))
            .collect()
    }

    /// Device xruns.
    pub fn xruns(&self) -> u64 {
        self.xruns.load(Ordering::Relaxed)
    }

    /// The song position in frames, as of the last block.
    pub fn position_frames(&self) -> u64 {
        self.position_frames.load(Ordering::Relaxed)
    }

    /// Whether the transport is playing.
    pub fn is_playing(&self) -> bool {
        self.playing.load(Ordering::Relaxed)
    }

    /// p50/p99/max and over-budget counts of the block render times so far.
    pub fn budget_report(&self) -> BudgetReport {
        let counts: Vec<u64> = self
            .histogram
            .iter()
            .map(|c| c.load(Ordering::Relaxed))
            .collect();
        let total: u64 = counts.iter().sum();
        let percentile = |p: f64| {
            let rank = ((total as f64 * p).ceil() as u64).max(1);
            let mut seen = 0;
            for (i, c) in counts.iter().enumerate() {
                seen += c;
                if seen >= rank {
                    return (i + 1) as f64 / 10.0;
                }
            }
            0.0
        };
        BudgetReport {
            blocks: total,
            p50_percent: if total > 0 { percentile(0.50) } else { 0.0 },
            p99_percent: if total > 0 { percentile(0.99) } else { 0.0 },
            max_percent: self.max_ns.load(Ordering::Relaxed) as f64 * 100.0 / self.budget_ns as f64,
            over_budget: self.over_budget.load(Ordering::Relaxed),
            slow_blocks: self.slow_blocks.load(Ordering::Relaxed),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_come_from_the_histogram() {
        let s = RenderStats::new(1, Duration::from_micros(1000));
        for i in 0..100u64 {
            s.record_block(i * 10_000, false); // 0 % .. 99 % of the budget
        }
        s.record_block(2_000_000, true);
        let r = s.budget_report();
        assert_eq!(r.blocks, 101);
        assert!((r.p50_percent - 50.1).abs() < 0.2, "{r:?}");
        assert!((r.p99_percent - 99.1).abs() < 0.2, "{r:?}");
        assert_eq!((r.max_percent, r.over_budget, r.slow_blocks), (200.0, 1, 1));
    }
}
