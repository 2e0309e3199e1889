//! Effects and sends in session files: `effects = [{ type = "eq", low_db = 3 }]` on a track, bus
//! or `[master]`, and `sends = [{ bus = "verb", level_db = -6, pre = false }]` on a track.
//! Each effect table is checked against the effect registry; errors name the key and the line.

use std::path::Path;

use serde::Deserialize;
use toml::{Spanned, Value};

use crate::dsp::EffectSpec;

/// One effect as written in a session: an inline table with `type` and the effect's keys.
pub type EffectEntry = Spanned<toml::Table>;

/// One send of a track.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SendEntry {
    /// The bus it feeds.
    pub bus: String,
    /// Send level in dB; default 0.
    #[serde(default)]
    pub level_db: f32,
    /// Pre-fader (after the track's effects, before its gain and pan); default false.
    #[serde(default)]
    pub pre: bool,
}

/// The most a send may boost, in dB.
const MAX_SEND_DB: f32 = 24.0;

/// Checks one effect table and turns it into a spec; relative `ir` files are taken from
/// `base_dir`. The error carries the table's byte offset for the line number.
pub(super) fn effect_spec(
    entry: &EffectEntry,
    base_dir: &Path,
) -> Result<EffectSpec, (usize, String)> {
    let at = entry.span().start;
    let table = entry.get_ref();
    let name = match table.get("type") {
        Some(Value::String(s)) => s.as_str(),
        Some(_) => return Err((at, "effect 'type' must be a string".into())),
        None => {
            return Err((
                at,
                "effect without type = \"NAME\" (see tutti fx --list)".into(),
            ))
        }
    };
    let mut spec = EffectSpec::new(name).map_err(|e| (at, e))?;
    for (key, value) in table.iter().filter(|(k, _)| k.as_str() != "type") {
        let text = match value {
            Value::String(s) => s.clone(),
            Value::Integer(i) => i.to_string(),
            Value::Float(f) => f.to_string(),
            Value::Boolean(b) => b.to_string(),
            _ => {
                return Err((
                    at,
                    format!("{name}: {key} must be a number, a boolean or a string"),
                ))
            }
        };
        spec.set(key, &text).map_err(|e| (at, e))?;
    }
    if let Some(ir) = spec.text("ir").map(|ir| base_dir.join(ir)) {
        spec.set("ir", &ir.to_string_lossy()).map_err(|e| (at, e))?;
    }
    Ok(spec)
}

/// Checks a list of effects: registry, and side-chain buses (allowed only where `keyed`).
pub(super) fn check_effects(
    what: &str,
    entries: &[EffectEntry],
    keyed: bool,
    buses: &[&str],
) -> Result<(), (usize, String)> {
    for entry in entries {
        let spec =
            effect_spec(entry, Path::new("")).map_err(|(at, e)| (at, format!("{what}: {e}")))?;
        if let Some(bus) = spec.text("sidechain") {
            let at = entry.span().start;
            if !keyed {
                return Err((
                    at,
                    format!("{what}: sidechain works on bus and master effects only"),
                ));
            }
            if !buses.contains(&bus) {
                return Err((at, format!("{what}: unknown side-chain bus '{bus}'")));
            }
        }
    }
    Ok(())
}

/// Checks a track's sends.
pub(super) fn check_sends(what: &str, sends: &[SendEntry], buses: &[&str]) -> Result<(), String> {
    for s in sends {
        if !buses.contains(&s.bus.as_str()) {
            return Err(format!("{what}: send to unknown bus '{}'", s.bus));
        }
        if !s.level_db.is_finite() || !(-96.0..=MAX_SEND_DB).contains(&s.level_db) {
            return Err(format!(
                "{what}: send level_db {} is out of range (-96 to {MAX_SEND_DB})",
                s.level_db
            ));
        }
    }
    Ok(())
}

/// The specs of a checked list (anything that fails is left out: lists are checked at load).
pub(super) fn specs(entries: &[EffectEntry], base_dir: &Path) -> Vec<EffectSpec> {
    entries
        .iter()
        .filter_map(|e| effect_spec(e, base_dir).ok())
        .collect()
}
