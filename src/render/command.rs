//! Commands from the control side to the audio thread, through a lock-free SPSC queue.

use crate::mixer::Channel;

/// A change the renderer applies at the start of its next block.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Command {
    /// New settings for track `track` (index in song order); gain and pan changes are smoothed.
    SetTrack {
        /// Track index.
        track: usize,
        /// New settings.
        channel: crate::mixer::Channel,
    },
    /// New settings for bus `bus`.
    SetBus {
        /// Bus index.
        bus: usize,
        /// New settings.
        channel: Channel,
    },
    /// New master gain (linear), smoothed.
    SetMasterGain {
        /// Linear gain.
        gain: f32,
    },
    /// Start or resume playing, with a short fade-in.
    Play,
    /// Pause after a short fade-out; the position is kept.
    Pause,
    /// Pause and return to the start.
    Stop,
    /// Move to song frame `frame` (sample-exact), with a short fade out and in.
    Seek {
        /// The song frame.
        frame: u64,
    },
    /// Sets a live parameter of an effect (smoothed by the effect). `param` is the index in the
    /// effect's parameter table ([`crate::dsp::EffectInfo::param_index`]).
    SetEffectParam {
        /// Which chain.
        chain: ChainId,
        /// The effect's position in the chain.
        slot: usize,
        /// The parameter index.
        param: usize,
        /// The new value, in the parameter's unit (clamped to its range).
        value: f32,
    },
    /// Enables or bypasses an effect, with a crossfade.
    SetEffectEnabled {
        /// Which chain.
        chain: ChainId,
        /// The effect's position in the chain.
        slot: usize,
        /// True to enable, false to bypass.
        enabled: bool,
    },
    /// Sets the level of a track's send (linear gain), smoothed.
    SetSend {
        /// Track index.
        track: usize,
        /// The send's position in the track's sends.
        send: usize,
        /// Linear gain.
        gain: f32,
    },
}

/// An effect chain, by index: the renderer never sees names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChainId {
    /// The chain of track `n` (song order).
    Track(usize),
    /// The chain of bus `n`.
    Bus(usize),
    /// The master chain.
    Master,
    /// The voices' chain.
    Voices,
}

/// The control side of a renderer: sends [`Command`]s without blocking.
pub struct RendererHandle {
    pub(crate) commands: rtrb::Producer<Command>,
}

impl RendererHandle {
    /// Queues a command. Returns it back if the queue is full (the renderer is not running).
    pub fn send(&mut self, command: Command) -> Result<(), Command> {
        self.commands
            .push(command)
            .map_err(|rtrb::PushError::Full(c)| c)
    }
}
