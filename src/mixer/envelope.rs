//! Gain curves over the song, made of equal-power fades: how a part switches between takes.

use std::f32::consts::FRAC_PI_2;

/// One fade of an [`Envelope`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fade {
    /// The song frame where the fade starts.
    pub start_frame: u64,
    /// Its length in frames (at least 1).
    pub frames: u64,
    /// True to fade in (gain `sin(x·π/2)`), false to fade out (`cos(x·π/2)`), for `x` going
    /// from 0 to 1 over the fade.
    pub fade_in: bool,
}

/// A gain of 0 or 1 that changes through equal-power fades. A crossfade is a fade-out of one
/// take and a fade-in of the other over the same frames: their gains' squares sum to 1.
///
/// # Real-time
/// [`Envelope::fill`] does not allocate.
#[derive(Debug, Clone, PartialEq)]
pub struct Envelope {
    initially_on: bool,
    fades: Vec<Fade>,
}

impl Envelope {
    /// An envelope that starts on (gain 1) or off (gain 0) and then follows `fades`, which must
    /// be sorted and must not overlap.
    pub fn new(initially_on: bool, mut fades: Vec<Fade>) -> Self {
        fades.sort_by_key(|f| f.start_frame);
        for f in &mut fades {
            f.frames = f.frames.max(1);
        }
        Self {
            initially_on,
            fades,
        }
    }

    /// The gain at song frame `frame`.
    pub fn gain_at(&self, frame: u64) -> f32 {
        let i = self.fades.partition_point(|f| f.start_frame <= frame);
        let Some(fade) = i.checked_sub(1).map(|i| self.fades[i]) else {
            return if self.initially_on { 1.0 } else { 0.0 };
        };
        let into = frame - fade.start_frame;
        if into >= fade.frames {
            return if fade.fade_in { 1.0 } else { 0.0 };
        }
        let x = into as f32 / fade.frames as f32 * FRAC_PI_2;
        if fade.fade_in {
            x.sin()
        } else {
            x.cos()
        }
    }

    /// Writes the gains of song frames `start .. start + out.len()` into `out`, or returns the
    /// gain without writing if it is the same for every one of those frames.
    // audio thread: no alloc, lock, I/O or print
    pub fn fill(&self, start: u64, out: &mut [f32]) -> Option<f32> {
        let end = start + out.len() as u64;
        let in_fade = self
            .fades
            .iter()
            .any(|f| f.start_frame < end && f.start_frame + f.frames > start);
        if !in_fade {
            return Some(self.gain_at(start));
        }
        for (i, g) in out.iter_mut().enumerate() {
            *g = self.gain_at(start + i as u64);
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crossfade_is_equal_power() {
        let out = Envelope::new(
            true,
            vec![Fade {
                start_frame: 100,
                frames: 10,
                fade_in: false,
            }],
        );
        let inn = Envelope::new(
            false,
            vec![Fade {
                start_frame: 100,
                frames: 10,
                fade_in: true,
            }],
        );
        for f in 95..115 {
            let (a, b) = (out.gain_at(f), inn.gain_at(f));
            assert!((a * a + b * b - 1.0).abs() < 1e-6, "frame {f}");
        }
        assert_eq!((out.gain_at(99), inn.gain_at(99)), (1.0, 0.0));
        assert_eq!((out.gain_at(110), inn.gain_at(110)), (0.0, 1.0));
        let mut buf = [0.0; 8];
        assert_eq!(out.fill(0, &mut buf), Some(1.0));
        assert_eq!(out.fill(96, &mut buf), None);
        assert_eq!(buf[4], 1.0);
    }
}
