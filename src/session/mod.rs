//! Session files: a song described in TOML, validated when it is loaded.
//!
//! ```toml
//! samples = "dirt-samples"   # optional, before any table: a folder of name/*.wav, relative to
//!                            #   this file (Dirt-Samples layout), for the [[event]] samples
//! tempo = 120                # optional: bpm for times in beats, or [[beat, bpm], ...] such as
//!                            #   [[0, 120], [16, 90]]; default 120
//!
//! [engine]            # optional
//! rate = 48000        # Hz; default 48000
//! block = 128         # frames per block, a power of two 16..=4096; default 128
//!
//! [master]            # optional
//! gain_db = 0.0
//!
//! [[bus]]             # optional, any number
//! name = "drums"
//! gain_db = -3.0
//! pan = 0.0
//! mute = false
//!
//! [[track]]           # any number
//! file = "stems/kick.flac"   # relative to the session file
//! track = 2                  # which track of the file (1-based, as `tutti info` shows);
//!                            # default: its first audio track
//! name = "kick"              # default: the file's name (and track number)
//! gain_db = -2.0             # default 0
//! pan = -0.2                 # -1 (left) ..= 1 (right); default 0
//! mute = false
//! solo = false
//! start = 0.5                # seconds, or "1:30", "2:45.5", "12.5s"; default 0
//! bus = "drums"              # default: straight to the master
//!
//! [[part]]            # any number: a part with alternate takes, one playing at a time
//! name = "guitar"
//! takes = [{ file = "song.mka", track = 3 }, { file = "song.mka", track = 4 }, { file = "alt.flac" }]
//! switch_at = ["1:30", "2:45.5"]   # a take is picked again at each of these times
//! crossfade_ms = 10                # equal-power crossfade starting at each switch; default 10
//! gain_db = 0.0                    # and pan, mute, solo, bus, as for a track
//!
//! [[event]]                  # any number: voices on a timeline, sample-exact
//! at = "2.5s"                # 2.5, "2.5s", "1:30", "96000smp" (frames) or "8b" (beats)
//! sample = "bd:3"            # the 4th file of samples/bd (wrapping); or synth = "saw" (sine,
//!                            #   saw, square, triangle, noise, pink) with freq = 440.0
//! gain = 0.8                 # linear; default 1
//! pan = 0.0                  # -1 ..= 1
//! speed = 1.5                # playback rate; negative plays backwards; default 1
//! note = 0                   # semitones, multiplied into the rate
//! begin = 0.0                # start and end within the sample, 0 ..= 1
//! end = 1.0
//! loop = false               # loop begin..end until `length`
//! length = 0.5               # seconds the gate stays open; default: to the sample's end
//!                            #   (required for a synth)
//! attack = 0.0               # ADSR, seconds (sustain_level 0 ..= 1); release defaults to
//! decay = 0.0                #   1 ms for samples and 10 ms for synths
//! sustain_level = 1.0
//! release = 0.001
//! cut = 0                    # choke group: a new voice of group g fades the others of g
//! cutoff = 2000.0            # synth low-pass (state-variable filter), Hz
//! resonance = 0.2            #   0 ..= 1
//! ```
//!
//! Each render picks one take per part and segment from a seed (`--seed N`; the same seed gives
//! the same bytes). At a switch from take A to take B, the output from the switch time `s` on is
//! `A·cos(x·π/2) + B·sin(x·π/2)` with `x` going from 0 to 1 over the crossfade.
//!
//! **Embedded sessions.** A Matroska song may carry its session as an attachment named
//! `tutti.toml` (`tutti pack` makes one). There, `file` may be left out: it defaults to the song
//! itself, so `track = 3` means the song's third track; other files are relative to the song's
//! folder.
//!
//! At least one track, part or event is required. An unknown key, a value out of range, a bus or
//! take that does not exist is an error that names the file (and the line, where TOML knows it).
//! A sample name missing from the `samples` folder is a warning, and that event is skipped.
//!
//! **Effects, buses and sends.** Any `[[track]]`, `[[bus]]` and `[master]` may have an ordered
//! `effects` list of inline tables: `type` names the effect and the other keys are its
//! parameters, exactly as `tutti fx --list` prints them (numbers in the listed units, booleans,
//! choice names; `ir` files are relative to the session file); `enabled = false` makes an
//! effect start bypassed (it can be enabled live, with a crossfade). A `[[track]]` may also have
//! `sends` to buses, tapped after its effects and before (`pre = true`) or after its fader:
//!
//! ```toml
//! [master]
//! effects = [{ type = "limiter", ceiling_db = -1 }]
//!
//! [[bus]]
//! name = "verb"                # a return bus: 100 % wet
//! effects = [{ type = "reverb", decay_s = 2.5, mix = 1.0 },
//!            { type = "compressor", threshold_db = -24, sidechain = "drums" }]
//!
//! [[track]]
//! file = "vox.wav"
//! effects = [{ type = "highpass", freq_hz = 80 },
//!            { type = "eq", mid2_hz = 3000, mid2_db = 2.5 },
//!            { type = "convolution", ir = "irs/plate.wav", dry = 1, wet = 0.2 }]
//! sends = [{ bus = "verb", level_db = -6, pre = false }]  # level_db default 0, pre default false
//! ```
//!
//! The voices (`[[event]]`s and live one-shots) can be routed the same way, all together:
//!
//! ```toml
//! [voices]
//! gain_db = -3.0               # and pan, mute
//! bus = "drums"                # default: the master
//! effects = [{ type = "lowpass", freq_hz = 6000 }]
//! sends = [{ bus = "verb", level_db = -9 }]
//! ```
//!
//! Track effects run before the fader; bus and master effects before their gain. `sidechain`
//! (compressor) keys the effect from another bus's summed input and is allowed on bus and
//! master effects only. Unknown effects, unknown keys and values out of range are errors that
//! name the key and the line.

mod effects;
mod events;
mod model;
mod parts;
mod time;

use std::path::{Path, PathBuf};

pub use effects::{EffectEntry, SendEntry};
pub use events::{parse_event_time, At, EventEntry, TempoEntry};
pub use model::{
    BusEntry, EngineEntry, MasterEntry, MixEntry, PartEntry, Session, SourceEntry, TrackEntry,
    VoicesEntry,
};
pub use parts::{plan_takes, PartPlan};
pub use time::parse_time;

/// Why a session could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum SessionError {
    /// The file could not be read.
    #[error("{}: cannot read: {source}", path.display())]
    Read {
        /// The session file.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// The TOML is malformed or has an unknown key.
    #[error("{}:{line}: {message}", path.display())]
    Parse {
        /// The session file.
        path: PathBuf,
        /// 1-based line of the problem.
        line: usize,
        /// What is wrong.
        message: String,
    },
    /// A value is out of range or refers to something that does not exist.
    #[error("{}: {message}", path.display())]
    Invalid {
        /// The session file.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
}

impl Session {
    /// Reads and validates a session file.
    pub fn load(path: &Path) -> Result<Session, SessionError> {
        let text = std::fs::read_to_string(path).map_err(|source| SessionError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        Self::parse(&text, path)
    }

    /// Parses and validates session text; `path` names it in errors and anchors relative files.
    pub fn parse(text: &str, path: &Path) -> Result<Session, SessionError> {
        Self::parse_in(text, path, None)
    }

    /// Reads the session embedded in a container (an attachment named `tutti.toml`), if it has
    /// one. Its files default to the container itself and are relative to its folder.
    pub fn from_container(container: &Path) -> Result<Option<Session>, SessionError> {
        let invalid = |message: String| SessionError::Invalid {
            path: container.to_path_buf(),
            message,
        };
        let bytes = crate::source::attachment(container, EMBEDDED_NAME)
            .map_err(|e| invalid(e.to_string()))?;
        let Some(bytes) = bytes else { return Ok(None) };
        let text = String::from_utf8(bytes)
            .map_err(|_| invalid(format!("{EMBEDDED_NAME} is not UTF-8 text")))?;
        let label = PathBuf::from(format!("{}:{EMBEDDED_NAME}", container.display()));
        Self::parse_in(&text, &label, Some(container)).map(Some)
    }

    /// Parses a session as if it were embedded in `container` (its files default to it).
    pub fn parse_embedded(
        text: &str,
        path: &Path,
        container: &Path,
    ) -> Result<Session, SessionError> {
        Self::parse_in(text, path, Some(container))
    }

    fn parse_in(
        text: &str,
        path: &Path,
        container: Option<&Path>,
    ) -> Result<Session, SessionError> {
        let mut session: Session = toml::from_str(text).map_err(|e| parse_error(path, text, &e))?;
        session.path = path.to_path_buf();
        session.container = container.map(Path::to_path_buf);
        let anchor = container.unwrap_or(path);
        session.base_dir = anchor.parent().map(Path::to_path_buf).unwrap_or_default();
        session
            .validate()
            .map_err(|message| SessionError::Invalid {
                path: path.to_path_buf(),
                message,
            })?;
        session
            .validate_effects()
            .map_err(|(offset, message)| SessionError::Parse {
                path: path.to_path_buf(),
                line: text[..offset.min(text.len())].matches('\n').count() + 1,
                message,
            })?;
        Ok(session)
    }
}

/// The attachment name of a session embedded in a container.
pub const EMBEDDED_NAME: &str = "tutti.toml";

fn parse_error(path: &Path, text: &str, e: &toml::de::Error) -> SessionError {
    let offset = e.span().map_or(0, |s| s.start);
    let line = text[..offset.min(text.len())].matches('\n').count() + 1;
    let mut message = e.message().trim().to_string();
    if let Some(table) = enclosing_table(text, line) {
        message = format!("{message} (in {table})");
    }
    SessionError::Parse {
        path: path.to_path_buf(),
        line,
        message,
    }
}

/// Describes the table that contains `line`, e.g. "[[track]] #2".
fn enclosing_table(text: &str, line: usize) -> Option<String> {
    let mut found = None;
    let mut counts = std::collections::HashMap::new();
    for l in text.lines().take(line) {
        let l = l.trim();
        if l.starts_with("[[") {
            let n = counts.entry(l.to_string()).or_insert(0);
            *n += 1;
            found = Some(format!("{l} #{n}"));
        } else if l.starts_with('[') {
            found = Some(l.to_string());
        }
    }
    found
}

#[cfg(test)]
mod tests;
