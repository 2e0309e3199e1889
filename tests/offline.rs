//! Offline rendering: deterministic, nothing dropped, independent of block size and thread
//! timing, sample-exact starts.

mod common;
use common::*;

use std::path::Path;
use std::time::Duration;

use tutti::mixer::Channel;
use tutti::output::{render_offline, BlockSink, OutputError};
use tutti::render::{BusSpec, EngineConfig, RenderMode, Song, TrackSpec};
use tutti::source::{PoolConfig, SourceSpec};

/// Collects everything rendered.
struct Collect(Vec<f32>);

impl BlockSink for Collect {
    fn write_block(&mut self, b: &[f32]) -> Result<(), OutputError> {
        self.0.extend_from_slice(b);
        Ok(())
    }
}

fn render(song: &Song, config: &EngineConfig, pool: &PoolConfig) -> Vec<f32> {
    let mut playback = song.start(config, RenderMode::Offline, pool).unwrap();
    let mut sink = Collect(Vec::new());
    render_offline(&mut playback.renderer, &mut sink, &mut |_| {}).unwrap();
    sink.0
}

/// Six stems of different lengths, rates and channel counts, with gains, pans, a bus and starts.
fn song(dir: &Path) -> Song {
    let mut song = Song {
        master_gain_db: -1.5,
        ..Song::default()
    };
    song.buses.push(BusSpec::new(
        "b",
        Channel {
            gain_db: -2.0,
            pan: 0.25,
            ..Channel::default()
        },
    ));
    for i in 0..6u32 {
        let (channels, rate) = [
            (1, 48_000),
            (2, 48_000),
            (2, 44_100),
            (1, 32_000),
            (2, 48_000),
            (2, 96_000),
        ][i as usize];
        let frames = rate as usize * (2 + i as usize) / 2;
        let path = dir.join(format!("s{i}.wav"));
        write_wav(
            &path,
            &test_signal(frames, channels, i + 1),
            channels as u16,
            rate,
            if i % 2 == 0 { 16 } else { 32 },
        );
        let mut t = TrackSpec::new(format!("s{i}"), SourceSpec::File(path));
        t.channel = Channel {
            gain_db: -(i as f32),
            pan: (i as f32 - 2.5) / 3.0,
            ..Channel::default()
        };
        t.start_seconds = i as f64 * 0.123_45;
        t.bus = (i % 3 == 0).then_some(0);
        song.tracks.push(t);
    }
    song
}

#[test]
fn same_song_twice_gives_identical_bytes() {
    let d = temp_dir();
    let s = song(d.path());
    let a = render(&s, &EngineConfig::default(), &PoolConfig::default());
    let b = render(&s, &EngineConfig::default(), &PoolConfig::default());
    assert!(a.len() > 48_000 * 2);
    assert!(a.iter().zip(&b).all(|(x, y)| x.to_bits() == y.to_bits()) && a.len() == b.len());
}

#[test]
fn slow_decoders_and_tiny_rings_drop_nothing() {
    let d = temp_dir();
    let s = song(d.path());
    let normal = render(&s, &EngineConfig::default(), &PoolConfig::default());
    let starved = PoolConfig {
        ring_frames: 256,
        threads: 1,
        read_delay: Duration::from_micros(300),
    };
    let slow = render(&s, &EngineConfig::default(), &starved);
    assert_eq!(normal.len(), slow.len());
    assert!(
        normal
            .iter()
            .zip(&slow)
            .all(|(x, y)| x.to_bits() == y.to_bits()),
        "slow decoding changed the output"
    );
}

#[test]
fn block_size_does_not_change_the_output() {
    let d = temp_dir();
    let s = song(d.path());
    let reference = render(
        &s,
        &EngineConfig {
            block_frames: 128,
            ..EngineConfig::default()
        },
        &PoolConfig::default(),
    );
    for block_frames in [16, 64, 1024, 4096] {
        let out = render(
            &s,
            &EngineConfig {
                block_frames,
                ..EngineConfig::default()
            },
            &PoolConfig::default(),
        );
        assert_eq!(out.len(), reference.len(), "block {block_frames}");
        assert!(
            out.iter()
                .zip(&reference)
                .all(|(x, y)| x.to_bits() == y.to_bits()),
            "block {block_frames} differs"
        );
    }
}

#[test]
fn start_offset_is_sample_exact_and_length_is_the_longest_track() {
    let d = temp_dir();
    let path = d.path().join("click.wav");
    let mut click = vec![0.0f32; 1000];
    click[0] = 0.5;
    write_wav(&path, &click, 1, 48_000, 32);
    let mut song = Song::default();
    for start in [0.0, 0.001, 0.0107] {
        let mut t = TrackSpec::new("click", SourceSpec::File(path.clone()));
        t.start_seconds = start;
        song.tracks.push(t);
    }
    let out = render(&song, &EngineConfig::default(), &PoolConfig::default());
    let onsets: Vec<usize> = out
        .chunks(2)
        .enumerate()
        .filter(|(_, f)| f[0] != 0.0)
        .map(|(i, _)| i)
        .collect();
    assert_eq!(onsets, vec![0, 48, 514]);
    assert_eq!(out.len() / 2, 514 + 1000);
}

#[test]
fn mute_solo_gain_and_pan_are_applied() {
    let d = temp_dir();
    let path = d.path().join("dc.wav");
    write_wav(&path, &vec![0.5f32; 4800], 1, 48_000, 32);
    let track = |gain_db: f32, pan: f32, mute: bool, solo: bool| TrackSpec {
        channel: Channel {
            gain_db,
            pan,
            mute,
            solo,
        },
        ..TrackSpec::new("dc", SourceSpec::File(path.clone()))
    };
    let song = Song {
        tracks: vec![
            track(-6.0206, 1.0, false, true),
            track(0.0, 0.0, false, false),
            track(0.0, 0.0, true, true),
        ],
        ..Song::default()
    };
    let out = render(&song, &EngineConfig::default(), &PoolConfig::default());
    // Only the first track is heard (soloed, not muted): -6 dB, panned hard right.
    assert!(out[1000].abs() < 1e-6, "left {}", out[1000]);
    assert!((out[1001] - 0.25).abs() < 1e-5, "right {}", out[1001]);
}
