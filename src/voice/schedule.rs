//! Event times (frames, seconds, beats), the tempo clock, and the events queued for the audio
//! thread.

use std::cmp::Ordering;

use super::player::VoiceStart;

/// When an event happens, counted from the start of the song.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum EventTime {
    /// As soon as possible: at the start of the next block.
    Now,
    /// At this song frame (one sample per channel at the engine rate).
    Frames(u64),
    /// At this many seconds, rounded to the nearest frame.
    Seconds(f64),
    /// At this beat (0-based), through the [`TempoMap`].
    Beats(f64),
}

impl EventTime {
    /// The song frame, or `None` for [`EventTime::Now`] or a negative or non-finite time.
    pub fn to_frame(self, rate: u32, tempo: &TempoMap) -> Option<u64> {
        let seconds = match self {
            Self::Now => return None,
            Self::Frames(f) => return Some(f),
            Self::Seconds(s) => s,
            Self::Beats(b) => tempo.seconds_at(b),
        };
        (seconds.is_finite() && seconds >= 0.0).then(|| (seconds * rate as f64).round() as u64)
    }
}

/// A tempo clock: beats per minute from beat 0, changing at given beats (steps, no ramps).
#[derive(Debug, Clone, PartialEq)]
pub struct TempoMap {
    /// `(beat, bpm)` pairs sorted by beat; the first is at beat 0.
    changes: Vec<(f64, f64)>,
}

impl Default for TempoMap {
    /// 120 beats per minute throughout.
    fn default() -> Self {
        Self {
            changes: vec![(0.0, 120.0)],
        }
    }
}

impl TempoMap {
    /// A constant tempo.
    pub fn constant(bpm: f64) -> Result<Self, String> {
        Self::with_changes(&[(0.0, bpm)])
    }

    /// A tempo that is `changes[i].1` bpm from beat `changes[i].0`; the first change must be at
    /// beat 0, beats must increase and tempos lie in 1 ..= 10000 bpm.
    pub fn with_changes(changes: &[(f64, f64)]) -> Result<Self, String> {
        if changes.first().map(|c| c.0) != Some(0.0) {
            return Err("the first tempo must be at beat 0".into());
        }
        for (i, &(beat, bpm)) in changes.iter().enumerate() {
            if !(1.0..=10_000.0).contains(&bpm) {
                return Err(format!("tempo {bpm} bpm is out of range (1 to 10000)"));
            }
            if i > 0 && (beat.is_nan() || beat <= changes[i - 1].0) {
                return Err(format!(
                    "tempo change at beat {beat} is not after the one before"
                ));
            }
        }
        Ok(Self {
            changes: changes.to_vec(),
        })
    }

    /// Seconds from beat 0 to `beat`.
    pub fn seconds_at(&self, beat: f64) -> f64 {
        let mut seconds = 0.0;
        for (i, &(start, bpm)) in self.changes.iter().enumerate() {
            let end = self.changes.get(i + 1).map_or(f64::INFINITY, |c| c.0);
            if beat <= end {
                return seconds + (beat - start) * 60.0 / bpm;
            }
            seconds += (end - start) * 60.0 / bpm;
        }
        seconds
    }
}

/// What an event does.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Action {
    /// Start a voice.
    Start(VoiceStart),
    /// Close the gate of voice `id` (its release follows).
    Stop(u64),
    /// Close every gate.
    StopAll,
}

/// An event on its way to, or waiting on, the audio thread.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Scheduled {
    /// Song frame.
    pub at: u64,
    /// Order among events of the same frame (the order they were sent).
    pub seq: u64,
    /// `at` was "now": never counted as late.
    pub asap: bool,
    /// What to do.
    pub action: Action,
}

impl PartialEq for Scheduled {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Scheduled {}

impl PartialOrd for Scheduled {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Scheduled {
    /// Reversed, so that `BinaryHeap` pops the earliest event first.
    fn cmp(&self, other: &Self) -> Ordering {
        (other.at, other.seq).cmp(&(self.at, self.seq))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_in_every_unit() {
        let tempo = TempoMap::with_changes(&[(0.0, 120.0), (4.0, 60.0)]).unwrap();
        assert_eq!(
            EventTime::Seconds(2.5).to_frame(48_000, &tempo),
            Some(120_000)
        );
        assert_eq!(
            EventTime::Frames(96_000).to_frame(48_000, &tempo),
            Some(96_000)
        );
        // 4 beats at 120 bpm = 2 s, then 2 beats at 60 bpm = 2 s.
        assert_eq!(EventTime::Beats(6.0).to_frame(1000, &tempo), Some(4000));
        assert_eq!(EventTime::Beats(2.0).to_frame(1000, &tempo), Some(1000));
        assert_eq!(EventTime::Now.to_frame(1000, &tempo), None);
        assert_eq!(EventTime::Seconds(-1.0).to_frame(1000, &tempo), None);
        assert!(TempoMap::with_changes(&[(1.0, 120.0)]).is_err());
    }
}
