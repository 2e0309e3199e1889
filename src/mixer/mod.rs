//! The mixer: tracks read from their rings and are mixed, with smoothed gain and pan, into a
//! bus or the master; buses are mixed into the master.
//!
//! Everything here runs on the audio thread. Buffers are interleaved stereo f32 and are
//! allocated before rendering starts.

mod envelope;
mod kernel;
mod strip;
mod track;

pub use envelope::{Envelope, Fade};
pub use kernel::{mix_into, mix_into_enveloped, mix_into_ramped};
pub use strip::{Send, Strip};
pub use track::{BlockOutcome, Fill, Track, TrackState};

use crate::dsp::{db_to_gain, Smoothed};

/// Where a track or bus sends its output.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Destination {
    /// Straight to the master.
    Master,
    /// To the bus with this index.
    Bus(usize),
}

/// Gain, pan, mute and solo of a track, as the control side sets them.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Channel {
    /// Gain in dB.
    pub gain_db: f32,
    /// Pan position, −1 (left) ..= 1 (right); see [`crate::dsp::pan_gains`].
    pub pan: f32,
    /// Muted.
    pub mute: bool,
    /// Soloed: while any track is soloed, only soloed tracks are heard.
    pub solo: bool,
}

impl Default for Channel {
    fn default() -> Self {
        Self {
            gain_db: 0.0,
            pan: 0.0,
            mute: false,
            solo: false,
        }
    }
}

impl Channel {
    /// The linear (left, right) gains this channel asks for, given whether any track is soloed.
    pub fn stereo_gains(&self, any_solo: bool) -> (f32, f32) {
        if self.mute || (any_solo && !self.solo) {
            return (0.0, 0.0);
        }
        let g = db_to_gain(self.gain_db);
        let (l, r) = crate::dsp::pan_gains(self.pan);
        (g * l, g * r)
    }
}

/// A bus: a sum of tracks with its own gain and pan, mixed into the master.
///
/// # Real-time
/// `process` neither allocates nor locks.
pub struct Bus {
    /// The sum of the tracks routed here for the current block.
    pub buffer: Vec<f32>,
    /// The bus's channel settings (solo is ignored on buses).
    pub channel: Channel,
    gain_l: Smoothed,
    gain_r: Smoothed,
}

impl Bus {
    /// A bus with a buffer for `block_frames` stereo frames.
    pub fn new(channel: Channel, block_frames: usize, ramp_frames: u32) -> Self {
        let (l, r) = channel.stereo_gains(false);
        Self {
            buffer: vec![0.0; block_frames * 2],
            channel,
            gain_l: Smoothed::new(l, ramp_frames),
            gain_r: Smoothed::new(r, ramp_frames),
        }
    }

    /// Mixes the bus buffer into `out` with the bus gain, then clears the buffer.
    // audio thread: no alloc, lock, I/O or print
    pub fn process(&mut self, out: &mut [f32]) {
        let (l, r) = self.channel.stereo_gains(false);
        self.gain_l.set(l);
        self.gain_r.set(r);
        let n = out.len();
        mix_into_ramped(
            &mut out[..n],
            &self.buffer[..n],
            &mut self.gain_l,
            &mut self.gain_r,
        );
        self.buffer[..n].fill(0.0);
    }
}
