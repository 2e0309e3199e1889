//! The sound-card path (feature `device`): a session played through a real PulseAudio null sink,
//! recorded from its monitor with `parec`, equals the offline render (aligned by
//! cross-correlation, ≥ 60 dB SNR), with 0 underruns at 256-frame blocks.
#![cfg(feature = "device")]

mod common;
use common::*;

use std::process::{Command, Stdio};
use std::time::Duration;

fn pulseaudio_running() -> bool {
    let ok = Command::new("pactl")
        .arg("info")
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        if std::env::var("TUTTI_REQUIRE_TOOLS").as_deref() == Ok("1") {
            panic!("a running PulseAudio server is required (TUTTI_REQUIRE_TOOLS=1); .ci/run starts one");
        }
        eprintln!("SKIPPED device_playback: no PulseAudio server (see .ci/run for a headless one)");
    }
    ok
}

/// The lag (in samples) of `reference` inside `capture`: a guess from the first loud sample,
/// then the best cross-correlation of 2048 frames of the reference within ±0.25 s of the guess.
fn align(capture: &[f32], reference: &[f32]) -> usize {
    let onset = |x: &[f32]| x.iter().position(|s| s.abs() > 0.02).unwrap_or(0);
    let guess = onset(capture).saturating_sub(onset(reference));
    let (from, len) = (96_000, 4096); // one second in, 2048 frames
    let window = &reference[from..from + len];
    let score = |lag: usize| -> f64 {
        let start = lag + from;
        if start + len > capture.len() {
            return f64::MIN;
        }
        window
            .iter()
            .zip(&capture[start..start + len])
            .map(|(a, b)| (*a as f64) * (*b as f64))
            .sum()
    };
    let lags = guess.saturating_sub(24_000)..guess + 24_000;
    lags.step_by(2)
        .max_by(|a, b| score(*a).total_cmp(&score(*b)))
        .unwrap_or(0)
}

#[test]
fn device_playback_matches_the_offline_render() {
    if !have_tool("parec", "device_playback") || !pulseaudio_running() {
        return;
    }
    let d = temp_dir();
    let dir = d.path();
    for i in 0..3u32 {
        write_wav(
            &pb(dir, &format!("s{i}.wav")),
            &test_signal(48_000 * 4, 2, i + 1),
            2,
            48_000,
            32,
        );
    }
    std::fs::write(pb(dir, "s.toml"), "[[track]]\nfile = \"s0.wav\"\n[[track]]\nfile = \"s1.wav\"\npan = 0.5\n[[track]]\nfile = \"s2.wav\"\ngain_db = -6\n").unwrap();
    tutti_ok(&["render", &p(dir, "s.toml"), "-o", &p(dir, "ref.wav"), "-q"]);
    let capture_path = pb(dir, "capture.raw");
    let mut parec = Command::new("parec")
        .args([
            "--latency-msec=20",
            "-d",
            "@DEFAULT_MONITOR@",
            "--rate=48000",
            "--channels=2",
            "--format=float32le",
        ])
        .stdout(Stdio::from(std::fs::File::create(&capture_path).unwrap()))
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_secs(2)); // a fresh null sink takes a moment to run
    let play = tutti(&[
        "play",
        &p(dir, "s.toml"),
        "--block",
        "256",
        "--latency-ms",
        "100",
        "--profile",
        "-q",
    ]);
    std::thread::sleep(Duration::from_millis(500));
    let _ = Command::new("kill")
        .args(["-INT", &parec.id().to_string()])
        .status();
    let _ = parec.wait();
    let err = String::from_utf8_lossy(&play.stderr).into_owned();
    assert!(play.status.success(), "{err}");
    assert!(err.contains("underruns: 0 in all"), "{err}");
    let bytes = std::fs::read(&capture_path).unwrap();
    let capture: Vec<f32> = bytes
        .chunks_exact(4)
        .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
        .collect();
    let (reference, _, _) = read_wav(&pb(dir, "ref.wav"));
    let peak = capture.iter().fold(0.0f32, |m, s| m.max(s.abs()));
    eprintln!("recorded {} frames, peak {peak}", capture.len() / 2);
    let lag = align(&capture, &reference);
    assert!(
        capture.len() >= lag + reference.len(),
        "the recording is too short: {} of {}",
        capture.len() - lag.min(capture.len()),
        reference.len()
    );
    let snr = snr_db(&reference, &capture[lag..lag + reference.len()]);
    eprintln!(
        "device recording vs offline render: SNR {snr:.1} dB, lag {} frames",
        lag / 2
    );
    assert!(snr >= 60.0, "SNR {snr:.1} dB < 60 dB; tutti said:\n{err}");
}
