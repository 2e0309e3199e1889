//! Biquad filters after R. Bristow-Johnson's *Audio EQ Cookbook* (W3C Working Group Note, 2021,
//! <https://www.w3.org/TR/audio-eq-cookbook/>): low/high/band pass, notch, low/high shelf and
//! peaking. Coefficients are computed and the filter is run in `f64` (direct form I), so low
//! cut-offs stay accurate and gliding parameters stay smooth.

use super::effect::{Effect, ProcessContext};
use super::param::{ParamBank, ParamInfo};

/// Frames between coefficient updates while a parameter glides (the smallest engine block, so
/// the result does not depend on the block size).
pub const CONTROL_FRAMES: usize = 16;

/// The cookbook's filter shapes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BiquadKind {
    /// Low pass, −3 dB at `freq` for Q = 1/√2.
    LowPass,
    /// High pass.
    HighPass,
    /// Band pass with a constant 0 dB peak.
    BandPass,
    /// Notch.
    Notch,
    /// Low shelf with `gain_db` below `freq`.
    LowShelf,
    /// High shelf with `gain_db` above `freq`.
    HighShelf,
    /// Peaking bell with `gain_db` at `freq`.
    Peaking,
}

/// Normalised coefficients (`a0 = 1`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Coefs {
    /// Feed-forward b0, b1, b2.
    pub b: [f64; 3],
    /// Feedback a1, a2.
    pub a: [f64; 2],
}

impl Coefs {
    /// The cookbook coefficients for `kind` at `freq_hz` (clamped below Nyquist), `q` and
    /// `gain_db` (used by shelves and peaking), at `rate` Hz.
    pub fn rbj(kind: BiquadKind, freq_hz: f64, q: f64, gain_db: f64, rate: f64) -> Self {
        let f = freq_hz.clamp(1.0, 0.49 * rate);
        let w0 = std::f64::consts::TAU * f / rate;
        let (sin, cos) = w0.sin_cos();
        let alpha = sin / (2.0 * q.max(1e-3));
        let a = 10f64.powf(gain_db / 40.0);
        let sq = 2.0 * a.sqrt() * alpha;
        let (b, den) = match kind {
            BiquadKind::LowPass => (
                [(1.0 - cos) / 2.0, 1.0 - cos, (1.0 - cos) / 2.0],
                [1.0 + alpha, -2.0 * cos, 1.0 - alpha],
            ),
            BiquadKind::HighPass => (
                [(1.0 + cos) / 2.0, -(1.0 + cos), (1.0 + cos) / 2.0],
                [1.0 + alpha, -2.0 * cos, 1.0 - alpha],
            ),
            BiquadKind::BandPass => ([alpha, 0.0, -alpha], [1.0 + alpha, -2.0 * cos, 1.0 - alpha]),
            BiquadKind::Notch => (
                [1.0, -2.0 * cos, 1.0],
                [1.0 + alpha, -2.0 * cos, 1.0 - alpha],
            ),
            BiquadKind::Peaking => (
                [1.0 + alpha * a, -2.0 * cos, 1.0 - alpha * a],
                [1.0 + alpha / a, -2.0 * cos, 1.0 - alpha / a],
            ),
            BiquadKind::LowShelf => (
                [
                    a * ((a + 1.0) - (a - 1.0) * cos + sq),
                    2.0 * a * ((a - 1.0) - (a + 1.0) * cos),
                    a * ((a + 1.0) - (a - 1.0) * cos - sq),
                ],
                [
                    (a + 1.0) + (a - 1.0) * cos + sq,
                    -2.0 * ((a - 1.0) + (a + 1.0) * cos),
                    (a + 1.0) + (a - 1.0) * cos - sq,
                ],
            ),
            BiquadKind::HighShelf => (
                [
                    a * ((a + 1.0) + (a - 1.0) * cos + sq),
                    -2.0 * a * ((a - 1.0) + (a + 1.0) * cos),
                    a * ((a + 1.0) + (a - 1.0) * cos - sq),
                ],
                [
                    (a + 1.0) - (a - 1.0) * cos + sq,
                    2.0 * ((a - 1.0) - (a + 1.0) * cos),
                    (a + 1.0) - (a - 1.0) * cos - sq,
                ],
            ),
        };
        let n = 1.0 / den[0];
        Self {
            b: [b[0] * n, b[1] * n, b[2] * n],
            a: [den[1] * n, den[2] * n],
        }
    }

    /// Identity (passes the signal unchanged).
    pub fn identity() -> Self {
        Self {
            b: [1.0, 0.0, 0.0],
            a: [0.0, 0.0],
        }
    }
}

/// A stereo biquad: coefficients plus two state variables per channel.
///
/// # Real-time
/// Allocation-free; state is cleared if it becomes non-finite.
#[derive(Debug, Clone, Copy)]
pub struct Biquad {
    /// The coefficients in use.
    pub coefs: Coefs,
    /// Per channel: x[n−1], x[n−2], y[n−1], y[n−2].
    state: [[f64; 4]; 2],
}

impl Biquad {
    /// A filter with these coefficients and silent state.
    pub fn new(coefs: Coefs) -> Self {
        Self {
            coefs,
            state: [[0.0; 4]; 2],
        }
    }

    /// Filters interleaved stereo `block` in place. Direct form I: its state is the signal
    /// itself, so coefficients that change while a parameter glides cause no transients.
    // audio thread: no alloc, lock, I/O or print
    #[inline]
    pub fn process(&mut self, block: &mut [f32]) {
        let Coefs { b, a } = self.coefs;
        let mut state = self.state;
        for frame in block.chunks_exact_mut(2) {
            for (s, v) in state.iter_mut().zip(frame.iter_mut()) {
                let x = *v as f64;
                let y = b[0] * x + b[1] * s[0] + b[2] * s[1] - a[0] * s[2] - a[1] * s[3];
                *s = [x, s[0], y, s[2]];
                *v = y as f32;
            }
        }
        self.state = state;
        if !state.iter().flatten().sum::<f64>().is_finite() {
            self.reset();
        }
    }

    /// Clears the state.
    pub fn reset(&mut self) {
        self.state = [[0.0; 4]; 2];
    }

    /// Sets the state as if the filter had been the identity over `block` (interleaved stereo,
    /// at least two frames): used when a flat band is skipped, so that it starts again smoothly.
    pub fn prime_identity(&mut self, block: &[f32]) {
        let n = block.len() / 2;
        if n < 2 {
            return;
        }
        for (c, s) in self.state.iter_mut().enumerate() {
            let (x1, x2) = (block[2 * (n - 1) + c] as f64, block[2 * (n - 2) + c] as f64);
            *s = [x1, x2, x1, x2];
        }
    }
}

/// Parameters of the pass and notch filters.
pub static PASS_PARAMS: [ParamInfo; 2] = [
    ParamInfo::number(
        "freq_hz",
        "Hz",
        10.0,
        24_000.0,
        1000.0,
        "cut-off or centre frequency (kept below Nyquist)",
    )
    .log(),
    ParamInfo::number(
        "q",
        "",
        0.1,
        30.0,
        std::f32::consts::FRAC_1_SQRT_2,
        "quality factor",
    ),
];

/// Parameters of the shelving and peaking filters.
pub static SHELF_PARAMS: [ParamInfo; 3] = [
    ParamInfo::number(
        "freq_hz",
        "Hz",
        10.0,
        24_000.0,
        1000.0,
        "corner or centre frequency (kept below Nyquist)",
    )
    .log(),
    ParamInfo::number(
        "q",
        "",
        0.1,
        30.0,
        std::f32::consts::FRAC_1_SQRT_2,
        "quality factor",
    ),
    ParamInfo::number("gain_db", "dB", -24.0, 24.0, 0.0, "shelf or peak gain"),
];

/// One cookbook biquad as an effect; parameters `freq_hz`, `q` and (shelves, peaking) `gain_db`.
pub struct FilterEffect {
    kind: BiquadKind,
    params: ParamBank,
    filter: Biquad,
    rate: f64,
}

impl FilterEffect {
    /// A filter of `kind` with values in [`PASS_PARAMS`] or [`SHELF_PARAMS`] order.
    pub fn new(kind: BiquadKind, values: &[f32], rate: u32) -> Self {
        let infos: &'static [ParamInfo] = match kind {
            BiquadKind::LowShelf | BiquadKind::HighShelf | BiquadKind::Peaking => &SHELF_PARAMS,
            _ => &PASS_PARAMS,
        };
        let params = ParamBank::new(infos, values, rate as f32);
        let mut f = Self {
            kind,
            params,
            filter: Biquad::new(Coefs::identity()),
            rate: rate as f64,
        };
        f.update();
        f
    }

    fn update(&mut self) {
        let p = &self.params;
        self.filter.coefs = Coefs::rbj(
            self.kind,
            p.get(0) as f64,
            p.get(1) as f64,
            p.get(2) as f64,
            self.rate,
        );
    }
}

impl Effect for FilterEffect {
    // audio thread: no alloc, lock, I/O or print
    fn process(&mut self, block: &mut [f32], _: &ProcessContext) {
        for chunk in block.chunks_mut(CONTROL_FRAMES * 2) {
            if self.params.any_ramping() {
                self.params.advance_all((chunk.len() / 2) as u32);
                self.update();
            }
            self.filter.process(chunk);
        }
    }
    fn set_param(&mut self, index: usize, value: f32) {
        self.params.set(index, value);
    }
    fn reset(&mut self) {
        self.params.snap_all();
        self.update();
        self.filter.reset();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lowpass_passes_dc_and_stops_nyquist() {
        let c = Coefs::rbj(BiquadKind::LowPass, 1000.0, 0.707, 0.0, 48_000.0);
        let dc = (c.b[0] + c.b[1] + c.b[2]) / (1.0 + c.a[0] + c.a[1]);
        let ny = (c.b[0] - c.b[1] + c.b[2]) / (1.0 - c.a[0] + c.a[1]);
        assert!((dc - 1.0).abs() < 1e-12 && ny.abs() < 1e-12);
    }
}
