//! Counters the audio thread updates and any thread reads.

use std::sync::atomic::{AtomicU64, Ordering};

/// What the renderer has done so far. Updated with relaxed atomics on the audio thread.
#[derive(Debug, Default)]
pub struct RenderStats {
    blocks: AtomicU64,
    underruns: AtomicU64,
    effect_resets: AtomicU64,
}

impl RenderStats {
    /// Records one rendered block and the number of tracks that underran in it.
    // audio thread: no alloc, lock, I/O or print
    pub fn record_block(&self, underruns: u64) {
        self.blocks.fetch_add(1, Ordering::Relaxed);
        if underruns > 0 {
            self.underruns.fetch_add(underruns, Ordering::Relaxed);
        }
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
}
