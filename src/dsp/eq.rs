//! A four-band equaliser: low shelf, two peaking bands and a high shelf, each a cookbook biquad
//! ([`super::biquad`]) in series.

use super::biquad::{Biquad, BiquadKind, Coefs, CONTROL_FRAMES};
use super::effect::{Effect, ProcessContext};
use super::param::{ParamBank, ParamInfo};

/// Parameters of `eq`.
pub static EQ_PARAMS: [ParamInfo; 10] = [
    ParamInfo::number("low_hz", "Hz", 20.0, 2000.0, 100.0, "low shelf corner").log(),
    ParamInfo::number("low_db", "dB", -24.0, 24.0, 0.0, "low shelf gain"),
    ParamInfo::number("mid1_hz", "Hz", 40.0, 10_000.0, 500.0, "first peak centre").log(),
    ParamInfo::number("mid1_db", "dB", -24.0, 24.0, 0.0, "first peak gain"),
    ParamInfo::number("mid1_q", "", 0.1, 10.0, 1.0, "first peak Q"),
    ParamInfo::number(
        "mid2_hz",
        "Hz",
        200.0,
        20_000.0,
        3000.0,
        "second peak centre",
    )
    .log(),
    ParamInfo::number("mid2_db", "dB", -24.0, 24.0, 0.0, "second peak gain"),
    ParamInfo::number("mid2_q", "", 0.1, 10.0, 1.0, "second peak Q"),
    ParamInfo::number(
        "high_hz",
        "Hz",
        1000.0,
        20_000.0,
        8000.0,
        "high shelf corner",
    )
    .log(),
    ParamInfo::number("high_db", "dB", -24.0, 24.0, 0.0, "high shelf gain"),
];

/// The four-band equaliser. Bands at 0 dB are skipped.
pub struct Eq {
    params: ParamBank,
    bands: [Biquad; 4],
    rate: f64,
}

impl Eq {
    /// An equaliser with values in [`EQ_PARAMS`] order.
    pub fn new(values: &[f32], rate: u32) -> Self {
        let params = ParamBank::new(&EQ_PARAMS, values, rate as f32);
        let mut eq = Self {
            params,
            bands: [Biquad::new(Coefs::identity()); 4],
            rate: rate as f64,
        };
        eq.update();
        eq
    }

    fn update(&mut self) {
        let p = |i: usize| self.params.get(i) as f64;
        let q = std::f64::consts::FRAC_1_SQRT_2;
        let c = [
            Coefs::rbj(BiquadKind::LowShelf, p(0), q, p(1), self.rate),
            Coefs::rbj(BiquadKind::Peaking, p(2), p(4), p(3), self.rate),
            Coefs::rbj(BiquadKind::Peaking, p(5), p(7), p(6), self.rate),
            Coefs::rbj(BiquadKind::HighShelf, p(8), q, p(9), self.rate),
        ];
        for (band, c) in self.bands.iter_mut().zip(c) {
            band.coefs = c;
        }
    }

    fn band_active(&self, band: usize) -> bool {
        const GAIN: [usize; 4] = [1, 3, 6, 9];
        self.params.get(GAIN[band]) != 0.0 || self.params.any_ramping()
    }
}

impl Effect for Eq {
    // audio thread: no alloc, lock, I/O or print
    fn process(&mut self, block: &mut [f32], _: &ProcessContext) {
        for chunk in block.chunks_mut(CONTROL_FRAMES * 2) {
            if self.params.any_ramping() {
                self.params.advance_all((chunk.len() / 2) as u32);
                self.update();
            }
            for b in 0..4 {
                if self.band_active(b) {
                    self.bands[b].process(chunk);
                } else {
                    // A band at 0 dB is the identity: skip it, keeping its state in step.
                    self.bands[b].prime_identity(chunk);
                }
            }
        }
    }
    fn set_param(&mut self, index: usize, value: f32) {
        self.params.set(index, value);
    }
    fn reset(&mut self) {
        self.params.snap_all();
        self.update();
        self.bands.iter_mut().for_each(Biquad::reset);
    }
}
