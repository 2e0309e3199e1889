//! The effect registry: every effect's name, summary and parameter table, and [`EffectSpec`],
//! the control-side description of one effect (`"lowpass freq_hz=800 q=0.7"`) that is parsed and
//! checked before anything is built, then builds the ready, preallocated effect.

use std::fmt::Write as _;

use super::basic::{Distortion, Gain, PanWidth, DISTORTION_PARAMS, GAIN_PARAMS, PAN_PARAMS};
use super::biquad::{BiquadKind, FilterEffect, PASS_PARAMS, SHELF_PARAMS};
use super::convolution::{Convolution, CONVOLUTION_PARAMS};
use super::delay::{Delay, DELAY_PARAMS};
use super::dynamics::{Compressor, COMPRESSOR_PARAMS};
use super::effect::{BuildContext, Effect};
use super::eq::{Eq, EQ_PARAMS};
use super::limiter::{Limiter, LIMITER_PARAMS};
use super::param::{ParamInfo, ParamKind};
use super::reverb::{Reverb, REVERB_PARAMS};

/// What the registry knows about one effect.
#[derive(Debug, PartialEq)]
pub struct EffectInfo {
    /// Its name, as written in `-e` and session files.
    pub name: &'static str,
    /// One line saying what it does.
    pub summary: &'static str,
    /// Its parameters; live parameters are addressed by their index in this table.
    pub params: &'static [ParamInfo],
}

/// Every effect tutti has.
pub static EFFECTS: [EffectInfo; 16] = [
    EffectInfo {
        name: "gain",
        summary: "smoothed gain",
        params: &GAIN_PARAMS,
    },
    EffectInfo {
        name: "pan",
        summary: "stereo width (mid/side) and constant-power balance",
        params: &PAN_PARAMS,
    },
    EffectInfo {
        name: "lowpass",
        summary: "RBJ cookbook low-pass biquad",
        params: &PASS_PARAMS,
    },
    EffectInfo {
        name: "highpass",
        summary: "RBJ cookbook high-pass biquad",
        params: &PASS_PARAMS,
    },
    EffectInfo {
        name: "bandpass",
        summary: "RBJ cookbook band-pass biquad (0 dB peak)",
        params: &PASS_PARAMS,
    },
    EffectInfo {
        name: "notch",
        summary: "RBJ cookbook notch biquad",
        params: &PASS_PARAMS,
    },
    EffectInfo {
        name: "lowshelf",
        summary: "RBJ cookbook low-shelf biquad",
        params: &SHELF_PARAMS,
    },
    EffectInfo {
        name: "highshelf",
        summary: "RBJ cookbook high-shelf biquad",
        params: &SHELF_PARAMS,
    },
    EffectInfo {
        name: "peaking",
        summary: "RBJ cookbook peaking (bell) biquad",
        params: &SHELF_PARAMS,
    },
    EffectInfo {
        name: "eq",
        summary: "four-band EQ: low shelf, two bells, high shelf",
        params: &EQ_PARAMS,
    },
    EffectInfo {
        name: "delay",
        summary: "feedback delay: damping, ping-pong, tempo sync",
        params: &DELAY_PARAMS,
    },
    EffectInfo {
        name: "reverb",
        summary: "algorithmic reverb (8-line feedback delay network)",
        params: &REVERB_PARAMS,
    },
    EffectInfo {
        name: "convolution",
        summary: "convolution reverb, partitioned FFT",
        params: &CONVOLUTION_PARAMS,
    },
    EffectInfo {
        name: "compressor",
        summary: "feed-forward soft-knee compressor",
        params: &COMPRESSOR_PARAMS,
    },
    EffectInfo {
        name: "limiter",
        summary: "lookahead brick-wall limiter",
        params: &LIMITER_PARAMS,
    },
    EffectInfo {
        name: "distortion",
        summary: "soft (tanh) or hard clipping",
        params: &DISTORTION_PARAMS,
    },
];

/// Looks an effect up by name.
pub fn effect_info(name: &str) -> Option<&'static EffectInfo> {
    EFFECTS.iter().find(|e| e.name == name)
}

impl EffectInfo {
    /// The index of parameter `key`.
    pub fn param_index(&self, key: &str) -> Option<usize> {
        self.params.iter().position(|p| p.name == key)
    }

    fn keys(&self) -> String {
        let keys: Vec<_> = self
            .params
            .iter()
            .map(|p| p.name)
            .chain([ENABLED_KEY])
            .collect();
        keys.join(", ")
    }
}

/// One effect as the control side describes it: a name and its parameter values, checked.
#[derive(Debug, Clone, PartialEq)]
pub struct EffectSpec {
    info: &'static EffectInfo,
    values: Vec<f32>,
    texts: Vec<Option<String>>,
    enabled: bool,
}

impl EffectSpec {
    /// An effect with every parameter at its default. Errors name the unknown effect.
    pub fn new(name: &str) -> Result<Self, String> {
        let info = effect_info(name).ok_or_else(|| {
            let names: Vec<_> = EFFECTS.iter().map(|e| e.name).collect();
            format!("unknown effect '{name}' (effects: {})", names.join(", "))
        })?;
        Ok(Self {
            info,
            values: info.params.iter().map(|p| p.default).collect(),
            texts: vec![None; info.params.len()],
            enabled: true,
        })
    }

    /// Parses `"NAME key=value key=value ..."`.
    pub fn parse(text: &str) -> Result<Self, String> {
        let mut words = text.split_whitespace();
        let name = words.next().ok_or("empty effect description")?;
        let mut spec = Self::new(name)?;
        for word in words {
            let (key, value) = word.split_once('=').ok_or_else(|| {
                format!(
                    "{name}: '{word}' is not key=value (keys: {})",
                    spec.info.keys()
                )
            })?;
            spec.set(key, value)?;
        }
        Ok(spec)
    }

    /// Sets `key` from its text, checking the kind and range. Errors name effect, key and value.
    pub fn set(&mut self, key: &str, value: &str) -> Result<(), String> {
        let name = self.info.name;
        if key == ENABLED_KEY {
            self.enabled = parse_bool(value)
                .ok_or_else(|| format!("{name}: {key}={value} is not true or false"))?;
            return Ok(());
        }
        let index = self
            .info
            .param_index(key)
            .ok_or_else(|| format!("{name}: unknown key '{key}' (keys: {})", self.info.keys()))?;
        let p = &self.info.params[index];
        match p.kind {
            ParamKind::File | ParamKind::Bus => {
                if value.is_empty() {
                    return Err(format!("{name}: {key} is empty"));
                }
                self.texts[index] = Some(value.to_string());
            }
            ParamKind::Toggle => {
                let on = parse_bool(value)
                    .ok_or_else(|| format!("{name}: {key}={value} is not true or false"))?;
                self.values[index] = if on { 1.0 } else { 0.0 };
            }
            ParamKind::Choice(names) => {
                let i = names
                    .iter()
                    .position(|n| *n == value)
                    .or_else(|| value.parse::<usize>().ok().filter(|i| *i < names.len()));
                let i = i.ok_or_else(|| {
                    format!("{name}: {key}={value} is not one of {}", names.join(", "))
                })?;
                self.values[index] = i as f32;
            }
            ParamKind::Number => {
                let v: f32 = value
                    .parse()
                    .map_err(|_| format!("{name}: {key}={value} is not a number"))?;
                if !v.is_finite() || v < p.min || v > p.max {
                    return Err(format!(
                        "{name}: {key}={value} is out of range ({} to {}{})",
                        p.min,
                        p.max,
                        unit_suffix(p.unit)
                    ));
                }
                self.values[index] = v;
            }
        }
        Ok(())
    }

    /// False if the effect starts bypassed (`enabled=false`); it can be enabled live.
    pub fn enabled(&self) -> bool {
        self.enabled
    }

    /// The effect's registry entry.
    pub fn info(&self) -> &'static EffectInfo {
        self.info
    }

    /// The effect's name.
    pub fn name(&self) -> &'static str {
        self.info.name
    }

    /// The numeric values, one per parameter (0 for file and bus parameters).
    pub fn values(&self) -> &[f32] {
        &self.values
    }

    /// The text of a file or bus parameter, if given.
    pub fn text(&self, key: &str) -> Option<&str> {
        self.texts.get(self.info.param_index(key)?)?.as_deref()
    }

    /// Builds the effect, allocating everything it needs. Errors are one line naming the effect
    /// (and the file, for an impulse response that cannot be read).
    pub fn build(&self, ctx: &BuildContext) -> Result<Box<dyn Effect>, String> {
        let (v, rate) = (&self.values[..], ctx.rate);
        Ok(match self.info.name {
            "gain" => Box::new(Gain::new(v, rate)),
            "pan" => Box::new(PanWidth::new(v, rate)),
            "lowpass" => Box::new(FilterEffect::new(BiquadKind::LowPass, v, rate)),
            "highpass" => Box::new(FilterEffect::new(BiquadKind::HighPass, v, rate)),
            "bandpass" => Box::new(FilterEffect::new(BiquadKind::BandPass, v, rate)),
            "notch" => Box::new(FilterEffect::new(BiquadKind::Notch, v, rate)),
            "lowshelf" => Box::new(FilterEffect::new(BiquadKind::LowShelf, v, rate)),
            "highshelf" => Box::new(FilterEffect::new(BiquadKind::HighShelf, v, rate)),
            "peaking" => Box::new(FilterEffect::new(BiquadKind::Peaking, v, rate)),
            "eq" => Box::new(Eq::new(v, rate)),
            "delay" => Box::new(Delay::new(v, rate)),
            "reverb" => Box::new(Reverb::new(v, rate)),
            "compressor" => Box::new(Compressor::new(v, rate)),
            "limiter" => Box::new(Limiter::new(v, rate)),
            "distortion" => Box::new(Distortion::new(v, rate)),
            "convolution" => {
                let path = self.text("ir").ok_or("convolution: missing ir=FILE")?;
                let ir = (ctx.load_ir)(path, rate).map_err(|e| format!("convolution: {e}"))?;
                let ir_len = ir.channels.first().map_or(0, Vec::len);
                if ir_len == 0 || ir.channels.iter().any(|c| c.len() != ir_len) {
                    return Err(format!("convolution: {path}: the impulse response is empty or its channels differ in length"));
                }
                Box::new(
                    Convolution::new(ir, v, rate, ctx.max_block_frames)
                        .map_err(|e| format!("convolution: {path}: {e}"))?,
                )
            }
            other => return Err(format!("{other}: not buildable")),
        })
    }
}

/// The key, accepted by every effect, that makes it start bypassed.
pub const ENABLED_KEY: &str = "enabled";

fn parse_bool(value: &str) -> Option<bool> {
    match value.to_ascii_lowercase().as_str() {
        "true" | "1" | "on" | "yes" => Some(true),
        "false" | "0" | "off" | "no" => Some(false),
        _ => None,
    }
}

fn unit_suffix(unit: &str) -> String {
    if unit.is_empty() {
        String::new()
    } else {
        format!(" {unit}")
    }
}

/// The text of `tutti fx --list`: every effect with its parameters, units, ranges and defaults.
pub fn effects_help() -> String {
    let mut s = String::from(
        "Every effect also takes enabled=true|false (false: starts bypassed; enabling crossfades).\n",
    );
    for e in &EFFECTS {
        let _ = writeln!(s, "{} — {}", e.name, e.summary);
        for p in e.params {
            let range = match p.kind {
                ParamKind::Number => format!(
                    "{} to {}{}, default {}",
                    p.min,
                    p.max,
                    unit_suffix(p.unit),
                    p.default
                ),
                ParamKind::Toggle => format!("true|false, default {}", p.default != 0.0),
                ParamKind::Choice(names) => {
                    format!("{}, default {}", names.join("|"), names[p.default as usize])
                }
                ParamKind::File => "file name".to_string(),
                ParamKind::Bus => "bus name".to_string(),
            };
            let _ = writeln!(s, "    {:<14} {:<34} {}", p.name, range, p.help);
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_reports_errors_in_one_line() {
        let s = EffectSpec::parse("lowpass freq_hz=800 q=2").unwrap();
        assert_eq!(s.values(), &[800.0, 2.0]);
        assert!(EffectSpec::parse("lowpas")
            .unwrap_err()
            .starts_with("unknown effect 'lowpas'"));
        assert!(EffectSpec::parse("lowpass frq=3")
            .unwrap_err()
            .contains("unknown key 'frq'"));
        assert!(EffectSpec::parse("limiter ceiling_db=3")
            .unwrap_err()
            .contains("out of range (-24 to 0 dB)"));
        assert!(EffectSpec::parse("distortion mode=soft").is_ok());
        let c = EffectSpec::parse("convolution ir=room.wav dry=0 wet=1 normalize=false").unwrap();
        assert_eq!(c.text("ir"), Some("room.wav"));
        let err = c
            .build(&BuildContext::without_files(48_000, 128))
            .err()
            .unwrap();
        assert!(err.starts_with("convolution: room.wav"), "{err}");
    }

    #[test]
    fn every_effect_builds_with_defaults_and_has_few_params() {
        for e in &EFFECTS {
            assert!(e.params.len() <= super::super::param::MAX_PARAMS);
            if e.name != "convolution" {
                EffectSpec::new(e.name)
                    .unwrap()
                    .build(&BuildContext::without_files(48_000, 128))
                    .unwrap();
            }
        }
        assert!(effects_help().contains("ceiling_db"));
    }
}
