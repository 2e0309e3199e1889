//! A song: the tracks, buses and master of a mix, named on the control side, and how it is
//! started (sources opened, decoders running, renderer built).

use std::sync::Arc;

use super::transport::Transport;
use super::{EngineConfig, RenderMode, RenderStats, Renderer, RendererHandle};
use crate::dsp::{db_to_gain, EffectSpec, Smoothed};
use crate::mixer::{Bus, Channel, Destination, Envelope, Fill, Strip, Track};
use crate::source::{open_readers, DecodePool, FrameReader, PoolConfig, SourceError, SourceSpec};
use crate::voice::{VoiceError, VoiceHandle, VoiceSpec};

/// One track of a song.
#[derive(Debug, Clone)]
pub struct TrackSpec {
    /// A name for messages and meters.
    pub name: String,
    /// Where the audio comes from.
    pub source: SourceSpec,
    /// Gain, pan, mute and solo.
    pub channel: Channel,
    /// When the track starts, in seconds from the start of the song.
    pub start_seconds: f64,
    /// The bus it feeds (an index into [`Song::buses`]), or `None` for the master.
    pub bus: Option<usize>,
    /// A gain curve over the song (take switching), or `None` for a constant gain.
    pub envelope: Option<Envelope>,
    /// Its effects, in order, before the fader.
    pub effects: Vec<EffectSpec>,
    /// Its sends to buses.
    pub sends: Vec<SendSpec>,
}

/// A send from a track to a bus.
#[derive(Debug, Clone, PartialEq)]
pub struct SendSpec {
    /// The bus (an index into [`Song::buses`]).
    pub bus: usize,
    /// Send level in dB.
    pub level_db: f32,
    /// Tapped before the fader (after the track's effects) if true, after it otherwise.
    pub pre_fader: bool,
}

impl TrackSpec {
    /// A track playing `source` from the start at unity gain into the master.
    pub fn new(name: impl Into<String>, source: SourceSpec) -> Self {
        Self {
            name: name.into(),
            source,
            channel: Channel::default(),
            start_seconds: 0.0,
            bus: None,
            envelope: None,
            effects: Vec::new(),
            sends: Vec::new(),
        }
    }
}

/// One bus of a song.
#[derive(Debug, Clone)]
pub struct BusSpec {
    /// Its name, as tracks refer to it in a session.
    pub name: String,
    /// Gain, pan and mute of the bus.
    pub channel: Channel,
    /// Its effects, in order, before its gain.
    pub effects: Vec<EffectSpec>,
}

impl BusSpec {
    /// A bus without effects.
    pub fn new(name: impl Into<String>, channel: Channel) -> Self {
        Self {
            name: name.into(),
            channel,
            effects: Vec::new(),
        }
    }
}

/// How the voices reach the mix, like a track's strip: a fader (gain, pan, mute), effects,
/// sends to buses and the bus they feed. The default mixes them straight into the master.
#[derive(Debug, Clone, Default)]
pub struct VoiceMixSpec {
    /// Gain, pan and mute of all voices together.
    pub channel: Channel,
    /// The bus they feed, or `None` for the master.
    pub bus: Option<usize>,
    /// Their effects, in order, before the fader.
    pub effects: Vec<EffectSpec>,
    /// Their sends to buses.
    pub sends: Vec<SendSpec>,
}

/// A mix: tracks → buses → master.
#[derive(Debug, Clone, Default)]
pub struct Song {
    /// The tracks, in order.
    pub tracks: Vec<TrackSpec>,
    /// The buses.
    pub buses: Vec<BusSpec>,
    /// Master gain in dB.
    pub master_gain_db: f32,
    /// Samples, a timeline of voice events and the voice pool's settings.
    pub voices: VoiceSpec,
    /// The master's effects, in order, before the master gain.
    pub master_effects: Vec<EffectSpec>,
    /// How the voices reach the mix.
    pub voice_mix: VoiceMixSpec,
}

/// Why a song could not start.
#[derive(Debug, thiserror::Error)]
pub enum SongError {
    /// A source could not be opened.
    #[error(transparent)]
    Source(#[from] SourceError),
    /// The voices could not be set up (sample folder, timeline).
    #[error(transparent)]
    Voice(#[from] VoiceError),
    /// The song or its settings are invalid.
    #[error("{0}")]
    Invalid(String),
}

/// A started song: the renderer (to move to the audio thread or drive offline), its control
/// handle and the decoders feeding it.
pub struct Playback {
    /// The renderer.
    pub renderer: Renderer,
    /// Its control side.
    pub handle: RendererHandle,
    /// The decoder threads; keep it alive while rendering.
    pub pool: DecodePool,
    /// For each container read by a shared demuxer: the most packets ever queued for one of its
    /// tracks (bounded by [`crate::source::packets::QUEUE_PACKETS`]).
    pub demux_peaks: Vec<std::sync::Arc<std::sync::atomic::AtomicUsize>>,
    /// Blocks slower than the threshold, for a control thread to log.
    pub slow_blocks: rtrb::Consumer<super::SlowBlock>,
    /// Starts and stops voices, from any thread.
    pub voices: VoiceHandle,
}

/// Commands that may wait in the queue.
const COMMAND_CAPACITY: usize = 1024;
/// Slow blocks that may wait to be logged; more are counted but not logged.
const SLOW_LOG_CAPACITY: usize = 256;

impl Song {
    /// Opens every source (reporting the first error, before anything plays), starts the
    /// decoders and builds the renderer.
    pub fn start(
        &self,
        config: &EngineConfig,
        mode: RenderMode,
        pool_config: &PoolConfig,
    ) -> Result<Playback, SongError> {
        self.check(config)?;
        let specs: Vec<SourceSpec> = self.tracks.iter().map(|t| t.source.clone()).collect();
        let opened = open_readers(&specs, config.rate)?;
        let readers = opened
            .readers
            .into_iter()
            .map(|r| Box::new(r) as Box<dyn FrameReader>)
            .collect();
        let mut playback = self.start_with_readers(readers, config, mode, pool_config)?;
        playback.demux_peaks = opened.demux_peaks;
        Ok(playback)
    }

    /// Checks what the renderer relies on (settings, something to play, bus indices), so that
    /// nothing out of range reaches the audio thread.
    fn check(&self, config: &EngineConfig) -> Result<(), SongError> {
        config.validate().map_err(SongError::Invalid)?;
        if self.tracks.is_empty() && self.voices.events.is_empty() && !self.voices.live {
            return Err(SongError::Invalid(
                "the song has no tracks and no voice events".into(),
            ));
        }
        let buses = self.buses.len();
        if let Some(t) = self
            .tracks
            .iter()
            .find(|t| t.bus.is_some_and(|b| b >= buses))
        {
            return Err(SongError::Invalid(format!(
                "track '{}' names a bus that does not exist",
                t.name
            )));
        }
        Ok(())
    }

    /// Like [`Song::start`], but the tracks' frames come from `readers` (one per track, in
    /// order, already producing stereo at the engine rate) instead of their `source`: for
    /// generated audio, custom decoders and tests.
    pub fn start_with_readers(
        &self,
        readers: Vec<Box<dyn FrameReader>>,
        config: &EngineConfig,
        mode: RenderMode,
        pool_config: &PoolConfig,
    ) -> Result<Playback, SongError> {
        self.check(config)?;
        if readers.len() != self.tracks.len() {
            return Err(SongError::Invalid(format!(
                "{} readers for {} tracks",
                readers.len(),
                self.tracks.len()
            )));
        }
        let fx = super::fx::build(self, config)?;
        let (pool, rings) = DecodePool::start(readers, pool_config)
            .map_err(|e| SongError::Invalid(format!("cannot start decoder threads: {e}")))?;
        let ramp = config.ramp_frames();
        let any_solo = self.tracks.iter().any(|t| t.channel.solo);
        let tracks = self
            .tracks
            .iter()
            .zip(rings)
            .enumerate()
            .map(|(i, (t, ring))| {
                let start = (t.start_seconds.max(0.0) * config.rate as f64).round() as u64;
                let dest = t.bus.map_or(Destination::Master, Destination::Bus);
                let channel = if fx.strips[i].is_some() {
                    Strip::inner_channel(&t.channel)
                } else {
                    t.channel
                };
                let mut track = Track::new(ring, channel, dest, start, ramp, any_solo);
                track.set_envelope(t.envelope.clone(), config.block_frames);
                track
            })
            .collect();
        let buses = self
            .buses
            .iter()
            .map(|b| Bus::new(b.channel, config.block_frames, ramp))
            .collect();
        let (voice_handle, voice_stage) = self.voices.start(config.rate)?;
        let (producer, consumer) = rtrb::RingBuffer::new(COMMAND_CAPACITY);
        let (slow_log, slow_blocks) = rtrb::RingBuffer::new(SLOW_LOG_CAPACITY);
        let renderer = Renderer {
            config: *config,
            fill: match mode {
                RenderMode::Offline => Fill::Wait,
                RenderMode::RealTime => Fill::NoWait,
            },
            tracks,
            buses,
            master_gain: Smoothed::new(db_to_gain(self.master_gain_db), ramp),
            frame: 0,
            transport: Transport::new(config.fade_frames()),
            commands: consumer,
            stats: Arc::new(RenderStats::new(self.tracks.len(), config.block_budget())),
            slow_log,
            voices: voice_stage,
            fx,
        };
        Ok(Playback {
            renderer,
            handle: RendererHandle { commands: producer },
            pool,
            demux_peaks: Vec::new(),
            slow_blocks,
            voices: voice_handle,
        })
    }
}
