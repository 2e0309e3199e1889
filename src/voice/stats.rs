//! Counters the voice stage updates (relaxed atomics) and any thread reads.

use std::sync::atomic::{AtomicU64, Ordering};

/// What the voice stage and its handles have done so far.
#[derive(Debug, Default)]
pub struct VoiceStats {
    pub(crate) started: AtomicU64,
    pub(crate) ended: AtomicU64,
    pub(crate) stolen: AtomicU64,
    pub(crate) hard_cuts: AtomicU64,
    pub(crate) choked: AtomicU64,
    pub(crate) late: AtomicU64,
    pub(crate) dropped: AtomicU64,
    pub(crate) missing_samples: AtomicU64,
    pub(crate) active: AtomicU64,
}

macro_rules! getter {
    ($($(#[$doc:meta])* $name:ident;)*) => {$(
        $(#[$doc])*
        pub fn $name(&self) -> u64 {
            self.$name.load(Ordering::Relaxed)
        }
    )*};
}

impl VoiceStats {
    getter! {
        /// Voices started.
        started;
        /// Voices that finished (their release ended, their sample ended, or they were cut).
        ended;
        /// Voices stolen because the pool was full (each fades out over `steal_fade_ms`).
        stolen;
        /// Stolen voices cut without a fade because every fade slot was busy.
        hard_cuts;
        /// Voices faded out by a newer voice of their choke group.
        choked;
        /// Events that reached the audio thread after their frame (played at once).
        late;
        /// Events dropped because the audio thread's pending list was full.
        dropped;
        /// Events whose sample name is not in the library (warned and skipped).
        missing_samples;
        /// Voices sounding at the end of the last block (fading ones included).
        active;
    }

    /// Adds `n` to a counter.
    // audio thread: no alloc, lock, I/O or print
    #[inline]
    pub(crate) fn add(counter: &AtomicU64, n: u64) {
        if n > 0 {
            counter.fetch_add(n, Ordering::Relaxed);
        }
    }
}
