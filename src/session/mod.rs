//! Session files: a song described in TOML, validated when it is loaded.
//!
//! ```toml
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
//! [[track]]           # at least one
//! file = "stems/kick.flac"   # relative to the session file
//! name = "kick"              # default: the file's name without extension
//! gain_db = -2.0             # default 0
//! pan = -0.2                 # -1 (left) ..= 1 (right); default 0
//! mute = false
//! solo = false
//! start = 0.5                # seconds, or "1:30", "2:45.5", "12.5s"; default 0
//! bus = "drums"              # default: straight to the master
//! ```
//!
//! Effects, buses and sends. Any `[[track]]`, `[[bus]]` and `[master]` may have an ordered
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
//! Track effects run before the fader; bus and master effects before their gain. `sidechain`
//! (compressor) keys the effect from another bus's summed input and is allowed on bus and
//! master effects only. Unknown effects, unknown keys and values out of range are errors that
//! name the key and the line.
//!
//! An unknown key, a value out of range, a bus that does not exist or a session without tracks
//! is an error that names the file (and the line, where TOML knows it).

mod effects;
mod model;
mod time;

use std::path::{Path, PathBuf};

pub use effects::{EffectEntry, SendEntry};
pub use model::{BusEntry, EngineEntry, MasterEntry, Session, TrackEntry};
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
        let mut session: Session = toml::from_str(text).map_err(|e| parse_error(path, text, &e))?;
        session.base_dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
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
