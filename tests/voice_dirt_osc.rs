//! A real OSC client: python-osc sends a Tidal-style sequence of timestamped bundles (bd, sn, hh)
//! to `tutti serve --dirt --stdout`; the onsets in the captured stream are spaced exactly as the
//! timestamps (±1 ms; in fact ±1 frame). Skipped when python3 or python-osc is missing, unless
//! `TUTTI_REQUIRE_TOOLS=1`.

use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use std::process::{Command, Stdio};

const RATE: u32 = 48_000;

fn python_osc_available() -> bool {
    Command::new("python3")
        .args(["-c", "import pythonosc"])
        .output()
        .is_ok_and(|o| o.status.success())
}

fn write_sample(path: &Path, seconds: f32, f: impl Fn(f32) -> f32) {
    let spec = hound::WavSpec {
        channels: 1,
        sample_rate: RATE,
        bits_per_sample: 32,
        sample_format: hound::SampleFormat::Float,
    };
    let mut w = hound::WavWriter::create(path, spec).unwrap();
    for i in 0..(seconds * RATE as f32) as usize {
        w.write_sample(f(i as f32 / RATE as f32)).unwrap();
    }
    w.finalize().unwrap();
}

/// Deterministic noise in [−1, 1], never exactly 0.
fn noise(t: f32) -> f32 {
    let x = ((t * RATE as f32) as u32).wrapping_mul(2_654_435_761) >> 8;
    (x as f32 / 8_388_608.0 - 1.0)
        .clamp(-1.0, 1.0)
        .max(1e-3 - 1.0)
        + 1e-4
}

fn samples(dir: &Path) {
    for (name, count) in [("bd", 4), ("sn", 3), ("hh", 3)] {
        std::fs::create_dir_all(dir.join(name)).unwrap();
        for n in 0..count {
            let path = dir.join(format!("{name}/{name}{n}.wav"));
            match name {
                "bd" => write_sample(&path, 0.09, |t| {
                    (t * 60.0 * std::f32::consts::TAU).cos() * (-t / 0.04).exp()
                }),
                "sn" => write_sample(&path, 0.1, |t| noise(t) * (-t / 0.03).exp()),
                _ => write_sample(&path, 0.04, |t| noise(t) * 0.5 * (-t / 0.01).exp()),
            }
        }
    }
}

/// Starts of sounds: a non-zero frame after at least `gap` zero frames.
fn onsets(left: &[f32], gap: usize) -> Vec<usize> {
    let mut out = Vec::new();
    let mut silent = gap;
    for (i, v) in left.iter().enumerate() {
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

fn require_python_osc() -> bool {
    if python_osc_available() {
        return true;
    }
    assert!(
        std::env::var("TUTTI_REQUIRE_TOOLS").as_deref() != Ok("1"),
        "python3 with python-osc is required (pip install python-osc)"
    );
    println!("SKIPPED: python3 with python-osc not found (pip install python-osc)");
    false
}

/// What one session of `tutti serve` gave: its stdout, its stderr and the offsets (s) the client
/// stamped its bundles with, relative to the first.
struct Served {
    stdout: Vec<u8>,
    stderr: String,
    offsets: Vec<f64>,
}

/// Runs `tutti serve --dirt` with `extra` arguments and the python-osc client against it.
fn serve_and_send(samples_dir: &Path, extra: &[&str]) -> Served {
    let mut server = Command::new(env!("CARGO_BIN_EXE_tutti"))
        .args(["serve", "--dirt", "--port", "0", "--rate", "48000"])
        // Generous, so that a loaded machine still gets every event before its frame.
        .args(["--latency", "0.5"])
        .args(extra)
        .arg("--samples")
        .arg(samples_dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = server.stdout.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut bytes = Vec::new();
        stdout.read_to_end(&mut bytes).unwrap();
        bytes
    });
    let mut stderr = BufReader::new(server.stderr.take().unwrap());
    let mut line = String::new();
    stderr.read_line(&mut line).unwrap();
    let port = line
        .split("udp://")
        .nth(1)
        .and_then(|r| r.split([' ', ')']).next())
        .and_then(|a| a.rsplit(':').next())
        .unwrap_or_else(|| panic!("no port in {line:?}"));
    let client = Command::new("python3")
        .arg(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/dirt_client.py"))
        .arg(port)
        .output()
        .unwrap();
    assert!(
        client.status.success(),
        "{}",
        String::from_utf8_lossy(&client.stderr)
    );
    let offsets: Vec<f64> = String::from_utf8_lossy(&client.stdout)
        .trim()
        .trim_matches(['[', ']'])
        .split(',')
        .map(|x| x.trim().parse().unwrap())
        .collect();
    let stdout = reader.join().unwrap();
    let mut rest = String::new();
    stderr.read_to_string(&mut rest).unwrap();
    let stderr = line + &rest;
    assert!(server.wait().unwrap().success(), "{stderr}");
    assert!(
        stderr.contains("13 played, 1 malformed, 1 unknown sound"),
        "{stderr}"
    );
    assert!(stderr.contains("0 late"), "{stderr}");
    Served {
        stdout,
        stderr,
        offsets,
    }
}

/// The left channel of interleaved stereo f32le bytes.
fn left_f32le(bytes: &[u8]) -> Vec<f32> {
    bytes
        .chunks_exact(8)
        .map(|f| f32::from_le_bytes([f[0], f[1], f[2], f[3]]))
        .collect()
}

/// Checks that the onsets after the first (the bare message's) are spaced as `offsets`, within
/// `tolerance_frames`.
fn assert_spacing(found: &[usize], offsets: &[f64], tolerance_frames: f64, context: &str) {
    assert_eq!(
        found.len(),
        1 + offsets.len(),
        "onsets {found:?}\n{context}"
    );
    let first = found[1];
    for (onset, offset) in found[1..].iter().zip(offsets) {
        let measured = (onset - first) as f64 / RATE as f64;
        assert!(
            (measured - offset).abs() <= 0.001,
            "onset at {measured:.5} s, sent for {offset:.5} s"
        );
        assert!(
            (measured - offset).abs() <= tolerance_frames / RATE as f64,
            "off by more than {tolerance_frames} frames: {measured} vs {offset}"
        );
    }
}

#[test]
fn tidal_bundles_play_exactly_as_spaced() {
    if !require_python_osc() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    samples(dir.path());
    let served = serve_and_send(
        dir.path(),
        &["--stdout", "--format", "f32le", "--duration", "6"],
    );
    assert_eq!(served.stdout.len(), 6 * RATE as usize * 8);
    let found = onsets(&left_f32le(&served.stdout), 500);
    // The bare message first, then one onset per bundle, sample-exact (rounding: ±1 frame).
    assert_spacing(&found, &served.offsets, 1.5, &served.stderr);
}

/// The same through the sound card (feature `device`): a PulseAudio null sink recorded from its
/// monitor with `parec`. Skipped without a PulseAudio server, unless `TUTTI_REQUIRE_TOOLS=1`.
#[cfg(feature = "device")]
#[test]
fn tidal_bundles_through_the_sound_card() {
    let pulse = Command::new("pactl")
        .arg("info")
        .output()
        .is_ok_and(|o| o.status.success());
    let parec = Command::new("parec")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !pulse || !parec {
        assert!(
            std::env::var("TUTTI_REQUIRE_TOOLS").as_deref() != Ok("1"),
            "a running PulseAudio server and parec are required (.ci/run starts one)"
        );
        println!("SKIPPED: no PulseAudio server or parec (see .ci/run for a headless one)");
        return;
    }
    if !require_python_osc() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    samples(dir.path());
    let capture = dir.path().join("capture.raw");
    let mut recorder = Command::new("parec")
        .args(["--latency-msec=20", "-d", "@DEFAULT_MONITOR@"])
        .args(["--rate=48000", "--channels=2", "--format=float32le"])
        .stdout(Stdio::from(std::fs::File::create(&capture).unwrap()))
        .spawn()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_secs(2)); // a fresh null sink warms up
    let served = serve_and_send(dir.path(), &["--duration", "6", "--buffer-ms", "20"]);
    std::thread::sleep(std::time::Duration::from_millis(500));
    let _ = Command::new("kill")
        .args(["-INT", &recorder.id().to_string()])
        .status();
    let _ = recorder.wait();
    let bytes = std::fs::read(&capture).unwrap();
    let left: Vec<f32> = left_f32le(&bytes)
        .into_iter()
        .map(|x| if x.abs() < 1e-5 { 0.0 } else { x })
        .collect();
    let found = onsets(&left, 500);
    // Through the device the frames are the same; allow 1 ms for the sink's resampling or
    // rounding.
    assert_spacing(&found, &served.offsets, 48.0, &served.stderr);
}
