//! `tutti demo`: a short song synthesised in code, rendered through the real engine (memory
//! sources, a drum bus, pans, a mono stem and a stem at 44.1 kHz that is resampled).

use std::f32::consts::TAU;
use std::sync::Arc;

use tutti::mixer::Channel;
use tutti::render::{BusSpec, EngineConfig, Song, TrackSpec};
use tutti::source::SourceSpec;

use super::{mix::render_song, CliError, DemoArgs, OutputArgs};

const RATE: u32 = 48_000;
const BPM: f32 = 120.0;
const BARS: usize = 8;

pub(super) fn demo(args: DemoArgs) -> Result<(), CliError> {
    let song = demo_song();
    if !args.quiet {
        eprintln!(
            "tutti demo: {BARS} bars at {BPM} BPM, {} stems:",
            song.tracks.len()
        );
        for t in &song.tracks {
            let SourceSpec::Memory { channels, rate, .. } = &t.source else {
                continue;
            };
            eprintln!(
                "  {:<6} {} at {rate} Hz, gain {:+.1} dB, pan {:+.2}{}",
                t.name,
                if *channels == 1 { "mono  " } else { "stereo" },
                t.channel.gain_db,
                t.channel.pan,
                t.bus
                    .map(|b| format!(", bus '{}'", song.buses[b].name))
                    .unwrap_or_default()
            );
        }
    }
    let out = OutputArgs {
        output: Some(args.output),
        bits: args.bits,
        block: None,
        quiet: args.quiet,
    };
    render_song(&song, &EngineConfig::default(), &out)
}

fn beat_frames(rate: u32) -> usize {
    (rate as f32 * 60.0 / BPM) as usize
}

fn memory(samples: Vec<f32>, channels: usize, rate: u32) -> SourceSpec {
    SourceSpec::Memory {
        samples: Arc::from(samples),
        channels,
        rate,
    }
}

fn track(name: &str, source: SourceSpec, gain_db: f32, pan: f32, bus: Option<usize>) -> TrackSpec {
    TrackSpec {
        bus,
        channel: Channel {
            gain_db,
            pan,
            ..Channel::default()
        },
        ..TrackSpec::new(name, source)
    }
}

/// The demo: kick and hats on a drum bus, a bass line, and a chord pad at 44.1 kHz.
fn demo_song() -> Song {
    let drums = Some(0);
    Song {
        tracks: vec![
            track("kick", memory(kick(), 1, RATE), -3.0, 0.0, drums),
            track("hats", memory(hats(), 2, RATE), -12.0, 0.3, drums),
            track("bass", memory(bass(), 1, RATE), -6.0, -0.1, None),
            track("pad", memory(pad(44_100), 2, 44_100), -10.0, 0.0, None),
        ],
        buses: vec![BusSpec::new(
            "drums",
            Channel {
                gain_db: -1.0,
                ..Channel::default()
            },
        )],
        master_gain_db: -3.0,
        ..Song::default()
    }
}

fn song_frames(rate: u32) -> usize {
    beat_frames(rate) * 4 * BARS
}

/// A sine kick on every beat, its pitch falling from 150 Hz to 45 Hz.
fn kick() -> Vec<f32> {
    let mut out = vec![0.0; song_frames(RATE)];
    for beat in 0..4 * BARS {
        let start = beat * beat_frames(RATE);
        let mut phase = 0.0f32;
        for i in 0..(RATE as usize * 3 / 10) {
            let t = i as f32 / RATE as f32;
            phase += TAU * (45.0 + 105.0 * (-t * 30.0).exp()) / RATE as f32;
            out[start + i] += phase.sin() * (-t * 12.0).exp();
        }
    }
    out
}

/// Noise bursts on the off-beats, alternating sides.
fn hats() -> Vec<f32> {
    let mut out = vec![0.0; song_frames(RATE) * 2];
    let mut seed = 0x2545_f491u32;
    let eighth = beat_frames(RATE) / 2;
    for n in 0..8 * BARS {
        let start = n * eighth;
        let side = n % 2;
        let mut last = 0.0;
        for i in 0..eighth / 2 {
            seed ^= seed << 13;
            seed ^= seed >> 17;
            seed ^= seed << 5;
            let noise = seed as f32 / u32::MAX as f32 * 2.0 - 1.0;
            let bright = noise - last; // a first difference: a gentle high-pass
            last = noise;
            let env = (-(i as f32) / RATE as f32 * 60.0).exp() * if n % 2 == 1 { 1.0 } else { 0.5 };
            out[2 * (start + i) + side] += bright * env;
            out[2 * (start + i) + 1 - side] += bright * env * 0.5;
        }
    }
    out
}

/// Root notes of the progression, in Hz (A, F, C, G).
const ROOTS: [f32; 4] = [110.0, 87.31, 130.81, 98.0];

/// A soft saw-like bass (five harmonics) playing eighth notes on each bar's root.
fn bass() -> Vec<f32> {
    let mut out = vec![0.0; song_frames(RATE)];
    let eighth = beat_frames(RATE) / 2;
    for n in 0..8 * BARS {
        let f = ROOTS[(n / 8) % 4] * if n % 4 == 3 { 2.0 } else { 1.0 };
        for i in 0..eighth {
            let t = i as f32 / RATE as f32;
            let env = (1.0 - (-t * 400.0).exp()) * (-t * 4.0).exp();
            let wave: f32 = (1..=5)
                .map(|h| (TAU * f * h as f32 * t).sin() / h as f32)
                .sum();
            out[n * eighth + i] = 0.5 * wave * env;
        }
    }
    out
}

/// A slow stereo chord pad (root, third, fifth, octave), made at `rate` Hz.
fn pad(rate: u32) -> Vec<f32> {
    let frames = song_frames(rate);
    let bar = beat_frames(rate) * 4;
    let mut out = vec![0.0; frames * 2];
    for (i, frame) in out.chunks_exact_mut(2).enumerate() {
        let t = i as f32 / rate as f32;
        let root = ROOTS[(i / bar) % 4] * 2.0;
        let in_bar = (i % bar) as f32 / bar as f32;
        let env = (in_bar * 8.0).min(1.0) * (1.0 - in_bar * 0.5);
        let third = if (i / bar).is_multiple_of(4) {
            1.1892
        } else {
            1.2599
        };
        let notes = [1.0, third, 1.4983, 2.0];
        let (mut l, mut r) = (0.0, 0.0);
        for (k, ratio) in notes.iter().enumerate() {
            let s = (TAU * root * ratio * t * (1.0 + 0.002 * k as f32)).sin();
            l += s * (1.0 - 0.2 * k as f32);
            r += s * (0.4 + 0.2 * k as f32);
        }
        frame[0] = 0.25 * l * env;
        frame[1] = 0.25 * r * env;
    }
    out
}
