//! The renderer: the one place where audio is made.
//!
//! Every output — offline file, benchmark, and later the sound card and the stdout stream —
//! pulls fixed-size blocks from a [`Renderer`]. Each block: apply pending commands, mix every
//! track into its bus or the master, mix the buses into the master, apply the master gain.
//! All buffers are allocated when the renderer is built.

mod command;
mod fx;
mod song;
mod stats;

pub use command::{ChainId, Command, RendererHandle};
pub use song::{BusSpec, Playback, SendSpec, Song, SongError, TrackSpec};
pub use stats::RenderStats;

use std::sync::Arc;

use crate::dsp::Smoothed;
use crate::mixer::{Bus, Destination, Fill, Track, TrackState};

/// Engine-wide settings.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EngineConfig {
    /// The engine (and output) sample rate in Hz, 8000 ..= 384000.
    pub rate: u32,
    /// Frames per block: a power of two from 16 to 4096.
    pub block_frames: usize,
    /// How long gain and pan changes take, in milliseconds.
    pub smoothing_ms: f32,
}

impl Default for EngineConfig {
    fn default() -> Self {
        Self {
            rate: 48_000,
            block_frames: 128,
            smoothing_ms: 5.0,
        }
    }
}

impl EngineConfig {
    /// Checks the rate and block size; the error text says what is wrong.
    pub fn validate(&self) -> Result<(), String> {
        if !(8_000..=384_000).contains(&self.rate) {
            return Err(format!(
                "rate {} Hz is out of range (8000 to 384000)",
                self.rate
            ));
        }
        if !self.block_frames.is_power_of_two() || !(16..=4096).contains(&self.block_frames) {
            return Err(format!(
                "block {} is not a power of two from 16 to 4096",
                self.block_frames
            ));
        }
        Ok(())
    }

    /// The smoothing ramp length in frames.
    pub fn ramp_frames(&self) -> u32 {
        (self.smoothing_ms / 1000.0 * self.rate as f32)
            .round()
            .max(1.0) as u32
    }
}

/// How the renderer treats a ring that is not yet filled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RenderMode {
    /// Wait for the decoders: never drops, deterministic. For files and benchmarks.
    Offline,
    /// Never wait: a track whose ring is short plays silence for the block, is counted as an
    /// underrun and skips what it missed so it stays in sync.
    RealTime,
}

/// Makes audio, one fixed-size block at a time.
///
/// # Real-time
/// [`Renderer::process`] never allocates, frees, locks, prints or does I/O. In
/// [`RenderMode::Offline`] it may wait (sleep) for a decoder, which is why real-time outputs use
/// [`RenderMode::RealTime`].
pub struct Renderer {
    config: EngineConfig,
    fill: Fill,
    tracks: Vec<Track>,
    buses: Vec<Bus>,
    master_gain: Smoothed,
    frame: u64,
    commands: rtrb::Consumer<Command>,
    stats: Arc<RenderStats>,
    fx: fx::RenderFx,
}

impl Renderer {
    /// The engine settings.
    pub fn config(&self) -> &EngineConfig {
        &self.config
    }

    /// The song position: frames rendered so far.
    pub fn position_frames(&self) -> u64 {
        self.frame
    }

    /// Shared counters, readable from any thread.
    pub fn stats(&self) -> &Arc<RenderStats> {
        &self.stats
    }

    /// Once every track has ended, the song frame at which the last one fell silent: the length
    /// of the material. `None` while any track is still playing.
    pub fn end_frame(&self) -> Option<u64> {
        self.tracks.iter().try_fold(0u64, |end, t| match t.state() {
            TrackState::Ended { at_frame } => Some(end.max(at_frame)),
            TrackState::Active => None,
        })
    }

    /// How many frames the effects keep sounding after the last track ends (reverb and delay
    /// tails, plus effect latencies); [`crate::output::render_offline`] renders them too.
    pub fn tail_frames(&self) -> usize {
        self.fx.tail_frames()
    }

    /// How many frames the effects delay the output (lookahead, block buffering).
    pub fn latency_frames(&self) -> usize {
        self.fx.latency_frames()
    }

    /// Renders the next block into `out`: interleaved stereo, `block_frames * 2` samples (a
    /// shorter slice renders fewer frames).
    // audio thread: no alloc, lock, I/O or print
    pub fn process(&mut self, out: &mut [f32]) {
        let len = out.len().min(self.config.block_frames * 2) & !1;
        let out = &mut out[..len];
        out.fill(0.0);
        self.apply_commands();
        let any_solo = self.tracks.iter().any(|t| t.channel.solo);
        let mut underruns = 0;
        let mut resets = 0;
        for (i, track) in self.tracks.iter_mut().enumerate() {
            if let Some(strip) = self.fx.strip(i) {
                underruns +=
                    track.process(strip.input(len), self.frame, any_solo, self.fill) as u64;
                resets += strip.finish(len, any_solo, track.destination, out, &mut self.buses);
                continue;
            }
            let target = match track.destination {
                Destination::Master => &mut *out,
                Destination::Bus(b) => &mut self.buses[b].buffer[..len],
            };
            underruns += track.process(target, self.frame, any_solo, self.fill) as u64;
        }
        resets += self.fx.mix_buses(&mut self.buses, out);
        if self.master_gain.is_ramping() || self.master_gain.current() != 1.0 {
            for frame in out.chunks_exact_mut(2) {
                let g = self.master_gain.next();
                frame[0] *= g;
                frame[1] *= g;
            }
        }
        self.frame += (len / 2) as u64;
        self.stats.record_block(underruns);
        self.stats.record_effect_resets(resets);
    }

    fn apply_commands(&mut self) {
        while let Ok(cmd) = self.commands.pop() {
            match cmd {
                Command::SetTrack { track, channel } => {
                    if let Some(t) = self.tracks.get_mut(track) {
                        t.channel = match self.fx.strip(track) {
                            Some(strip) => {
                                strip.channel = channel;
                                crate::mixer::Strip::inner_channel(&channel)
                            }
                            None => channel,
                        };
                    }
                }
                Command::SetBus { bus, channel } => {
                    if let Some(b) = self.buses.get_mut(bus) {
                        b.channel = channel;
                    }
                }
                Command::SetMasterGain { gain } => self.master_gain.set(gain),
                other => self.fx.apply(other),
            }
        }
    }
}
