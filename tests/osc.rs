//! OSC control with a real client (python-osc): mute, gain, master and seek reach a playing
//! engine and show in its stdout stream; 1,000 garbage packets change nothing.

mod common;
use common::*;

use std::io::{BufRead, BufReader, Read};
use std::process::{Command, Stdio};

fn python_osc_available() -> bool {
    let ok = Command::new("python3")
        .args(["-c", "import pythonosc"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        if std::env::var("TUTTI_REQUIRE_TOOLS").as_deref() == Ok("1") {
            panic!("python-osc is required (TUTTI_REQUIRE_TOOLS=1): pip install python-osc");
        }
        eprintln!("SKIPPED osc_control: python-osc is not installed (pip install python-osc)");
    }
    ok
}

fn free_udp_port() -> u16 {
    std::net::UdpSocket::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Distinct non-silent plateaus of the left channel, in order (runs of at least 20 ms at one
/// value).
fn plateaus(left: &[f32]) -> Vec<f32> {
    let mut out: Vec<f32> = Vec::new();
    let mut run = 0;
    for w in left.windows(2) {
        run = if (w[1] - w[0]).abs() < 1e-6 {
            run + 1
        } else {
            0
        };
        if run == 960 && w[1] != 0.0 && out.last().is_none_or(|l| (l - w[1]).abs() > 1e-4) {
            out.push(w[1]);
        }
    }
    out
}

#[test]
fn osc_controls_a_playing_engine() {
    if !have_tool("python3", "osc_control") || !python_osc_available() {
        return;
    }
    let d = temp_dir();
    write_wav(
        &pb(d.path(), "a.wav"),
        &vec![0.1f32; 48_000 * 6],
        1,
        48_000,
        32,
    );
    write_wav(
        &pb(d.path(), "b.wav"),
        &vec![0.2f32; 48_000 * 6],
        1,
        48_000,
        32,
    );
    let port = free_udp_port();
    let mut tutti = Command::new(env!("CARGO_BIN_EXE_tutti"))
        .args([
            "play",
            &p(d.path(), "a.wav"),
            &p(d.path(), "b.wav"),
            "--stdout",
            "--osc",
            &port.to_string(),
            "--profile",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stderr = BufReader::new(tutti.stderr.take().unwrap());
    let mut line = String::new();
    stderr.read_line(&mut line).unwrap();
    assert!(line.contains("listening for OSC on 127.0.0.1"), "{line}");
    let mut stdout = tutti.stdout.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut bytes = Vec::new();
        stdout.read_to_end(&mut bytes).unwrap();
        bytes
    });
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/scripts/osc_control.py");
    let client = Command::new("python3")
        .args([script, &port.to_string()])
        .output()
        .unwrap();
    assert!(
        client.status.success(),
        "{}",
        String::from_utf8_lossy(&client.stderr)
    );
    let bytes = reader.join().unwrap();
    assert!(tutti.wait().unwrap().success());
    let mut rest = String::new();
    stderr.read_to_string(&mut rest).unwrap();

    let samples: Vec<f32> = bytes
        .chunks_exact(4)
        .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
        .collect();
    let left: Vec<f32> = samples.iter().step_by(2).copied().collect();
    // A track refilling after a seek is silent for a moment: silent plateaus are left out.
    let levels = plateaus(&left);
    // Both tracks (0.3), track 2 muted (0.1), track 1 at -6 dB (0.05), master x2 (0.1); the
    // garbage changes nothing; after the seek to 5 s the last second plays at 0.1.
    let expected = [0.3f32, 0.1, 0.05, 0.1];
    assert_eq!(levels.len(), expected.len(), "plateaus {levels:?}");
    for (l, e) in levels.iter().zip(expected) {
        assert!((l - e).abs() < 1e-4, "plateaus {levels:?}");
    }
    // The seek at about 3 s cut the 6 s song to about 4 s of stream.
    let seconds = left.len() as f64 / 48_000.0;
    assert!((3.5..4.8).contains(&seconds), "{seconds} s streamed");
    let status = String::from_utf8_lossy(&client.stdout).into_owned();
    let fields: Vec<&str> = status
        .trim()
        .trim_start_matches("status: ")
        .split(' ')
        .collect();
    assert_eq!(fields.len(), 8, "{status}");
    // Every garbage packet is counted as ignored (UDP on loopback may drop a few of a burst).
    let ignored: u64 = fields[7].parse().unwrap();
    assert!(
        (950..=1000).contains(&ignored),
        "{ignored} packets ignored: {status}"
    );
    assert!(rest.contains("underruns: 0 in all"), "{rest}");
}
