//! The session's TOML model and its conversion to a [`Song`].

use std::path::PathBuf;

use serde::Deserialize;

use super::effects::{self, EffectEntry, SendEntry};
use super::time::Seconds;
use crate::mixer::Channel;
use crate::render::{BusSpec, EngineConfig, SendSpec, Song, TrackSpec};
use crate::source::SourceSpec;

/// Gains beyond this many dB are taken for a mistake.
const MAX_GAIN_DB: f32 = 48.0;
/// Starts later than a day are taken for a mistake.
const MAX_START_SECONDS: f64 = 86_400.0;

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
    /// The folder that relative file names start from (the session file's folder).
    #[serde(skip)]
    pub base_dir: PathBuf,
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

/// One `[[track]]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TrackEntry {
    /// The audio file, relative to the session file.
    pub file: PathBuf,
    /// A name; defaults to the file's stem.
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
    /// Start time in seconds.
    #[serde(default)]
    pub start: Seconds,
    /// The bus it feeds.
    pub bus: Option<String>,
    /// The track's effects, in order.
    #[serde(default)]
    pub effects: Vec<EffectEntry>,
    /// Sends to buses.
    #[serde(default)]
    pub sends: Vec<SendEntry>,
}

impl TrackEntry {
    /// The track's name: its `name`, or its file's stem.
    pub fn display_name(&self) -> String {
        self.name.clone().unwrap_or_else(|| {
            self.file
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_else(|| "track".into())
        })
    }
}

fn check_channel(what: &str, gain_db: f32, pan: f32) -> Result<(), String> {
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

    pub(super) fn validate(&self) -> Result<(), String> {
        self.engine_config().validate()?;
        if self.tracks.is_empty() {
            return Err("the session has no [[track]]".into());
        }
        check_channel("[master]", self.master.gain_db, 0.0)?;
        for (i, b) in self.buses.iter().enumerate() {
            check_channel(&format!("bus '{}'", b.name), b.gain_db, b.pan)?;
            if self.buses[..i].iter().any(|o| o.name == b.name) {
                return Err(format!("bus '{}' is defined twice", b.name));
            }
        }
        for t in &self.tracks {
            let what = format!("track '{}'", t.display_name());
            check_channel(&what, t.gain_db, t.pan)?;
            if !(0.0..=MAX_START_SECONDS).contains(&t.start.0) {
                return Err(format!(
                    "{what}: start {} s is out of range (0 to {MAX_START_SECONDS})",
                    t.start.0
                ));
            }
            if let Some(bus) = &t.bus {
                if !self.buses.iter().any(|b| &b.name == bus) {
                    return Err(format!("{what}: unknown bus '{bus}'"));
                }
            }
            effects::check_sends(&what, &t.sends, &self.bus_names())?;
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
        for b in &self.buses {
            effects::check_effects(&format!("bus '{}'", b.name), &b.effects, true, &buses)?;
        }
        for t in &self.tracks {
            effects::check_effects(
                &format!("track '{}'", t.display_name()),
                &t.effects,
                false,
                &buses,
            )?;
        }
        Ok(())
    }

    fn bus_index(&self, name: &str) -> Option<usize> {
        self.buses.iter().position(|b| b.name == name)
    }

    /// The song this session describes; bus names become indices here.
    pub fn to_song(&self) -> Song {
        let tracks = self
            .tracks
            .iter()
            .map(|t| TrackSpec {
                name: t.display_name(),
                source: SourceSpec::File(self.base_dir.join(&t.file)),
                channel: Channel {
                    gain_db: t.gain_db,
                    pan: t.pan,
                    mute: t.mute,
                    solo: t.solo,
                },
                start_seconds: t.start.0,
                bus: t
                    .bus
                    .as_ref()
                    .and_then(|name| self.buses.iter().position(|b| &b.name == name)),
                effects: effects::specs(&t.effects, &self.base_dir),
                sends: t
                    .sends
                    .iter()
                    .filter_map(|s| {
                        let bus = self.bus_index(&s.bus)?;
                        Some(SendSpec {
                            bus,
                            level_db: s.level_db,
                            pre_fader: s.pre,
                        })
                    })
                    .collect(),
            })
            .collect();
        let buses = self
            .buses
            .iter()
            .map(|b| BusSpec {
                name: b.name.clone(),
                channel: Channel {
                    gain_db: b.gain_db,
                    pan: b.pan,
                    mute: b.mute,
                    solo: false,
                },
                effects: effects::specs(&b.effects, &self.base_dir),
            })
            .collect();
        Song {
            tracks,
            buses,
            master_gain_db: self.master.gain_db,
            master_effects: effects::specs(&self.master.effects, &self.base_dir),
        }
    }
}
