//! Linear parameter smoothing, defined in frames so that the result does not depend on the block
//! size.

/// A value that glides linearly to its target over a fixed number of frames.
///
/// Used for gains and pan so that a change never steps (no zipper noise). Because the ramp is
/// counted in frames, rendering in 64-frame blocks gives the same samples as 1024-frame blocks.
///
/// # Real-time
/// All methods are allocation-free and lock-free.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Smoothed {
    current: f32,
    target: f32,
    step: f32,
    frames_left: u32,
    ramp_frames: u32,
}

impl Smoothed {
    /// A value that starts at `value` and ramps over `ramp_frames` frames when changed.
    pub fn new(value: f32, ramp_frames: u32) -> Self {
        Self {
            current: value,
            target: value,
            step: 0.0,
            frames_left: 0,
            ramp_frames: ramp_frames.max(1),
        }
    }

    /// Like [`Smoothed::new`], but a ramp of 0 frames jumps straight to each new target (for
    /// switches and choices).
    pub fn with_ramp(value: f32, ramp_frames: u32) -> Self {
        Self {
            ramp_frames,
            ..Self::new(value, 1)
        }
    }

    /// Starts a ramp from the current value to `target`. Does nothing if it is already the target.
    pub fn set(&mut self, target: f32) {
        if target == self.target {
            return;
        }
        self.target = target;
        if self.ramp_frames == 0 {
            self.current = target;
            self.frames_left = 0;
            return;
        }
        self.frames_left = self.ramp_frames;
        self.step = (target - self.current) / self.ramp_frames as f32;
    }

    /// The value now.
    pub fn current(&self) -> f32 {
        self.current
    }

    /// The value it is heading for.
    pub fn target(&self) -> f32 {
        self.target
    }

    /// True while a ramp is in progress.
    pub fn is_ramping(&self) -> bool {
        self.frames_left > 0
    }

    /// Advances `frames` frames at once and returns the value reached (the same value as
    /// `frames` calls of [`Smoothed::next`], up to rounding).
    #[inline]
    pub fn advance(&mut self, frames: u32) -> f32 {
        if self.frames_left > 0 {
            if frames >= self.frames_left {
                self.frames_left = 0;
                self.current = self.target;
            } else {
                self.frames_left -= frames;
                self.current += self.step * frames as f32;
            }
        }
        self.current
    }

    /// Jumps to the target, ending any ramp.
    pub fn snap(&mut self) {
        self.current = self.target;
        self.frames_left = 0;
    }

    /// Advances one frame and returns the new value.
    #[inline]
    #[allow(clippy::should_implement_trait)] // a stream of values, not a finite iterator
    pub fn next(&mut self) -> f32 {
        if self.frames_left > 0 {
            self.frames_left -= 1;
            self.current = if self.frames_left == 0 {
                self.target
            } else {
                self.current + self.step
            };
        }
        self.current
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ramps_linearly_and_lands_exactly() {
        let mut s = Smoothed::new(0.0, 4);
        s.set(1.0);
        let v: Vec<f32> = (0..6).map(|_| s.next()).collect();
        assert_eq!(v, vec![0.25, 0.5, 0.75, 1.0, 1.0, 1.0]);
        assert!(!s.is_ramping());
    }
}
