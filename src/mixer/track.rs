//! A track on the audio thread: its ring, its position in the song and its smoothed gains.

use rtrb::Consumer;

use super::{mix_into_ramped, Channel, Destination};
use crate::dsp::Smoothed;

/// Where a track is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TrackState {
    /// Playing or waiting for its start.
    Active,
    /// Its source has ended; its last frame was just before this song frame.
    Ended {
        /// The song frame at which the track fell silent.
        at_frame: u64,
    },
}

/// Whether the renderer may wait for a ring.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fill {
    /// Offline: wait until the ring has the frames (deterministic, never drops).
    Wait,
    /// Real time: never wait; a short ring is an underrun.
    NoWait,
}

/// A track as the renderer sees it.
///
/// # Real-time
/// `process` neither allocates nor locks. In [`Fill::Wait`] mode it may spin and sleep while the
/// decoder catches up, which is only used offline.
pub struct Track {
    ring: Consumer<f32>,
    /// The track's settings.
    pub channel: Channel,
    /// Where its output goes.
    pub destination: Destination,
    start_frame: u64,
    state: TrackState,
    gain_l: Smoothed,
    gain_r: Smoothed,
    owed_frames: usize,
}

impl Track {
    /// A track that reads `ring` and starts playing at song frame `start_frame`.
    pub fn new(
        ring: Consumer<f32>,
        channel: Channel,
        destination: Destination,
        start_frame: u64,
        ramp_frames: u32,
        any_solo: bool,
    ) -> Self {
        let (l, r) = channel.stereo_gains(any_solo);
        Self {
            ring,
            channel,
            destination,
            start_frame,
            state: TrackState::Active,
            gain_l: Smoothed::new(l, ramp_frames),
            gain_r: Smoothed::new(r, ramp_frames),
            owed_frames: 0,
        }
    }

    /// The track's state.
    pub fn state(&self) -> TrackState {
        self.state
    }

    /// Mixes this block's frames into `out`, which covers song frames
    /// `block_start .. block_start + out.len() / 2`. Returns true if the track underran.
    // audio thread: no alloc, lock, I/O or print
    pub fn process(
        &mut self,
        out: &mut [f32],
        block_start: u64,
        any_solo: bool,
        fill: Fill,
    ) -> bool {
        let frames = out.len() / 2;
        if self.state != TrackState::Active || self.start_frame >= block_start + frames as u64 {
            return false;
        }
        let offset = self.start_frame.saturating_sub(block_start) as usize;
        let need = frames - offset;
        let (available, abandoned) = self.available(need, fill);
        let underrun = available < need && !abandoned;
        if underrun {
            self.owed_frames += need;
            return true;
        }
        let take = available.min(need);
        let (l, r) = self.channel.stereo_gains(any_solo);
        self.gain_l.set(l);
        self.gain_r.set(r);
        if let Ok(chunk) = self.ring.read_chunk(take * 2) {
            let (a, b) = chunk.as_slices();
            let out = &mut out[offset * 2..];
            mix_into_ramped(&mut out[..a.len()], a, &mut self.gain_l, &mut self.gain_r);
            mix_into_ramped(
                &mut out[a.len()..a.len() + b.len()],
                b,
                &mut self.gain_l,
                &mut self.gain_r,
            );
            chunk.commit_all();
        }
        if take < need {
            self.state = TrackState::Ended {
                at_frame: block_start + (offset + take) as u64,
            };
        }
        false
    }

    /// Frames ready in the ring (after skipping what an earlier underrun owes) and whether the
    /// decoder has finished. In `Wait` mode, waits until `need` frames are there or the decoder
    /// has finished.
    fn available(&mut self, need: usize, fill: Fill) -> (usize, bool) {
        let mut spins = 0u32;
        loop {
            // Read `abandoned` first: frames pushed before the producer left are then visible.
            let abandoned = self.ring.is_abandoned();
            let mut frames = self.ring.slots() / 2;
            if self.owed_frames > 0 {
                let skip = self.owed_frames.min(frames);
                if let Ok(chunk) = self.ring.read_chunk(skip * 2) {
                    chunk.commit_all();
                }
                self.owed_frames -= skip;
                frames -= skip;
            }
            if frames >= need || abandoned || fill == Fill::NoWait {
                return (frames, abandoned);
            }
            wait_a_little(&mut spins);
        }
    }
}

/// Spins, then yields, then sleeps: cheap when the decoder is only just behind, gentle when it is
/// far behind. Offline only.
fn wait_a_little(spins: &mut u32) {
    *spins += 1;
    if *spins < 64 {
        std::hint::spin_loop();
    } else if *spins < 128 {
        std::thread::yield_now();
    } else {
        std::thread::sleep(std::time::Duration::from_micros(50));
    }
}
