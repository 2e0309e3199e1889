//! A session's `[[event]]` timeline, rendered offline by the CLI, sample-exactly.

use std::path::Path;
use std::process::Command;

const RATE: u32 = 48_000;

fn write_wav(path: &Path, samples: &[f32]) {
    let spec = hound::WavSpec {
        channels: 1,
        sample_rate: RATE,
        bits_per_sample: 32,
        sample_format: hound::SampleFormat::Float,
    };
    let mut w = hound::WavWriter::create(path, spec).unwrap();
    for &s in samples {
        w.write_sample(s).unwrap();
    }
    w.finalize().unwrap();
}

fn read_left(path: &Path) -> Vec<f32> {
    let mut r = hound::WavReader::open(path).unwrap();
    r.samples::<f32>().step_by(2).map(Result::unwrap).collect()
}

/// Starts of non-silent runs separated by at least `gap` silent frames.
fn onsets(x: &[f32], gap: usize) -> Vec<usize> {
    let mut out = Vec::new();
    let mut silent = gap;
    for (i, v) in x.iter().enumerate() {
        if *v != 0.0 {
            if silent >= gap {
                out.push(i);
            }
            silent = 0;
        } else {
            silent += 1;
        }
    }
    out
}

#[test]
fn session_timeline_renders_sample_exactly() {
    let dir = tempfile::tempdir().unwrap();
    let samples = dir.path().join("samples");
    std::fs::create_dir_all(samples.join("bd")).unwrap();
    write_wav(&samples.join("bd/0.wav"), &[0.5; 100]);
    write_wav(&samples.join("bd/1.wav"), &[0.25; 200]);
    let session = dir.path().join("song.toml");
    std::fs::write(
        &session,
        r#"
samples = "samples"
tempo = [[0, 120], [4, 60]]

[[event]]
at = "0.5s"
sample = "bd:1"
gain = 0.8
speed = 1.5

[[event]]
at = "12345smp"
sample = "bd"

[[event]]
at = "6b"          # 4 beats at 120 bpm + 2 at 60 bpm = 4 s
sample = "bd:2"    # wraps to bd:0

[[event]]
at = 1.0
synth = "saw"
freq = 110.0
length = 0.25
cutoff = 2000.0

[[event]]
at = "3s"
sample = "nope:1"
"#,
    )
    .unwrap();
    let out = dir.path().join("out.wav");
    let run = Command::new(env!("CARGO_BIN_EXE_tutti"))
        .args([
            "render",
            session.to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
            "--bits",
            "32f",
            "--block",
            "64",
        ])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(run.status.success(), "{stderr}");
    assert!(stderr.contains("unknown sample 'nope:1'"), "{stderr}");
    let left = read_left(&out);
    // The saw starts at phase 0 (a zero sample), so its onset is one frame later.
    assert_eq!(onsets(&left, 1000), vec![12_345, 24_000, 48_001, 192_000]);
    // bd:1 at speed 1.5, gain 0.8: 0.25 · 0.8 for ceil(200 / 1.5) = 134 frames, the last
    // 48 (1 ms) fading out.
    assert!((left[24_000] - 0.2).abs() < 1e-6);
    assert_eq!(left[24_000 + 134], 0.0);
    // The render ends where the last voice ends: bd:0, 100 frames from 4 s.
    assert_eq!(left.len(), 192_000 + 100);
}

#[test]
fn bad_events_are_errors_naming_the_event() {
    let dir = tempfile::tempdir().unwrap();
    let session = dir.path().join("s.toml");
    for (body, expect) in [
        ("[[event]]\nat = 1\nsynth = \"saw\"\n", "needs a 'length'"),
        ("[[event]]\nat = 1\nsample = \"a\"\nspeed = 0\n", "speed 0"),
        ("[[event]]\nat = \"x\"\nsample = \"a\"\n", "not a time"),
        ("[[event]]\nat = 1\nsample = \"a\"\ngian = 1\n", "gian"),
        ("[[event]]\nat = 1\n", "exactly one of"),
    ] {
        std::fs::write(&session, body).unwrap();
        let err = tutti::session::Session::load(&session)
            .unwrap_err()
            .to_string();
        assert!(err.contains(expect), "{body:?} gave {err}");
    }
}
