//! A track's ring: the SPSC queue of stereo frames from its decoder, and the few atomics that
//! let the audio thread ask for a seek and learn where the track ends, without locks.
//!
//! **Seeking.** The audio thread stores a target frame and bumps `requested`. The decoder
//! thread sees it, repositions its reader, records how many samples it had pushed in total
//! (`acked_pushed`) and then acknowledges the generation (`acked`). Everything in the ring
//! before sample number `acked_pushed` is stale and the consumer discards it; everything after
//! starts at the target frame. The audio thread never waits for any of this.
//!
//! **Ending.** When its reader ends, the decoder stores the total it pushed in `end_pushed`; the
//! track has ended once it has popped that many samples.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

/// The atomics a track and its decoder share.
#[derive(Debug)]
pub struct RingLink {
    requested: AtomicU64,
    target_frame: AtomicU64,
    acked: AtomicU64,
    acked_pushed: AtomicU64,
    end_pushed: AtomicU64,
}

impl Default for RingLink {
    fn default() -> Self {
        Self {
            requested: AtomicU64::new(0),
            target_frame: AtomicU64::new(0),
            acked: AtomicU64::new(0),
            acked_pushed: AtomicU64::new(0),
            end_pushed: AtomicU64::new(u64::MAX),
        }
    }
}

impl RingLink {
    /// Audio side: asks the decoder to restart at `frame` (engine frames from the track's start);
    /// returns the request's generation.
    // audio thread: no alloc, lock, I/O or print
    pub fn request_seek(&self, frame: u64) -> u64 {
        self.target_frame.store(frame, Ordering::Relaxed);
        self.requested.fetch_add(1, Ordering::Release) + 1
    }

    /// Audio side: `Some(n)` once the decoder has acknowledged generation `generation`, where `n`
    /// is the number of samples pushed before the new data starts.
    pub fn acknowledged(&self, generation: u64) -> Option<u64> {
        (self.acked.load(Ordering::Acquire) >= generation)
            .then(|| self.acked_pushed.load(Ordering::Relaxed))
    }

    /// Audio side: the total number of samples the decoder will ever push, once known.
    pub fn end_pushed(&self) -> Option<u64> {
        Some(self.end_pushed.load(Ordering::Acquire)).filter(|&n| n != u64::MAX)
    }

    /// Decoder side: a seek request not yet acknowledged, as `(generation, target_frame)`.
    pub fn pending_seek(&self, acked: u64) -> Option<(u64, u64)> {
        let generation = self.requested.load(Ordering::Acquire);
        (generation > acked).then(|| (generation, self.target_frame.load(Ordering::Relaxed)))
    }

    /// Decoder side: the reader has been repositioned; new data starts after `pushed` samples.
    pub fn acknowledge(&self, generation: u64, pushed: u64) {
        self.end_pushed.store(u64::MAX, Ordering::Relaxed);
        self.acked_pushed.store(pushed, Ordering::Relaxed);
        self.acked.store(generation, Ordering::Release);
    }

    /// Decoder side: the reader has ended after `pushed` samples in total.
    pub fn mark_end(&self, pushed: u64) {
        self.end_pushed.store(pushed, Ordering::Release);
    }
}

/// The consumer end of a track's ring, with its link to the decoder.
pub struct TrackRing {
    /// Interleaved stereo samples from the decoder.
    pub consumer: rtrb::Consumer<f32>,
    /// Seek and end signals shared with the decoder.
    pub link: Arc<RingLink>,
}
