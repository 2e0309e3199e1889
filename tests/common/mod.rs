//! Helpers shared by the integration tests: external tools, running the CLI, reading WAVs.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// True if `tool` runs. If it does not: with `TUTTI_REQUIRE_TOOLS=1` (set by CI) the test fails;
/// otherwise it prints a SKIPPED line and the caller returns.
pub fn have_tool(tool: &str, test: &str) -> bool {
    let found = Command::new(tool)
        .arg(if tool == "python3" { "--version" } else { "-h" })
        .output()
        .is_ok();
    if !found {
        if std::env::var("TUTTI_REQUIRE_TOOLS").as_deref() == Ok("1") {
            panic!("{test}: `{tool}` is required (TUTTI_REQUIRE_TOOLS=1) but was not found");
        }
        eprintln!("SKIPPED {test}: `{tool}` is not installed (apt-get install {tool})");
    }
    found
}

/// Runs a shell-free command and panics with its stderr if it fails.
pub fn run(program: &str, args: &[&str]) {
    let out = Command::new(program)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{program}: {e}"));
    assert!(
        out.status.success(),
        "{program} {args:?} failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Runs the tutti binary.
pub fn tutti(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tutti"))
        .args(args)
        .output()
        .expect("running tutti")
}

/// Runs the tutti binary and panics with its stderr if it fails.
pub fn tutti_ok(args: &[&str]) -> Output {
    let out = tutti(args);
    assert!(
        out.status.success(),
        "tutti {args:?} failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// Reads a WAV as f32 (integers scaled to ±1) with its channel count and rate.
pub fn read_wav(path: &Path) -> (Vec<f32>, usize, u32) {
    let mut r = hound::WavReader::open(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let spec = r.spec();
    let samples = match spec.sample_format {
        hound::SampleFormat::Float => r.samples::<f32>().map(Result::unwrap).collect(),
        hound::SampleFormat::Int => {
            let scale = (1i64 << (spec.bits_per_sample - 1)) as f32;
            r.samples::<i32>()
                .map(|s| s.unwrap() as f32 / scale)
                .collect()
        }
    };
    (samples, spec.channels as usize, spec.sample_rate)
}

/// Writes interleaved f32 samples as a WAV of the given format.
pub fn write_wav(path: &Path, samples: &[f32], channels: u16, rate: u32, bits: u16) {
    let float = bits == 32;
    let spec = hound::WavSpec {
        channels,
        sample_rate: rate,
        bits_per_sample: bits,
        sample_format: if float {
            hound::SampleFormat::Float
        } else {
            hound::SampleFormat::Int
        },
    };
    let mut w = hound::WavWriter::create(path, spec).unwrap();
    let scale = ((1i64 << (bits - 1)) - 1) as f32;
    for &s in samples {
        if float {
            w.write_sample(s).unwrap();
        } else {
            w.write_sample((s * scale).round() as i32).unwrap();
        }
    }
    w.finalize().unwrap();
}

/// A deterministic test signal: a few sines and a little noise, interleaved.
pub fn test_signal(frames: usize, channels: usize, seed: u32) -> Vec<f32> {
    let mut state = seed.wrapping_mul(2_654_435_761).max(1);
    (0..frames * channels)
        .map(|i| {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            let t = (i / channels) as f32 / 48_000.0;
            let f = 110.0 * (1 + (i % channels) as u32 + seed % 5) as f32;
            0.2 * (std::f32::consts::TAU * f * t).sin()
                + 0.05 * (state as f32 / u32::MAX as f32 - 0.5)
        })
        .collect()
}

/// Largest absolute difference over the common length, and the two lengths.
pub fn max_abs_diff(a: &[f32], b: &[f32]) -> f32 {
    a.iter()
        .zip(b)
        .map(|(x, y)| (x - y).abs())
        .fold(0.0, f32::max)
}

/// Signal-to-noise ratio in dB of `test` against `reference`.
pub fn snr_db(reference: &[f32], test: &[f32]) -> f64 {
    let (mut s, mut n) = (0.0f64, 0.0f64);
    for (r, t) in reference.iter().zip(test) {
        s += (*r as f64).powi(2);
        n += (*r as f64 - *t as f64).powi(2);
    }
    10.0 * (s / n.max(1e-30)).log10()
}

/// A fresh temporary folder.
pub fn temp_dir() -> tempfile::TempDir {
    tempfile::tempdir().expect("temp dir")
}

/// `dir/name` as a string.
pub fn p(dir: &Path, name: &str) -> String {
    dir.join(name).to_string_lossy().into_owned()
}

/// The path as a PathBuf.
pub fn pb(dir: &Path, name: &str) -> PathBuf {
    dir.join(name)
}

/// Makes a test signal with sox: `sox -n FORMAT OUT synth SYNTH`, where FORMAT and SYNTH are
/// space-separated words, e.g. `sox_synth(&out, "-r 48000 -c 2 -b 24", "3 sine 440 vol 0.3")`.
pub fn sox_synth(out: &str, format: &str, synth: &str) {
    let mut args = vec!["-n"];
    args.extend(format.split_whitespace());
    args.push(out);
    args.push("synth");
    args.extend(synth.split_whitespace());
    run("sox", &args);
}
