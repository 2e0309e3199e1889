//! Allocation-free DSP building blocks: decibels, the pan law, parameter smoothing, dither, the
//! voice pieces (ADSR envelope, band-limited oscillators, state-variable filter, cubic
//! interpolation) and the effects.
//!
//! This module depends on nothing else in tutti. Everything that runs on the audio thread here
//! is allocation-, lock- and I/O-free once built.
//!
//! Effects: an [`EffectSpec`] (name and `key=value` parameters, checked on the control side
//! against the [`EFFECTS`] registry) builds a ready [`Effect`]; an [`EffectChain`] runs them in
//! order with bypass crossfades, the NaN/blow-up guard and flush-to-zero. References: RBJ Audio
//! EQ Cookbook ([`biquad`]), Stautner & Puckette / Jot & Chaigne ([`reverb`]), Gardner / García /
//! Wefers ([`convolver`]), Giannoulis, Massberg & Reiss ([`dynamics`]).

pub mod basic;
pub mod biquad;
mod chain;
pub mod convolution;
pub mod convolver;
pub mod delay;
mod denormal;
mod dither;
pub mod dynamics;
mod effect;
mod envelope;
pub mod eq;
mod interp;
pub mod limiter;
mod oscillator;
mod param;
mod partition;
mod registry;
pub mod reverb;
mod smooth;
mod svf;
mod wavetable;

pub use chain::{EffectChain, BLOW_UP_LEVEL, BYPASS_FADE_MS};
pub use denormal::DenormalGuard;
pub use dither::{quantize_clipped, TpdfDither};
pub use effect::{BuildContext, Effect, ImpulseResponse, IrLoader, ProcessContext};
pub use envelope::{Adsr, AdsrSpec, Stage};
pub use interp::hermite;
pub use oscillator::{Oscillator, Waveform};
pub use param::{ParamBank, ParamInfo, ParamKind, MAX_PARAMS};
pub use registry::{effect_info, effects_help, EffectInfo, EffectSpec, EFFECTS};
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
