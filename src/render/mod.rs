//! The renderer: the one place where audio is made.
//!
//! Every output — offline file, benchmark, and later the sound card and the stdout stream —
//! pulls fixed-size blocks from a [`Renderer`]. Each block: apply pending commands, mix every
//! track into its bus or the master, mix the buses into the master, apply the master gain.
//! All buffers are allocated when the renderer is built.

mod command;
mod engine;
mod fx;
mod song;
mod stats;
mod transport;

pub use command::{ChainId, Command, RendererHandle};
pub use engine::{ControlError, Engine};
pub use song::{BusSpec, Playback, SendSpec, Song, SongError, TrackSpec, VoiceMixSpec};
pub use stats::{BudgetReport, RenderStats};

use std::sync::Arc;
use std::time::Instant;

use crate::dsp::Smoothed;
use crate::mixer::{BlockOutcome, Bus, Destination, Fill, Track, TrackState};
use crate::voice::VoiceStage;
use transport::{Pending, Transport};

/// A block that took longer than the slow-block threshold, logged from a control thread.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SlowBlock {
    /// The block's song position, in frames.
    pub position_frames: u64,
    /// How long it took to render.
    pub elapsed_ns: u64,
    /// Its real-time budget.
    pub budget_ns: u64,
    /// Tracks that were playing.
    pub active_tracks: u32,
    /// Voices that were sounding.
    pub active_voices: u32,
    /// Effects in the mix (tracks, buses, master).
    pub effects: u32,
}

/// Engine-wide settings.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EngineConfig {
    /// The engine (and output) sample rate in Hz, 8000 ..= 384000.
    pub rate: u32,
    /// Frames per block: a power of two from 16 to 4096.
    pub block_frames: usize,
    /// How long gain and pan changes take, in milliseconds.
    pub smoothing_ms: f32,
    /// How long the fades of pause, stop and seek take, in milliseconds.
    pub transport_fade_ms: f32,
    /// A block that takes longer than this fraction of its budget is logged (0.5 = 50 %).
    pub slow_block_threshold: f32,
}

impl Default for EngineConfig {
    fn default() -> Self {
        Self {
            rate: 48_000,
            block_frames: 128,
            smoothing_ms: 5.0,
            transport_fade_ms: 5.0,
            slow_block_threshold: 0.5,
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

    /// The transport fade length in frames.
    pub fn fade_frames(&self) -> u32 {
        (self.transport_fade_ms / 1000.0 * self.rate as f32)
            .round()
            .max(1.0) as u32
    }

    /// One block's duration in real time: its render budget.
    pub fn block_budget(&self) -> std::time::Duration {
        std::time::Duration::from_secs_f64(self.block_frames as f64 / self.rate as f64)
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
    transport: Transport,
    commands: rtrb::Consumer<Command>,
    stats: Arc<RenderStats>,
    slow_log: rtrb::Producer<SlowBlock>,
    voices: VoiceStage,
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

    /// Once every track has ended (and every voice, with no voice event left to come), the song
    /// frame at which the last one fell silent: the length of the material. `None` while any
    /// track or voice is still playing.
    pub fn end_frame(&self) -> Option<u64> {
        let tracks = self
            .tracks
            .iter()
            .try_fold(0u64, |end, t| match t.state() {
                TrackState::Ended { at_frame } => Some(end.max(at_frame)),
                TrackState::Active => None,
            })?;
        Some(tracks.max(self.voices.end_frame()?))
    }

    /// The voice stage (active voice count, end of the voices).
    pub fn voices(&self) -> &VoiceStage {
        &self.voices
    }

    /// Waits (up to `timeout`) until every track's ring holds `frames` frames or its decoder has
    /// ended, so that real-time playback does not start with underruns. Returns false on timeout.
    /// Call on the control thread before handing the renderer to a real-time output.
    pub fn prime(&self, frames: usize, timeout: std::time::Duration) -> bool {
        let started = Instant::now();
        while !self.tracks.iter().all(|t| t.is_primed(frames)) {
            if started.elapsed() > timeout {
                return false;
            }
            std::thread::sleep(std::time::Duration::from_millis(2));
        }
        true
    }

    /// True while the transport plays (not paused or stopped).
    pub fn is_playing(&self) -> bool {
        self.transport.playing
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
    /// shorter slice renders fewer frames). Its render time is measured against its budget.
    // audio thread: no alloc, lock, I/O or print
    pub fn process(&mut self, out: &mut [f32]) {
        let started = Instant::now();
        let len = out.len().min(self.config.block_frames * 2) & !1;
        let out = &mut out[..len];
        out.fill(0.0);
        self.apply_commands();
        if !self.transport.playing {
            self.stats.set_transport(self.frame, false);
            return;
        }
        let (active, track_resets) = self.mix_tracks(out);
        let voice_resets = self.mix_voices(out);
        let resets = track_resets + voice_resets + self.fx.mix_buses(&mut self.buses, out);
        self.stats.record_effect_resets(resets);
        if self.master_gain.is_ramping() || self.master_gain.current() != 1.0 {
            for frame in out.chunks_exact_mut(2) {
                let g = self.master_gain.next();
                frame[0] *= g;
                frame[1] *= g;
            }
        }
        self.frame += (len / 2) as u64;
        match self.transport.apply(out) {
            Some(Pending::Seek(frame)) => self.seek_now(frame),
            Some(Pending::Stop) => self.seek_now(0),
            _ => {}
        }
        self.stats.set_transport(self.frame, self.transport.playing);
        self.record_time(started, active);
    }

    /// Mixes the voices into the master, or through their strip (effects, fader, sends) into
    /// their bus; returns how many effects were reset.
    fn mix_voices(&mut self, out: &mut [f32]) -> u64 {
        match &mut self.fx.voice_strip {
            None => {
                self.voices.process(out, self.frame);
                0
            }
            Some((strip, dest)) => {
                self.voices.process(strip.input(out.len()), self.frame);
                strip.finish(out.len(), false, *dest, out, &mut self.buses)
            }
        }
    }

    /// Mixes every track (through its strip of effects and sends, if it has one) into its bus
    /// or the master; returns how many were playing and how many effects were reset.
    fn mix_tracks(&mut self, out: &mut [f32]) -> (u32, u64) {
        let any_solo = self.tracks.iter().any(|t| t.channel.solo);
        let len = out.len();
        let (mut active, mut resets) = (0, 0);
        let metering = self.stats.is_metering();
        for (i, track) in self.tracks.iter_mut().enumerate() {
            track.metered = metering;
            active += (track.state() == TrackState::Active) as u32;
            let outcome = if let Some(strip) = self.fx.strip(i) {
                let outcome = track.process(strip.input(len), self.frame, any_solo, self.fill);
                resets += strip.finish(len, any_solo, track.destination, out, &mut self.buses);
                outcome
            } else {
                let target = match track.destination {
                    Destination::Master => &mut *out,
                    Destination::Bus(b) => &mut self.buses[b].buffer[..len],
                };
                track.process(target, self.frame, any_solo, self.fill)
            };
            if outcome == BlockOutcome::Underrun {
                self.stats.record_underrun(i);
            }
            if metering {
                let (peak, rms) = track.level();
                self.stats.record_level(i, peak, rms);
            }
        }
        (active, resets)
    }

    fn record_time(&mut self, started: Instant, active_tracks: u32) {
        let elapsed_ns = started.elapsed().as_nanos() as u64;
        let budget_ns = self.stats.budget().as_nanos() as u64;
        // Offline renders wait for their decoders by design: only real time has slow blocks.
        let slow = self.fill == Fill::NoWait
            && elapsed_ns as f64 > budget_ns as f64 * self.config.slow_block_threshold as f64;
        self.stats.record_block(elapsed_ns, slow);
        if slow {
            let _ = self.slow_log.push(SlowBlock {
                position_frames: self.frame,
                elapsed_ns,
                budget_ns,
                active_tracks,
                active_voices: self.voices.active_voices() as u32,
                effects: self.fx.effect_count() as u32,
            });
        }
    }

    fn seek_now(&mut self, frame: u64) {
        self.frame = frame;
        for track in &mut self.tracks {
            track.seek(frame);
        }
        self.voices.seek(frame);
    }

    fn request(&mut self, action: Pending) {
        match self.transport.request(action) {
            Some(Pending::Seek(frame)) => self.seek_now(frame),
            Some(Pending::Stop) => self.seek_now(0),
            _ => {}
        }
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
                Command::Play => self.transport.play(),
                Command::Pause => self.request(Pending::Pause),
                Command::Stop => self.request(Pending::Stop),
                Command::Seek { frame } => self.request(Pending::Seek(frame)),
                other => self.fx.apply(other),
            }
        }
    }
}
