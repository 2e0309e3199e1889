//! Live parameter changes are smoothed: a jump in gain, pan, cut-off, EQ gain or delay time never
//! makes a click: no sample-to-sample step after the change is more than twice the largest step
//! of the steady states before and after it (a click of the signal's amplitude would be ~35x).

use tutti::dsp::{BuildContext, EffectSpec, ProcessContext};

const RATE: u32 = 48_000;

/// Runs a 220 Hz sine (amplitude 0.5) through `spec`, setting `param` to `to` after 0.5 s.
/// Returns the largest sample-to-sample step in the 0.5 s after the change, and the largest in
/// the steady states before it and at the end (1.5 s to 2 s).
fn largest_step(spec: &str, param: &str, to: f32) -> (f32, f32) {
    let spec = EffectSpec::parse(spec).unwrap();
    let index = spec.info().param_index(param).unwrap();
    let mut fx = spec.build(&BuildContext::without_files(RATE, 128)).unwrap();
    let mut prev = 0.0f32;
    let (mut worst, mut steady) = (0.0f32, 0.0f32);
    let change = RATE as usize / 2 / 128;
    for b in 0..2 * RATE as usize / 128 {
        if b == change {
            fx.set_param(index, to);
        }
        let mut block: Vec<f32> = (0..256)
            .map(|i| {
                0.5 * ((b * 128 + i / 2) as f32 * std::f32::consts::TAU * 220.0 / RATE as f32).sin()
            })
            .collect();
        fx.process(&mut block, &ProcessContext::default());
        for f in block.chunks_exact(2) {
            let step = (f[0] - prev).abs();
            if (change..2 * change).contains(&b) {
                worst = worst.max(step);
            } else if (change / 2..change).contains(&b) || b >= 3 * change {
                steady = steady.max(step);
            }
            prev = f[0];
        }
    }
    (worst, steady)
}

#[test]
fn parameter_jumps_do_not_click() {
    for (spec, param, to) in [
        ("gain", "gain_db", -40.0),
        ("pan", "pan", 1.0),
        ("pan width=1", "width", 0.0),
        ("lowpass freq_hz=20000", "freq_hz", 100.0),
        ("peaking freq_hz=220 gain_db=0", "gain_db", 12.0),
        ("eq", "low_db", -12.0),
        ("delay time_ms=100 feedback=0.3 mix=0.5", "time_ms", 731.0),
        ("delay time_ms=100 mix=0.5", "mix", 0.0),
        ("reverb mix=0.2", "mix", 1.0),
        ("reverb mix=1", "size", 1.0),
        ("compressor threshold_db=0", "threshold_db", -40.0),
        ("limiter ceiling_db=0", "ceiling_db", -20.0),
        ("distortion drive_db=0 mix=0", "mix", 1.0),
        ("distortion drive_db=6 mode=hard", "mode", 0.0),
    ] {
        let (step, steady) = largest_step(spec, param, to);
        assert!(
            step <= 2.0 * steady,
            "{spec}: {param} → {to} steps by {step} (steady states: {steady})"
        );
    }
}
