//! The limiter never exceeds its ceiling; the compressor follows its static curve.

use tutti::dsp::{db_to_gain, BuildContext, Effect, EffectSpec, ProcessContext};

const RATE: u32 = 48_000;

fn build(spec: &str) -> Box<dyn Effect> {
    EffectSpec::parse(spec)
        .unwrap()
        .build(&BuildContext::without_files(RATE, 128))
        .unwrap()
}

/// Deterministic white noise in [-1, 1).
struct Noise(u64);
impl Noise {
    fn next(&mut self) -> f32 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 >> 40) as f32 / (1u64 << 23) as f32 - 1.0
    }
}

#[test]
fn limiter_output_never_exceeds_the_ceiling_on_hot_transients() {
    for (ceiling_db, lookahead, release) in [
        (-1.0, 5.0, 100.0),
        (-6.0, 0.5, 10.0),
        (-0.1, 20.0, 1.0),
        (-12.0, 2.0, 500.0),
    ] {
        let mut lim = build(&format!(
            "limiter ceiling_db={ceiling_db} lookahead_ms={lookahead} release_ms={release}"
        ));
        let ceiling = db_to_gain(ceiling_db);
        let mut noise = Noise(0x1234_5678);
        let mut peak_in = 0.0f32;
        let mut block = vec![0.0f32; 256];
        for b in 0..2000 {
            for (i, s) in block.iter_mut().enumerate() {
                // Noise at +12 dBFS, bursts and isolated clicks up to +40 dBFS.
                let burst = if (b / 50) % 2 == 0 { 4.0 } else { 0.3 };
                let click = if (b * 256 + i) % 4801 == 0 {
                    100.0
                } else {
                    0.0
                };
                *s = noise.next() * burst + click * noise.next().signum();
                peak_in = peak_in.max(s.abs());
            }
            lim.process(&mut block, &ProcessContext::default());
            for s in &block {
                assert!(
                    s.abs() <= ceiling,
                    "ceiling {ceiling_db} dB: output {s} above {ceiling}"
                );
            }
        }
        assert!(peak_in > 50.0);
    }
}

#[test]
fn limiter_ceiling_holds_while_it_changes_live() {
    let mut lim = build("limiter ceiling_db=-1 lookahead_ms=3");
    let mut noise = Noise(99);
    let mut block = vec![0.0f32; 256];
    for b in 0..400 {
        if b % 20 == 0 {
            lim.set_param(0, -1.0 - (b % 7) as f32 * 2.0);
        }
        block.iter_mut().for_each(|s| *s = noise.next() * 8.0);
        lim.process(&mut block, &ProcessContext::default());
        assert!(block.iter().all(|s| s.abs() <= db_to_gain(-1.0)));
    }
}

/// The compressor's static curve, from Giannoulis, Massberg & Reiss (JAES 2012, eq. 4),
/// written here from the paper, independently of the crate.
fn static_curve(x: f64, t: f64, r: f64, w: f64) -> f64 {
    if 2.0 * (x - t) < -w {
        x
    } else if w > 0.0 && 2.0 * (x - t).abs() <= w {
        x + (1.0 / r - 1.0) * (x - t + w / 2.0).powi(2) / (2.0 * w)
    } else {
        t + (x - t) / r
    }
}

#[test]
fn compressor_static_curve_within_half_a_db() {
    for (t, r, w, makeup) in [
        (-20.0, 4.0, 6.0, 0.0),
        (-30.0, 10.0, 0.0, 6.0),
        (-12.0, 2.0, 12.0, 3.0),
    ] {
        for level_db in (-60..=0).step_by(3) {
            let mut comp = build(&format!("compressor threshold_db={t} ratio={r} knee_db={w} makeup_db={makeup} attack_ms=1 release_ms=20"));
            let level = db_to_gain(level_db as f32);
            let mut block = vec![level; 256];
            for _ in 0..200 {
                block.fill(level);
                comp.process(&mut block, &ProcessContext::default());
            }
            let got = 20.0 * (block[254] as f64).log10();
            let want = static_curve(level_db as f64, t, r, w) + makeup;
            assert!(
                (got - want).abs() <= 0.5,
                "T {t} R {r} W {w}: in {level_db} dB → {got:.3} dB, curve says {want:.3} dB"
            );
        }
    }
}

#[test]
fn compressor_follows_its_sidechain() {
    let mut comp = build("compressor threshold_db=-20 ratio=20 knee_db=0 attack_ms=0.1");
    let key = vec![1.0f32; 256];
    let mut block = vec![0.01f32; 256];
    for _ in 0..50 {
        block.fill(0.01);
        comp.process(
            &mut block,
            &ProcessContext {
                sidechain: Some(&key),
            },
        );
    }
    // A 0 dB key pushes the gain down by 19 dB even though the signal itself is quiet.
    assert!(
        (20.0 * (block[200] / 0.01).log10() + 19.0).abs() < 0.5,
        "{}",
        block[200]
    );
}
