//! Biquad magnitude responses against the Audio EQ Cookbook (W3C Note 2021), evaluated here in
//! f64 straight from the published formulas, independently of `tutti::dsp::biquad`.

use tutti::dsp::{BuildContext, EffectSpec, ProcessContext};

const RATE: f64 = 48_000.0;

/// |H(e^jw)| from the cookbook's analog-prototype-derived coefficients, computed from scratch.
fn cookbook_db(kind: &str, f0: f64, q: f64, gain_db: f64, f: f64) -> f64 {
    let a = 10f64.powf(gain_db / 40.0);
    let w0 = 2.0 * std::f64::consts::PI * f0 / RATE;
    let alpha = w0.sin() / (2.0 * q);
    let c = w0.cos();
    let s = 2.0 * a.sqrt() * alpha;
    let (b0, b1, b2, a0, a1, a2) = match kind {
        "lowpass" => (
            (1.0 - c) / 2.0,
            1.0 - c,
            (1.0 - c) / 2.0,
            1.0 + alpha,
            -2.0 * c,
            1.0 - alpha,
        ),
        "highpass" => (
            (1.0 + c) / 2.0,
            -(1.0 + c),
            (1.0 + c) / 2.0,
            1.0 + alpha,
            -2.0 * c,
            1.0 - alpha,
        ),
        "bandpass" => (alpha, 0.0, -alpha, 1.0 + alpha, -2.0 * c, 1.0 - alpha),
        "notch" => (1.0, -2.0 * c, 1.0, 1.0 + alpha, -2.0 * c, 1.0 - alpha),
        "peaking" => (
            1.0 + alpha * a,
            -2.0 * c,
            1.0 - alpha * a,
            1.0 + alpha / a,
            -2.0 * c,
            1.0 - alpha / a,
        ),
        "lowshelf" => (
            a * ((a + 1.0) - (a - 1.0) * c + s),
            2.0 * a * ((a - 1.0) - (a + 1.0) * c),
            a * ((a + 1.0) - (a - 1.0) * c - s),
            (a + 1.0) + (a - 1.0) * c + s,
            -2.0 * ((a - 1.0) + (a + 1.0) * c),
            (a + 1.0) + (a - 1.0) * c - s,
        ),
        "highshelf" => (
            a * ((a + 1.0) + (a - 1.0) * c + s),
            -2.0 * a * ((a - 1.0) + (a + 1.0) * c),
            a * ((a + 1.0) + (a - 1.0) * c - s),
            (a + 1.0) - (a - 1.0) * c + s,
            2.0 * ((a - 1.0) - (a + 1.0) * c),
            (a + 1.0) - (a - 1.0) * c - s,
        ),
        other => panic!("no such filter {other}"),
    };
    let w = 2.0 * std::f64::consts::PI * f / RATE;
    let z1 = (w.cos(), -w.sin());
    let z2 = ((2.0 * w).cos(), -(2.0 * w).sin());
    let num = (b0 + b1 * z1.0 + b2 * z2.0, b1 * z1.1 + b2 * z2.1);
    let den = (a0 + a1 * z1.0 + a2 * z2.0, a1 * z1.1 + a2 * z2.1);
    10.0 * ((num.0 * num.0 + num.1 * num.1) / (den.0 * den.0 + den.1 * den.1)).log10()
}

/// The effect's impulse response (left channel), long enough to have decayed completely.
fn impulse_response(spec: &str, frames: usize) -> Vec<f64> {
    let mut fx = EffectSpec::parse(spec)
        .unwrap()
        .build(&BuildContext::without_files(RATE as u32, 128))
        .unwrap();
    let mut out = Vec::with_capacity(frames);
    let mut block = vec![0.0f32; 256];
    for b in 0..frames / 128 {
        block.fill(0.0);
        if b == 0 {
            block[0] = 1.0;
        }
        fx.process(&mut block, &ProcessContext::default());
        out.extend(block.iter().step_by(2).map(|&v| v as f64));
    }
    out
}

fn measured_db(h: &[f64], f: f64) -> f64 {
    let w = 2.0 * std::f64::consts::PI * f / RATE;
    let (mut re, mut im) = (0.0, 0.0);
    for (n, v) in h.iter().enumerate() {
        let (s, c) = (w * n as f64).sin_cos();
        re += v * c;
        im -= v * s;
    }
    10.0 * (re * re + im * im).log10()
}

#[test]
fn magnitude_matches_the_cookbook_at_20_frequencies() {
    let cases = [
        ("lowpass", 1000.0, 0.707, 0.0),
        ("highpass", 250.0, 2.0, 0.0),
        ("bandpass", 3000.0, 4.0, 0.0),
        ("notch", 1500.0, 1.0, 0.0),
        ("peaking", 800.0, 1.5, 9.0),
        ("lowshelf", 300.0, 0.707, -6.0),
        ("highshelf", 5000.0, 0.9, 4.5),
    ];
    let freqs: Vec<f64> = (0..20)
        .map(|i| 20.0 * 1000f64.powf(i as f64 / 19.0))
        .collect();
    for (kind, f0, q, gain) in cases {
        let spec = if gain != 0.0 || kind.contains("shelf") || kind == "peaking" {
            format!("{kind} freq_hz={f0} q={q} gain_db={gain}")
        } else {
            format!("{kind} freq_hz={f0} q={q}")
        };
        let h = impulse_response(&spec, 48_000);
        for &f in &freqs {
            let (want, got) = (cookbook_db(kind, f0, q, gain, f), measured_db(&h, f));
            assert!(
                (want - got).abs() <= 0.01,
                "{spec}: at {f:.1} Hz the cookbook says {want:.4} dB, the filter gives {got:.4} dB"
            );
        }
    }
}

#[test]
fn eq_bands_at_zero_db_are_transparent_and_a_boost_matches_the_bell() {
    let flat = impulse_response("eq", 4096);
    assert!((flat[0] - 1.0).abs() < 1e-6 && flat[1..].iter().all(|v| v.abs() < 1e-6));
    let h = impulse_response("eq mid1_hz=1000 mid1_db=6 mid1_q=1", 48_000);
    for f in [100.0, 1000.0, 5000.0] {
        let (want, got) = (
            cookbook_db("peaking", 1000.0, 1.0, 6.0, f),
            measured_db(&h, f),
        );
        assert!((want - got).abs() <= 0.01, "eq at {f} Hz: {want} vs {got}");
    }
}
