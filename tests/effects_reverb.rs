//! The algorithmic reverb's decay: RT60 measured by Schroeder backward integration (JASA 37,
//! 1965) with ISO 3382 T20 (−5…−25 dB, ×3) and T30 (−5…−35 dB, ×2) least-squares fits.

use tutti::dsp::{BuildContext, EffectSpec, ProcessContext};

const RATE: u32 = 48_000;

fn impulse_response(spec: &str, seconds: f32) -> [Vec<f64>; 2] {
    let mut fx = EffectSpec::parse(spec)
        .unwrap()
        .build(&BuildContext::without_files(RATE, 128))
        .unwrap();
    let mut out = [Vec::new(), Vec::new()];
    let mut block = vec![0.0f32; 256];
    for b in 0..(seconds * RATE as f32) as usize / 128 {
        block.fill(0.0);
        if b == 0 {
            block[0] = 1.0;
            block[1] = 1.0;
        }
        fx.process(&mut block, &ProcessContext::default());
        for f in block.chunks_exact(2) {
            out[0].push(f[0] as f64);
            out[1].push(f[1] as f64);
        }
    }
    out
}

/// Energy decay curve in dB (Schroeder): EDC(t) = ∫ₜ^∞ h², normalised to 0 dB at t = 0.
fn edc_db(h: &[f64]) -> Vec<f64> {
    let mut acc = 0.0;
    let mut edc: Vec<f64> = h
        .iter()
        .rev()
        .map(|v| {
            acc += v * v;
            acc
        })
        .collect();
    edc.reverse();
    let total = edc[0];
    edc.iter().map(|e| 10.0 * (e / total).log10()).collect()
}

/// RT60 from a least-squares line through the EDC between `from` and `to` dB (negative).
fn rt60(edc: &[f64], from: f64, to: f64) -> f64 {
    let pts: Vec<(f64, f64)> = edc
        .iter()
        .enumerate()
        .filter(|(_, &d)| d <= from && d >= to)
        .map(|(i, &d)| (i as f64 / RATE as f64, d))
        .collect();
    let n = pts.len() as f64;
    let (sx, sy) = pts.iter().fold((0.0, 0.0), |(a, b), (x, y)| (a + x, b + y));
    let (mx, my) = (sx / n, sy / n);
    let (num, den) = pts.iter().fold((0.0, 0.0), |(a, b), (x, y)| {
        (a + (x - mx) * (y - my), b + (x - mx) * (x - mx))
    });
    -60.0 / (num / den)
}

#[test]
fn measured_rt60_is_within_ten_percent_of_the_setting() {
    for (decay, size) in [(0.8, 0.3), (2.0, 0.5), (4.0, 1.0)] {
        let spec =
            format!("reverb decay_s={decay} size={size} damping=0 predelay_ms=0 mix=1 width=1");
        let h = impulse_response(&spec, decay as f32 * 1.6);
        for (ch, h) in h.iter().enumerate() {
            let edc = edc_db(h);
            let t20 = rt60(&edc, -5.0, -25.0);
            let t30 = rt60(&edc, -5.0, -35.0);
            for (name, t) in [("T20", t20), ("T30", t30)] {
                assert!(
                    (t / decay - 1.0).abs() <= 0.10,
                    "{spec}, channel {ch}: {name} = {t:.3} s for a setting of {decay} s"
                );
            }
        }
    }
}

#[test]
fn damping_shortens_the_highs_but_not_the_lows() {
    let h = impulse_response("reverb decay_s=1.5 damping=0.8 predelay_ms=0 mix=1", 2.0);
    assert!(h[0].iter().all(|v| v.is_finite()));
    let late = &h[0][48_000..];
    let early = &h[0][4800..9600];
    let rms = |x: &[f64]| (x.iter().map(|v| v * v).sum::<f64>() / x.len() as f64).sqrt();
    assert!(rms(late) < rms(early));
}
