//! A track on the audio thread: its ring, its position in the song and its smoothed gains.

use super::{mix_into_enveloped, mix_into_ramped, Channel, Destination, Envelope};
use crate::dsp::Smoothed;
use crate::source::ring::TrackRing;

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

/// What happened to a track in one block.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BlockOutcome {
    /// It played (or had nothing to play yet, or has ended).
    Played,
    /// Its ring was short: it was silent for the block and will skip what it missed.
    Underrun,
    /// It is refilling after a seek: silent for the block, not counted as an underrun.
    Refilling,
}

/// A track as the renderer sees it.
///
/// # Real-time
/// `process` and `seek` neither allocate nor lock. In [`Fill::Wait`] mode `process` may spin and
/// sleep while the decoder catches up, which is only used offline.
pub struct Track {
    ring: TrackRing,
    /// The track's settings.
    pub channel: Channel,
    /// Where its output goes.
    pub destination: Destination,
    start_frame: u64,
    state: TrackState,
    gain_l: Smoothed,
    gain_r: Smoothed,
    popped: u64,
    owed_frames: u64,
    seeking: Option<u64>,
    discard_to: Option<u64>,
    rejoining: bool,
    envelope: Option<Envelope>,
    envelope_gains: Vec<f32>,
    level: (f32, f32),
    /// Whether to measure the level of each block (for meters; off costs nothing).
    pub metered: bool,
}

impl Track {
    /// A track that reads `ring` and starts playing at song frame `start_frame`.
    pub fn new(
        ring: TrackRing,
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
            popped: 0,
            owed_frames: 0,
            seeking: None,
            discard_to: None,
            rejoining: false,
            envelope: None,
            envelope_gains: Vec::new(),
            level: (0.0, 0.0),
            metered: false,
        }
    }

    /// Gives the track a gain curve over the song (take switching); `block_frames` is the largest
    /// block it will render. Call before rendering starts: it allocates.
    pub fn set_envelope(&mut self, envelope: Option<Envelope>, block_frames: usize) {
        self.envelope_gains = if envelope.is_some() {
            vec![0.0; block_frames]
        } else {
            Vec::new()
        };
        self.envelope = envelope;
    }

    /// The track's state.
    pub fn state(&self) -> TrackState {
        self.state
    }

    /// True if the ring holds `frames` frames, or the decoder has ended (control side, before
    /// rendering starts: used to pre-roll real-time playback).
    pub fn is_primed(&self, frames: usize) -> bool {
        self.ring.consumer.slots() / 2 >= frames || self.ring.link.end_pushed().is_some()
    }

    /// The (peak, RMS) of what the track played in its last block, after its gains.
    pub fn level(&self) -> (f32, f32) {
        self.level
    }

    /// Moves the track to song frame `song_frame`: its decoder is asked to restart there, and
    /// until the new frames arrive the track is silent and keeps count of the time that passes,
    /// so that it rejoins in sync.
    // audio thread: no alloc, lock, I/O or print
    pub fn seek(&mut self, song_frame: u64) {
        let local = song_frame.saturating_sub(self.start_frame);
        self.seeking = Some(self.ring.link.request_seek(local));
        self.discard_to = None;
        self.rejoining = true;
        self.owed_frames = 0;
        self.state = TrackState::Active;
    }

    /// Mixes this block's frames into `out`, which covers song frames
    /// `block_start .. block_start + out.len() / 2`.
    // audio thread: no alloc, lock, I/O or print
    pub fn process(
        &mut self,
        out: &mut [f32],
        block_start: u64,
        any_solo: bool,
        fill: Fill,
    ) -> BlockOutcome {
        let frames = out.len() / 2;
        self.level = (0.0, 0.0);
        if self.state != TrackState::Active || self.start_frame >= block_start + frames as u64 {
            return BlockOutcome::Played;
        }
        let offset = self.start_frame.saturating_sub(block_start) as usize;
        let need = frames - offset;
        let Some((available, ended)) = self.available(need, fill) else {
            self.owed_frames += need as u64;
            return BlockOutcome::Refilling;
        };
        if available < need && !ended {
            self.owed_frames += need as u64;
            return BlockOutcome::Underrun;
        }
        let take = available.min(need);
        let (l, r) = self.channel.stereo_gains(any_solo);
        self.gain_l.set(l);
        self.gain_r.set(r);
        let envelope = self.envelope_gain(block_start + offset as u64, take);
        if let Ok(chunk) = self.ring.consumer.read_chunk(take * 2) {
            let (a, b) = chunk.as_slices();
            let out = &mut out[offset * 2..(offset + take) * 2];
            match envelope {
                Some(0.0) => {}
                Some(_) => {
                    mix_into_ramped(&mut out[..a.len()], a, &mut self.gain_l, &mut self.gain_r);
                    mix_into_ramped(&mut out[a.len()..], b, &mut self.gain_l, &mut self.gain_r);
                }
                None => {
                    let (env_a, env_b) = self.envelope_gains[..take].split_at(a.len() / 2);
                    let (gl, gr) = (&mut self.gain_l, &mut self.gain_r);
                    mix_into_enveloped(&mut out[..a.len()], a, gl, gr, env_a);
                    mix_into_enveloped(&mut out[a.len()..], b, gl, gr, env_b);
                }
            }
            if self.metered {
                self.level = level(a, b, self.gain_l.current(), self.gain_r.current(), envelope);
            }
            chunk.commit_all();
            self.popped += take as u64 * 2;
        }
        if take < need {
            self.state = TrackState::Ended {
                at_frame: block_start + (offset + take) as u64,
            };
        }
        BlockOutcome::Played
    }

    /// The envelope's gain if constant over the next `frames` frames from `song_frame` (1 without
    /// an envelope); otherwise `None`, with the per-frame gains in `envelope_gains`.
    fn envelope_gain(&mut self, song_frame: u64, frames: usize) -> Option<f32> {
        match &self.envelope {
            None => Some(1.0),
            Some(e) => e.fill(song_frame, &mut self.envelope_gains[..frames]),
        }
    }

    /// Frames ready in the ring (after stale data from before a seek and what an underrun owes
    /// have been skipped) and whether the decoder has ended; `None` while a seek is refilling.
    /// In `Wait` mode, waits until `need` frames are there or the decoder has ended.
    fn available(&mut self, need: usize, fill: Fill) -> Option<(usize, bool)> {
        let mut spins = 0u32;
        loop {
            if self.catch_up() {
                // Read the end first: samples pushed before it was announced are then visible.
                let end = self.ring.link.end_pushed();
                let frames = self.ring.consumer.slots() / 2;
                let ended = end.is_some_and(|n| self.popped + frames as u64 * 2 >= n);
                if frames >= need || ended || fill == Fill::NoWait {
                    return Some((frames, ended));
                }
            } else if fill == Fill::NoWait {
                return None;
            }
            wait_a_little(&mut spins);
        }
    }

    /// Drops stale frames (from before a seek) and frames owed after an underrun or a seek.
    /// Returns false while the decoder has not yet answered a seek or stale frames remain.
    fn catch_up(&mut self) -> bool {
        if let Some(generation) = self.seeking {
            match self.ring.link.acknowledged(generation) {
                Some(pushed) => {
                    self.discard_to = Some(pushed);
                    self.seeking = None;
                }
                None => return false,
            }
        }
        if let Some(to) = self.discard_to {
            let stale = (to.saturating_sub(self.popped) as usize).min(self.ring.consumer.slots());
            self.skip_samples(stale);
            if self.popped < to {
                return false;
            }
            self.discard_to = None;
        }
        if self.rejoining {
            // Rejoin only with some frames in hand, so that the track does not underrun at once.
            let frames = (self.ring.consumer.slots() / 2) as u64;
            let ended = self.ring.link.end_pushed().is_some();
            if frames < self.owed_frames + REJOIN_MARGIN_FRAMES && !ended {
                return false;
            }
            self.rejoining = false;
        }
        if self.owed_frames > 0 {
            let frames = (self.owed_frames as usize).min(self.ring.consumer.slots() / 2);
            self.skip_samples(frames * 2);
            self.owed_frames -= frames as u64;
        }
        true
    }

    fn skip_samples(&mut self, samples: usize) {
        if let Ok(chunk) = self.ring.consumer.read_chunk(samples) {
            chunk.commit_all();
            self.popped += samples as u64;
        }
    }
}

/// Peak and RMS of a block in two slices, scaled by the larger channel gain (and the envelope,
/// if constant; a crossfading envelope is taken at 1).
// audio thread: no alloc, lock, I/O or print
fn level(a: &[f32], b: &[f32], gain_l: f32, gain_r: f32, envelope: Option<f32>) -> (f32, f32) {
    const LANES: usize = 8;
    let gain = gain_l.max(gain_r) * envelope.unwrap_or(1.0);
    // Eight independent lanes, so that the loop vectorises.
    let (mut peak, mut sum) = ([0.0f32; LANES], [0.0f32; LANES]);
    for part in [a, b] {
        let chunks = part.chunks_exact(LANES);
        let rest = chunks.remainder();
        for c in chunks {
            for k in 0..LANES {
                peak[k] = if c[k].abs() > peak[k] {
                    c[k].abs()
                } else {
                    peak[k]
                };
                sum[k] += c[k] * c[k];
            }
        }
        for (k, s) in rest.iter().enumerate() {
            peak[k] = peak[k].max(s.abs());
            sum[k] += s * s;
        }
    }
    let peak = peak.iter().fold(0.0f32, |m, p| m.max(*p));
    let n = (a.len() + b.len()).max(1) as f32;
    (peak * gain, (sum.iter().sum::<f32>() / n).sqrt() * gain)
}

/// Frames a track must have ready beyond what it owes before it rejoins after a seek.
const REJOIN_MARGIN_FRAMES: u64 = 2048;

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn level_is_peak_and_rms_after_gain() {
        let a: Vec<f32> = (0..19).map(|i| if i == 11 { -2.0 } else { 0.0 }).collect();
        let b = [1.0f32; 5];
        let (peak, rms) = level(&a, &b, 0.5, 0.25, Some(1.0));
        assert_eq!(peak, 1.0);
        assert!((rms - (9.0f32 / 24.0).sqrt() * 0.5).abs() < 1e-6);
    }
}
