//! Simple effects: gain, pan/width and soft/hard distortion.

use super::effect::{Effect, ProcessContext};
use super::param::{ParamBank, ParamInfo};
use super::{db_to_gain, pan_gains};

/// Parameters of `gain`.
pub static GAIN_PARAMS: [ParamInfo; 1] =
    [ParamInfo::number("gain_db", "dB", -96.0, 48.0, 0.0, "gain")];

/// A smoothed gain.
pub struct Gain {
    params: ParamBank,
}

impl Gain {
    /// A gain effect with parameter values in [`GAIN_PARAMS`] order.
    pub fn new(values: &[f32], rate: u32) -> Self {
        Self {
            params: ParamBank::new(&GAIN_PARAMS, values, rate as f32),
        }
    }
}

impl Effect for Gain {
    // audio thread: no alloc, lock, I/O or print
    fn process(&mut self, block: &mut [f32], _: &ProcessContext) {
        for frame in block.chunks_exact_mut(2) {
            if !self.params.any_ramping() {
                let g = db_to_gain(self.params.get(0));
                frame[0] *= g;
                frame[1] *= g;
                continue;
            }
            let g = db_to_gain(self.params.next(0));
            frame[0] *= g;
            frame[1] *= g;
        }
    }
    fn set_param(&mut self, index: usize, value: f32) {
        self.params.set(index, value);
    }
    fn reset(&mut self) {
        self.params.snap_all();
    }
}

/// Parameters of `pan`.
pub static PAN_PARAMS: [ParamInfo; 2] = [
    ParamInfo::number(
        "pan",
        "",
        -1.0,
        1.0,
        0.0,
        "balance, -1 (left) to 1 (right), constant power",
    ),
    ParamInfo::number(
        "width",
        "",
        0.0,
        2.0,
        1.0,
        "stereo width: 0 mono, 1 unchanged, 2 doubled side",
    ),
];

/// Stereo width (mid/side) followed by a constant-power balance ([`pan_gains`]).
pub struct PanWidth {
    params: ParamBank,
}

impl PanWidth {
    /// A pan/width effect with values in [`PAN_PARAMS`] order.
    pub fn new(values: &[f32], rate: u32) -> Self {
        Self {
            params: ParamBank::new(&PAN_PARAMS, values, rate as f32),
        }
    }
}

impl Effect for PanWidth {
    // audio thread: no alloc, lock, I/O or print
    fn process(&mut self, block: &mut [f32], _: &ProcessContext) {
        for frame in block.chunks_exact_mut(2) {
            let (pan, width) = (self.params.next(0), self.params.next(1));
            let (gl, gr) = pan_gains(pan);
            let mid = 0.5 * (frame[0] + frame[1]);
            let side = 0.5 * (frame[0] - frame[1]) * width;
            frame[0] = (mid + side) * gl;
            frame[1] = (mid - side) * gr;
        }
    }
    fn set_param(&mut self, index: usize, value: f32) {
        self.params.set(index, value);
    }
    fn reset(&mut self) {
        self.params.snap_all();
    }
}

/// Parameters of `distortion`.
pub static DISTORTION_PARAMS: [ParamInfo; 4] = [
    ParamInfo::number("drive_db", "dB", 0.0, 48.0, 12.0, "gain before the shaper"),
    ParamInfo::choice(
        "mode",
        &["soft", "hard"],
        0,
        "soft = tanh, hard = clip at ±1 (switching crossfades over 10 ms)",
    )
    .smooth(10.0),
    ParamInfo::number(
        "output_db",
        "dB",
        -48.0,
        12.0,
        -6.0,
        "gain after the shaper",
    ),
    ParamInfo::number("mix", "", 0.0, 1.0, 1.0, "dry/wet, 0 = dry only"),
];

/// Waveshaping distortion: `tanh` (soft) or clipping (hard), memoryless.
pub struct Distortion {
    params: ParamBank,
}

impl Distortion {
    /// A distortion with values in [`DISTORTION_PARAMS`] order.
    pub fn new(values: &[f32], rate: u32) -> Self {
        Self {
            params: ParamBank::new(&DISTORTION_PARAMS, values, rate as f32),
        }
    }
}

/// The shaper: soft (`tanh`, `hard = 0`) or hard (clip to ±1, `hard = 1`); in between while the
/// mode switch crossfades.
#[inline]
fn shape(x: f32, hard: f32) -> f32 {
    if hard >= 1.0 {
        x.clamp(-1.0, 1.0)
    } else if hard <= 0.0 {
        x.tanh()
    } else {
        let soft = x.tanh();
        soft + (x.clamp(-1.0, 1.0) - soft) * hard
    }
}

impl Effect for Distortion {
    // audio thread: no alloc, lock, I/O or print
    fn process(&mut self, block: &mut [f32], _: &ProcessContext) {
        let mut drive = db_to_gain(self.params.get(0));
        let mut out = db_to_gain(self.params.get(2));
        let (mut hard, mut mix) = (self.params.get(1), self.params.get(3));
        for frame in block.chunks_exact_mut(2) {
            if self.params.any_ramping() {
                drive = db_to_gain(self.params.next(0));
                hard = self.params.next(1);
                out = db_to_gain(self.params.next(2));
                mix = self.params.next(3);
            }
            for x in frame.iter_mut() {
                let wet = shape(*x * drive, hard) * out;
                *x += (wet - *x) * mix;
            }
        }
    }
    fn set_param(&mut self, index: usize, value: f32) {
        self.params.set(index, value);
    }
    fn reset(&mut self) {
        self.params.snap_all();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gain_pan_distortion() {
        let ctx = ProcessContext::default();
        let mut g = Gain::new(&[-6.0206], 48_000);
        let mut b = [1.0, -1.0];
        g.process(&mut b, &ctx);
        assert!((b[0] - 0.5).abs() < 1e-4 && (b[1] + 0.5).abs() < 1e-4);

        let mut p = PanWidth::new(&[0.0, 0.0], 48_000);
        let mut b = [1.0, 0.0];
        p.process(&mut b, &ctx);
        assert_eq!(b, [0.5, 0.5]);

        let mut d = Distortion::new(&[40.0, 1.0, 0.0, 1.0], 48_000);
        let mut b = [0.5, -0.5];
        d.process(&mut b, &ctx);
        assert_eq!(b, [1.0, -1.0]);
    }
}
