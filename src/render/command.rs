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
}

/// The control side of a renderer: sends [`Command`]s without blocking.
pub struct RendererHandle {
    pub(crate) commands: rtrb::Producer<Command>,
}

impl RendererHandle {
    /// A handle connected to nothing (its commands are refused), to stand in for one that was
    /// moved out.
    pub fn detached() -> Self {
        let (commands, _) = rtrb::RingBuffer::new(1);
        Self { commands }
    }

    /// Queues a command. Returns it back if the queue is full (the renderer is not running).
    pub fn send(&mut self, command: Command) -> Result<(), Command> {
        self.commands
            .push(command)
            .map_err(|rtrb::PushError::Full(c)| c)
    }
}
