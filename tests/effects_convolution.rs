//! The convolution reverb against numpy/scipy: `scipy.signal.fftconvolve` of the same signal and
//! a generated IR, in f64. Error must be ≤ −100 dB relative to the signal. Also measures the
//! latency (it must equal what `latency_frames` documents) and loads an IR from a WAV file.
//!
//! Needs `python3` with numpy and scipy (`pip install numpy scipy`). Without them the test
//! prints `SKIPPED` and passes, unless `TUTTI_REQUIRE_TOOLS=1`.

use std::path::Path;
use std::process::Command;

use tutti::dsp::{BuildContext, Effect, EffectSpec, ImpulseResponse, ProcessContext};

const RATE: u32 = 48_000;

fn noise(seed: u64, n: usize) -> Vec<f32> {
    let mut s = seed.max(1);
    (0..n)
        .map(|_| {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            (s >> 40) as f32 / (1u64 << 23) as f32 - 1.0
        })
        .collect()
}

/// A decaying noise IR of `len` frames per channel.
fn make_ir(channels: usize, len: usize) -> ImpulseResponse {
    let channels = (0..channels)
        .map(|c| {
            noise(7 + c as u64, len)
                .iter()
                .enumerate()
                .map(|(i, v)| v * (-(i as f32) / (len as f32 / 6.0)).exp())
                .collect()
        })
        .collect();
    ImpulseResponse { channels }
}

fn build(ir: &ImpulseResponse, params: &str, block: usize) -> Box<dyn Effect> {
    let ir = ir.clone();
    let loader = move |_: &str, _: u32| Ok(ir.clone());
    let ctx = BuildContext {
        rate: RATE,
        max_block_frames: block,
        load_ir: &loader,
    };
    EffectSpec::parse(&format!("convolution ir=generated {params}"))
        .unwrap()
        .build(&ctx)
        .unwrap()
}

/// Runs `x` (interleaved stereo) and then `tail` frames of silence through the effect.
fn run(fx: &mut dyn Effect, x: &[f32], tail: usize, block: usize) -> Vec<f32> {
    let mut input = x.to_vec();
    input.resize(x.len() + 2 * tail, 0.0);
    input.resize(input.len().next_multiple_of(2 * block), 0.0);
    for chunk in input.chunks_mut(2 * block) {
        fx.process(chunk, &ProcessContext::default());
    }
    input
}

fn scipy_available() -> bool {
    let ok = Command::new("python3")
        .args(["-c", "import numpy, scipy.signal"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        if std::env::var("TUTTI_REQUIRE_TOOLS").as_deref() == Ok("1") {
            panic!("python3 with numpy and scipy is required (TUTTI_REQUIRE_TOOLS=1): pip install numpy scipy");
        }
        println!("SKIPPED: convolution vs scipy: python3 with numpy and scipy not found (install: pip install numpy scipy)");
    }
    ok
}

fn write_f32(path: &Path, data: &[f32]) {
    std::fs::write(
        path,
        data.iter()
            .flat_map(|v| v.to_le_bytes())
            .collect::<Vec<u8>>(),
    )
    .unwrap();
}

const SCRIPT: &str = r#"
import sys, numpy as np
from scipy.signal import fftconvolve
d, n_ir, ir_len = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
x = np.fromfile(d + "/x.f32", dtype="<f4").astype(np.float64).reshape(-1, 2)
h = np.fromfile(d + "/h.f32", dtype="<f4").astype(np.float64).reshape(n_ir, ir_len)
n = len(x) + ir_len - 1
paths = {1: [(0, 0, 0), (1, 1, 0)], 2: [(0, 0, 0), (1, 1, 1)], 4: [(0, 0, 0), (0, 1, 1), (1, 0, 2), (1, 1, 3)]}[n_ir]
y = np.zeros((n, 2))
for i, o, c in paths:
    y[:, o] += fftconvolve(x[:, i], h[c])
y.astype("<f8").tofile(d + "/y.f64")
"#;

/// scipy's full linear convolution, interleaved stereo, in f64.
fn scipy_convolve(x: &[f32], ir: &ImpulseResponse) -> Vec<f64> {
    let dir = tempfile::tempdir().unwrap();
    write_f32(&dir.path().join("x.f32"), x);
    let flat: Vec<f32> = ir.channels.iter().flatten().copied().collect();
    write_f32(&dir.path().join("h.f32"), &flat);
    let len = ir.channels[0].len();
    let out = Command::new("python3")
        .args([
            "-c",
            SCRIPT,
            dir.path().to_str().unwrap(),
            &ir.channels.len().to_string(),
            &len.to_string(),
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "python failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let bytes = std::fs::read(dir.path().join("y.f64")).unwrap();
    bytes
        .chunks_exact(8)
        .map(|b| f64::from_le_bytes(b.try_into().unwrap()))
        .collect()
}

#[test]
fn matches_scipy_fftconvolve_within_minus_100_db() {
    if !scipy_available() {
        return;
    }
    // 1.5 s IRs reach the third segment (partitions of 4096 frames from 8192 on).
    for (channels, ir_len, block) in [(1, 72_000, 128), (2, 30_000, 64), (4, 72_000, 256)] {
        let ir = make_ir(channels, ir_len);
        let x = noise(3, 2 * 96_000);
        let mut fx = build(&ir, "dry=0 wet=1 normalize=false", block);
        let latency = fx.latency_frames();
        let y = run(fx.as_mut(), &x, ir_len + latency, block);
        let reference = scipy_convolve(&x, &ir);
        let got = &y[2 * latency..2 * latency + reference.len()];
        let err: f64 = got
            .iter()
            .zip(&reference)
            .map(|(a, b)| (*a as f64 - b).powi(2))
            .sum();
        let sig: f64 = reference.iter().map(|v| v * v).sum();
        let db = 10.0 * (err / sig).log10();
        println!("{channels}-channel IR of {ir_len} frames, block {block}: error {db:.1} dB");
        assert!(
            db <= -100.0,
            "{channels}-channel IR: error {db:.1} dB relative to the signal"
        );
    }
}

#[test]
fn measured_latency_is_the_documented_one() {
    for block in [16, 64, 128, 1024] {
        let mut ir = ImpulseResponse {
            channels: vec![vec![0.0; 5000]],
        };
        ir.channels[0][0] = 1.0;
        let mut fx = build(&ir, "dry=0 wet=1 normalize=false", block);
        let mut x = vec![0.0f32; 2 * 4096];
        x[2 * 100] = 1.0;
        let y = run(fx.as_mut(), &x, 0, block);
        let peak = y
            .iter()
            .step_by(2)
            .position(|v| (v - 1.0).abs() < 1e-6)
            .unwrap();
        assert_eq!(peak - 100, fx.latency_frames(), "block {block}");
        assert_eq!(fx.latency_frames(), 64.min(block));
    }
}

#[test]
fn dry_path_is_delayed_by_the_same_latency() {
    let ir = make_ir(2, 1000);
    let mut fx = build(&ir, "dry=1 wet=0", 128);
    let x = noise(5, 2 * 1024);
    let y = run(fx.as_mut(), &x, 0, 128);
    let lat = fx.latency_frames();
    assert_eq!(&y[2 * lat..2 * lat + 200], &x[..200]);
}

#[test]
fn loads_and_resamples_an_ir_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ir.wav");
    let spec = hound::WavSpec {
        channels: 4,
        sample_rate: 44_100,
        bits_per_sample: 32,
        sample_format: hound::SampleFormat::Float,
    };
    let mut w = hound::WavWriter::create(&path, spec).unwrap();
    for i in 0..44_100 {
        for c in 0..4 {
            w.write_sample(if i == 0 { 1.0f32 / (c + 1) as f32 } else { 0.0 })
                .unwrap();
        }
    }
    w.finalize().unwrap();
    let ir = tutti::source::load_impulse_response(&path, RATE).unwrap();
    assert_eq!(ir.channels.len(), 4);
    assert!(
        (ir.channels[0].len() as i64 - 48_000).abs() <= 1,
        "{}",
        ir.channels[0].len()
    );
    let loader = |p: &str, r: u32| {
        tutti::source::load_impulse_response(Path::new(p), r).map_err(|e| e.to_string())
    };
    let ctx = BuildContext {
        rate: RATE,
        max_block_frames: 128,
        load_ir: &loader,
    };
    let spec = EffectSpec::parse(&format!("convolution ir={}", path.display())).unwrap();
    assert!(spec.build(&ctx).is_ok());
    let missing = EffectSpec::parse("convolution ir=/nonexistent/room.wav")
        .unwrap()
        .build(&ctx)
        .err()
        .unwrap();
    assert!(missing.contains("/nonexistent/room.wav"), "{missing}");
}

#[test]
fn ten_second_ir_reaches_its_last_partition() {
    // Sparse true-stereo IR, 10 s: taps at 0 and 9.9 s (L→L), and at 5 s (R→L).
    let len = 10 * RATE as usize;
    let mut ir = ImpulseResponse {
        channels: vec![vec![0.0; len]; 4],
    };
    ir.channels[0][0] = 1.0;
    ir.channels[0][len - 4800] = 0.5;
    ir.channels[2][len / 2] = 0.25;
    let mut fx = build(&ir, "dry=0 wet=1 normalize=false", 128);
    let lat = fx.latency_frames();
    let mut x = vec![0.0f32; 2 * 256];
    x[0] = 1.0;
    x[2 * 10 + 1] = 1.0;
    let y = run(fx.as_mut(), &x, len, 128);
    let left = |frame: usize| y[2 * (frame + lat)];
    assert!((left(0) - 1.0).abs() < 1e-5);
    assert!(
        (left(len - 4800) - 0.5).abs() < 1e-5,
        "{}",
        left(len - 4800)
    );
    assert!(
        (left(10 + len / 2) - 0.25).abs() < 1e-5,
        "{}",
        left(10 + len / 2)
    );
    let energy: f32 = y.iter().map(|v| v * v).sum();
    assert!(
        (energy - (1.0 + 0.25 + 0.0625)).abs() < 1e-3,
        "nothing else: {energy}"
    );
}
