//! A state-variable filter: Andrew Simper's trapezoidal-integrated ("zero-delay feedback") SVF.
//!
//! Reference: A. Simper, "Linear Trapezoidal Integrated State Variable Filter", Cytomic technical
//! paper SvfLinearTrapOptimised2, 2013. Stable for any cutoff below Nyquist and any resonance,
//! with the same response as the analogue prototype at the cutoff (the bilinear transform is
//! pre-warped with `tan`).

/// Which output of the filter is used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FilterMode {
    /// Low-pass, 12 dB/octave.
    LowPass,
    /// Band-pass.
    BandPass,
    /// High-pass, 12 dB/octave.
    HighPass,
}

/// The filter's coefficients and state.
///
/// # Real-time
/// Allocation-free. Coefficients are computed in [`Svf::new`] (one `tan`), never per sample.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Svf {
    mode: FilterMode,
    k: f32,
    a1: f32,
    a2: f32,
    a3: f32,
    ic1: f32,
    ic2: f32,
}

impl Svf {
    /// A filter at `cutoff_hz` (clamped to 10 Hz ..= 0.49 · rate) with `resonance` in 0 ..= 1
    /// (0 is Q = 0.5, no peak; 1 approaches self-oscillation).
    pub fn new(mode: FilterMode, cutoff_hz: f32, resonance: f32, rate_hz: u32) -> Self {
        let fc = cutoff_hz.clamp(10.0, 0.49 * rate_hz as f32);
        let g = (std::f32::consts::PI * fc / rate_hz as f32).tan();
        let k = 2.0 - 1.98 * resonance.clamp(0.0, 1.0);
        let a1 = 1.0 / (1.0 + g * (g + k));
        let a2 = g * a1;
        let a3 = g * a2;
        Self {
            mode,
            k,
            a1,
            a2,
            a3,
            ic1: 0.0,
            ic2: 0.0,
        }
    }

    /// Filters `buf` in place.
    // audio thread: no alloc, lock, I/O or print
    pub fn process(&mut self, buf: &mut [f32]) {
        let (k, a1, a2, a3) = (self.k, self.a1, self.a2, self.a3);
        let (mut ic1, mut ic2) = (self.ic1, self.ic2);
        for x in buf.iter_mut() {
            let v0 = *x;
            let v3 = v0 - ic2;
            let v1 = a1 * ic1 + a2 * v3;
            let v2 = ic2 + a2 * ic1 + a3 * v3;
            ic1 = 2.0 * v1 - ic1;
            ic2 = 2.0 * v2 - ic2;
            *x = match self.mode {
                FilterMode::LowPass => v2,
                FilterMode::BandPass => v1,
                FilterMode::HighPass => v0 - k * v1 - v2,
            };
        }
        self.ic1 = ic1;
        self.ic2 = ic2;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gain_at(mode: FilterMode, freq: f32) -> f32 {
        let mut f = Svf::new(mode, 1000.0, 0.0, 48_000);
        let mut buf: Vec<f32> = (0..48_000)
            .map(|i| (i as f32 * freq / 48_000.0 * std::f32::consts::TAU).sin())
            .collect();
        f.process(&mut buf);
        let tail = &buf[24_000..];
        (tail.iter().map(|x| x * x).sum::<f32>() / tail.len() as f32 * 2.0).sqrt()
    }

    #[test]
    fn low_pass_passes_lows_and_cuts_highs() {
        assert!((gain_at(FilterMode::LowPass, 100.0) - 1.0).abs() < 0.02);
        // Q = 0.5 at the cutoff: −6 dB.
        assert!((gain_at(FilterMode::LowPass, 1000.0) - 0.5).abs() < 0.02);
        assert!(gain_at(FilterMode::LowPass, 10_000.0) < 0.02);
        assert!(gain_at(FilterMode::HighPass, 100.0) < 0.02);
    }
}
