//! Voices: short samples and synthesised notes, started by the API, by a session's timeline or
//! live over OSC (SuperDirt's `/dirt/play`).
//!
//! The pieces, control side first:
//! - [`SampleLibrary`]: a folder laid out like Dirt-Samples (`root/name/*.wav`), decoded and
//!   resampled to the engine rate when it is loaded; `"bd:3"` names the 4th file of `bd`.
//! - [`VoiceSpec`]: what a [`crate::render::Song`] says about voices: pool size, samples, a
//!   timeline of [`TimelineEvent`]s and a [`TempoMap`] for times in beats.
//! - [`VoiceHandle`]: cloneable and thread-safe; [`VoiceHandle::play`] starts a voice at an
//!   [`EventTime`] (frames, seconds or beats), from any thread.
//! - [`VoiceStage`]: the audio-thread part, run by the renderer after the tracks. A pool of
//!   voices allocated at start; starting, stealing and ending a voice never allocates. Events are
//!   applied on their exact frame, splitting the block there.
//! - [`dirt`]: SuperDirt's OSC keys mapped to [`VoiceParams`].
//!
//! Counters (voices started, stolen, choked, late or dropped events, missing samples) live in
//! [`VoiceStats`], updated with relaxed atomics and read from any thread.

pub mod dirt;
mod handle;
mod library;
mod player;
mod pool;
mod schedule;
mod stats;

use std::path::PathBuf;
use std::sync::Arc;

pub use handle::{VoiceHandle, VoiceId};
pub use library::{LibraryError, Sample, SampleBank, SampleId, SampleLibrary};
pub use pool::VoiceStage;
pub use schedule::{EventTime, TempoMap};
pub use stats::VoiceStats;

use crate::dsp::Waveform;

/// Settings of the voice pool.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct VoiceConfig {
    /// Voices that can sound at once (default 4096). When all are busy, the oldest is stolen.
    pub max_voices: usize,
    /// Extra slots where stolen voices fade out (default 256). When these are busy too, the
    /// oldest fading voice is cut at once (counted in [`VoiceStats::hard_cuts`]).
    pub fade_slots: usize,
    /// How long a stolen voice takes to fade out, in milliseconds (default 5).
    pub steal_fade_ms: f32,
    /// How long a voice cut by its choke group takes to fade out, in milliseconds (default 10).
    pub cut_fade_ms: f32,
    /// Capacity of the queue from the handles to the audio thread, in events (default 16384).
    pub queue_capacity: usize,
    /// Events that may wait on the audio thread for their frame (default 16384). Beyond that,
    /// new events are dropped and counted.
    pub pending_capacity: usize,
}

impl Default for VoiceConfig {
    fn default() -> Self {
        Self {
            max_voices: 4096,
            fade_slots: 256,
            steal_fade_ms: 5.0,
            cut_fade_ms: 10.0,
            queue_capacity: 16_384,
            pending_capacity: 16_384,
        }
    }
}

/// What a voice plays.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Sound {
    /// A sample of the library.
    Sample(SampleId),
    /// An oscillator.
    Synth {
        /// Its shape.
        waveform: Waveform,
        /// Its frequency in Hz (before `speed`/`note`).
        freq_hz: f32,
    },
}

/// How one voice plays. Times are in seconds; the handle turns them into frames.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct VoiceParams {
    /// The sample or oscillator.
    pub sound: Sound,
    /// Linear gain (1 = unity).
    pub gain: f32,
    /// Pan, −1 (left) ..= 1 (right), with the balance law of [`crate::dsp::pan_gains`].
    pub pan: f32,
    /// Playback rate (sampler) or frequency factor (synth); negative plays a sample backwards.
    pub speed: f64,
    /// Pitch shift in semitones, multiplied into the rate: `speed · 2^(note/12)`.
    pub note: f64,
    /// Where the sample starts, as a fraction of its length (0 ..= 1).
    pub begin: f64,
    /// Where the sample ends, as a fraction of its length (0 ..= 1).
    pub end: f64,
    /// Loop between `begin` and `end` until the gate closes.
    pub looping: bool,
    /// Attack time in seconds.
    pub attack_s: f64,
    /// Decay time in seconds.
    pub decay_s: f64,
    /// Sustain level, 0 ..= 1.
    pub sustain_level: f32,
    /// Release time in seconds.
    pub release_s: f64,
    /// How long the gate stays open, in seconds; `None`: until the sample ends (a synth or a
    /// looping sample then plays until stopped).
    pub length_s: Option<f64>,
    /// Choke group: a new voice in group `g ≠ 0` fades the other voices of `g` on the same orbit
    /// (for `g < 0`, only those playing the same sample).
    pub cut: i32,
    /// The orbit (SuperDirt's output bus); voices of different orbits never choke each other.
    pub orbit: u16,
    /// Low-pass filter cutoff in Hz (synth voices), or none.
    pub cutoff_hz: Option<f32>,
    /// Filter resonance, 0 ..= 1.
    pub resonance: f32,
}

impl VoiceParams {
    /// A one-shot of `sample` at unity gain and rate, centred, with a 1 ms release.
    pub fn sample(sample: SampleId) -> Self {
        Self::with_sound(Sound::Sample(sample))
    }

    /// A note of `waveform` at `freq_hz`, held until stopped unless `length_s` is set.
    pub fn synth(waveform: Waveform, freq_hz: f32) -> Self {
        Self {
            release_s: 0.01,
            ..Self::with_sound(Sound::Synth { waveform, freq_hz })
        }
    }

    pub(crate) fn with_sound(sound: Sound) -> Self {
        Self {
            sound,
            gain: 1.0,
            pan: 0.0,
            speed: 1.0,
            note: 0.0,
            begin: 0.0,
            end: 1.0,
            looping: false,
            attack_s: 0.0,
            decay_s: 0.0,
            sustain_level: 1.0,
            release_s: 0.001,
            length_s: None,
            cut: 0,
            orbit: 0,
            cutoff_hz: None,
            resonance: 0.0,
        }
    }
}

/// A sample held in memory, added to the library under `name` when the song starts.
#[derive(Debug, Clone)]
pub struct MemorySample {
    /// The name it is found under (`name:0`, `name:1`, … in the order added).
    pub name: String,
    /// Interleaved samples.
    pub samples: Arc<[f32]>,
    /// Channels per frame.
    pub channels: usize,
    /// Sample rate in Hz.
    pub rate: u32,
}

/// One event of a timeline.
#[derive(Debug, Clone)]
pub struct TimelineEvent {
    /// When it starts.
    pub at: EventTime,
    /// A sample name such as `"bd:3"`, resolved when the song starts (overrides `params.sound`);
    /// a missing name is a warning and the event is skipped.
    pub sample: Option<String>,
    /// How it plays.
    pub params: VoiceParams,
}

/// The voice part of a song.
#[derive(Debug, Clone, Default)]
pub struct VoiceSpec {
    /// Pool settings.
    pub config: VoiceConfig,
    /// A Dirt-Samples-style folder to load at start, if any.
    pub samples_dir: Option<PathBuf>,
    /// Samples from memory.
    pub memory_samples: Vec<MemorySample>,
    /// Events played at their time.
    pub events: Vec<TimelineEvent>,
    /// The tempo for times in beats.
    pub tempo: TempoMap,
    /// Voices will be started live through the handle: a song without tracks or events may
    /// start, and it never ends by itself.
    pub live: bool,
}

/// Why voices could not be set up or started.
#[derive(Debug, thiserror::Error)]
pub enum VoiceError {
    /// The sample folder could not be loaded.
    #[error(transparent)]
    Library(#[from] LibraryError),
    /// The queue to the audio thread is full (the renderer is not running, or far behind).
    #[error("voice queue is full ({0} events waiting): the renderer is not keeping up")]
    QueueFull(usize),
    /// A parameter is out of range.
    #[error("{0}")]
    Invalid(String),
}
