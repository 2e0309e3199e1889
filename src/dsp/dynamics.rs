//! Dynamics: a feed-forward compressor with a soft knee and an optional side-chain, after
//! Giannoulis, Massberg & Reiss, "Digital dynamic range compressor design — a tutorial and
//! analysis", JAES 60(6), 2012 (gain computer in dB, smooth branching peak detector on the gain
//! reduction). The brick-wall limiter lives in [`super::limiter`].

use super::db_to_gain;
use super::effect::{Effect, ProcessContext};
use super::param::{ParamBank, ParamInfo};

/// Parameters of `compressor`.
pub static COMPRESSOR_PARAMS: [ParamInfo; 7] = [
    ParamInfo::number(
        "threshold_db",
        "dB",
        -60.0,
        0.0,
        -18.0,
        "level where compression starts",
    ),
    ParamInfo::number(
        "ratio",
        ":1",
        1.0,
        20.0,
        4.0,
        "input dB per output dB above the threshold",
    ),
    ParamInfo::number("knee_db", "dB", 0.0, 24.0, 6.0, "width of the soft knee"),
    ParamInfo::number(
        "attack_ms",
        "ms",
        0.1,
        200.0,
        10.0,
        "time constant as the gain falls",
    ),
    ParamInfo::number(
        "release_ms",
        "ms",
        5.0,
        2000.0,
        100.0,
        "time constant as the gain recovers",
    ),
    ParamInfo::number("makeup_db", "dB", 0.0, 24.0, 0.0, "gain after compression"),
    ParamInfo::bus(
        "sidechain",
        "bus whose signal drives the detector (sessions only; default: the input)",
    ),
];

/// The static curve: output level in dB for an input level `x_db` (Giannoulis et al., eq. 4).
pub fn compressor_curve_db(x_db: f32, threshold_db: f32, ratio: f32, knee_db: f32) -> f32 {
    let over = x_db - threshold_db;
    if 2.0 * over < -knee_db {
        x_db
    } else if knee_db > 0.0 && 2.0 * over.abs() <= knee_db {
        let t = over + knee_db / 2.0;
        x_db + (1.0 / ratio - 1.0) * t * t / (2.0 * knee_db)
    } else {
        threshold_db + over / ratio
    }
}

/// A stereo-linked compressor.
pub struct Compressor {
    params: ParamBank,
    /// Smoothed gain reduction in dB (≥ 0).
    reduction_db: f32,
    rate: f32,
}

impl Compressor {
    /// A compressor with values in [`COMPRESSOR_PARAMS`] order.
    pub fn new(values: &[f32], rate: u32) -> Self {
        Self {
            params: ParamBank::new(&COMPRESSOR_PARAMS, values, rate as f32),
            reduction_db: 0.0,
            rate: rate as f32,
        }
    }

    fn coef(&self, ms: f32) -> f32 {
        (-1.0 / (ms * 0.001 * self.rate)).exp()
    }
}

impl Effect for Compressor {
    // audio thread: no alloc, lock, I/O or print
    fn process(&mut self, block: &mut [f32], ctx: &ProcessContext) {
        let key = ctx.sidechain.filter(|s| s.len() >= block.len());
        let (mut att, mut rel) = (self.coef(self.params.get(3)), self.coef(self.params.get(4)));
        for (i, frame) in block.chunks_exact_mut(2).enumerate() {
            if self.params.any_ramping() {
                self.params.advance_all(1);
                att = self.coef(self.params.get(3));
                rel = self.coef(self.params.get(4));
            }
            let p = &self.params;
            let (l, r) = match key {
                Some(k) => (k[2 * i], k[2 * i + 1]),
                None => (frame[0], frame[1]),
            };
            let x_db = 20.0 * l.abs().max(r.abs()).max(1e-10).log10();
            let target = x_db - compressor_curve_db(x_db, p.get(0), p.get(1), p.get(2));
            let c = if target > self.reduction_db { att } else { rel };
            self.reduction_db = target + (self.reduction_db - target) * c;
            let g = db_to_gain(p.get(5) - self.reduction_db);
            frame[0] *= g;
            frame[1] *= g;
        }
    }
    fn set_param(&mut self, index: usize, value: f32) {
        self.params.set(index, value);
    }
    fn reset(&mut self) {
        self.params.snap_all();
        self.reduction_db = 0.0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn curve_is_continuous_at_the_knee() {
        let below = compressor_curve_db(-23.0, -20.0, 4.0, 6.0);
        let above = compressor_curve_db(-17.0, -20.0, 4.0, 6.0);
        assert!((below + 23.0).abs() < 1e-5);
        assert!((above - (-20.0 + 3.0 / 4.0)).abs() < 1e-5);
        assert_eq!(compressor_curve_db(0.0, -20.0, 4.0, 0.0), -15.0);
    }
}
