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
