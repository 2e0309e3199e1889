//! SuperDirt's `/dirt/play` message, as TidalCycles sends it, mapped to a voice.
//!
//! A message's arguments are flat `(key, value)` pairs. The keys used here: `s` (required), `n`,
//! `gain`, `pan`, `speed`, `begin`, `end`, `cut`, `attack`, `hold`, `release`, `legato`,
//! `sustain`, `orbit`, `cps`, `cycle`, `delta`, `note` (`up` arrives as `note`); any other key is
//! ignored, and any numeric type is accepted for a numeric key. The mapping follows SuperDirt
//! (`DirtEvent.sc`, `core-synths.scd`):
//! - sample `s` folder, file `floor(n)` wrapped (negatives too); `n` never changes a sample's
//!   pitch; rate = `speed · 2^(note/12)`; `speed < 0` plays backwards;
//! - amplitude `0.4 · min(gain, 2)^4`; pan `0 ..= 1` becomes `−1 ..= 1`;
//! - length: `sustain`, else `delta · legato`, else to the end of the sample (between `begin`
//!   and `end`, fractions of the file); a 1 ms fade-out, a 1 ms fade-in only when `begin ≠ 0`;
//!   `attack`, `hold` and `release` (seconds) shape the envelope instead;
//! - `cut g ≠ 0` fades the earlier voices of group `g` on the same orbit (`g < 0`: of the same
//!   sample only).
//!
//! When `s` is not a sample folder but a waveform name (`sine`, `saw`, `square`, `triangle`,
//! `noise`, `pink`), a synth voice plays at `261.63 Hz · 2^((n + note)/12)`, for `sustain` or
//! `delta · legato` (default `delta`, else 0.25 s).

use rosc::OscType;

use super::{Sound, VoiceParams};
use crate::dsp::Waveform;

/// SuperDirt's default amplitude at gain 1.
const AMP: f32 = 0.4;
/// SuperDirt's fade-out (and fade-in for `begin ≠ 0`), in seconds.
const FADE_S: f64 = 0.001;
/// Middle C in SuperDirt's synths (note 0).
const C5_HZ: f64 = 261.6256;

/// One `/dirt/play` message, parsed.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct DirtPlay {
    /// The sound: a sample folder or a synth name.
    pub s: String,
    /// The other keys this module knows, by name (`None` when absent).
    pub n: Option<f64>,
    /// Gain (SuperDirt's, before `0.4 · gain^4`).
    pub gain: Option<f64>,
    /// Pan, 0 ..= 1.
    pub pan: Option<f64>,
    /// Playback rate.
    pub speed: Option<f64>,
    /// Start, fraction of the sample.
    pub begin: Option<f64>,
    /// End, fraction of the sample.
    pub end: Option<f64>,
    /// Choke group.
    pub cut: Option<f64>,
    /// Attack, seconds.
    pub attack: Option<f64>,
    /// Hold, seconds.
    pub hold: Option<f64>,
    /// Release, seconds.
    pub release: Option<f64>,
    /// Length as a multiple of `delta`.
    pub legato: Option<f64>,
    /// Length in seconds.
    pub sustain: Option<f64>,
    /// Output bus.
    pub orbit: Option<f64>,
    /// Cycles per second.
    pub cps: Option<f64>,
    /// The event's cycle.
    pub cycle: Option<f64>,
    /// The event's length in seconds.
    pub delta: Option<f64>,
    /// Pitch in semitones.
    pub note: Option<f64>,
}

/// Why a `/dirt/play` message was rejected.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum DirtError {
    /// The arguments are not `(string key, value)` pairs.
    #[error("/dirt/play: arguments are not key/value pairs")]
    NotPairs,
    /// A known numeric key has a non-numeric value.
    #[error("/dirt/play: key '{0}' needs a number")]
    NotANumber(String),
    /// There is no `s`.
    #[error("/dirt/play: no 's' (sound name)")]
    NoSound,
}

fn number(v: &OscType) -> Option<f64> {
    match v {
        OscType::Float(f) => Some(*f as f64),
        OscType::Double(d) => Some(*d),
        OscType::Int(i) => Some(*i as f64),
        OscType::Long(l) => Some(*l as f64),
        OscType::Bool(b) => Some(*b as u8 as f64),
        OscType::String(s) => s.parse().ok(),
        _ => None,
    }
    .filter(|x: &f64| x.is_finite())
}

impl DirtPlay {
    /// Parses the arguments of a `/dirt/play` message.
    pub fn parse(args: &[OscType]) -> Result<Self, DirtError> {
        if !args.len().is_multiple_of(2) {
            return Err(DirtError::NotPairs);
        }
        let mut p = DirtPlay::default();
        for pair in args.chunks_exact(2) {
            let OscType::String(key) = &pair[0] else {
                return Err(DirtError::NotPairs);
            };
            let slot = match key.as_str() {
                "s" => {
                    match &pair[1] {
                        OscType::String(s) => p.s = s.clone(),
                        _ => return Err(DirtError::NotANumber("s".into())),
                    }
                    continue;
                }
                "n" => &mut p.n,
                "gain" => &mut p.gain,
                "pan" => &mut p.pan,
                "speed" => &mut p.speed,
                "begin" => &mut p.begin,
                "end" => &mut p.end,
                "cut" => &mut p.cut,
                "attack" => &mut p.attack,
                "hold" => &mut p.hold,
                "release" => &mut p.release,
                "legato" => &mut p.legato,
                "sustain" => &mut p.sustain,
                "orbit" => &mut p.orbit,
                "cps" => &mut p.cps,
                "cycle" => &mut p.cycle,
                "delta" => &mut p.delta,
                "note" | "up" => &mut p.note,
                _ => continue,
            };
            *slot = Some(number(&pair[1]).ok_or_else(|| DirtError::NotANumber(key.clone()))?);
        }
        if p.s.is_empty() {
            return Err(DirtError::NoSound);
        }
        Ok(p)
    }

    /// The sample index `floor(n)`.
    pub fn sample_index(&self) -> i64 {
        self.n.unwrap_or(0.0).floor() as i64
    }

    /// The synth this names, if `s` is a waveform.
    pub fn waveform(&self) -> Option<Waveform> {
        self.s.parse().ok()
    }

    /// The voice for this event playing `sound` (a sample found in the library, or the synth of
    /// [`DirtPlay::waveform`]).
    pub fn to_params(&self, sound: Sound) -> VoiceParams {
        let is_synth = matches!(sound, Sound::Synth { .. });
        let sound = match sound {
            Sound::Synth { waveform, .. } => {
                let n = self.n.unwrap_or(0.0);
                Sound::Synth {
                    waveform,
                    freq_hz: (C5_HZ * (n / 12.0).exp2()) as f32,
                }
            }
            s => s,
        };
        let gain = self.gain.unwrap_or(1.0).clamp(0.0, 2.0) as f32;
        let begin = self.begin.unwrap_or(0.0).clamp(0.0, 1.0);
        let shaped = self.attack.is_some() || self.hold.is_some() || self.release.is_some();
        let attack_s = self
            .attack
            .unwrap_or(if begin > 0.0 { FADE_S } else { 0.0 })
            .max(0.0);
        let release_s = self.release.unwrap_or(FADE_S).max(0.0);
        let mut total = self.sustain.or_else(|| Some(self.delta? * self.legato?));
        if let (Some(hold), None) = (self.hold, total) {
            total = Some(attack_s + hold + release_s);
        }
        if is_synth && total.is_none() {
            total = Some(self.delta.unwrap_or(0.25));
        }
        let length_s = total.map(|t| {
            (t - if shaped || is_synth {
                release_s
            } else {
                FADE_S
            })
            .max(0.0)
        });
        VoiceParams {
            gain: AMP * gain.powi(4),
            pan: (self.pan.unwrap_or(0.5).clamp(0.0, 1.0) * 2.0 - 1.0) as f32,
            speed: self.speed.unwrap_or(1.0),
            note: self.note.unwrap_or(0.0),
            begin,
            end: self.end.unwrap_or(1.0).clamp(0.0, 1.0),
            attack_s,
            release_s,
            length_s,
            cut: self.cut.unwrap_or(0.0) as i32,
            orbit: self.orbit.unwrap_or(0.0).clamp(0.0, 65_535.0) as u16,
            ..VoiceParams::with_sound(sound)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::voice::SampleId;

    fn s(x: &str) -> OscType {
        OscType::String(x.into())
    }

    #[test]
    fn tidal_message_maps_like_superdirt() {
        let args = vec![
            s("_id_"),
            s("1"),
            s("cps"),
            OscType::Float(0.5625),
            s("cut"),
            OscType::Int(1),
            s("cycle"),
            OscType::Float(3.5),
            s("delta"),
            OscType::Float(0.2222),
            s("n"),
            OscType::Float(3.0),
            s("orbit"),
            OscType::Int(0),
            s("pan"),
            OscType::Float(1.0),
            s("s"),
            s("bd"),
            s("speed"),
            OscType::Float(2.0),
            s("note"),
            OscType::Float(12.0),
            s("unknown"),
            OscType::Float(9.0),
        ];
        let p = DirtPlay::parse(&args).unwrap();
        assert_eq!(
            (p.s.as_str(), p.sample_index(), p.cut),
            ("bd", 3, Some(1.0))
        );
        let v = p.to_params(Sound::Sample(SampleId(0)));
        assert_eq!(v.gain, 0.4);
        assert_eq!(v.pan, 1.0);
        assert_eq!(v.speed * (v.note / 12.0).exp2(), 4.0);
        assert_eq!(v.cut, 1);
        assert_eq!(v.length_s, None); // to the end of the sample
        assert_eq!(v.attack_s, 0.0);
    }

    #[test]
    fn malformed_messages_are_errors() {
        assert_eq!(DirtPlay::parse(&[s("s")]), Err(DirtError::NotPairs));
        assert_eq!(
            DirtPlay::parse(&[OscType::Int(1), s("bd")]),
            Err(DirtError::NotPairs)
        );
        assert_eq!(
            DirtPlay::parse(&[s("n"), OscType::Float(1.0)]),
            Err(DirtError::NoSound)
        );
        assert!(matches!(
            DirtPlay::parse(&[s("s"), s("bd"), s("gain"), OscType::Nil]),
            Err(DirtError::NotANumber(_))
        ));
    }

    #[test]
    fn legato_and_synths() {
        let p = DirtPlay::parse(&[
            s("s"),
            s("saw"),
            s("n"),
            OscType::Float(12.0),
            s("delta"),
            OscType::Float(0.5),
            s("legato"),
            OscType::Float(0.5),
        ])
        .unwrap();
        let v = p.to_params(Sound::Synth {
            waveform: p.waveform().unwrap(),
            freq_hz: 0.0,
        });
        assert!(
            matches!(v.sound, Sound::Synth { freq_hz, .. } if (freq_hz - 523.2512).abs() < 0.01)
        );
        assert!((v.length_s.unwrap() - (0.25 - v.release_s)).abs() < 1e-9);
    }
}
