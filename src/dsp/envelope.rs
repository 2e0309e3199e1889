//! A linear ADSR envelope, defined in frames so that its shape does not depend on the block size.
//!
//! The shape, for attack `A`, decay `D`, sustain level `S` and release `R` frames, with the gate
//! released at frame `g` (where the level is `L`):
//!
//! ```text
//! attack   v(k)     = k / A                    0 ≤ k < A
//! decay    v(A + j) = 1 − (1 − S) · j / D      0 ≤ j < D
//! sustain  v        = S                        until the gate is released
//! release  v(g + j) = L · (1 − j / R)          0 ≤ j < R, then the envelope is done (0)
//! ```
//!
//! A zero-length stage is skipped. This is the `Env.adsr`/`Env.linen` shape SuperDirt uses, with
//! straight segments, which also lets a voice render a whole segment with one add per frame.

/// The envelope's settings, in frames.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AdsrSpec {
    /// Rise from 0 to 1.
    pub attack_frames: u32,
    /// Fall from 1 to the sustain level.
    pub decay_frames: u32,
    /// Level held while the gate is open, 0 ..= 1.
    pub sustain: f32,
    /// Fall from the level at release to 0.
    pub release_frames: u32,
}

impl Default for AdsrSpec {
    /// No attack or decay, full sustain, no release: a plain gate.
    fn default() -> Self {
        Self {
            attack_frames: 0,
            decay_frames: 0,
            sustain: 1.0,
            release_frames: 0,
        }
    }
}

impl AdsrSpec {
    /// The spec for times in seconds at `rate` Hz (negative times count as 0).
    pub fn from_seconds(
        attack_s: f64,
        decay_s: f64,
        sustain: f32,
        release_s: f64,
        rate: u32,
    ) -> Self {
        let frames = |s: f64| {
            (s.max(0.0) * rate as f64)
                .round()
                .min(u32::MAX as f64 / 2.0) as u32
        };
        Self {
            attack_frames: frames(attack_s),
            decay_frames: frames(decay_s),
            sustain: sustain.clamp(0.0, 1.0),
            release_frames: frames(release_s),
        }
    }
}

/// The stage an [`Adsr`] is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// Rising to 1.
    Attack,
    /// Falling to the sustain level.
    Decay,
    /// Holding the sustain level until released.
    Sustain,
    /// Falling to 0.
    Release,
    /// Finished: silent.
    Done,
}

/// A running envelope.
///
/// Use [`Adsr::next`] for one frame, or, in a hot loop, read [`Adsr::level`] and
/// [`Adsr::step`], add `step` per frame for at most [`Adsr::segment_frames`] frames and then call
/// [`Adsr::advance`] with the frames used.
///
/// # Real-time
/// Every method is allocation-free and lock-free.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Adsr {
    spec: AdsrSpec,
    stage: Stage,
    level: f32,
    step: f32,
    frames_left: u32,
}

impl Adsr {
    /// An envelope at the start of its attack.
    pub fn new(spec: AdsrSpec) -> Self {
        let mut env = Self {
            spec,
            stage: Stage::Attack,
            level: 0.0,
            step: 0.0,
            frames_left: 0,
        };
        env.enter(Stage::Attack, 0.0);
        env
    }

    /// The current stage.
    pub fn stage(&self) -> Stage {
        self.stage
    }

    /// The level of the current frame.
    pub fn level(&self) -> f32 {
        self.level
    }

    /// The change of level per frame in the current segment.
    pub fn step(&self) -> f32 {
        self.step
    }

    /// Frames until the current stage ends (`u32::MAX` while sustaining, 0 when done).
    pub fn segment_frames(&self) -> u32 {
        self.frames_left
    }

    /// True once the release has finished.
    pub fn is_done(&self) -> bool {
        self.stage == Stage::Done
    }

    /// Returns this frame's level and moves to the next frame.
    // audio thread: no alloc, lock, I/O or print
    #[inline]
    #[allow(clippy::should_implement_trait)] // a stream of values, not a finite iterator
    pub fn next(&mut self) -> f32 {
        let v = self.level;
        self.advance(1);
        v
    }

    /// Moves `frames` frames on within the current segment (at most [`Adsr::segment_frames`]).
    // audio thread: no alloc, lock, I/O or print
    #[inline]
    pub fn advance(&mut self, frames: u32) {
        if self.frames_left == u32::MAX || self.stage == Stage::Done {
            return;
        }
        let frames = frames.min(self.frames_left);
        self.frames_left -= frames;
        if self.frames_left == 0 {
            match self.stage {
                Stage::Attack => self.enter(Stage::Decay, 1.0),
                Stage::Decay => self.enter(Stage::Sustain, self.spec.sustain),
                _ => self.enter(Stage::Done, 0.0),
            }
        } else {
            self.level += self.step * frames as f32;
        }
    }

    /// Closes the gate: the release starts from the current level.
    // audio thread: no alloc, lock, I/O or print
    pub fn release(&mut self) {
        self.fade(self.spec.release_frames);
    }

    /// Starts a release over `frames` frames from the current level (stealing, choke groups).
    /// Does nothing if a release that ends sooner is already running.
    // audio thread: no alloc, lock, I/O or print
    pub fn fade(&mut self, frames: u32) {
        if self.stage == Stage::Done || (self.stage == Stage::Release && self.frames_left <= frames)
        {
            return;
        }
        if frames == 0 || self.level <= 0.0 {
            self.enter(Stage::Done, 0.0);
            return;
        }
        self.stage = Stage::Release;
        self.frames_left = frames;
        self.step = -self.level / frames as f32;
    }

    fn enter(&mut self, stage: Stage, level: f32) {
        self.stage = stage;
        self.level = level;
        let (frames, target) = match stage {
            Stage::Attack => (self.spec.attack_frames, 1.0),
            Stage::Decay => (self.spec.decay_frames, self.spec.sustain),
            Stage::Sustain => (u32::MAX, level),
            Stage::Release | Stage::Done => (0, 0.0),
        };
        if stage == Stage::Done {
            self.step = 0.0;
            self.frames_left = 0;
            return;
        }
        if frames == 0 {
            match stage {
                Stage::Attack => self.enter(Stage::Decay, 1.0),
                _ => self.enter(Stage::Sustain, self.spec.sustain),
            }
            return;
        }
        self.frames_left = frames;
        self.step = if frames == u32::MAX {
            0.0
        } else {
            (target - level) / frames as f32
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The documented formula, frame by frame.
    fn formula(spec: &AdsrSpec, gate: u32, k: u32) -> f32 {
        let (a, d, s, r) = (
            spec.attack_frames,
            spec.decay_frames,
            spec.sustain,
            spec.release_frames,
        );
        let held = |k: u32| {
            if k < a {
                k as f32 / a as f32
            } else if k < a + d {
                1.0 - (1.0 - s) * (k - a) as f32 / d as f32
            } else {
                s
            }
        };
        if k < gate {
            held(k)
        } else if k - gate < r {
            held(gate) * (1.0 - (k - gate) as f32 / r as f32)
        } else {
            0.0
        }
    }

    #[test]
    fn shape_matches_formula() {
        for (spec, gate) in [
            (
                AdsrSpec {
                    attack_frames: 100,
                    decay_frames: 50,
                    sustain: 0.5,
                    release_frames: 200,
                },
                400,
            ),
            (
                AdsrSpec {
                    attack_frames: 100,
                    decay_frames: 50,
                    sustain: 0.5,
                    release_frames: 200,
                },
                60,
            ),
            (
                AdsrSpec {
                    attack_frames: 0,
                    decay_frames: 0,
                    sustain: 1.0,
                    release_frames: 48,
                },
                10,
            ),
            (
                AdsrSpec {
                    attack_frames: 7,
                    decay_frames: 0,
                    sustain: 0.3,
                    release_frames: 0,
                },
                30,
            ),
        ] {
            let mut env = Adsr::new(spec);
            for k in 0..gate + spec.release_frames + 20 {
                if k == gate {
                    env.release();
                }
                let want = formula(&spec, gate, k);
                let got = env.next();
                assert!(
                    (got - want).abs() < 1e-5,
                    "{spec:?} gate {gate} frame {k}: {got} != {want}"
                );
            }
            assert!(env.is_done());
        }
    }

    #[test]
    fn segments_equal_single_frames() {
        let spec = AdsrSpec {
            attack_frames: 33,
            decay_frames: 17,
            sustain: 0.25,
            release_frames: 9,
        };
        let (mut a, mut b) = (Adsr::new(spec), Adsr::new(spec));
        for _ in 0..40 {
            a.next();
        }
        let mut left = 40;
        while left > 0 {
            let n = b.segment_frames().min(left);
            b.advance(n);
            left -= n;
        }
        assert!((a.level() - b.level()).abs() < 1e-6 && a.stage() == b.stage());
    }

    #[test]
    fn fade_is_short_and_ends() {
        let mut env = Adsr::new(AdsrSpec::default());
        env.fade(4);
        let v: Vec<f32> = (0..5).map(|_| env.next()).collect();
        assert_eq!(v, vec![1.0, 0.75, 0.5, 0.25, 0.0]);
        assert!(env.is_done());
    }
}
