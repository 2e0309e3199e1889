//! The session's TOML model and its validation.

use std::path::PathBuf;

use serde::Deserialize;

use super::effects::{self, EffectEntry, SendEntry};
use super::time::Seconds;
use crate::render::EngineConfig;

/// Gains beyond this many dB are taken for a mistake.
const MAX_GAIN_DB: f32 = 48.0;
/// Starts and switch points later than a day are taken for a mistake.
const MAX_SECONDS: f64 = 86_400.0;

/// A whole session file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Session {
    /// Engine settings.
    #[serde(default)]
    pub engine: EngineEntry,
    /// Master settings.
    #[serde(default)]
    pub master: MasterEntry,
    /// Buses.
    #[serde(default, rename = "bus")]
    pub buses: Vec<BusEntry>,
    /// Tracks.
    #[serde(default, rename = "track")]
    pub tracks: Vec<TrackEntry>,
    /// Parts with alternate takes.
    #[serde(default, rename = "part")]
    pub parts: Vec<PartEntry>,
    /// A Dirt-Samples-style folder for `[[event]]` samples, relative to the session file.
    pub samples: Option<PathBuf>,
    /// The tempo for event times in beats (default 120 bpm).
    pub tempo: Option<super::events::TempoEntry>,
    /// The timeline of voice events.
    #[serde(default, rename = "event")]
    pub events: Vec<super::events::EventEntry>,
    /// How the voices reach the mix.
    #[serde(default)]
    pub voices: VoicesEntry,
    /// The session file (or the container that embeds it), for messages.
    #[serde(skip)]
    pub path: PathBuf,
    /// The folder that relative file names start from (the session file's folder).
    #[serde(skip)]
    pub base_dir: PathBuf,
    /// For a session embedded in a container: the container, which files default to.
    #[serde(skip)]
    pub container: Option<PathBuf>,
}

/// `[engine]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EngineEntry {
    /// Sample rate in Hz.
    #[serde(default = "default_rate")]
    pub rate: u32,
    /// Frames per block.
    #[serde(default = "default_block")]
    pub block: usize,
}

impl Default for EngineEntry {
    fn default() -> Self {
        Self {
            rate: default_rate(),
            block: default_block(),
        }
    }
}

fn default_rate() -> u32 {
    EngineConfig::default().rate
}

fn default_block() -> usize {
    EngineConfig::default().block_frames
}

/// `[voices]`: the fader, effects, sends and bus of all voices together.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VoicesEntry {
    /// Gain in dB.
    #[serde(default)]
    pub gain_db: f32,
    /// Pan, −1 ..= 1.
    #[serde(default)]
    pub pan: f32,
    /// Muted.
    #[serde(default)]
    pub mute: bool,
    /// The bus they feed; default: the master.
    pub bus: Option<String>,
    /// Their effects, in order.
    #[serde(default)]
    pub effects: Vec<EffectEntry>,
    /// Sends to buses.
    #[serde(default)]
    pub sends: Vec<SendEntry>,
}

/// `[master]`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MasterEntry {
    /// Master gain in dB.
    #[serde(default)]
    pub gain_db: f32,
    /// Master effects, in order.
    #[serde(default)]
    pub effects: Vec<EffectEntry>,
}

/// One `[[bus]]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BusEntry {
    /// The name tracks use to reach it.
    pub name: String,
    /// Gain in dB.
    #[serde(default)]
    pub gain_db: f32,
    /// Pan, −1 ..= 1.
    #[serde(default)]
    pub pan: f32,
    /// Muted.
    #[serde(default)]
    pub mute: bool,
    /// The bus's effects, in order.
    #[serde(default)]
    pub effects: Vec<EffectEntry>,
}

/// Where audio comes from: a file, a track of a container, or both.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SourceEntry {
    /// The audio file, relative to the session file. In a session embedded in a container it
    /// defaults to the container itself.
    pub file: Option<PathBuf>,
    /// The track of the file (1-based, as `tutti info` numbers them); default: its first audio
    /// track.
    pub track: Option<usize>,
}

/// The mixer settings shared by tracks and parts.
#[derive(Debug, Clone, Default)]
pub struct MixEntry {
    /// Gain in dB.
    pub gain_db: f32,
    /// Pan, −1 ..= 1.
    pub pan: f32,
    /// Muted.
    pub mute: bool,
    /// Soloed.
    pub solo: bool,
    /// The bus it feeds.
    pub bus: Option<String>,
}

/// One `[[track]]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TrackEntry {
    /// The audio file (see [`SourceEntry::file`]).
    pub file: Option<PathBuf>,
    /// The file's track (see [`SourceEntry::track`]).
    pub track: Option<usize>,
    /// A name; defaults to the file's stem (and track number).
    pub name: Option<String>,
    /// Gain in dB.
    #[serde(default)]
    pub gain_db: f32,
    /// Pan, −1 ..= 1.
    #[serde(default)]
    pub pan: f32,
    /// Muted.
    #[serde(default)]
    pub mute: bool,
    /// Soloed.
    #[serde(default)]
    pub solo: bool,
    /// The bus it feeds.
    pub bus: Option<String>,
    /// Start time in seconds.
    #[serde(default)]
    pub start: Seconds,
    /// The track's effects, in order.
    #[serde(default)]
    pub effects: Vec<EffectEntry>,
    /// Sends to buses.
    #[serde(default)]
    pub sends: Vec<SendEntry>,
}

impl TrackEntry {
    /// Where its audio comes from.
    pub fn source(&self) -> SourceEntry {
        SourceEntry {
            file: self.file.clone(),
            track: self.track,
        }
    }

    /// Its mixer settings.
    pub fn mix(&self) -> MixEntry {
        MixEntry {
            gain_db: self.gain_db,
            pan: self.pan,
            mute: self.mute,
            solo: self.solo,
            bus: self.bus.clone(),
        }
    }
}

/// One `[[part]]`: a song part with alternate takes, one of which plays at a time.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PartEntry {
    /// The part's name.
    pub name: String,
    /// Gain in dB.
    #[serde(default)]
    pub gain_db: f32,
    /// Pan, −1 ..= 1.
    #[serde(default)]
    pub pan: f32,
    /// Muted.
    #[serde(default)]
    pub mute: bool,
    /// Soloed.
    #[serde(default)]
    pub solo: bool,
    /// The bus it feeds.
    pub bus: Option<String>,
    /// The candidate takes.
    pub takes: Vec<SourceEntry>,
    /// Times at which a take is picked again.
    #[serde(default)]
    pub switch_at: Vec<Seconds>,
    /// Length of the equal-power crossfade at a switch, in milliseconds.
    #[serde(default = "default_crossfade_ms")]
    pub crossfade_ms: f64,
}

fn default_crossfade_ms() -> f64 {
    10.0
}

impl PartEntry {
    /// Its mixer settings.
    pub fn mix(&self) -> MixEntry {
        MixEntry {
            gain_db: self.gain_db,
            pan: self.pan,
            mute: self.mute,
            solo: self.solo,
            bus: self.bus.clone(),
        }
    }
}

fn check_mix(what: &str, mix: &MixEntry, buses: &[BusEntry]) -> Result<(), String> {
    check_gain_pan(what, mix.gain_db, mix.pan)?;
    match &mix.bus {
        Some(bus) if !buses.iter().any(|b| &b.name == bus) => {
            Err(format!("{what}: unknown bus '{bus}'"))
        }
        _ => Ok(()),
    }
}

fn check_gain_pan(what: &str, gain_db: f32, pan: f32) -> Result<(), String> {
    if !gain_db.is_finite() || gain_db.abs() > MAX_GAIN_DB {
        return Err(format!(
            "{what}: gain_db {gain_db} is out of range (-{MAX_GAIN_DB} to {MAX_GAIN_DB})"
        ));
    }
    if !(-1.0..=1.0).contains(&pan) {
        return Err(format!("{what}: pan {pan} is out of range (-1 to 1)"));
    }
    Ok(())
}

impl Session {
    /// The engine settings this session asks for.
    pub fn engine_config(&self) -> EngineConfig {
        EngineConfig {
            rate: self.engine.rate,
            block_frames: self.engine.block,
            ..EngineConfig::default()
        }
    }

    /// The file a source entry reads: its `file` relative to the session, or the container.
    pub fn source_path(&self, source: &SourceEntry) -> Option<PathBuf> {
        match &source.file {
            Some(f) => Some(self.base_dir.join(f)),
            None => self.container.clone(),
        }
    }

    /// A track's name: its `name`, or its file's stem (with the track number, if any).
    pub fn track_name(&self, t: &TrackEntry) -> String {
        if let Some(n) = &t.name {
            return n.clone();
        }
        let stem = self
            .source_path(&t.source())
            .and_then(|p| p.file_stem().map(|s| s.to_string_lossy().into_owned()))
            .unwrap_or_else(|| "track".into());
        match t.track {
            Some(n) => format!("{stem}:{n}"),
            None => stem,
        }
    }

    pub(super) fn validate(&self) -> Result<(), String> {
        self.engine_config().validate()?;
        if self.tracks.is_empty() && self.parts.is_empty() && self.events.is_empty() {
            return Err("the session has no [[track]] and no [[part]] (nor any [[event]])".into());
        }
        self.validate_events()?;
        check_gain_pan("[master]", self.master.gain_db, 0.0)?;
        for (i, b) in self.buses.iter().enumerate() {
            check_gain_pan(&format!("bus '{}'", b.name), b.gain_db, b.pan)?;
            if self.buses[..i].iter().any(|o| o.name == b.name) {
                return Err(format!("bus '{}' is defined twice", b.name));
            }
        }
        for t in &self.tracks {
            let what = format!("track '{}'", self.track_name(t));
            check_mix(&what, &t.mix(), &self.buses)?;
            self.check_source(&what, &t.source())?;
            if !(0.0..=MAX_SECONDS).contains(&t.start.0) {
                return Err(format!(
                    "{what}: start {} s is out of range (0 to {MAX_SECONDS})",
                    t.start.0
                ));
            }
            effects::check_sends(&what, &t.sends, &self.bus_names())?;
        }
        let v = &self.voices;
        let voices = MixEntry {
            gain_db: v.gain_db,
            pan: v.pan,
            mute: v.mute,
            solo: false,
            bus: v.bus.clone(),
        };
        check_mix("[voices]", &voices, &self.buses)?;
        effects::check_sends("[voices]", &v.sends, &self.bus_names())?;
        for p in &self.parts {
            self.check_part(p)?;
        }
        Ok(())
    }

    fn check_source(&self, what: &str, s: &SourceEntry) -> Result<(), String> {
        if s.file.is_none() && self.container.is_none() {
            return Err(format!("{what}: needs a file"));
        }
        if s.track == Some(0) {
            return Err(format!("{what}: tracks are numbered from 1"));
        }
        Ok(())
    }

    fn bus_names(&self) -> Vec<&str> {
        self.buses.iter().map(|b| b.name.as_str()).collect()
    }

    /// Checks every effect list against the effect registry. The error carries the byte offset
    /// of the offending effect table, for its line number.
    pub(super) fn validate_effects(&self) -> Result<(), (usize, String)> {
        let buses = self.bus_names();
        effects::check_effects("[master]", &self.master.effects, true, &buses)?;
        effects::check_effects("[voices]", &self.voices.effects, false, &buses)?;
        for b in &self.buses {
            effects::check_effects(&format!("bus '{}'", b.name), &b.effects, true, &buses)?;
        }
        for t in &self.tracks {
            effects::check_effects(
                &format!("track '{}'", self.track_name(t)),
                &t.effects,
                false,
                &buses,
            )?;
        }
        Ok(())
    }

    fn check_part(&self, p: &PartEntry) -> Result<(), String> {
        let what = format!("part '{}'", p.name);
        check_mix(&what, &p.mix(), &self.buses)?;
        if p.takes.is_empty() {
            return Err(format!("{what}: has no takes"));
        }
        for (i, t) in p.takes.iter().enumerate() {
            self.check_source(&format!("{what} take {}", i + 1), t)?;
        }
        if !(p.crossfade_ms > 0.0 && p.crossfade_ms <= 10_000.0) {
            return Err(format!(
                "{what}: crossfade_ms {} is out of range (above 0, up to 10000)",
                p.crossfade_ms
            ));
        }
        let mut last = 0.0;
        for s in &p.switch_at {
            if s.0 * 1000.0 < last * 1000.0 + p.crossfade_ms || s.0 > MAX_SECONDS {
                return Err(format!(
                    "{what}: switch_at {} s must come after the previous switch (or the start) by more than the crossfade",
                    s.0
                ));
            }
            last = s.0;
        }
        Ok(())
    }
}
