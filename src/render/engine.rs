//! The control side of a playing song: a thread-safe handle whose methods reach the audio
//! thread through the lock-free command queue.

use std::sync::{Arc, Mutex};

use super::{Command, RenderStats, RendererHandle, Song};
use crate::mixer::Channel;

/// Why a control call was refused.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ControlError {
    /// There is no track with that index.
    #[error("there is no track {0} (tracks are numbered from 1)")]
    NoTrack(usize),
    /// There is no bus with that index.
    #[error("there is no bus {0} (buses are numbered from 1)")]
    NoBus(usize),
    /// A value out of range.
    #[error("{0}")]
    BadValue(String),
    /// The command queue is full: the audio thread is not running.
    #[error("the engine is not taking commands (is it running?)")]
    QueueFull,
}

struct State {
    handle: RendererHandle,
    tracks: Vec<Channel>,
    buses: Vec<Channel>,
}

/// A handle to a playing renderer, safe to share between threads (UI, OSC, API). Commands never
/// block the audio thread: they go through a lock-free queue (the mutex here only orders
/// control threads among themselves).
pub struct Engine {
    state: Mutex<State>,
    stats: Arc<RenderStats>,
    rate: u32,
    track_names: Vec<String>,
}

impl Engine {
    /// A handle for `song`, started with `handle`, whose renderer reports to `stats`.
    pub fn new(handle: RendererHandle, song: &Song, stats: Arc<RenderStats>, rate: u32) -> Self {
        let state = State {
            handle,
            tracks: song.tracks.iter().map(|t| t.channel).collect(),
            buses: song.buses.iter().map(|b| b.channel).collect(),
        };
        Self {
            state: Mutex::new(state),
            stats,
            rate,
            track_names: song.tracks.iter().map(|t| t.name.clone()).collect(),
        }
    }

    fn send(
        &self,
        f: impl FnOnce(&mut State) -> Result<Command, ControlError>,
    ) -> Result<(), ControlError> {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        let command = f(&mut state)?;
        state
            .handle
            .send(command)
            .map_err(|_| ControlError::QueueFull)
    }

    /// Starts or resumes playing.
    pub fn play(&self) -> Result<(), ControlError> {
        self.send(|_| Ok(Command::Play))
    }

    /// Pauses (with a short fade), keeping the position.
    pub fn pause(&self) -> Result<(), ControlError> {
        self.send(|_| Ok(Command::Pause))
    }

    /// Stops and returns to the start.
    pub fn stop(&self) -> Result<(), ControlError> {
        self.send(|_| Ok(Command::Stop))
    }

    /// Moves to `seconds` from the start, sample-exactly, with a short fade out and in.
    pub fn seek(&self, seconds: f64) -> Result<(), ControlError> {
        if !(seconds.is_finite() && seconds >= 0.0) {
            return Err(ControlError::BadValue(format!(
                "cannot seek to {seconds} s"
            )));
        }
        let frame = (seconds * self.rate as f64).round() as u64;
        self.send(|_| Ok(Command::Seek { frame }))
    }

    /// Sets the master gain (linear, 0 ..= 16), smoothed.
    pub fn set_master_gain(&self, gain: f32) -> Result<(), ControlError> {
        if !(0.0..=16.0).contains(&gain) {
            return Err(ControlError::BadValue(format!(
                "master gain {gain} is out of range (0 to 16)"
            )));
        }
        self.send(|_| Ok(Command::SetMasterGain { gain }))
    }

    /// Changes track `track` (1-based) with `change`, which may refuse the new values.
    pub fn update_track(
        &self,
        track: usize,
        change: impl FnOnce(&mut Channel),
    ) -> Result<(), ControlError> {
        self.send(|s| {
            let index = track
                .checked_sub(1)
                .filter(|&i| i < s.tracks.len())
                .ok_or(ControlError::NoTrack(track))?;
            let mut channel = s.tracks[index];
            change(&mut channel);
            check_channel(&channel)?;
            s.tracks[index] = channel;
            Ok(Command::SetTrack {
                track: index,
                channel,
            })
        })
    }

    /// Changes bus `bus` (1-based) with `change`.
    pub fn update_bus(
        &self,
        bus: usize,
        change: impl FnOnce(&mut Channel),
    ) -> Result<(), ControlError> {
        self.send(|s| {
            let index = bus
                .checked_sub(1)
                .filter(|&i| i < s.buses.len())
                .ok_or(ControlError::NoBus(bus))?;
            let mut channel = s.buses[index];
            change(&mut channel);
            check_channel(&channel)?;
            s.buses[index] = channel;
            Ok(Command::SetBus {
                bus: index,
                channel,
            })
        })
    }

    /// The settings of track `track` (1-based), as last set.
    pub fn track(&self, track: usize) -> Option<Channel> {
        let s = self.state.lock().unwrap_or_else(|e| e.into_inner());
        track.checked_sub(1).and_then(|i| s.tracks.get(i).copied())
    }

    /// The tracks' names, in order.
    pub fn track_names(&self) -> &[String] {
        &self.track_names
    }

    /// The song position in seconds.
    pub fn position_seconds(&self) -> f64 {
        self.stats.position_frames() as f64 / self.rate as f64
    }

    /// The renderer's counters and profiler.
    pub fn stats(&self) -> &Arc<RenderStats> {
        &self.stats
    }
}

fn check_channel(c: &Channel) -> Result<(), ControlError> {
    if !(c.gain_db.is_finite() || c.gain_db == f32::NEG_INFINITY) || c.gain_db > 48.0 {
        return Err(ControlError::BadValue(format!(
            "gain {} dB is out of range (up to 48 dB)",
            c.gain_db
        )));
    }
    if !(-1.0..=1.0).contains(&c.pan) {
        return Err(ControlError::BadValue(format!(
            "pan {} is out of range (-1 to 1)",
            c.pan
        )));
    }
    Ok(())
}
