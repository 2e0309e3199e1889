//! Small, allocation-free DSP building blocks: decibels, the pan law, parameter smoothing,
//! dither, and the voice pieces (ADSR envelope, band-limited oscillators, state-variable filter,
//! cubic interpolation).
//!
//! This module depends on nothing else in tutti. Everything here is safe to call on the audio
//! thread: no allocation, no locks, no I/O.

mod dither;
mod envelope;
mod interp;
mod oscillator;
mod smooth;
mod svf;
mod wavetable;

pub use dither::{quantize_clipped, TpdfDither};
pub use envelope::{Adsr, AdsrSpec, Stage};
pub use interp::hermite;
pub use oscillator::{Oscillator, Waveform};
pub use smooth::Smoothed;
pub use svf::{FilterMode, Svf};

/// Converts decibels to a linear amplitude factor (`0 dB` → `1.0`, `-6.02 dB` → `0.5`).
pub fn db_to_gain(gain_db: f32) -> f32 {
    if gain_db == 0.0 {
        1.0
    } else {
        10f32.powf(gain_db / 20.0)
    }
}

/// Stereo gains `(left, right)` for a pan position in `-1.0 ..= 1.0`.
///
/// tutti uses a constant-power *balance* law, so that a centred track is left untouched:
/// at `pan = 0` both gains are exactly `1.0`; panning right keeps the right channel at unity and
/// attenuates the left one by `cos(pan · π/2)` (−3 dB at `pan = 0.5`, silent at `pan = 1`), and
/// symmetrically for the left. A mono source, already copied to both channels, therefore moves
/// between the speakers and reaches full level on one side at `|pan| = 1`.
pub fn pan_gains(pan: f32) -> (f32, f32) {
    let attenuated = (pan.abs().min(1.0) * std::f32::consts::FRAC_PI_2).cos();
    if pan > 0.0 {
        (attenuated, 1.0)
    } else if pan < 0.0 {
        (1.0, attenuated)
    } else {
        (1.0, 1.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unity_and_half() {
        assert_eq!(db_to_gain(0.0), 1.0);
        assert!((db_to_gain(-6.0206) - 0.5).abs() < 1e-4);
        assert_eq!(db_to_gain(f32::NEG_INFINITY), 0.0);
    }

    #[test]
    fn pan_centre_is_unity_and_sides_are_constant_power() {
        assert_eq!(pan_gains(0.0), (1.0, 1.0));
        let (l, r) = pan_gains(1.0);
        assert!(l.abs() < 1e-6 && r == 1.0);
        let (l, r) = pan_gains(-0.5);
        assert!(l == 1.0 && (r - std::f32::consts::FRAC_1_SQRT_2).abs() < 1e-6);
    }
}
