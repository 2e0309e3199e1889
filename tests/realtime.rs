//! Real-time mode, pulled by hand as a sound card would: sample-exact seeks that never block,
//! smoothed gain jumps, underruns that stay on their own track, pause and play.

mod common;
use common::*;

use std::path::Path;
use std::time::Duration;

use tutti::mixer::Channel;
use tutti::output::{render_offline, BlockSink, OutputError};
use tutti::render::{Command, EngineConfig, Playback, RenderMode, Song, TrackSpec};
use tutti::source::{FrameReader, PoolConfig, SourceSpec};

struct Collect(Vec<f32>);

impl BlockSink for Collect {
    fn write_block(&mut self, b: &[f32]) -> Result<(), OutputError> {
        self.0.extend_from_slice(b);
        Ok(())
    }
}

fn offline(song: &Song) -> Vec<f32> {
    let mut pb = song
        .start(
            &EngineConfig::default(),
            RenderMode::Offline,
            &PoolConfig::default(),
        )
        .unwrap();
    let mut sink = Collect(Vec::new());
    render_offline(&mut pb.renderer, &mut sink, &mut |_| {}).unwrap();
    sink.0
}

/// Renders one block in real-time mode; returns (song position before the block, samples).
fn block(pb: &mut Playback) -> (u64, Vec<f32>) {
    let mut out = vec![0.0f32; 256];
    let pos = pb.renderer.position_frames();
    pb.renderer.process(&mut out);
    (pos, out)
}

fn two_stems(dir: &Path) -> Song {
    let mut song = Song::default();
    for (i, (channels, rate)) in [(2usize, 48_000u32), (1, 44_100)].into_iter().enumerate() {
        let path = dir.join(format!("s{i}.wav"));
        write_wav(
            &path,
            &test_signal(rate as usize * 4, channels, i as u32 + 3),
            channels as u16,
            rate,
            32,
        );
        let mut t = TrackSpec::new(format!("s{i}"), SourceSpec::File(path));
        t.start_seconds = 0.25 * i as f64;
        song.tracks.push(t);
    }
    song
}

#[test]
fn seek_is_sample_exact_and_never_blocks() {
    let d = temp_dir();
    let song = two_stems(d.path());
    let reference = offline(&song);
    let mut pb = song
        .start(
            &EngineConfig::default(),
            RenderMode::RealTime,
            &PoolConfig::default(),
        )
        .unwrap();
    std::thread::sleep(Duration::from_millis(200));
    for _ in 0..100 {
        block(&mut pb);
        std::thread::sleep(Duration::from_micros(2600));
    }
    let before = pb.renderer.stats().underruns();
    let target = 100_003u64; // 2.083 s, not on a block boundary
    pb.handle.send(Command::Seek { frame: target }).unwrap();
    let mut after_seek = None;
    let mut matched = 0;
    for _ in 0..2000 {
        let (pos, out) = block(&mut pb);
        if after_seek.is_none() && pos < 12_800 + 1024 {
            continue; // still fading out before the seek
        }
        after_seek.get_or_insert(pos);
        // Once both tracks have refilled and the fade-in is over, every sample is the offline one.
        if 2 * pos as usize + out.len() > reference.len() {
            break;
        }
        let expected = &reference[2 * pos as usize..2 * pos as usize + out.len()];
        if out == expected {
            matched += 1;
            if matched == 200 {
                break;
            }
        } else {
            assert_eq!(matched, 0, "at frame {pos}: matched, then diverged");
        }
        std::thread::sleep(Duration::from_micros(2600)); // about real time
    }
    assert_eq!(after_seek, Some(target), "the position after the seek");
    assert_eq!(
        matched, 200,
        "the output never matched the offline render after the seek"
    );
    assert_eq!(
        pb.renderer.stats().underruns(),
        before,
        "refilling after a seek is not an underrun"
    );
}

#[test]
fn a_20_db_gain_jump_is_smoothed() {
    let d = temp_dir();
    let path = d.path().join("dc.wav");
    write_wav(&path, &vec![0.5f32; 48_000], 1, 48_000, 32);
    let song = Song {
        tracks: vec![TrackSpec::new("dc", SourceSpec::File(path))],
        ..Song::default()
    };
    let config = EngineConfig::default();
    let mut pb = song
        .start(&config, RenderMode::Offline, &PoolConfig::default())
        .unwrap();
    let mut out = Vec::new();
    for i in 0..40 {
        if i == 10 {
            let channel = Channel {
                gain_db: -20.0,
                ..Channel::default()
            };
            pb.handle
                .send(Command::SetTrack { track: 0, channel })
                .unwrap();
        }
        out.extend(block(&mut pb).1);
    }
    // 0.5 → 0.05 over the 5 ms ramp (240 frames): no step larger than 0.45 / 240.
    let bound = 0.45 / config.ramp_frames() as f32 * 1.001;
    let steps: Vec<f32> = out
        .chunks(2)
        .map(|f| f[0])
        .collect::<Vec<_>>()
        .windows(2)
        .map(|w| (w[1] - w[0]).abs())
        .collect();
    let largest = steps.iter().fold(0.0f32, |m, s| m.max(*s));
    assert!(largest <= bound, "step {largest} > {bound}");
    assert!(
        (out[out.len() - 2] - 0.05).abs() < 1e-6,
        "settles at -20 dB"
    );
}

/// A reader that produces `frames` frames of a signal, slowly: starves in real time.
struct Starving {
    left: usize,
}

impl FrameReader for Starving {
    fn read(&mut self, out: &mut Vec<f32>, _: &mut dyn FnMut(String)) -> bool {
        std::thread::sleep(Duration::from_millis(20));
        let n = self.left.min(64);
        out.extend((0..n * 2).map(|i| (i as f32 * 0.01).sin()));
        self.left -= n;
        self.left > 0
    }
}

#[test]
fn an_underrun_stays_on_its_own_track() {
    let d = temp_dir();
    let path = d.path().join("a.wav");
    let signal = test_signal(48_000, 2, 9);
    write_wav(&path, &signal, 2, 48_000, 32);
    let normal = TrackSpec::new("normal", SourceSpec::File(path.clone()));
    let starved = TrackSpec {
        channel: Channel {
            mute: true,
            ..Channel::default()
        },
        ..TrackSpec::new("starved", SourceSpec::File(path.clone()))
    };
    let song = Song {
        tracks: vec![normal.clone(), starved],
        ..Song::default()
    };
    let readers: Vec<Box<dyn FrameReader>> = vec![
        Box::new(
            tutti::source::open_readers(std::slice::from_ref(&normal.source), 48_000)
                .unwrap()
                .readers
                .pop()
                .unwrap(),
        ),
        Box::new(Starving { left: 48_000 }),
    ];
    let mut pb = song
        .start_with_readers(
            readers,
            &EngineConfig::default(),
            RenderMode::RealTime,
            &PoolConfig::default(),
        )
        .unwrap();
    std::thread::sleep(Duration::from_millis(300));
    let mut out = Vec::new();
    for _ in 0..200 {
        out.extend(block(&mut pb).1);
    }
    let per_track = pb.renderer.stats().track_underruns();
    assert_eq!(per_track[0], 0, "the healthy track underran");
    assert!(per_track[1] > 0, "the starved track never underran");
    assert!(
        out.iter().zip(&signal).all(|(a, b)| a == b),
        "the healthy track's output changed"
    );
}

#[test]
fn pause_holds_the_position_and_play_resumes() {
    let d = temp_dir();
    let song = two_stems(d.path());
    let mut pb = song
        .start(
            &EngineConfig::default(),
            RenderMode::Offline,
            &PoolConfig::default(),
        )
        .unwrap();
    for _ in 0..10 {
        block(&mut pb);
    }
    pb.handle.send(Command::Pause).unwrap();
    for _ in 0..10 {
        block(&mut pb);
    }
    let held = pb.renderer.position_frames();
    let (_, silent) = block(&mut pb);
    assert!(
        silent.iter().all(|s| *s == 0.0)
            && pb.renderer.position_frames() == held
            && !pb.renderer.is_playing()
    );
    pb.handle.send(Command::Play).unwrap();
    block(&mut pb);
    assert_eq!(pb.renderer.position_frames(), held + 128);
    let stats = pb.renderer.stats().budget_report();
    assert!(stats.blocks > 0 && stats.p50_percent > 0.0, "{stats:?}");
}

/// Reads everything a reader gives.
fn read_all(reader: &mut dyn FrameReader) -> Vec<f32> {
    let mut out = Vec::new();
    while reader.read(&mut out, &mut |w| panic!("{w}")) {}
    out
}

#[test]
fn readers_seek_to_the_exact_frame_in_every_format() {
    if !have_tool("sox", "readers_seek") || !have_tool("ffmpeg", "readers_seek") {
        return;
    }
    let d = temp_dir();
    let dir = d.path();
    sox_synth(
        &p(dir, "a.wav"),
        "-r 48000 -c 2 -b 24",
        "6 pinknoise vol 0.3",
    );
    for (name, args) in [
        ("a.flac", vec!["-c:a", "flac"]),
        ("a16.wav", vec!["-c:a", "pcm_s16le"]),
        ("a.mp3", vec!["-c:a", "libmp3lame"]),
        ("a.ogg", vec!["-c:a", "libvorbis"]),
        ("a44.flac", vec!["-ar", "44100", "-c:a", "flac"]),
    ] {
        let out = p(dir, name);
        let mut all = vec!["-loglevel", "error", "-y", "-i"];
        let src = p(dir, "a.wav");
        all.push(&src);
        all.extend(args);
        all.push(&out);
        run("ffmpeg", &all);
    }
    for name in ["a.wav", "a.flac", "a16.wav", "a.mp3", "a.ogg", "a44.flac"] {
        let spec = [SourceSpec::File(pb(dir, name))];
        let whole = read_all(
            &mut tutti::source::open_readers(&spec, 48_000)
                .unwrap()
                .readers
                .pop()
                .unwrap(),
        );
        for frame in [0u64, 1, 4095, 100_003, 240_000] {
            let mut reader = tutti::source::open_readers(&spec, 48_000)
                .unwrap()
                .readers
                .pop()
                .unwrap();
            reader.read(&mut Vec::new(), &mut |_| {});
            reader.seek(frame).unwrap();
            let after = read_all(&mut reader);
            assert_eq!(
                after.len(),
                whole.len() - 2 * frame as usize,
                "{name} at {frame}: length"
            );
            assert!(
                after == whole[2 * frame as usize..],
                "{name}: the frames after a seek to {frame} differ"
            );
        }
    }
}
