//! Play, pause, stop and seek, with a short fade so that nothing clicks.

/// What to do once the fade-out has reached silence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Pending {
    Pause,
    Seek(u64),
    Stop,
}

/// The transport's state on the audio thread.
#[derive(Debug)]
pub(super) struct Transport {
    pub playing: bool,
    gain: f32,
    target: f32,
    step: f32,
    pending: Option<Pending>,
}

impl Transport {
    /// A playing transport whose fades last `fade_frames`.
    pub fn new(fade_frames: u32) -> Self {
        Self {
            playing: true,
            gain: 1.0,
            target: 1.0,
            step: 1.0 / fade_frames.max(1) as f32,
            pending: None,
        }
    }

    /// Starts playing (fading in) and cancels a pending pause or stop.
    pub fn play(&mut self) {
        if !self.playing {
            self.playing = true;
            self.gain = 0.0;
        }
        if matches!(self.pending, Some(Pending::Pause | Pending::Stop)) {
            self.pending = None;
        }
        self.target = 1.0;
    }

    /// Asks for `action` after a fade-out; returns it back if it can happen at once (paused).
    pub fn request(&mut self, action: Pending) -> Option<Pending> {
        if !self.playing {
            return Some(action);
        }
        self.pending = Some(action);
        self.target = 0.0;
        None
    }

    /// Applies the fade to a block; returns the pending action once the fade-out is complete.
    // audio thread: no alloc, lock, I/O or print
    pub fn apply(&mut self, out: &mut [f32]) -> Option<Pending> {
        if self.gain != self.target {
            for frame in out.chunks_exact_mut(2) {
                self.gain = if self.target > self.gain {
                    (self.gain + self.step).min(self.target)
                } else {
                    (self.gain - self.step).max(self.target)
                };
                frame[0] *= self.gain;
                frame[1] *= self.gain;
            }
        } else if self.gain == 0.0 {
            out.fill(0.0);
        }
        if self.gain == 0.0 && self.target == 0.0 {
            let action = self.pending.take();
            match action {
                Some(Pending::Seek(_)) => self.target = 1.0,
                Some(Pending::Pause | Pending::Stop) => self.playing = false,
                None => {}
            }
            return action;
        }
        None
    }
}
