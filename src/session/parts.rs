//! Parts and takes: which take of each part plays when, picked from a seed, and the song that
//! plays it.

use std::collections::HashMap;
use std::path::PathBuf;

use super::effects::{self, SendEntry};
use super::model::{MixEntry, PartEntry, Session, SourceEntry};
use super::SessionError;
use crate::mixer::{Channel, Envelope, Fade};
use crate::render::{BusSpec, SendSpec, Song, TrackSpec, VoiceMixSpec};
use crate::source::{probe, SourceSpec};

/// Which take of one part plays from when.
#[derive(Debug, Clone, PartialEq)]
pub struct PartPlan {
    /// The part's name.
    pub name: String,
    /// `(start_seconds, take index)` for each segment, in order; the first starts at 0.
    pub segments: Vec<(f64, usize)>,
}

/// A small, portable pseudo-random generator (SplitMix64), so that a seed picks the same takes
/// on every machine.
struct SplitMix64(u64);

impl SplitMix64 {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
}

/// Picks a take for every segment of every part from `seed`.
pub fn plan_takes(parts: &[PartEntry], seed: u64) -> Vec<PartPlan> {
    let mut rng = SplitMix64(seed);
    parts
        .iter()
        .map(|p| {
            let starts = std::iter::once(0.0).chain(p.switch_at.iter().map(|s| s.0));
            let segments = starts
                .map(|start| (start, (rng.next() % p.takes.len() as u64) as usize))
                .collect();
            PartPlan {
                name: p.name.clone(),
                segments,
            }
        })
        .collect()
}

fn channel(mix: &MixEntry) -> Channel {
    Channel {
        gain_db: mix.gain_db,
        pan: mix.pan,
        mute: mix.mute,
        solo: mix.solo,
    }
}

impl Session {
    /// The song this session describes, with the parts' takes picked from `seed`; bus names
    /// become indices and every file and track number is checked here.
    pub fn to_song(&self, seed: u64) -> Result<Song, SessionError> {
        let mut checker = SourceChecker::default();
        let bus_index = |mix: &MixEntry| {
            mix.bus
                .as_ref()
                .and_then(|n| self.buses.iter().position(|b| &b.name == n))
        };
        let mut tracks = Vec::new();
        for t in &self.tracks {
            let name = self.track_name(t);
            let source = checker.resolve(self, &t.source(), &format!("track '{name}'"))?;
            tracks.push(TrackSpec {
                channel: channel(&t.mix()),
                start_seconds: t.start.0,
                bus: bus_index(&t.mix()),
                effects: effects::specs(&t.effects, &self.base_dir),
                sends: t.sends.iter().filter_map(|s| self.send_spec(s)).collect(),
                ..TrackSpec::new(name, source)
            });
        }
        for (part, plan) in self.parts.iter().zip(plan_takes(&self.parts, seed)) {
            for (take, envelope) in take_envelopes(part, &plan, self.engine.rate) {
                let what = format!("part '{}' take {}", part.name, take + 1);
                let source = checker.resolve(self, &part.takes[take], &what)?;
                tracks.push(TrackSpec {
                    channel: channel(&part.mix()),
                    bus: bus_index(&part.mix()),
                    envelope: Some(envelope),
                    ..TrackSpec::new(format!("{} (take {})", part.name, take + 1), source)
                });
            }
        }
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
        Ok(Song {
            tracks,
            buses,
            master_gain_db: self.master.gain_db,
            master_effects: effects::specs(&self.master.effects, &self.base_dir),
            voices: self.voice_spec(),
            voice_mix: self.voice_mix(),
        })
    }

    /// How the voices reach the mix, with bus names resolved.
    fn voice_mix(&self) -> VoiceMixSpec {
        let v = &self.voices;
        VoiceMixSpec {
            channel: Channel {
                gain_db: v.gain_db,
                pan: v.pan,
                mute: v.mute,
                solo: false,
            },
            bus: v
                .bus
                .as_ref()
                .and_then(|n| self.buses.iter().position(|b| &b.name == n)),
            effects: effects::specs(&v.effects, &self.base_dir),
            sends: v.sends.iter().filter_map(|s| self.send_spec(s)).collect(),
        }
    }

    /// A send with its bus name resolved to an index (validation has checked the name).
    fn send_spec(&self, s: &SendEntry) -> Option<SendSpec> {
        let bus = self.buses.iter().position(|b| b.name == s.bus)?;
        Some(SendSpec {
            bus,
            level_db: s.level_db,
            pre_fader: s.pre,
        })
    }

    /// A description of the takes a seed picks, one line per segment.
    pub fn describe_takes(&self, seed: u64) -> Vec<String> {
        let mut lines = Vec::new();
        for (part, plan) in self.parts.iter().zip(plan_takes(&self.parts, seed)) {
            for (i, &(start, take)) in plan.segments.iter().enumerate() {
                let end = plan
                    .segments
                    .get(i + 1)
                    .map_or("end".to_string(), |s| clock(s.0));
                let src = &part.takes[take];
                let file = self
                    .source_path(src)
                    .map(|p| p.display().to_string())
                    .unwrap_or_default();
                let track = src.track.map(|n| format!(" track {n}")).unwrap_or_default();
                lines.push(format!(
                    "{}: {} - {end}: take {} ({file}{track})",
                    part.name,
                    clock(start),
                    take + 1
                ));
            }
        }
        lines
    }
}

/// "1:02.500".
fn clock(seconds: f64) -> String {
    let m = (seconds / 60.0).floor();
    format!("{}:{:06.3}", m as u64, seconds - m * 60.0)
}

/// For each take a part uses, its gain curve: on in its segments, equal-power fades at the
/// switches into and out of it. The fade starts at the switch time.
fn take_envelopes(part: &PartEntry, plan: &PartPlan, rate: u32) -> Vec<(usize, Envelope)> {
    let mut used: Vec<usize> = plan.segments.iter().map(|s| s.1).collect();
    used.sort_unstable();
    used.dedup();
    let fade_frames = (part.crossfade_ms / 1000.0 * rate as f64).round().max(1.0) as u64;
    used.into_iter()
        .map(|take| {
            let mut fades = Vec::new();
            for pair in plan.segments.windows(2) {
                let (was, now) = (pair[0].1 == take, pair[1].1 == take);
                if was != now {
                    let start_frame = (pair[1].0 * rate as f64).round() as u64;
                    fades.push(Fade {
                        start_frame,
                        frames: fade_frames,
                        fade_in: now,
                    });
                }
            }
            (take, Envelope::new(plan.segments[0].1 == take, fades))
        })
        .collect()
}

/// Resolves source entries to sources, checking each file's track numbers once.
#[derive(Default)]
struct SourceChecker {
    track_counts: HashMap<PathBuf, Vec<bool>>,
}

impl SourceChecker {
    fn resolve(
        &mut self,
        session: &Session,
        entry: &SourceEntry,
        what: &str,
    ) -> Result<SourceSpec, SessionError> {
        let invalid = |message: String| SessionError::Invalid {
            path: session.path.clone(),
            message,
        };
        let path = session
            .source_path(entry)
            .ok_or_else(|| invalid(format!("{what}: needs a file")))?;
        let Some(number) = entry.track else {
            return Ok(SourceSpec::File(path));
        };
        if !self.track_counts.contains_key(&path) {
            let info = probe(&path).map_err(|e| invalid(format!("{what}: {e}")))?;
            self.track_counts.insert(
                path.clone(),
                info.tracks.iter().map(|t| t.is_audio).collect(),
            );
        }
        let audio = &self.track_counts[&path];
        match audio.get(number.wrapping_sub(1)) {
            Some(true) => Ok(SourceSpec::Track { path, number }),
            Some(false) => Err(invalid(format!(
                "{what}: track {number} of {} is not audio",
                path.display()
            ))),
            None => Err(invalid(format!(
                "{what}: track {number} does not exist ({} has {} tracks)",
                path.display(),
                audio.len()
            ))),
        }
    }
}
