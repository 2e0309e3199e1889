//! The voice part of a session: `samples = "dir"`, `tempo`, and the `[[event]]` timeline.

use serde::Deserialize;

use super::model::Session;
use super::time::Seconds;
use crate::voice::{EventTime, Sound, TempoMap, TimelineEvent, VoiceParams, VoiceSpec};

/// Frequency of a synth event without `freq`: middle C (SuperDirt's note 0).
const DEFAULT_SYNTH_HZ: f32 = 261.6256;

/// Parses `"2.5s"`, `"1:30"`, `"96000smp"` (frames) or `"8b"` (beats); a bare number is
/// seconds.
pub fn parse_event_time(text: &str) -> Result<EventTime, String> {
    let t = text.trim();
    let number = |s: &str| {
        s.trim()
            .parse::<f64>()
            .ok()
            .filter(|v| v.is_finite() && *v >= 0.0)
            .ok_or_else(|| {
                format!(
                    "'{text}' is not a time (use 2.5, \"2.5s\", \"1:30\", \"96000smp\" or \"8b\")"
                )
            })
    };
    if let Some(f) = t.strip_suffix("smp").or_else(|| t.strip_suffix("samples")) {
        let v = number(f)?;
        if v.fract() != 0.0 {
            return Err(format!("'{text}': a frame count must be whole"));
        }
        return Ok(EventTime::Frames(v as u64));
    }
    if let Some(b) = t.strip_suffix("beats").or_else(|| t.strip_suffix('b')) {
        return Ok(EventTime::Beats(number(b)?));
    }
    super::parse_time(t).map(EventTime::Seconds)
}

/// An event time as written: a number of seconds, or a string for [`parse_event_time`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct At(pub EventTime);

impl<'de> Deserialize<'de> for At {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Number(f64),
            Text(String),
        }
        match Raw::deserialize(d)? {
            Raw::Number(n) if n.is_finite() && n >= 0.0 => Ok(At(EventTime::Seconds(n))),
            Raw::Number(n) => Err(serde::de::Error::custom(format!("{n} is not a time"))),
            Raw::Text(s) => parse_event_time(&s)
                .map(At)
                .map_err(serde::de::Error::custom),
        }
    }
}

/// `tempo = 120` or `tempo = [[0, 120], [16, 90]]` (`[beat, bpm]` pairs).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(untagged)]
pub enum TempoEntry {
    /// One tempo throughout.
    Bpm(f64),
    /// Tempo changes at beats.
    Changes(Vec<(f64, f64)>),
}

impl TempoEntry {
    fn to_map(&self) -> Result<TempoMap, String> {
        match self {
            Self::Bpm(bpm) => TempoMap::constant(*bpm),
            Self::Changes(c) => TempoMap::with_changes(c),
        }
    }
}

/// One `[[event]]`: a sample or a synth note at a time.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EventEntry {
    /// When: seconds (`2.5`, `"2.5s"`, `"1:30"`), frames (`"96000smp"`) or beats (`"8b"`).
    pub at: At,
    /// A sample of the library, `"name"` or `"name:n"`.
    pub sample: Option<String>,
    /// A synth: `sine`, `saw`, `square`, `triangle`, `noise` or `pink`.
    pub synth: Option<String>,
    /// Synth frequency in Hz (default 261.63).
    pub freq: Option<f32>,
    /// Pitch shift in semitones.
    #[serde(default)]
    pub note: f64,
    /// Linear gain (default 1).
    pub gain: Option<f32>,
    /// Pan, −1 ..= 1.
    #[serde(default)]
    pub pan: f32,
    /// Playback rate (default 1; negative plays backwards).
    pub speed: Option<f64>,
    /// Start within the sample, 0 ..= 1.
    pub begin: Option<f64>,
    /// End within the sample, 0 ..= 1.
    pub end: Option<f64>,
    /// Loop the sample until `length`.
    #[serde(default, rename = "loop")]
    pub looping: bool,
    /// Choke group.
    #[serde(default)]
    pub cut: i32,
    /// Attack in seconds.
    pub attack: Option<Seconds>,
    /// Decay in seconds.
    pub decay: Option<Seconds>,
    /// Sustain level, 0 ..= 1.
    pub sustain_level: Option<f32>,
    /// Release in seconds.
    pub release: Option<Seconds>,
    /// How long the gate stays open, in seconds (default: to the end of the sample; a synth
    /// needs it).
    pub length: Option<Seconds>,
    /// Synth low-pass cutoff in Hz.
    pub cutoff: Option<f32>,
    /// Synth filter resonance, 0 ..= 1.
    #[serde(default)]
    pub resonance: f32,
}

impl EventEntry {
    fn params(&self) -> Result<VoiceParams, String> {
        let base = match (&self.sample, &self.synth) {
            // The sample is resolved when the song starts; the sound here is a placeholder.
            (Some(_), None) => VoiceParams::sample(crate::voice::SampleId(u32::MAX)),
            (None, Some(w)) => {
                VoiceParams::synth(w.parse()?, self.freq.unwrap_or(DEFAULT_SYNTH_HZ))
            }
            _ => return Err("needs exactly one of 'sample' and 'synth'".into()),
        };
        let p = VoiceParams {
            gain: self.gain.unwrap_or(1.0),
            pan: self.pan,
            speed: self.speed.unwrap_or(1.0),
            note: self.note,
            begin: self.begin.unwrap_or(0.0),
            end: self.end.unwrap_or(1.0),
            looping: self.looping,
            attack_s: self.attack.map_or(base.attack_s, |s| s.0),
            decay_s: self.decay.map_or(base.decay_s, |s| s.0),
            sustain_level: self.sustain_level.unwrap_or(1.0),
            release_s: self.release.map_or(base.release_s, |s| s.0),
            length_s: self.length.map(|s| s.0),
            cut: self.cut,
            cutoff_hz: self.cutoff,
            resonance: self.resonance,
            ..base
        };
        check(&p, self.synth.is_some())?;
        Ok(p)
    }
}

fn check(p: &VoiceParams, synth: bool) -> Result<(), String> {
    let range = |name: &str, v: f64, lo: f64, hi: f64| {
        if v.is_finite() && (lo..=hi).contains(&v) {
            Ok(())
        } else {
            Err(format!("{name} {v} is out of range ({lo} to {hi})"))
        }
    };
    range("gain", p.gain as f64, 0.0, 16.0)?;
    range("pan", p.pan as f64, -1.0, 1.0)?;
    range("speed", p.speed.abs(), 1e-3, 1024.0)?;
    range("note", p.note, -96.0, 96.0)?;
    range("begin", p.begin, 0.0, 1.0)?;
    range("end", p.end, 0.0, 1.0)?;
    range("sustain_level", p.sustain_level as f64, 0.0, 1.0)?;
    range("resonance", p.resonance as f64, 0.0, 1.0)?;
    if let Sound::Synth { freq_hz, .. } = p.sound {
        range("freq", freq_hz as f64, 0.0, 100_000.0)?;
    }
    if synth && p.length_s.is_none() {
        return Err("a synth event needs a 'length'".into());
    }
    Ok(())
}

impl Session {
    /// Checks `tempo` and every `[[event]]`.
    pub(super) fn validate_events(&self) -> Result<(), String> {
        if let Some(t) = &self.tempo {
            t.to_map()?;
        }
        for (i, e) in self.events.iter().enumerate() {
            e.params()
                .map_err(|m| format!("[[event]] #{}: {m}", i + 1))?;
        }
        Ok(())
    }

    /// The voice part of the song: the samples folder (relative to the session file), the
    /// tempo and the timeline.
    pub fn voice_spec(&self) -> VoiceSpec {
        let events = self
            .events
            .iter()
            .filter_map(|e| {
                Some(TimelineEvent {
                    at: e.at.0,
                    sample: e.sample.clone(),
                    params: e.params().ok()?,
                })
            })
            .collect();
        VoiceSpec {
            samples_dir: self.samples.as_ref().map(|d| self.base_dir.join(d)),
            tempo: self
                .tempo
                .as_ref()
                .and_then(|t| t.to_map().ok())
                .unwrap_or_default(),
            events,
            ..VoiceSpec::default()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn event_times_in_every_unit() {
        assert_eq!(parse_event_time("2.5s").unwrap(), EventTime::Seconds(2.5));
        assert_eq!(
            parse_event_time("96000smp").unwrap(),
            EventTime::Frames(96_000)
        );
        assert_eq!(parse_event_time("1:30").unwrap(), EventTime::Seconds(90.0));
        assert_eq!(parse_event_time("6b").unwrap(), EventTime::Beats(6.0));
        assert!(parse_event_time("x").is_err());
        assert!(parse_event_time("1.5smp").is_err());
    }
}
